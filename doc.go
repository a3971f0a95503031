/*
Command onebp is a reproducible benchmark harness for "One Backpropagation
in Two Tower Recommendation Models" (Chen & Wang, arXiv:2403.18227): it
trains OneBP and TwoBP on public datasets and reports accuracy, time and
memory. DESIGN.md states what it computes.

Usage:

	onebp                      OneBP vs TwoBP on the embedded synthetic dataset, each trained to its best on validation
	onebp datasets [NAME...]   which datasets are present, corrupt or missing; or load some and print their statistics
	onebp fetch NAME...        download from the official source, verify the fingerprint, then move into place
	onebp train [flags]        train one model: a progress line per epoch, then the final, best-on-test and validated tables
	onebp bench [flags]        OneBP and TwoBP on every dataset present, as a resumable grid; (re)writes results/PRESET/
	onebp tune [flags]         search each strategy's hyper-parameters on validation, then compare them at their choices; (re)writes results/tuned/
	onebp parity [flags]       the comparison with the authors' published figures (results/parity/)
	onebp diff OLD NEW         compare two result sets; exit 1 when a quality metric changed
	onebp version              module version, commit (and whether the tree was dirty), training codes, kernels, machine

"onebp COMMAND -h" lists a command's flags with their defaults; what
follows says what they are for. Exit status 2 is a usage error (a flag, a
file or an argument refused, naming it, before anything runs); 1 is a
failure, an interruption, or for diff a changed metric.

# Datasets

A dataset is a registered name (ml-100k, ml-1m, gowalla, yelp2018,
amazon-book, onebp-ml100k), synthetic[:users=U,items=I,interactions=N,seed=S],
or your own files: movielens:FILE, lightgcn:DIR (train.txt, test.txt) or
csv:DIR (train.csv, test.csv, header user,item[,rating]). The data
directory is -data-dir, else $ONEBP_DATA, else <user cache dir>/onebp;
onebp fetch downloads the official files and checks their published
fingerprints, and every load checks them and DESIGN.md's statistics again.
-split-seed seeds the per-user 80/20 split of the sets without a given one.

# train

	onebp train -dataset ml-1m -strategy twobp -preset validated -json run.json

-preset (validated, paper or quick) sets the hyper-parameters; -h shows
what each sets per dataset, and -dim, -lr, -l2, -beta, -negatives,
-batch, -temperature, -epochs, -seed override them. -optimizer adam
(dense, as PyTorch; executed lazily without weight decay), adam-eager
(every row at every step) or sparse-adam (only the rows of the batch);
-aggregation reference or sequential (OneBP with a user repeated in a
batch); -workers never changes a result. -eval-every, -validation,
-select and -patience are the protocol (DESIGN.md, "The validation
protocol"). Outputs: -out (the run record, Go benchmark format), -json
(everything, every epoch), -export (NumPy tables of the state the
protocol selected, and the rows' dataset ids), -checkpoint (the state,
saved after every epoch; the same command again resumes it, and refuses
one of another run), -resume (a checkpoint to start from; with -epochs
equal to the epochs it holds, only evaluate it). Ctrl-C or SIGTERM
stops between batches and writes what is complete, marked interrupted.

# bench

	onebp bench -preset validated -seeds 5
	onebp bench -preset validated -seeds 3 -dim 64 -datasets gowalla,yelp2018 -out results/validated-dim64
	onebp bench -preset validated -seeds 3 -datasets ml-1m -sweep dim=32,64,128,256,512 -out results/sweep-dim-ml1m

A grid of jobs (dataset, sweep point, strategy, seed) over -datasets with
-seeds seeds from the preset's, written to -out (default results/PRESET;
for validated, README.md's summary too, or -readme's). The hyper-parameter
flags of train override the preset for every job (beta and aggregation
OneBP's only); -sweep NAME=V1,V2,... runs every value of dim, beta,
negatives, lr, l2, temperature or batch, several making their product.
A job recorded with the same setting, data and training code is skipped;
a running job saves a checkpoint every -checkpoint-every and resumes from
it; -shard K/N runs a fixed part of the jobs, so that N processes share
one -out; -status says where each job stands; -rewrite regenerates the
reports from the records. docs/grids.md has Slurm and Kubernetes recipes.

# tune

	onebp tune -datasets ml-100k,onebp-ml100k,ml-1m -trials 16 -seeds 5
	onebp tune -datasets ml-1m -space-twobp 'lr=1e-4:1e-2:log:4,l2=0|1e-6:1e-4:log:3' -space-onebp 'lr=1e-4:1e-2:log:4,beta=0.9|0.99|0.999' -sampler grid -trials 12

A bench grid under the validated preset that first tunes each strategy on
validation: -trials validated runs per dataset and strategy (seed one
below the preset's), at points of -space-onebp and -space-twobp drawn by
-sampler (halton, random or grid). A space is NAME=ALTERNATIVES,... over
the names -sweep takes, each alternative a value or a LO:HI[:log][:N]
range (N: its grid points); both spaces search as many parameters, and
the defaults are the learning rate with OneBP's beta and TwoBP's L2
(DESIGN.md, "Tuning"). Once a strategy's trials on a dataset are
recorded, its best on validation (the test set takes no part) runs
-seeds seeds beside the preset's setting, and the report compares
both, saying how far tuning moved the answer. Jobs, shards, -status,
-rewrite and the hyper-parameter flags are bench's; a shard whose tuned
runs wait for another's trials says so, and the same command runs them
later.

# diff

	onebp diff -set validated HEAD~1 HEAD

compares two record files, results directories or result sets committed
at two git revisions (-set picks results/SET): configurations, then every
quality value, exactly. For timings, use benchstat on quality.txt and
timing.txt, which are in the Go benchmark format.

# parity

	onebp parity -seeds 5

runs both strategies on the authors' ML-100k split for -epochs (300, the
reference's) and writes the comparison with the authors' figures to -out.

# datasets, fetch, version

	onebp datasets
	onebp fetch onebp-ml100k ml-100k
	onebp version
*/
package main
