package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"sort"

	"onebp/bench"
	"onebp/model"
)

// errUsage marks a command-line mistake whose explanation was already
// printed; the process exits with status 2.
var errUsage = errors.New("usage")

// errQualityChanged makes `onebp diff` exit 1 without more output.
var errQualityChanged = errors.New("quality metrics changed")

// errBadArg marks a flag value or argument refused after parsing; the
// error names it and the process exits with status 2.
var errBadArg = errors.New("bad argument")

type badArgError struct{ err error }

func (e badArgError) Error() string   { return e.err.Error() }
func (e badArgError) Unwrap() []error { return []error{e.err, errBadArg} }

// badArg marks err, which names the argument, as a command-line mistake.
func badArg(err error) error { return badArgError{err} }

// badFlag reports the value of flag name as refused for err's reason.
func badFlag(name string, err error) error { return badArg(fmt.Errorf("-%s: %w", name, err)) }

// flagError names the flag of a library error about a configuration field
// (flags are named as the fields are); other errors pass unchanged.
func flagError(err error) error {
	var fe *model.FieldError
	var oe *bench.OptionError
	if errors.As(err, &fe) || errors.As(err, &oe) {
		return badArg(fmt.Errorf("-%w", err))
	}
	return err
}

func exitCode(err error) int {
	if errors.Is(err, errUsage) || errors.Is(err, errBadArg) {
		return 2
	}
	return 1
}

type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"datasets": {"list the registered datasets, or load the named ones and print their statistics", runDatasets},
		"fetch":    {"download registered datasets from their official sources and verify them", runFetch},
		"train":    {"train one model (onebp or twobp) on one dataset and report its metrics", runTrain},
		"bench":    {"run OneBP and TwoBP on every dataset present and (re)write results/", runBench},
		"tune":     {"search each strategy's hyper-parameters on validation, then compare them at their choices", runTune},
		"diff":     {"compare two result sets: quality exactly (exit 1 if any changed), timings as ratios", runDiff},
		"parity":   {"compare OneBP and TwoBP on onebp-ml100k with the authors' published figures", runParity},
		"version":  {"print the module version, commit, Go version, kernels and machine", runVersion},
	}
}

// run is the whole program: main only supplies the process's arguments,
// streams and interrupt signal.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	bench.SetCommit(binarySource().String())
	if len(args) == 0 {
		return runDefault(ctx, stdout, stderr)
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "-help" || name == "--help" {
		usage(stdout)
		return nil
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "onebp: unknown command %q\n\n", name)
		usage(stderr)
		return errUsage
	}
	err := cmd.run(ctx, args[1:], stdout, stderr)
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: onebp [command] [flags] [arguments]")
	fmt.Fprintln(w, "\ncommands:")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"onebp COMMAND -h\" for a command's flags.")
}

// newFlags returns a flag set that reports mistakes on stderr.
func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: onebp %s [flags] %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a flag mistake into errUsage (the flag
// package has printed it, then the usage on stderr) and -h into the usage
// on stdout and a clean exit.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	usage := fs.Usage
	fs.Usage = func() {} // printed below, on the stream it belongs to
	err := fs.Parse(args)
	fs.Usage = usage
	if errors.Is(err, flag.ErrHelp) {
		stderr := fs.Output()
		fs.SetOutput(stdout)
		fs.Usage()
		fs.SetOutput(stderr)
		return errHelp
	}
	if err != nil {
		fs.Usage()
		return errUsage
	}
	return nil
}

// errHelp ends a command after -h printed its usage.
var errHelp = errors.New("help")

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "", stderr)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	version := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		version = info.Main.Version
	}
	src := binarySource()
	tree := "unknown"
	if src.Commit != "" {
		tree = map[bool]string{false: "clean", true: "dirty"}[src.Dirty]
	}
	eager, err := bench.CurrentEnv(model.Config{Optimizer: model.EagerAdam})
	if err != nil {
		return err
	}
	var codes []string
	for _, cfg := range []model.Config{{Optimizer: model.DenseAdam}, {Optimizer: model.SparseAdam}} {
		code, err := bench.TrainingCode(cfg)
		if err != nil {
			return err
		}
		codes = append(codes, string(code))
	}
	fmt.Fprintf(stdout, "onebp %s, commit %s (tree %s; %s)\ntraining code %s (eager dense Adam), %s (lazy dense Adam), %s (sparse Adam)\n%s %s/%s, %s kernels\n%s\n",
		version, src, tree, src.How, eager.TrainingCode, codes[0], codes[1], eager.Go, eager.GOOS, eager.GOARCH, eager.Kernels, eager.Machine())
	return nil
}
