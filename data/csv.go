package data

import (
	"io"
)

// csvHeader is the first line of the OneBP authors' train.csv and test.csv.
const csvHeader = "user,item,rating"

var comma = []byte(",")

// parseAuthorsCSV reads the OneBP authors' CSV: the header
// "user,item,rating", then one "user,item,rating" row per interaction with
// dense ids. add is called for every (user, item).
func parseAuthorsCSV(r io.Reader, file string, add func(u, i int32) error) error {
	lr := newLineReader(r, file)
	header, err := lr.next()
	if err == io.EOF {
		return &ParseError{File: file, Msg: "empty file"}
	}
	if err != nil {
		return err
	}
	if string(header) != csvHeader {
		return lr.errorf("header is %q, want %q", header, csvHeader)
	}
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
		if n := split(line, comma, f[:]); n != 3 {
			return lr.errorf("got %d comma-separated fields, want 3: user,item,rating", n)
		}
		u, err := parseID(f[0], "user id")
		if err != nil {
			return lr.wrap(err)
		}
		i, err := parseID(f[1], "item id")
		if err != nil {
			return lr.wrap(err)
		}
		if err := checkNumber(f[2], "rating"); err != nil {
			return lr.wrap(err)
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
