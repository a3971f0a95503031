// Package datatest loads the real datasets for tests and benchmarks: from
// $ONEBP_DATA when it holds them, else skipping (tests) or standing in a
// synthetic twin of the same size (benchmarks). Only test code imports it.
package datatest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"onebp/data"
)

// Dir is $ONEBP_DATA, "" when unset.
func Dir() string { return os.Getenv("ONEBP_DATA") }

// Load loads a registered dataset from $ONEBP_DATA with the default split
// seed. The error wraps data.ErrMissing when ONEBP_DATA is unset or does not
// hold the dataset.
func Load(name string) (*data.Dataset, error) {
	if Dir() == "" {
		return nil, fmt.Errorf("%s: %w: ONEBP_DATA is not set", name, data.ErrMissing)
	}
	return data.Load(Dir(), name, data.DefaultSplitSeed)
}

// LoadOrSkip is Load that skips the test when the dataset is missing and
// fails it on any other error.
func LoadOrSkip(t testing.TB, name string) *data.Dataset {
	t.Helper()
	d, err := Load(name)
	if errors.Is(err, data.ErrMissing) {
		t.Skipf("%s is not in ONEBP_DATA: %v", name, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TwinOf returns the synthetic spec with the registered dataset's users,
// items and interactions: the stand-in benchmarks use when it is absent.
func TwinOf(name string) (data.SyntheticSpec, error) {
	reg, ok := data.Lookup(name)
	if !ok {
		return data.SyntheticSpec{}, fmt.Errorf("no registered dataset %q", name)
	}
	return data.SyntheticSpec{Users: reg.Want.Users, Items: reg.Want.Items, Interactions: reg.Want.Interactions, Seed: 1}, nil
}

// BenchName is the name benchmarks give registered dataset name: itself
// when its folder is in dir, else name+"-synthetic", so that a result of
// the synthetic twin is never compared with the real dataset's under one
// name. LoadOrTwin's twin result agrees with it unless the folder is there
// without its files (then the load fails).
func BenchName(dir, name string) string {
	if _, err := os.Stat(filepath.Join(dir, name)); dir != "" && err == nil {
		return name
	}
	return name + "-synthetic"
}

// LoadOrTwin loads the registered dataset name from dir or, when it is not
// present there, generates its synthetic twin; twin says which happened.
// Any other load error (a corrupt or malformed file) is returned as is.
func LoadOrTwin(dir, name string) (d *data.Dataset, twin bool, err error) {
	d, err = data.Load(dir, name, data.DefaultSplitSeed)
	if !errors.Is(err, data.ErrMissing) {
		return d, false, err
	}
	spec, err := TwinOf(name)
	if err != nil {
		return nil, false, err
	}
	d, err = spec.Generate()
	return d, true, err
}
