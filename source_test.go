package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSourcesCoverTheModule: every file the build reads (Go files outside
// testdata, go.mod, go.sum) is embedded in sources, so that a build
// without a VCS stamp compares all of its source with the tree.
func TestSourcesCoverTheModule(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".s") && path != "go.mod" && path != "go.sum" {
			return nil
		}
		if _, err := fs.Stat(sources, filepath.ToSlash(path)); err != nil {
			t.Errorf("%s is not embedded in sources (source.go's go:embed list)", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(sourceRoot(), "source.go")); err != nil {
		t.Errorf("sourceRoot %q does not hold source.go: %v", sourceRoot(), err)
	}
}
