// Package golden compares test output with golden files: rewritten under
// a test binary's -update flag, and on a mismatch the output is left
// beside the golden as NAME.got for a diff.
package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Check compares got with the file at path, or writes it there when
// update is set. On a mismatch it writes got to path's name with .got in
// place of .golden, and fails t; on a match it removes a stale .got.
func Check(t testing.TB, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	gotPath := strings.TrimSuffix(path, ".golden") + ".got"
	if got != string(want) {
		os.WriteFile(gotPath, []byte(got), 0o644)
		t.Errorf("%s changed (the output is in %s; -update accepts it):\n got:\n%s\nwant:\n%s", path, gotPath, got, want)
		return
	}
	os.Remove(gotPath)
}
