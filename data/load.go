package data

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Dir resolves the data directory: flagValue when set, else $ONEBP_DATA,
// else <user cache dir>/onebp.
func Dir(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if env := os.Getenv("ONEBP_DATA"); env != "" {
		return env, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no data directory: set -data-dir or ONEBP_DATA (%v)", err)
	}
	return filepath.Join(cache, "onebp"), nil
}

func loadRegistered(dir string, reg Registered, splitSeed uint64) (*Dataset, error) {
	folder := filepath.Join(dir, reg.Name)
	for _, src := range reg.Sources {
		if _, err := os.Stat(filepath.Join(folder, src.Files[0].Path)); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		for _, f := range src.Files {
			if err := verifyFile(filepath.Join(folder, f.Path), f.Digests); err != nil {
				return nil, err
			}
		}
		d, err := src.read(reg.Name, folder, splitSeed)
		if err != nil {
			return nil, err
		}
		return d, checkStats(d, reg.Want)
	}
	return nil, missingError(folder, reg)
}

func missingError(folder string, reg Registered) error {
	var alts []string
	for _, src := range reg.Sources {
		var files []string
		for _, f := range src.Files {
			files = append(files, f.Path)
		}
		alts = append(alts, strings.Join(files, " + "))
	}
	// The command downloads to where the data was looked for: -data-dir
	// is spelled out unless that is where fetch goes by default.
	dir, fetch := filepath.Dir(folder), "onebp fetch "
	if def, err := Dir(""); err != nil || filepath.Clean(def) != dir {
		fetch += "-data-dir " + dir + " "
	}
	return fmt.Errorf("%s: %w in %s (want %s); get it with: %s%s",
		reg.Name, ErrMissing, folder, strings.Join(alts, ", or "), fetch, reg.Name)
}

func checkStats(d *Dataset, want Stats) error {
	got := d.Stats()
	for _, c := range []struct {
		field     string
		want, got int
	}{
		{"users", want.Users, got.Users},
		{"items", want.Items, got.Items},
		{"interactions", want.Interactions, got.Interactions},
		{"train interactions", want.Train, got.Train},
		{"test interactions", want.Test, got.Test},
	} {
		if c.want != 0 && c.want != c.got {
			return &StatsError{Dataset: d.Name, Field: c.field, Want: c.want, Got: c.got}
		}
	}
	return nil
}

func (s Source) read(name, folder string, splitSeed uint64) (*Dataset, error) {
	path := func(k int) string { return filepath.Join(folder, s.Files[k].Path) }
	switch s.format {
	case lightGCN:
		return readGivenSplit(name, parseLightGCN, path(0), path(1))
	case authorsCSV:
		return readGivenSplit(name, parseAuthorsCSV, path(0), path(1))
	}
	return readRatings(name, path(0), s.Files[0].Member, s.layout, splitSeed)
}

// openFile opens a plain file, or the member of a zip archive in place. The
// label names it in error messages ("archive.zip:member").
func openFile(path, member string) (rc io.ReadCloser, label string, size int64, err error) {
	if member == "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, path, 0, err
		}
		info, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, path, 0, err
		}
		return f, path, info.Size(), nil
	}
	label = path + ":" + member
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, label, 0, &ParseError{File: path, Msg: fmt.Sprintf("not a readable zip archive: %v", err)}
	}
	for _, f := range z.File {
		if f.Name == member {
			r, err := f.Open()
			if err != nil {
				z.Close()
				return nil, label, 0, &ParseError{File: label, Msg: err.Error()}
			}
			return struct {
				io.Reader
				io.Closer
			}{r, z}, label, int64(f.UncompressedSize64), nil
		}
	}
	z.Close()
	return nil, label, 0, &ParseError{File: path, Msg: "archive has no member " + member}
}

type parser func(r io.Reader, file string, add func(u, i int32) error) error

// readRatings reads one MovieLens ratings file and splits it per user.
func readRatings(name, path, member string, layout *movieLensLayout, splitSeed uint64) (*Dataset, error) {
	r, label, size, err := openFile(path, member)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	pairs := make([]uint64, 0, size/16)
	err = parseMovieLens(r, label, layout, func(u, i int32) error {
		pairs = append(pairs, pack(u, i))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fromRawPairs(name, pairs, splitSeed), nil
}

// readGivenSplit reads a train and a test file of dense ids. A test pair
// that is also a training pair is an error: evaluation masks training items,
// so it could never count as a hit.
func readGivenSplit(name string, parse parser, trainPath, testPath string) (*Dataset, error) {
	trainPairs, users, err := readPairs(parse, trainPath, nil)
	if err != nil {
		return nil, err
	}
	train := buildCSR(users, trainPairs)
	testPairs, _, err := readPairs(parse, testPath, func(u, i int32) error {
		if train.Has(u, i) {
			return fmt.Errorf("user %d item %d is also in %s", u, i, trainPath)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fromGivenSplit(name, train, testPairs), nil
}

// readPairs parses a file of dense ids into packed pairs, returning one more
// than the largest user id; check, when not nil, may refuse a pair.
func readPairs(parse parser, path string, check func(u, i int32) error) ([]uint64, int, error) {
	r, label, size, err := openFile(path, "")
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	pairs := make([]uint64, 0, size/8)
	users := 0
	err = parse(r, label, func(u, i int32) error {
		if check != nil {
			if err := check(u, i); err != nil {
				return err
			}
		}
		pairs = append(pairs, pack(u, i))
		users = max(users, int(u)+1)
		return nil
	})
	return pairs, users, err
}

// State is what Survey found of a registered dataset.
type State string

const (
	Present   State = "present"
	Missing   State = "missing"
	Corrupt   State = "corrupt"   // a file's fingerprint differs from the official one
	Invalid   State = "invalid"   // unreadable, malformed, or wrong statistics
	Generated State = "generated" // synthetic: needs no files
)

// Status is one row of Survey.
type Status struct {
	Name  string
	State State
	Data  *Dataset // nil unless Present or Generated
	Err   error
	Took  time.Duration // load time
}

// Survey tries to load every registered dataset from dir, then the default
// synthetic one, and reports what it found; it never fails as a whole.
func Survey(dir string, splitSeed uint64) []Status {
	var out []Status
	for _, reg := range Registry() {
		start := time.Now()
		d, err := loadRegistered(dir, reg, splitSeed)
		st := Status{Name: reg.Name, Data: d, Err: err, Took: time.Since(start), State: Present}
		var fp *FingerprintError
		switch {
		case errors.Is(err, ErrMissing):
			st.State = Missing
		case errors.As(err, &fp):
			st.State = Corrupt
		case err != nil:
			st.State = Invalid
		}
		if err != nil {
			st.Data = nil
		}
		out = append(out, st)
	}
	start := time.Now()
	d, err := DefaultSynthetic.Generate()
	st := Status{Name: DefaultSynthetic.String(), State: Generated, Data: d, Err: err, Took: time.Since(start)}
	if err != nil {
		st.State, st.Data = Invalid, nil
	}
	return append(out, st)
}
