package data

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// collect runs a parser over text and returns the pairs it reported.
func collect(p parser, text string) ([][2]int32, error) {
	var got [][2]int32
	err := p(strings.NewReader(text), "f", func(u, i int32) error {
		got = append(got, [2]int32{u, i})
		return nil
	})
	return got, err
}

func movieLensParser(layout *movieLensLayout) parser {
	return func(r io.Reader, file string, add func(u, i int32) error) error {
		return parseMovieLens(r, file, layout, add)
	}
}

func TestParsersAcceptWellFormed(t *testing.T) {
	for _, c := range []struct {
		name string
		p    parser
		text string
		want [][2]int32
	}{
		{"u.data", movieLensParser(uData), "196\t242\t3\t881250949\n1\t2\t5\t0", [][2]int32{{196, 242}, {1, 2}}},
		{"u.data crlf", movieLensParser(uData), "196\t242\t3\t881250949\r\n", [][2]int32{{196, 242}}},
		{"ratings.dat", movieLensParser(ratingsDat), "1::1193::5::978300760\n", [][2]int32{{1, 1193}}},
		{"pair list", movieLensParser(pairList), "1\t1\n1\t48\n", [][2]int32{{1, 1}, {1, 48}}},
		{"detect dat", movieLensParser(nil), "6040::1097::4::956715569\n", [][2]int32{{6040, 1097}}},
		{"detect u.data", movieLensParser(nil), "1\t2\t3.5\t4\n", [][2]int32{{1, 2}}},
		{"detect pairs", movieLensParser(nil), "7\t9\n", [][2]int32{{7, 9}}},
		{"lightgcn", parseLightGCN, "0 5 3\n1\n2 7\n", [][2]int32{{0, 5}, {0, 3}, {2, 7}}},
		{"csv", parseAuthorsCSV, "user,item,rating\n0,528,4\n0,377,4\n", [][2]int32{{0, 528}, {0, 377}}},
		{"csv without ratings", parseAuthorsCSV, "user,item\n0,528\n0,377\n", [][2]int32{{0, 528}, {0, 377}}},
		{"max int32", movieLensParser(pairList), "2147483647\t0\n", [][2]int32{{2147483647, 0}}},
	} {
		got, err := collect(c.p, c.text)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	long := strings.Repeat("1 ", 50000) + "x\n" // a line longer than the read buffer
	for _, c := range []struct {
		name string
		p    parser
		text string
		want string
	}{
		{"empty u.data", movieLensParser(uData), "", "f: empty file"},
		{"u.data fields", movieLensParser(uData), "1\t2\t3\t4\n1\t2\t3\n", "f:2: got 3 fields, want 4: user<TAB>item<TAB>rating<TAB>timestamp"},
		{"u.data blank line", movieLensParser(uData), "1\t2\t3\t4\n\n", "f:2: empty line"},
		{"negative user", movieLensParser(uData), "-1\t2\t3\t4\n", `f:1: user id "-1" is negative`},
		{"text item", movieLensParser(uData), "1\tabc\t3\t4\n", `f:1: item id "abc" is not a non-negative integer`},
		{"beyond int32", movieLensParser(uData), "2147483648\t2\t3\t4\n", `f:1: user id "2147483648" is beyond int32`},
		{"empty id", movieLensParser(uData), "\t2\t3\t4\n", "f:1: empty user id"},
		{"bad rating", movieLensParser(uData), "1\t2\tgood\t4\n", `f:1: rating "good" is not a number`},
		{"bad rating dot", movieLensParser(uData), "1\t2\t4.\t4\n", `f:1: rating "4." is not a number`},
		{"bad timestamp", movieLensParser(uData), "1\t2\t3\t-4\n", `f:1: timestamp "-4" is not a non-negative integer`},
		{"dat fields", movieLensParser(ratingsDat), "1::2::3\n", "f:1: got 3 fields, want 4: user::item::rating::timestamp"},
		{"pairs fields", movieLensParser(pairList), "1\t2\t3\n", "f:1: got 3 fields, want 2: user<TAB>item"},
		{"undetectable", movieLensParser(nil), "1,2,3\n", "f:1: not a MovieLens line: want user<TAB>item<TAB>rating<TAB>timestamp, user::item::rating::timestamp or user<TAB>item"},
		{"mixed layouts", movieLensParser(nil), "1\t2\n1::2::3::4\n", "f:2: got 1 fields, want 2: user<TAB>item"},
		{"empty lightgcn", parseLightGCN, "", "f: empty file"},
		{"lightgcn only users", parseLightGCN, "0\n1\n", "f: no interactions: every line has a user id only"},
		{"lightgcn blank", parseLightGCN, "0 1\n\n", "f:2: empty line: want user id followed by item ids"},
		{"lightgcn double space", parseLightGCN, "0 1  2\n", "f:1: empty field: ids must be separated by single spaces"},
		{"lightgcn trailing space", parseLightGCN, "0 1 \n", "f:1: empty field: ids must be separated by single spaces"},
		{"lightgcn duplicate user", parseLightGCN, "0 1\n1 2\n0 3\n", "f:3: user 0 already has a line (line 1)"},
		{"lightgcn bad item", parseLightGCN, "0 1 x\n", `f:1: item id "x" is not a non-negative integer`},
		{"lightgcn long line", parseLightGCN, long, `f:1: item id "x" is not a non-negative integer`},
		{"lightgcn tab", parseLightGCN, "0\t1\n", `f:1: user id "0\t1" is not a non-negative integer`},
		{"empty csv", parseAuthorsCSV, "", "f: empty file"},
		{"csv no header", parseAuthorsCSV, "0,1,4\n", `f:1: header is "0,1,4", want "user,item,rating" or "user,item"`},
		{"csv pair fields", parseAuthorsCSV, "user,item\n0,1,5\n", "f:2: got 3 comma-separated fields, want 2: user,item"},
		{"csv header only", parseAuthorsCSV, "user,item,rating\n", "f: no interactions after the header"},
		{"csv fields", parseAuthorsCSV, "user,item,rating\n0,1\n", "f:2: got 2 comma-separated fields, want 3: user,item,rating"},
		{"csv blank", parseAuthorsCSV, "user,item,rating\n0,1,2\n\n", "f:3: empty line"},
		{"csv negative", parseAuthorsCSV, "user,item,rating\n0,-1,3\n", `f:2: item id "-1" is negative`},
	} {
		_, err := collect(c.p, c.text)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v\n\twant %s", c.name, err, c.want)
		}
		if _, ok := err.(*ParseError); err != nil && !ok {
			t.Errorf("%s: error is a %T, want *ParseError", c.name, err)
		}
	}
}

func TestParseLongLine(t *testing.T) {
	var b strings.Builder
	b.WriteString("3")
	for i := range 30000 {
		fmt.Fprintf(&b, " %d", i)
	}
	got, err := collect(parseLightGCN, b.String()+"\n4 1\n")
	if err != nil || len(got) != 30001 || got[29999] != [2]int32{3, 29999} || got[30000] != [2]int32{4, 1} {
		t.Fatalf("long line: %d pairs, %v", len(got), err)
	}
}
