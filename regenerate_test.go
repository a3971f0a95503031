package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedResultsRegenerate: every committed results set is, byte for
// byte, what `onebp bench -rewrite` writes from its run records, and the
// README's summaries are what it writes there. So no report is edited by
// hand, and a change to the reports cannot land without its results
// rewritten.
func TestCommittedResultsRegenerate(t *testing.T) {
	sets, err := filepath.Glob(filepath.Join("results", "*", "runs"))
	if err != nil || len(sets) == 0 {
		t.Fatalf("no committed results sets (%v)", err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	repo, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := os.WriteFile("README.md", readme, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, runs := range sets {
		set := filepath.Dir(runs)
		if err := os.CopyFS(runs, os.DirFS(filepath.Join(repo, runs))); err != nil {
			t.Fatal(err)
		}
		if _, stderr, err := runCmd(t, "bench", "-rewrite", "-out", set, "-readme", "README.md"); err != nil {
			t.Fatalf("%s: %v\n%s", set, err, stderr)
		}
		if a, b := files(t, filepath.Join(repo, set), contents), files(t, set, contents); len(a) != len(b) {
			t.Errorf("%s: committed %d files, regenerated %d", set, len(a), len(b))
		} else {
			for name, want := range a {
				if b[name] != want {
					t.Errorf("%s/%s differs from what bench -rewrite writes: run `onebp bench -rewrite -out %s -readme README.md`", set, name, set)
				}
			}
		}
	}
	if got, _ := os.ReadFile("README.md"); !bytes.Equal(got, readme) {
		t.Errorf("README.md's results summaries differ from what bench -rewrite writes")
	}
}

// files maps every file under dir, by its path relative to dir, to what
// describe says of it.
func files(t *testing.T, dir string, describe func(path string, info fs.FileInfo) (string, error)) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel], err = describe(path, info)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// contents describes a file by its contents.
func contents(path string, _ fs.FileInfo) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
