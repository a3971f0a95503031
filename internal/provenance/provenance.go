// Package provenance says which commit a binary was built from, and only
// when that is known: from the build's VCS stamp, or by comparing the
// source the binary embeds with the git tree it was built in, at HEAD, in
// the work tree or at one of HEAD's ancestors (a long grid's binary, built
// before the tree moved on). A binary built without a stamp and run
// elsewhere, or from changes never committed before its tree moved on, is
// of an unknown commit; it never takes another repository's HEAD, or a
// commit whose source differs from its own, as its own.
package provenance

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
)

// Source is where a binary's source came from.
type Source struct {
	Commit string // the full commit id, "" when unknown
	Dirty  bool   // the source differed from Commit
	How    string // how it is known, or why it is not
}

// String is the commit as records keep it: the id, "+dirty" when the
// source differed from it, or "unknown".
func (s Source) String() string {
	switch {
	case s.Commit == "":
		return "unknown"
	case s.Dirty:
		return s.Commit + "+dirty"
	}
	return s.Commit
}

// ancestorsSearched bounds how far back Of looks for the commit of a
// binary built before its tree moved on (about 6 ms a commit).
const ancestorsSearched = 500

// Of returns the binary's provenance: the build's VCS stamp when it has
// one; otherwise, when root is a git work tree, the commit whose source
// files are exactly sources, the files the binary was built from (paths
// relative to root): HEAD (clean); HEAD with the work tree's changes
// (dirty) when the tree's files are the binary's; or else the newest of
// HEAD's last ancestorsSearched ancestors whose source is the binary's.
func Of(sources fs.FS, root string) Source {
	if s, ok := stamped(); ok {
		return s
	}
	if sources == nil || root == "" || !filepath.IsAbs(root) {
		return Source{How: "unknown: no VCS stamp and no source tree known to be this binary's"}
	}
	head, err := git(root, "rev-parse", "HEAD")
	if err != nil {
		return Source{How: fmt.Sprintf("unknown: no VCS stamp, and %s is not a git work tree (%v)", root, err)}
	}
	commit := strings.TrimSpace(string(head))
	atHead, err := blobsAt(root, "HEAD")
	if err != nil {
		return Source{How: fmt.Sprintf("unknown: no VCS stamp, and %s: %v", root, err)}
	}
	built, sameAsTree := map[string]string{}, true
	err = fs.WalkDir(sources, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sources, path)
		if err != nil {
			return err
		}
		built[path] = blobID(b)
		if onDisk, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path))); err != nil || !bytes.Equal(onDisk, b) {
			sameAsTree = false
		}
		return nil
	})
	if err != nil {
		return Source{How: fmt.Sprintf("unknown: reading the embedded source: %v", err)}
	}
	if sameSource(built, atHead) {
		return Source{Commit: commit, How: "its source is " + root + " at HEAD"}
	}
	for path := range atHead {
		if _, ok := built[path]; !ok && isSource(path) {
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(path))); err == nil {
				sameAsTree = false // the tree has a source file the binary lacks
			}
		}
	}
	if sameAsTree {
		return Source{Commit: commit, Dirty: true, How: "its source is " + root + " with changes to HEAD"}
	}
	ancestors, err := git(root, "rev-list", fmt.Sprintf("--max-count=%d", ancestorsSearched+1), "HEAD")
	if err != nil {
		return Source{How: fmt.Sprintf("unknown: no VCS stamp, the source in %s changed since the build, and listing its history: %v", root, err)}
	}
	for _, c := range strings.Fields(string(ancestors))[1:] {
		if at, err := blobsAt(root, c); err == nil && sameSource(built, at) {
			return Source{Commit: c, How: "its source is " + root + " at " + c + ", an ancestor of HEAD"}
		}
	}
	return Source{How: fmt.Sprintf("unknown: no VCS stamp, and the source in %s changed since the build, to no commit among HEAD and its last %d ancestors", root, ancestorsSearched)}
}

// sameSource says whether the source files of a commit (paths to blob ids,
// as blobsAt gives them) are exactly the binary's.
func sameSource(built, commit map[string]string) bool {
	for path, id := range built {
		if commit[path] != id {
			return false
		}
	}
	for path := range commit {
		if _, ok := built[path]; !ok && isSource(path) {
			return false
		}
	}
	return true
}

// stamped reads the VCS stamp go build writes into a binary.
func stamped() (Source, bool) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Source{}, false
	}
	var s Source
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision":
			s.Commit = kv.Value
		case "vcs.modified":
			s.Dirty = kv.Value == "true"
		}
	}
	s.How = "stamped at build"
	return s, s.Commit != ""
}

// blobsAt maps the paths under root at a commit to their git blob ids,
// the paths relative to root (ls-tree run in a sub-directory lists it
// alone, relative to it).
func blobsAt(root, commit string) (map[string]string, error) {
	out, err := git(root, "ls-tree", "-r", commit)
	if err != nil {
		return nil, err
	}
	blobs := map[string]string{}
	for line := range strings.Lines(string(out)) {
		meta, path, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if fields := strings.Fields(meta); ok && len(fields) == 3 && fields[1] == "blob" {
			blobs[path] = fields[2]
		}
	}
	return blobs, nil
}

// isSource says whether a file of the tree is one the build reads: a Go
// or assembly file outside testdata, go.mod or go.sum.
func isSource(path string) bool {
	if slices.Contains(strings.Split(path, "/"), "testdata") {
		return false
	}
	return strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".s") || path == "go.mod" || path == "go.sum"
}

// blobID is git's object id of a file's content (SHA-1 repositories).
func blobID(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("%s", msg)
		}
		return nil, err
	}
	return out, nil
}
