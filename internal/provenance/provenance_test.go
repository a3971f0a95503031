package provenance

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// gitRepo makes a repository in a temporary directory with files committed,
// and returns its path and HEAD.
func gitRepo(t *testing.T, files map[string]string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("git", "-C", dir, "init", "-q").CombinedOutput(); err != nil {
		t.Skipf("git init: %v %s", err, out)
	}
	return dir, commit(t, dir, files)
}

// commit writes files into the repository at dir, commits them and
// returns the new HEAD.
func commit(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"add", "."}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "x"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Skipf("git %v: %v %s", args, err, out)
		}
	}
	head, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(head))
}

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, body := range files {
		m[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return m
}

// TestOf: a commit is recorded only where the tree holds the binary's
// source; another repository's HEAD, or a build from changes never
// committed, gives "unknown".
func TestOf(t *testing.T) {
	if _, ok := stamped(); ok {
		t.Skip("this test binary carries a VCS stamp")
	}
	built := map[string]string{"go.mod": "module onebp\n", "main.go": "package main\n", "model/a.go": "package model\n"}
	root, head := gitRepo(t, map[string]string{"go.mod": "module onebp\n", "main.go": "package main\n", "model/a.go": "package model\n", "README.md": "x\n"})

	if got := Of(mapFS(built), root); got.String() != head || got.Dirty {
		t.Errorf("source at HEAD: %+v, want %s", got, head)
	}
	// Built from the tree with a change not committed.
	edited := map[string]string{"go.mod": "module onebp\n", "main.go": "package main\n", "model/a.go": "package model // edited\n"}
	if err := os.WriteFile(filepath.Join(root, "model/a.go"), []byte(edited["model/a.go"]), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Of(mapFS(edited), root); got.String() != head+"+dirty" {
		t.Errorf("source with changes: %+v, want %s+dirty", got, head)
	}
	// Built from HEAD: the change in the tree is not the binary's.
	if got := Of(mapFS(built), root); got.String() != head {
		t.Errorf("source at HEAD, tree changed since: %+v, want %s", got, head)
	}
	// Built from a version neither at HEAD nor in the tree.
	older := map[string]string{"go.mod": "module onebp\n", "main.go": "package main // older\n", "model/a.go": "package model\n"}
	if got := Of(mapFS(older), root); got.String() != "unknown" || !strings.Contains(got.How, "changed since the build") {
		t.Errorf("tree moved on: %+v, want unknown", got)
	}
	// A source file at HEAD the binary lacks.
	less := map[string]string{"go.mod": "module onebp\n", "main.go": "package main\n"}
	if got := Of(mapFS(less), root); got.String() != "unknown" {
		t.Errorf("binary without model/a.go: %+v, want unknown", got)
	}
	// Another repository: its HEAD is not this binary's commit.
	other, _ := gitRepo(t, map[string]string{"go.mod": "module other\n", "main.go": "package main // other\n"})
	if got := Of(mapFS(built), other); got.String() != "unknown" {
		t.Errorf("another repository: %+v, want unknown", got)
	}
	for _, root := range []string{t.TempDir(), "relative/path", ""} {
		if got := Of(mapFS(built), root); got.String() != "unknown" {
			t.Errorf("root %q: %+v, want unknown", root, got)
		}
	}
}

// TestOfAncestor: a binary built at a commit the tree has since moved on
// from (a grid resumed across commits) is of that commit, found among
// HEAD's ancestors, clean; one whose source no commit holds stays unknown.
func TestOfAncestor(t *testing.T) {
	if _, ok := stamped(); ok {
		t.Skip("this test binary carries a VCS stamp")
	}
	first := map[string]string{"go.mod": "module onebp\n", "main.go": "package main\n", "model/a.go": "package model\n"}
	root, built := gitRepo(t, first)
	second := commit(t, root, map[string]string{"main.go": "package main // second\n"})
	commit(t, root, map[string]string{"README.md": "notes only\n"})
	commit(t, root, map[string]string{"model/b.go": "package model // third\n"})

	if got := Of(mapFS(first), root); got.Commit != built || got.Dirty || !strings.Contains(got.How, "ancestor") {
		t.Errorf("built at the first commit: %+v, want %s, clean, found among the ancestors", got, built)
	}
	// The second and the README-only commit hold the same source: the
	// newest of them is the binary's.
	atSecond := map[string]string{"go.mod": "module onebp\n", "main.go": "package main // second\n", "model/a.go": "package model\n"}
	readmeOnly, err := exec.Command("git", "-C", root, "rev-parse", "HEAD~1").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := Of(mapFS(atSecond), root); got.Commit == second || got.Commit != strings.TrimSpace(string(readmeOnly)) {
		t.Errorf("built at the second commit: %+v, want the README-only commit after it", got)
	}
	never := map[string]string{"go.mod": "module onebp\n", "main.go": "package main // never committed\n", "model/a.go": "package model\n"}
	if got := Of(mapFS(never), root); got.String() != "unknown" {
		t.Errorf("source no commit holds: %+v, want unknown", got)
	}
	// A commit's source with one file more or less is not the binary's.
	if got := Of(mapFS(map[string]string{"go.mod": "module onebp\n", "main.go": "package main\n"}), root); got.String() != "unknown" {
		t.Errorf("binary without model/a.go: %+v, want unknown", got)
	}
}

// TestOfSubdirectory: a module below the repository's top compares its
// own files, by paths relative to itself.
func TestOfSubdirectory(t *testing.T) {
	if _, ok := stamped(); ok {
		t.Skip("this test binary carries a VCS stamp")
	}
	repo, head := gitRepo(t, map[string]string{"README.md": "x\n", "go/go.mod": "module onebp\n", "go/main.go": "package main\n"})
	built := map[string]string{"go.mod": "module onebp\n", "main.go": "package main\n"}
	if got := Of(mapFS(built), filepath.Join(repo, "go")); got.String() != head {
		t.Errorf("module in go/: %+v, want %s", got, head)
	}
}
