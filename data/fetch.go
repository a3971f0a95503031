package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"onebp/internal/atomicfile"
)

// Download fetches the official files of the registered dataset name into
// <dir>/<name>/ over HTTPS, reporting progress (bytes, rate) on progress.
// Each file is checked against its published fingerprints before anything
// is written, then written atomically; on a mismatch nothing is written and
// the error says what was expected and what arrived. Files already present with the right fingerprints are kept.
// Archives are kept whole: Load reads their members in place. When a
// download fails, the error names the URL and the path to place the file
// at by hand, and the directories Download created are removed if they
// are still empty.
func Download(ctx context.Context, client *http.Client, dir, name string, progress io.Writer) error {
	reg, ok := Lookup(name)
	if !ok {
		return fmt.Errorf("unknown dataset %q: the registered ones are %s", name, strings.Join(Names(), ", "))
	}
	return download(ctx, client, filepath.Join(dir, name), reg.Sources[0].Files, progress)
}

func download(ctx context.Context, client *http.Client, folder string, files []File, progress io.Writer) (err error) {
	created, err := mkdirAll(folder)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			// Remove what was created and is still empty, deepest first;
			// os.Remove leaves a directory that holds anything.
			for _, d := range slices.Backward(created) {
				os.Remove(d)
			}
		}
	}()
	for _, f := range files {
		path := filepath.Join(folder, f.Path)
		if _, err := os.Stat(path); err == nil && f.known() {
			if verifyFile(path, f.Digests) == nil {
				fmt.Fprintf(progress, "%s: already present, fingerprint verified\n", path)
				continue
			}
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err := downloadFile(ctx, client, f, path, progress); err != nil {
			if f.URL != "" {
				return fmt.Errorf("%w; to install it by hand, download %s and place it at %s", err, f.URL, path)
			}
			return err
		}
	}
	return nil
}

// mkdirAll is os.MkdirAll returning the directories it created, outermost
// first.
func mkdirAll(dir string) ([]string, error) {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	slices.Reverse(missing)
	return missing, os.MkdirAll(dir, 0o755)
}

func downloadFile(ctx context.Context, client *http.Client, f File, path string, progress io.Writer) error {
	if !strings.HasPrefix(f.URL, "https://") {
		return fmt.Errorf("%s: no HTTPS download (%q); it has to be obtained by hand", path, f.URL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", f.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetch %s: %s", f.URL, resp.Status)
	}
	// The files are at most a few tens of megabytes: hold one in memory,
	// check it, and only then write it.
	meter := &progressMeter{w: progress, name: f.URL, total: resp.ContentLength, start: time.Now()}
	body, err := io.ReadAll(io.TeeReader(resp.Body, meter))
	meter.done()
	if err != nil {
		return fmt.Errorf("fetch %s: %w", f.URL, err)
	}
	if f.known() {
		got, err := digest(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			return err
		}
		if err := f.Digests.check(f.URL, got); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(progress, "%s: no published fingerprint; the statistics check when it loads stands in for one\n", path)
	}
	return atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(body); return err })
}

// progressMeter writes "name: X MB of Y MB (R MB/s)" at most twice a second.
type progressMeter struct {
	w           io.Writer
	name        string
	total, n    int64
	start, last time.Time
}

func (m *progressMeter) Write(p []byte) (int, error) {
	m.n += int64(len(p))
	if now := time.Now(); now.Sub(m.last) >= 500*time.Millisecond {
		m.last = now
		m.print("\r")
	}
	return len(p), nil
}

func (m *progressMeter) done() { m.print("\r"); fmt.Fprintln(m.w) }

func (m *progressMeter) print(prefix string) {
	rate := float64(m.n) / 1e6 / max(time.Since(m.start).Seconds(), 1e-3)
	of := ""
	if m.total > 0 {
		of = fmt.Sprintf(" of %.1f MB", float64(m.total)/1e6)
	}
	fmt.Fprintf(m.w, "%s%s: %.1f MB%s (%.1f MB/s)", prefix, m.name, float64(m.n)/1e6, of, rate)
}
