package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"

	"onebp/results"
)

func runDiff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("diff", "OLD NEW  (record files, results directories, or git revisions)", stderr)
	set := fs.String("set", "quick", "for a git revision: compare the result set committed in results/SET")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return errUsage
	}
	var recs [2]*results.Record
	for k := range recs {
		rec, err := loadRecord(ctx, fs.Arg(k), *set)
		if err != nil {
			// Exit status 1 means "a metric changed": an argument that
			// cannot be read is a usage error.
			return badArg(err)
		}
		if len(rec.Results) == 0 {
			return badArg(fmt.Errorf("%s holds no benchmark results: diff compares records (onebp train -out, quality.txt and timing.txt), results directories or git revisions", fs.Arg(k)))
		}
		recs[k] = rec
	}
	oldRec, newRec := recs[0], recs[1]
	changed, err := results.Diff(stdout, oldRec, newRec)
	if err != nil {
		return err
	}
	if changed {
		return errQualityChanged
	}
	return nil
}

// loadRecord reads a record file, the quality.txt and timing.txt of a
// results directory, or those committed in results/SET at a git revision.
func loadRecord(ctx context.Context, arg, set string) (*results.Record, error) {
	info, err := os.Stat(arg)
	switch {
	case err == nil && !info.IsDir():
		b, err := os.ReadFile(arg)
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
			return nil, badArg(fmt.Errorf("%s is a run in JSON (train -json): diff compares records; write one with train -out, or compare results directories", arg))
		}
		return results.ParseRecord(bytes.NewReader(b), arg)
	case err == nil:
		return readRecords(arg, func(name string) ([]byte, error) {
			b, err := os.ReadFile(filepath.Join(arg, name))
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s holds no benchmark results (no %s): diff compares records (onebp train -out), results directories (quality.txt and timing.txt) or git revisions", arg, name)
			}
			return b, err
		})
	}
	dir := "results/" + set
	return readRecords(arg+":"+dir, func(name string) ([]byte, error) {
		var out, errOut bytes.Buffer
		cmd := exec.CommandContext(ctx, "git", "show", arg+":"+dir+"/"+name)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s is not a file, a directory or a git revision with %s/%s: %s", arg, dir, name, bytes.TrimSpace(errOut.Bytes()))
		}
		return out.Bytes(), nil
	})
}

func readRecords(label string, read func(name string) ([]byte, error)) (*results.Record, error) {
	var rec *results.Record
	for _, name := range []string{"quality.txt", "timing.txt"} {
		b, err := read(name)
		if err != nil {
			return nil, err
		}
		r, err := results.ParseRecord(bytes.NewReader(b), label+"/"+name)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			rec = r
		} else {
			rec.Merge(r)
		}
	}
	return rec, nil
}
