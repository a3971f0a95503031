package data

import (
	"io"
	"slices"
	"strings"
)

// csvHeaders are the first lines the authors' CSV may start with: theirs
// (train.csv and test.csv) carries a rating, which onebp never reads, so
// a file without it is as good.
var csvHeaders = []string{"user,item,rating", "user,item"}

var comma = []byte(",")

// parseAuthorsCSV reads the OneBP authors' CSV: the header
// "user,item,rating", then one "user,item,rating" row per interaction with
// dense ids; or the same without the rating column. add is called for
// every (user, item).
func parseAuthorsCSV(r io.Reader, file string, add func(u, i int32) error) error {
	lr := newLineReader(r, file)
	header, err := lr.next()
	if err == io.EOF {
		return &ParseError{File: file, Msg: "empty file"}
	}
	if err != nil {
		return err
	}
	k := slices.Index(csvHeaders, string(header))
	if k < 0 {
		return lr.errorf("header is %q, want %q or %q", header, csvHeaders[0], csvHeaders[1])
	}
	columns := csvHeaders[k]
	fields := strings.Count(columns, ",") + 1
	var f [3][]byte
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return lr.errorf("empty line")
		}
		if n := split(line, comma, f[:]); n != fields {
			return lr.errorf("got %d comma-separated fields, want %d: %s", n, fields, columns)
		}
		u, err := parseID(f[0], "user id")
		if err != nil {
			return lr.wrap(err)
		}
		i, err := parseID(f[1], "item id")
		if err != nil {
			return lr.wrap(err)
		}
		if fields == 3 {
			if err := checkNumber(f[2], "rating"); err != nil {
				return lr.wrap(err)
			}
		}
		if err := add(u, i); err != nil {
			return lr.wrap(err)
		}
	}
	if lr.n == 1 {
		return &ParseError{File: file, Msg: "no interactions after the header"}
	}
	return nil
}
