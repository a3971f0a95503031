package data

// A File is one file of a dataset source, as laid out in
// <data dir>/<dataset>/<Path>.
type File struct {
	Path   string // official file name, e.g. "ml-100k.zip" or "train.txt"
	Member string // archive member to read in place; "" for a plain file
	URL    string // official download; "" when the file is derived and cannot be fetched
	Digests
}

// A format is how a source's files are read.
type format int

const (
	movieLens  format = iota // one ratings file, split per user
	lightGCN                 // train.txt + test.txt, given split
	authorsCSV               // train.csv + test.csv, given split
)

// A Source is one way a dataset can be present: a set of files in one
// format. Files[0] is the ratings file, or train then test.
type Source struct {
	Files  []File
	format format
	layout *movieLensLayout // for movieLens sources
}

// Registered is a dataset onebp knows: where it comes from, how to check it
// and what it must contain.
type Registered struct {
	Name string
	// Sources in order of preference; Sources[0] is the official one that
	// fetch downloads.
	Sources []Source
	// Want holds the statistics of DESIGN.md ("Datasets"); Train and Test are 0 for
	// datasets split per user, whose sizes follow from the split.
	Want  Stats
	Terms string // licence and citation, for the README and `datasets`
}

const (
	movieLensTerms = "MovieLens terms (GroupLens): research use only, no redistribution, cite Harper & Konstan, ACM TiiS 2015"
	lightGCNTerms  = "LightGCN split (He et al., SIGIR 2020; Wang et al., SIGIR 2019); research use"
	lightGCNBase   = "https://raw.githubusercontent.com/kuandeng/LightGCN/master/Data/"
	oneBPBase      = "https://raw.githubusercontent.com/studentcej/OneBP/9d738a486f6bfcd8deaa11f14156688b0393fbed/data/"
)

// Registry lists the datasets in DESIGN.md's order.
func Registry() []Registered {
	lightgcn := func(name string, train, test Digests, want Stats) Registered {
		return Registered{
			Name: name,
			Sources: []Source{{format: lightGCN, Files: []File{
				{Path: "train.txt", URL: lightGCNBase + name + "/train.txt", Digests: train},
				{Path: "test.txt", URL: lightGCNBase + name + "/test.txt", Digests: test},
			}}},
			Want:  want,
			Terms: lightGCNTerms,
		}
	}
	return []Registered{
		{
			Name: "ml-100k",
			Sources: []Source{
				{format: movieLens, layout: uData, Files: []File{{
					Path: "ml-100k.zip", Member: "ml-100k/u.data",
					URL: "https://files.grouplens.org/datasets/movielens/ml-100k.zip",
					Digests: Digests{
						SHA256: "50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229",
						MD5:    "0e33842e24a9c977be4e0107933c0723",
					},
				}}},
				{format: movieLens, layout: uData, Files: []File{{
					Path: "u.data",
					URL:  "https://files.grouplens.org/datasets/movielens/ml-100k/u.data",
					Digests: Digests{
						SHA256: "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490",
					},
				}}},
			},
			Want:  Stats{Users: 943, Items: 1682, Interactions: 100000},
			Terms: movieLensTerms,
		},
		{
			Name: "ml-1m",
			Sources: []Source{
				{format: movieLens, layout: ratingsDat, Files: []File{{
					Path: "ml-1m.zip", Member: "ml-1m/ratings.dat",
					URL: "https://files.grouplens.org/datasets/movielens/ml-1m.zip",
					Digests: Digests{
						SHA256: "a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20",
						MD5:    "c4d9eecfca2ab87c1945afe126590906",
					},
				}}},
				// An extracted ratings.dat has no published fingerprint; the
				// statistics check stands in for it.
				{format: movieLens, layout: ratingsDat, Files: []File{{Path: "ratings.dat"}}},
				{format: movieLens, layout: pairList, Files: []File{{
					Path: "ratings.tsv",
					Digests: Digests{
						SHA256: "414f71c0128acf54c84b9e58ae31621f2d40cc64a7c78959ac6f0a95a3487f30",
					},
				}}},
			},
			Want:  Stats{Users: 6040, Items: 3706, Interactions: 1000209},
			Terms: movieLensTerms,
		},
		lightgcn("gowalla",
			Digests{
				SHA256:  "7244696fdeb23911319cf7b689f2e15a3c4c92549c873a5677b44e3f13cc3e62",
				MD5:     "5eec1eb2edb8dd648377d348b8e136cf",
				GitBlob: "a27782bd7a1d4d0744148dc0460ea94da74763f2",
			},
			Digests{
				SHA256:  "099a2a73924e4b754dc6efd730d764f492321b53c38eb93298850c83acf57be3",
				MD5:     "c04e2c4bcd2389f53ed8281816166149",
				GitBlob: "9ed5af4b5d21511f33740b4e22e3852f45671800",
			},
			Stats{Users: 29858, Items: 40981, Interactions: 1027370, Train: 810128, Test: 217242}),
		lightgcn("yelp2018",
			Digests{GitBlob: "cda12361055ba448ae4bd1070f6000c16dea8f22"},
			Digests{GitBlob: "30dfbc3437b27b74cb2970b435a5ec93ad9f2468"},
			Stats{Users: 31668, Items: 38048, Interactions: 1561406, Train: 1237259, Test: 324147}),
		lightgcn("amazon-book",
			Digests{
				GitBlob: "6ef55159c5f1fd7f6d86eb9ff290d0cc2854ac99",
				MD5:     "c916ecac04ca72300a016228258b41ed",
			},
			Digests{GitBlob: "09e5da4e0bf46c751c4ba0f4375e414fd13512cd"},
			Stats{Users: 52643, Items: 91599, Interactions: 2984108, Train: 2380730, Test: 603378}),
		{
			Name: "onebp-ml100k",
			Sources: []Source{{format: authorsCSV, Files: []File{
				{Path: "train.csv", URL: oneBPBase + "100k_train.csv", Digests: Digests{
					SHA256:  "8a3625f58b6e88fca5e70690f3d89990ff81a46b631705acbbe5c6a2e51822e8",
					GitBlob: "6da5282ba409f9b4ddaa37c6f2aeb9f90f37e355",
				}},
				{Path: "test.csv", URL: oneBPBase + "100k_test.csv", Digests: Digests{
					SHA256:  "39de7a693911ccae580852feab0631f2919767fdfbd4b2450a2f9352f9c6c174",
					GitBlob: "d55c280d2e85b13ff08400b5394b31b9355a9ac9",
				}},
			}}},
			Want:  Stats{Users: 943, Items: 1682, Interactions: 100000, Train: 80000, Test: 20000},
			Terms: movieLensTerms + "; split by the OneBP authors (studentcej/OneBP)",
		},
	}
}

// Names lists the registered datasets' names in Registry's order.
func Names() []string {
	var names []string
	for _, r := range Registry() {
		names = append(names, r.Name)
	}
	return names
}

// Lookup returns the registered dataset called name.
func Lookup(name string) (Registered, bool) {
	for _, r := range Registry() {
		if r.Name == name {
			return r, true
		}
	}
	return Registered{}, false
}
