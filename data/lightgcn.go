package data

import (
	"bytes"
	"io"
)

// parseLightGCN reads a LightGCN train.txt or test.txt: one line per user,
// "user item item ...", single spaces, ids already dense. A user may have
// no items but may not appear on two lines. add is called for every pair.
func parseLightGCN(r io.Reader, file string, add func(u, i int32) error) error {
	lr := newLineReader(r, file)
	var lineOf []int // lineOf[u] is the line user u was on, 0 if none yet
	pairs := 0
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return lr.errorf("empty line: want user id followed by item ids")
		}
		field, rest, more := bytes.Cut(line, []byte{' '})
		u, err := parseID(field, "user id")
		if err != nil {
			return lr.wrap(err)
		}
		for int(u) >= len(lineOf) {
			lineOf = append(lineOf, 0)
		}
		if lineOf[u] != 0 {
			return lr.errorf("user %d already has a line (line %d)", u, lineOf[u])
		}
		lineOf[u] = lr.n
		for more {
			field, rest, more = bytes.Cut(rest, []byte{' '})
			if len(field) == 0 {
				return lr.errorf("empty field: ids must be separated by single spaces")
			}
			i, err := parseID(field, "item id")
			if err != nil {
				return lr.wrap(err)
			}
			if err := add(u, i); err != nil {
				return lr.wrap(err)
			}
			pairs++
		}
	}
	if lr.n == 0 {
		return &ParseError{File: file, Msg: "empty file"}
	}
	if pairs == 0 {
		return &ParseError{File: file, Msg: "no interactions: every line has a user id only"}
	}
	return nil
}
