package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkOutputFile fails, naming the flag, when the file path cannot be
// written: it is a directory, or the directory it would go in cannot be
// created or written. Commands check every output before the first epoch,
// so that hours of training are never lost to a typo. Nothing is created.
func checkOutputFile(flag, path string) error {
	if path == "" {
		return nil
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return badFlag(flag, fmt.Errorf("%s is a directory, want a file", path))
	}
	return checkOutputDir(flag, filepath.Dir(path))
}

// checkOutputDir fails, naming the flag, when files cannot be written in
// dir: the nearest existing ancestor is not a directory or refuses a new
// file. Nothing is left behind.
func checkOutputDir(flag, dir string) error {
	if dir == "" {
		return nil
	}
	probe := filepath.Clean(dir)
	for {
		info, err := os.Stat(probe)
		if err == nil {
			if !info.IsDir() {
				return badFlag(flag, fmt.Errorf("%s is not a directory", probe))
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return badFlag(flag, err)
		}
		parent := filepath.Dir(probe)
		if parent == probe {
			return badFlag(flag, err)
		}
		probe = parent
	}
	f, err := os.CreateTemp(probe, ".onebp-write-check-*")
	if err != nil {
		return badFlag(flag, fmt.Errorf("cannot write in %s: %w", probe, err))
	}
	f.Close()
	return os.Remove(f.Name())
}
