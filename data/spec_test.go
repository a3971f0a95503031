package data

import (
	"strings"
	"testing"
)

// TestParseSpec: every form reads back to the string it came from, and a
// name that is none of them lists what is accepted.
func TestParseSpec(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind SpecKind
	}{
		{"ml-100k", KindRegistered},
		{"synthetic", KindSynthetic},
		{"synthetic:users=10,items=20,interactions=50,seed=3", KindSynthetic},
		{"movielens:/tmp/u.data", KindMovieLens},
		{"lightgcn:some/dir", KindLightGCN},
		{"csv:dir", KindCSV},
	} {
		s, err := ParseSpec(c.in)
		if err != nil || s.Kind != c.kind || s.String() != c.in {
			t.Errorf("%s: %+v %v, reads back as %q", c.in, s, err, s.String())
		}
	}
	for _, bad := range []string{"nonesuch", "lightgcn:", "synthetic:users=x"} {
		if _, err := ParseSpec(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := ParseSpec("nonesuch"); !strings.Contains(err.Error(), "ml-100k, ml-1m") || !strings.Contains(err.Error(), SpecForms) {
		t.Errorf("message: %v", err)
	}
	if _, err := (Spec{Kind: KindRegistered, Name: "nonesuch"}).Load(t.TempDir(), 1); err == nil || !strings.Contains(err.Error(), "unknown dataset") {
		t.Errorf("a Spec naming no registered dataset: %v", err)
	}
}
