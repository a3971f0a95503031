package data

import (
	"strings"
	"testing"
)

// fuzzParser checks that a parser never panics and that whatever it
// accepts is non-negative ids.
func fuzzParser(f *testing.F, p parser, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		err := p(strings.NewReader(text), "fuzz", func(u, i int32) error {
			if u < 0 || i < 0 {
				t.Fatalf("accepted negative ids %d, %d", u, i)
			}
			return nil
		})
		if err != nil && !strings.HasPrefix(err.Error(), "fuzz") {
			t.Fatalf("error %q does not name the file", err)
		}
	})
}

func FuzzMovieLens(f *testing.F) {
	fuzzParser(f, movieLensParser(nil),
		"196\t242\t3\t881250949\n", "1::1193::5::978300760\n", "1\t1\n1\t48\n", "1\t2\t3.5\t\n", "::::\n")
}

func FuzzLightGCN(f *testing.F) {
	fuzzParser(f, parseLightGCN, "0 1 2 3\n1 4\n", "0\n", "0 1\n0 2\n", " 1\n", "2147483648 1\n")
}

func FuzzAuthorsCSV(f *testing.F) {
	fuzzParser(f, parseAuthorsCSV, "user,item,rating\n0,528,4\n", "user,item,rating\n", "user,item\n0,1\n")
}
