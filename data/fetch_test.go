package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDownload(t *testing.T) {
	body := []byte("0 1 2\n1 3\n")
	sum := sha256.Sum256(body)
	server := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	defer server.Close()
	ctx := context.Background()
	folder := t.TempDir()
	var progress strings.Builder

	good := File{Path: "train.txt", URL: server.URL + "/train.txt", Digests: Digests{SHA256: hex.EncodeToString(sum[:])}}
	if err := download(ctx, server.Client(), folder, []File{good}, &progress); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(folder, "train.txt")); string(got) != string(body) {
		t.Fatalf("downloaded %q", got)
	}
	if !strings.Contains(progress.String(), "MB/s") {
		t.Errorf("no progress reported: %q", progress.String())
	}
	progress.Reset()
	if err := download(ctx, server.Client(), folder, []File{good}, &progress); err != nil ||
		!strings.Contains(progress.String(), "already present, fingerprint verified") {
		t.Errorf("second download: %v, %q", err, progress.String())
	}

	bad := File{Path: "test.txt", URL: server.URL + "/test.txt", Digests: Digests{MD5: "00000000000000000000000000000000"}}
	err := download(ctx, server.Client(), folder, []File{bad}, &progress)
	var fp *FingerprintError
	if !errors.As(err, &fp) || fp.File != bad.URL || fp.Want != bad.MD5 || fp.Got == "" {
		t.Fatalf("mismatch: %v", err)
	}
	entries, _ := os.ReadDir(folder)
	if len(entries) != 1 {
		t.Errorf("after a failed download the folder holds %d entries, want only train.txt", len(entries))
	}

	missing := File{Path: "x.txt", URL: server.URL + "/missing"}
	if err := download(ctx, server.Client(), folder, []File{missing}, &progress); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
	plain := File{Path: "y.txt", URL: "http://example.com/y.txt"}
	if err := download(ctx, server.Client(), folder, []File{plain}, &progress); err == nil || !strings.Contains(err.Error(), "no HTTPS download") {
		t.Errorf("http: %v", err)
	}
	derived := File{Path: "ratings.tsv"}
	if err := download(ctx, server.Client(), folder, []File{derived}, &progress); err == nil || !strings.Contains(err.Error(), "obtained by hand") {
		t.Errorf("no URL: %v", err)
	}
}
