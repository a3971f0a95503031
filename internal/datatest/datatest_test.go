package datatest

import "testing"

func TestLoadOrTwin(t *testing.T) {
	d, twin, err := LoadOrTwin(t.TempDir(), "onebp-ml100k")
	if err != nil || !twin || d.Users != 943 || d.Items != 1682 || d.Stats().Interactions != 100000 {
		t.Fatalf("twin of onebp-ml100k: %v, %v, %v", d, twin, err)
	}
	if _, _, err := LoadOrTwin(t.TempDir(), "nonesuch"); err == nil {
		t.Error("a twin of an unknown dataset")
	}
}
