package data

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// Digests are the published fingerprints (DESIGN.md, "Datasets") for a file; an empty
// field is unknown and not checked.
type Digests struct {
	SHA256, MD5 string
	// GitBlob is git's object id: SHA-1 of "blob <size>\x00" + content.
	GitBlob string
}

func (d Digests) known() bool { return d.SHA256 != "" || d.MD5 != "" || d.GitBlob != "" }

// digestFile computes all three digests of a file in one read.
func digestFile(path string) (Digests, error) {
	f, err := os.Open(path)
	if err != nil {
		return Digests{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Digests{}, err
	}
	d, err := digest(f, info.Size())
	if err != nil {
		return Digests{}, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// digest computes all three digests of size bytes read from r (the git
// blob id hashes the size first).
func digest(r io.Reader, size int64) (Digests, error) {
	s256, m5, blob := sha256.New(), md5.New(), sha1.New()
	fmt.Fprintf(blob, "blob %d\x00", size)
	n, err := io.Copy(io.MultiWriter(s256, m5, blob), r)
	if err != nil {
		return Digests{}, err
	}
	if n != size {
		return Digests{}, fmt.Errorf("changed while reading (%d of %d bytes)", n, size)
	}
	return Digests{
		SHA256:  hex.EncodeToString(s256.Sum(nil)),
		MD5:     hex.EncodeToString(m5.Sum(nil)),
		GitBlob: hex.EncodeToString(blob.Sum(nil)),
	}, nil
}

// verifyFile checks a file against every digest want knows.
func verifyFile(path string, want Digests) error {
	if !want.known() {
		return nil
	}
	got, err := digestFile(path)
	if err != nil {
		return err
	}
	return want.check(path, got)
}

// check returns a *FingerprintError naming file for the first digest d
// knows that differs from got.
func (d Digests) check(file string, got Digests) error {
	for _, c := range []struct{ alg, want, got string }{
		{"sha256", d.SHA256, got.SHA256},
		{"md5", d.MD5, got.MD5},
		{"git blob id", d.GitBlob, got.GitBlob},
	} {
		if c.want != "" && c.want != c.got {
			return &FingerprintError{File: file, Algorithm: c.alg, Want: c.want, Got: c.got}
		}
	}
	return nil
}
