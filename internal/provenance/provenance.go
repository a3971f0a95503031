// Package provenance says which commit a binary was built from, and only
// when that is known: from the build's VCS stamp, or by comparing the
// source the binary embeds with the git tree it was built in. A binary
// built without a stamp and run elsewhere, or after its tree moved on, is
// of an unknown commit; it never takes another repository's HEAD as its
// own.
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

// Of returns the binary's provenance: the build's VCS stamp when it has
// one; otherwise root's HEAD when root is a git work tree whose files
// match sources, the files the binary was built from (paths relative to
// root), either at HEAD (clean) or as they are in the work tree (dirty).
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
	atHead, err := blobsAtHead(root)
	if err != nil {
		return Source{How: fmt.Sprintf("unknown: no VCS stamp, and %s: %v", root, err)}
	}
	clean, sameAsTree := true, true
	err = fs.WalkDir(sources, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sources, path)
		if err != nil {
			return err
		}
		if atHead[path] != blobID(b) {
			clean = false
		}
		delete(atHead, path)
		if onDisk, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path))); err != nil || !bytes.Equal(onDisk, b) {
			sameAsTree = false
		}
		return nil
	})
	if err != nil {
		return Source{How: fmt.Sprintf("unknown: reading the embedded source: %v", err)}
	}
	for path := range atHead {
		if !isSource(path) {
			continue
		}
		clean = false // a source file at HEAD the binary lacks
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(path))); err == nil {
			sameAsTree = false // and the tree still has it
		}
	}
	switch {
	case clean:
		return Source{Commit: commit, How: "its source is " + root + " at HEAD"}
	case sameAsTree:
		return Source{Commit: commit, Dirty: true, How: "its source is " + root + " with changes to HEAD"}
	}
	return Source{How: fmt.Sprintf("unknown: no VCS stamp, and the source in %s changed since the build", root)}
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

// blobsAtHead maps the paths of root's HEAD to their git blob ids.
func blobsAtHead(root string) (map[string]string, error) {
	out, err := git(root, "ls-tree", "-r", "--full-tree", "HEAD")
	if err != nil {
		return nil, err
	}
	prefix, err := git(root, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, err
	}
	dir := strings.TrimSpace(string(prefix))
	blobs := map[string]string{}
	for line := range strings.Lines(string(out)) {
		meta, path, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 3 || fields[1] != "blob" {
			continue
		}
		if rel, ok := strings.CutPrefix(path, dir); ok {
			blobs[rel] = fields[2]
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
