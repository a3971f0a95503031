package data

import (
	"archive/zip"
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"onebp/internal/prng"
)

var update = flag.Bool("update", false, "rewrite golden files")

// loadOrSkip loads a registered dataset from ONEBP_DATA, skipping when it
// is not there. It is internal/datatest.LoadOrSkip, which package data's own
// tests cannot import (datatest imports data).
func loadOrSkip(t testing.TB, name string) *Dataset {
	dir := os.Getenv("ONEBP_DATA")
	if dir == "" {
		t.Skipf("ONEBP_DATA is not set: %s not checked", name)
	}
	d, err := Load(dir, name, DefaultSplitSeed)
	if errors.Is(err, ErrMissing) {
		t.Skipf("%s is not in ONEBP_DATA: %v", name, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRealDatasets checks every registered dataset present in ONEBP_DATA
// against the statistics the design document gives (DESIGN.md, "Datasets"),
// written out here rather than taken from the registry, and pins its content
// fingerprint (which includes the seeded split) in
// testdata/fingerprints.golden. A present dataset without a golden entry
// fails: its content would otherwise go unpinned.
func TestRealDatasets(t *testing.T) {
	golden := readGolden(t, "testdata/fingerprints.golden")
	type want struct{ users, items, interactions, train, test int }
	stats := map[string]want{
		"ml-100k":      {943, 1682, 100000, 0, 0},
		"ml-1m":        {6040, 3706, 1000209, 0, 0},
		"gowalla":      {29858, 40981, 1027370, 810128, 217242},
		"yelp2018":     {31668, 38048, 1561406, 1237259, 324147},
		"amazon-book":  {52643, 91599, 2984108, 2380730, 603378},
		"onebp-ml100k": {943, 1682, 100000, 80000, 20000},
	}
	for _, reg := range Registry() {
		t.Run(reg.Name, func(t *testing.T) {
			c, ok := stats[reg.Name]
			if !ok {
				t.Fatalf("registered dataset %s has no statistics in this test", reg.Name)
			}
			d := loadOrSkip(t, reg.Name)
			s := d.Stats()
			if s.Users != c.users || s.Items != c.items || s.Interactions != c.interactions {
				t.Errorf("got %d users, %d items, %d interactions; want %d, %d, %d",
					s.Users, s.Items, s.Interactions, c.users, c.items, c.interactions)
			}
			if c.train != 0 && (s.Train != c.train || s.Test != c.test) {
				t.Errorf("got %d train, %d test; want %d, %d", s.Train, s.Test, c.train, c.test)
			}
			if c.train == 0 {
				checkSplit(t, d)
			}
			want, ok := golden[reg.Name]
			switch {
			case *update:
				golden[reg.Name] = d.Fingerprint
				writeGolden(t, "testdata/fingerprints.golden", golden)
			case !ok:
				t.Errorf("%s is present but has no entry in testdata/fingerprints.golden (fingerprint %s); pin it with -update", reg.Name, d.Fingerprint)
			case want != d.Fingerprint:
				t.Errorf("fingerprint %s, golden %s: the loaded content or the split changed", d.Fingerprint, want)
			}
		})
	}
}

// checkSplit verifies the per-user split's sizes on a loaded dataset.
func checkSplit(t *testing.T, d *Dataset) {
	t.Helper()
	for u := range d.Users {
		tr, te := d.Train.Row(u), d.Test.Row(u)
		if n := len(tr) + len(te); len(te) != testCount(n) {
			t.Fatalf("user %d: %d test of %d, want %d", u, len(te), n, testCount(n))
		}
		for _, i := range te {
			if _, found := slices.BinarySearch(tr, i); found {
				t.Fatalf("user %d: item %d in train and test", u, i)
			}
		}
	}
}

func readGolden(t *testing.T, path string) map[string]string {
	m := map[string]string{}
	b, err := os.ReadFile(path)
	if err != nil {
		if *update {
			return m
		}
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		k, v, _ := strings.Cut(line, " ")
		m[k] = v
	}
	return m
}

func writeGolden(t *testing.T, path string, m map[string]string) {
	var lines []string
	for k, v := range m {
		lines = append(lines, k+" "+v)
	}
	slices.Sort(lines)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTestCount(t *testing.T) {
	for n, want := range []int{0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3} {
		if got := testCount(n); got != want {
			t.Errorf("testCount(%d) = %d, want %d", n, got, want)
		}
	}
	if got := testCount(737); got != 147 {
		t.Errorf("testCount(737) = %d, want 147", got)
	}
}

// rawPairs returns a synthetic dataset's interactions with sparse raw ids,
// as a MovieLens file would hold them.
func rawPairs(t *testing.T) [][2]int32 {
	d, err := SyntheticSpec{Users: 300, Items: 400, Interactions: 9000, Seed: 4}.Generate()
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]int32
	for _, c := range []CSR{d.Train, d.Test} {
		for u := range c.Rows() {
			for _, i := range c.Row(u) {
				out = append(out, [2]int32{int32(u)*3 + 1, i*7 + 2})
			}
		}
	}
	return out
}

// TestMovieLensSourcesAgree: the same pairs as u.data, ratings.dat, a pair
// list and a zip member, in different line orders and with duplicates,
// load to the same dataset and split.
func TestMovieLensSourcesAgree(t *testing.T) {
	pairs := rawPairs(t)
	dir := t.TempDir()
	write := func(name string, line func(p [2]int32, k int) string, order []int) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(f)
		for k, o := range order {
			w.WriteString(line(pairs[o], k))
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		return path
	}
	sorted := make([]int, len(pairs))
	for k := range sorted {
		sorted[k] = k
	}
	shuffled := slices.Clone(sorted)
	prng.Shuffle(prng.New(1, prng.ForShuffle), len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	withDuplicates := append(slices.Clone(shuffled), shuffled[:100]...)

	uDataPath := write("u.data", func(p [2]int32, k int) string {
		return fmt.Sprintf("%d\t%d\t%d\t%d\n", p[0], p[1], k%5+1, 880000000+k)
	}, shuffled)
	datPath := write("ratings.dat", func(p [2]int32, k int) string {
		return fmt.Sprintf("%d::%d::%d::%d\n", p[0], p[1], k%5+1, 970000000+k)
	}, withDuplicates)
	tsvPath := write("ratings.tsv", func(p [2]int32, _ int) string {
		return fmt.Sprintf("%d\t%d\n", p[0], p[1])
	}, sorted)
	zipPath := filepath.Join(dir, "ml.zip")
	writeZip(t, zipPath, "ml/u.data", uDataPath)

	want, err := readRatings("x", tsvPath, "", pairList, 7)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, member string
		layout       *movieLensLayout
	}{
		{uDataPath, "", uData}, {datPath, "", ratingsDat}, {zipPath, "ml/u.data", uData}, {datPath, "", nil},
	} {
		got, err := readRatings("x", c.path, c.member, c.layout, 7)
		if err != nil {
			t.Fatal(err)
		}
		if got.Fingerprint != want.Fingerprint || !slices.Equal(got.RawItems, want.RawItems) || !slices.Equal(got.RawUsers, want.RawUsers) {
			t.Errorf("%s %s: loads differently from the pair list", c.path, c.member)
		}
	}
	if want.Users != 300 || want.RawUsers[1] != 4 || want.RawItems[0] != 2 {
		t.Errorf("dense ids do not follow ascending raw ids: %d users, raw %v..., %v...", want.Users, want.RawUsers[:2], want.RawItems[:1])
	}
	other, _ := readRatings("x", tsvPath, "", pairList, 8)
	if other.Fingerprint == want.Fingerprint {
		t.Error("split seeds 7 and 8 give the same split")
	}
}

func writeZip(t *testing.T, zipPath, member, from string) {
	t.Helper()
	content, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create(member)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(content)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestBadArchives(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "u.data")
	var b strings.Builder
	for k := range 20000 {
		fmt.Fprintf(&b, "%d\t%d\t3\t%d\n", k%500+1, k%977+1, 880000000+k)
	}
	os.WriteFile(src, []byte(b.String()), 0o644)
	good := filepath.Join(dir, "good.zip")
	writeZip(t, good, "ml-100k/u.data", src)
	content, _ := os.ReadFile(good)

	truncated := filepath.Join(dir, "truncated.zip")
	os.WriteFile(truncated, content[:len(content)/2], 0o644)
	if _, err := readRatings("x", truncated, "ml-100k/u.data", uData, 1); err == nil ||
		!strings.Contains(err.Error(), truncated+": not a readable zip archive") {
		t.Errorf("truncated zip: %v", err)
	}

	corrupt := filepath.Join(dir, "corrupt.zip")
	damaged := slices.Clone(content)
	for k := 200; k < 260; k++ {
		damaged[k] ^= 0x55
	}
	os.WriteFile(corrupt, damaged, 0o644)
	_, err := readRatings("x", corrupt, "ml-100k/u.data", uData, 1)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != corrupt+":ml-100k/u.data" {
		t.Errorf("corrupt member: %v, want a ParseError naming the member", err)
	}

	if _, err := readRatings("x", good, "ml-100k/ratings.dat", uData, 1); err == nil ||
		err.Error() != good+": archive has no member ml-100k/ratings.dat" {
		t.Errorf("missing member: %v", err)
	}
}

func TestRegisteredChecks(t *testing.T) {
	dir := t.TempDir()
	// A registered dataset with wrong bytes is corrupt, and says which
	// fingerprint it expected.
	os.MkdirAll(filepath.Join(dir, "onebp-ml100k"), 0o755)
	os.WriteFile(filepath.Join(dir, "onebp-ml100k", "train.csv"), []byte("user,item,rating\n0,1,5\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "onebp-ml100k", "test.csv"), []byte("user,item,rating\n0,2,5\n"), 0o644)
	_, err := Load(dir, "onebp-ml100k", 1)
	var fp *FingerprintError
	if !errors.As(err, &fp) || fp.Algorithm != "sha256" ||
		fp.Want != "8a3625f58b6e88fca5e70690f3d89990ff81a46b631705acbbe5c6a2e51822e8" || !strings.HasSuffix(fp.File, "train.csv") {
		t.Errorf("wrong bytes: %v", err)
	}
	// An extracted ratings.dat has no fingerprint: the statistics catch it.
	os.MkdirAll(filepath.Join(dir, "ml-1m"), 0o755)
	os.WriteFile(filepath.Join(dir, "ml-1m", "ratings.dat"), []byte("1::2::3::4\n2::2::3::4\n"), 0o644)
	_, err = Load(dir, "ml-1m", 1)
	if err == nil || err.Error() != "ml-1m: loaded 2 users, expected 6040" {
		t.Errorf("wrong statistics: %v", err)
	}
	_, err = Load(dir, "gowalla", 1)
	// dir is not the default data directory: the hint must download there.
	if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "onebp fetch -data-dir "+dir+" gowalla") {
		t.Errorf("missing: %v", err)
	}
	t.Setenv("ONEBP_DATA", dir)
	if _, err = Load(dir, "gowalla", 1); !strings.HasSuffix(err.Error(), "get it with: onebp fetch gowalla") {
		t.Errorf("missing from the default data directory: %v", err)
	}
	states := map[string]State{}
	for _, st := range Survey(dir, 1) {
		states[st.Name] = st.State
	}
	want := map[string]State{"onebp-ml100k": Corrupt, "ml-1m": Invalid, "gowalla": Missing, "ml-100k": Missing, "synthetic": Generated}
	for name, s := range want {
		if states[name] != s {
			t.Errorf("Survey: %s is %s, want %s", name, states[name], s)
		}
	}
}

func TestUserFormats(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "train.txt"), []byte("0 1 2\n1 0\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "test.txt"), []byte("0 3\n2 1\n"), 0o644)
	d, err := Load("", "lightgcn:"+dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s := d.Stats(); s.Users != 3 || s.Items != 4 || s.Train != 3 || s.Test != 2 || d.Split != "given" {
		t.Errorf("lightgcn: %+v, split %q", s, d.Split)
	}
	os.WriteFile(filepath.Join(dir, "test.txt"), []byte("0 3\n1 0\n"), 0o644)
	_, err = Load("", "lightgcn:"+dir, 1)
	if want := filepath.Join(dir, "test.txt") + ":2: user 1 item 0 is also in " + filepath.Join(dir, "train.txt"); err == nil || err.Error() != want {
		t.Errorf("overlap: %v\n\twant %s", err, want)
	}
	os.WriteFile(filepath.Join(dir, "train.csv"), []byte("user,item,rating\n0,1,5\n1,1,3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "test.csv"), []byte("user,item,rating\n0,0,1\n"), 0o644)
	if d, err := Load("", "csv:"+dir, 1); err != nil || d.Users != 2 || d.Items != 2 {
		t.Errorf("csv: %v, %v", d, err)
	}
	os.WriteFile(filepath.Join(dir, "r.dat"), []byte("10::5::3::1\n10::6::3::1\n11::5::1::2\n"), 0o644)
	if d, err := Load("", "movielens:"+filepath.Join(dir, "r.dat"), 1); err != nil || d.Users != 2 || d.Items != 2 || d.Test.NNZ() != 1 {
		t.Errorf("movielens: %v, %v", d, err)
	}
	if _, err := Load("", "movielens:"+filepath.Join(dir, "none.dat"), 1); err == nil || !strings.Contains(err.Error(), "none.dat") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Load("", "parquet:x", 1); err == nil || !strings.HasPrefix(err.Error(), `unknown dataset "parquet:x": want one of ml-100k,`) {
		t.Errorf("unknown format: %v", err)
	}
}

func TestDir(t *testing.T) {
	t.Setenv("ONEBP_DATA", "/from/env")
	if d, _ := Dir("/from/flag"); d != "/from/flag" {
		t.Errorf("flag: %s", d)
	}
	if d, _ := Dir(""); d != "/from/env" {
		t.Errorf("env: %s", d)
	}
	t.Setenv("ONEBP_DATA", "")
	t.Setenv("XDG_CACHE_HOME", "/cache")
	if d, _ := Dir(""); d != "/cache/onebp" {
		t.Errorf("cache: %s", d)
	}
}

func BenchmarkLoad(b *testing.B) {
	dir := os.Getenv("ONEBP_DATA")
	for _, reg := range Registry() {
		b.Run("dataset="+reg.Name, func(b *testing.B) {
			if dir == "" {
				b.Skip("ONEBP_DATA is not set")
			}
			if _, err := Load(dir, reg.Name, DefaultSplitSeed); errors.Is(err, ErrMissing) {
				b.Skip(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load(dir, reg.Name, DefaultSplitSeed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
