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

// Digests are the fingerprints SPEC section 2 publishes for a file; an empty
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
	s256, m5, blob := sha256.New(), md5.New(), sha1.New()
	fmt.Fprintf(blob, "blob %d\x00", info.Size())
	n, err := io.Copy(io.MultiWriter(s256, m5, blob), f)
	if err != nil {
		return Digests{}, fmt.Errorf("%s: %w", path, err)
	}
	if n != info.Size() {
		return Digests{}, fmt.Errorf("%s: changed while reading (%d of %d bytes)", path, n, info.Size())
	}
	return Digests{
		SHA256:  hex.EncodeToString(s256.Sum(nil)),
		MD5:     hex.EncodeToString(m5.Sum(nil)),
		GitBlob: hex.EncodeToString(blob.Sum(nil)),
	}, nil
}

// verifyFile checks a file against every digest want knows, returning a
// *FingerprintError for the first that differs.
func verifyFile(path string, want Digests) error {
	if !want.known() {
		return nil
	}
	got, err := digestFile(path)
	if err != nil {
		return err
	}
	for _, c := range []struct{ alg, want, got string }{
		{"sha256", want.SHA256, got.SHA256},
		{"md5", want.MD5, got.MD5},
		{"git blob id", want.GitBlob, got.GitBlob},
	} {
		if c.want != "" && c.want != c.got {
			return &FingerprintError{File: path, Algorithm: c.alg, Want: c.want, Got: c.got}
		}
	}
	return nil
}
