package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"onebp/data"
	"onebp/internal/texttable"
)

// dataFlags are the flags of every command that loads datasets.
type dataFlags struct {
	dir       string
	splitSeed uint64
}

func (f *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dir, "data-dir", "", "data directory (default $ONEBP_DATA, else <user cache dir>/onebp)")
	fs.Uint64Var(&f.splitSeed, "split-seed", data.DefaultSplitSeed, "seed of the per-user 80/20 split of ml-100k, ml-1m and movielens: data")
}

func runDatasets(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("datasets", "[NAME|synthetic[:...]|FORMAT:PATH ...]", stderr)
	var df dataFlags
	df.register(fs)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	dir, err := data.Dir(df.dir)
	if err != nil {
		return err
	}
	header := []string{"dataset", "status", "users", "items", "train", "test", "density", "load", "split", "fingerprint"}
	var rows [][]string
	var notes, errs []error
	if fs.NArg() == 0 {
		fmt.Fprintf(stdout, "data directory: %s\n", dir)
		for _, st := range data.Survey(dir, df.splitSeed) {
			rows = append(rows, datasetRow(st.Name, string(st.State), st.Data, st.Took))
			if st.Err != nil {
				notes = append(notes, st.Err)
			}
		}
	} else {
		for _, name := range fs.Args() {
			start := time.Now()
			d, err := data.Load(dir, name, df.splitSeed)
			if err != nil {
				errs = append(errs, err)
				rows = append(rows, datasetRow(name, "failed", nil, time.Since(start)))
				continue
			}
			rows = append(rows, datasetRow(name, "loaded", d, time.Since(start)))
		}
	}
	if err := texttable.Write(stdout, false, header, rows); err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(stdout, "note:", n)
	}
	return errors.Join(errs...)
}

func datasetRow(name, status string, d *data.Dataset, took time.Duration) []string {
	row := []string{name, status, "", "", "", "", "", took.Round(time.Millisecond).String(), "", ""}
	if d != nil {
		s := d.Stats()
		copy(row[2:7], []string{
			fmt.Sprint(s.Users), fmt.Sprint(s.Items), fmt.Sprint(s.Train), fmt.Sprint(s.Test),
			fmt.Sprintf("%.5f", s.Density),
		})
		row[8], row[9] = d.Split, d.Fingerprint[:12]
	}
	return row
}

func runFetch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fetch", "NAME ...", stderr)
	var df dataFlags
	df.register(fs)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	for _, name := range fs.Args() {
		if _, ok := data.Lookup(name); !ok {
			return badArg(fmt.Errorf("unknown dataset %q: fetch knows %s", name, strings.Join(data.Names(), ", ")))
		}
	}
	dir, err := data.Dir(df.dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range fs.Args() {
		if err := data.Download(ctx, http.DefaultClient, dir, name, stderr); err != nil {
			errs = append(errs, err)
			continue
		}
		d, err := data.Load(dir, name, df.splitSeed)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s := d.Stats()
		fmt.Fprintf(stdout, "%s: ok, %d users, %d items, %d train, %d test\n", name, s.Users, s.Items, s.Train, s.Test)
	}
	return errors.Join(errs...)
}
