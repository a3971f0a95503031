package bench

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"onebp/data"
	"onebp/model"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestParityStartGolden pins the first epochs of the parity runs on
// onebp-ml100k (paper preset, seed 2022): losses, recall and NDCG at 20 in
// full precision and a hash of the final tables. Any change in training or
// evaluation behaviour shows here; both kernel builds must match the same
// file. Regenerate with go test ./bench -run ParityStart -update.
func TestParityStartGolden(t *testing.T) {
	d, err := data.LoadFromEnv("onebp-ml100k")
	if errors.Is(err, data.ErrMissing) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	h, _ := PresetFor("onebp-ml100k", PresetPaper)
	var b strings.Builder
	for _, s := range []model.Strategy{model.OneBP, model.TwoBP} {
		cfg := h.Config
		cfg.Strategy, cfg.Epochs = s, 3
		r, err := Run(context.Background(), RunSpec{Data: d, Config: cfg, EvalEvery: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range r.Epochs {
			fmt.Fprintf(&b, "%v epoch %d loss %s recall_at_20 %s ndcg_at_20 %s\n", s, e.Epoch, exact(e.Loss),
				exact(e.Metrics["recall_at_20"]), exact(e.Metrics["ndcg_at_20"]))
		}
		users, items := r.Tables()
		hash := sha256.New()
		binary.Write(hash, binary.LittleEndian, users.Data)
		binary.Write(hash, binary.LittleEndian, items.Data)
		fmt.Fprintf(&b, "%v tables sha256 %x\n", s, hash.Sum(nil))
	}
	const golden = "testdata/parity_start.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("the start of the parity curves changed:\n got:\n%s\nwant:\n%s", got, want)
	}
}
