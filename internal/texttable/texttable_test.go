package texttable

import (
	"strings"
	"testing"
)

func TestLooksNumeric(t *testing.T) {
	for s, want := range map[string]bool{
		"0.3384": true, "-2.1%": true, "+3%": true, "1.05s": true, "12 MB": true, "0.3410 (297)": true,
		"943": true, "150ms": true, "present": false, "given": false, "ml-100k": false, "": false, "per-user 80/20": false,
	} {
		if got := looksNumeric(s); got != want {
			t.Errorf("looksNumeric(%q) = %v", s, got)
		}
	}
}

func TestWriteTableMarkdown(t *testing.T) {
	var b strings.Builder
	if err := Write(&b, true, []string{"dataset", "recall_at_20"}, [][]string{{"ml-100k", "0.3384"}}); err != nil {
		t.Fatal(err)
	}
	want := "| dataset | recall_at_20 |\n|:--------|-------------:|\n| ml-100k |       0.3384 |\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
