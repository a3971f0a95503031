package report

import (
	"strings"
	"testing"

	"onebp/internal/runtest"
	"onebp/model"
	"onebp/results"
)

// TestReportPairsSeeds: a grid under way (OneBP seed 1 and 2, TwoBP seed 1
// and 3) is reported as incomplete, with figures over seed 1 only and the
// unpaired runs named.
func TestReportPairsSeeds(t *testing.T) {
	runs := []*results.Run{runtest.Fake("d", model.OneBP, 1), runtest.Fake("d", model.TwoBP, 1), runtest.Fake("d", model.OneBP, 2), runtest.Fake("d", model.TwoBP, 3)}
	var b strings.Builder
	if err := WriteReport(&b, runs); err != nil {
		t.Fatal(err)
	}
	report := b.String()
	for _, want := range []string{
		"**Incomplete: 4 of the 6 runs of the recorded seeds are here**",
		"Seeds: OneBP 1; TwoBP 1.  \nNot yet paired, so left out of every figure: onebp seed 2, twobp seed 3.",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	_, rows := SummaryRows(runs)
	if len(rows) != 1 || !strings.Contains(rows[0][1], "1 seed") {
		t.Errorf("summary rows %v, want one row over 1 seed", rows)
	}
}
