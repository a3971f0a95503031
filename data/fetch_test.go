package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
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

// TestDownloadOffline: a failed connection names the URL and where to put
// the file by hand, and leaves no directory behind.
func TestDownloadOffline(t *testing.T) {
	server := httptest.NewTLSServer(http.NotFoundHandler())
	client := server.Client()
	server.Close() // every request now fails to connect
	root := t.TempDir()
	folder := filepath.Join(root, "data", "gowalla")
	f := File{Path: "train.txt", URL: server.URL + "/gowalla/train.txt"}
	err := download(context.Background(), client, folder, []File{f}, io.Discard)
	if err == nil {
		t.Fatal("download through a closed server succeeded")
	}
	for _, want := range []string{f.URL, filepath.Join(folder, "train.txt"), "by hand"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("the failed download left %v in %s", entries, root)
	}
}

func TestDownloadUnknownNameListsTheKnown(t *testing.T) {
	err := Download(context.Background(), http.DefaultClient, t.TempDir(), "foo", io.Discard)
	if err == nil || !strings.Contains(err.Error(), `"foo"`) || !strings.Contains(err.Error(), strings.Join(Names(), ", ")) {
		t.Errorf("unknown dataset: %v", err)
	}
}
