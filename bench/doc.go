// Package bench runs the experiments: the presets, one training run with
// its evaluations (Run), OneBP against TwoBP over datasets (Suite), the
// comparison with the authors' figures (Parity), and the probes of the
// machine a run records; and the training code (identity.go). Its records
// are kept by package results and presented by results/report.
package bench
