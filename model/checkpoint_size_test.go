package model

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestCheckpointSizeChecked: a checkpoint's header alone tells a
// truncated file, for both strategies (whose states differ in size), so
// that it is refused before a run says it resumes.
func TestCheckpointSizeChecked(t *testing.T) {
	d := syntheticDataset(t)
	for _, s := range []Strategy{OneBP, TwoBP} {
		cfg := syntheticConfig(s)
		tr := newTrainer(t, d, cfg)
		path := filepath.Join(t.TempDir(), "ckpt")
		if err := tr.SaveCheckpoint(path, nil); err != nil {
			t.Fatal(err)
		}
		info, err := ReadCheckpointInfo(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := info.Check(d, cfg); err != nil {
			t.Errorf("%v: a whole checkpoint: %v", s, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b[:len(b)-1000], 0o644); err != nil {
			t.Fatal(err)
		}
		info, err = ReadCheckpointInfo(path)
		if err == nil {
			err = info.Check(d, cfg)
		}
		if !errors.Is(err, ErrDamagedCheckpoint) {
			t.Errorf("%v: a truncated checkpoint: %v, want ErrDamagedCheckpoint", s, err)
		}
	}
}
