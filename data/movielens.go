package data

import (
	"bytes"
	"fmt"
	"io"
)

// A movieLensLayout is one of the line formats MovieLens ships.
type movieLensLayout struct {
	sep    []byte
	fields int
	shape  string // for error messages
}

var (
	// uData is ml-100k's u.data: "user<TAB>item<TAB>rating<TAB>timestamp".
	uData = &movieLensLayout{[]byte("\t"), 4, `user<TAB>item<TAB>rating<TAB>timestamp`}
	// ratingsDat is ml-1m's ratings.dat: "user::item::rating::timestamp".
	ratingsDat = &movieLensLayout{[]byte("::"), 4, `user::item::rating::timestamp`}
	// pairList is the ml-1m/ratings.tsv pair list: "user<TAB>item".
	pairList = &movieLensLayout{[]byte("\t"), 2, `user<TAB>item`}
)

// detectMovieLensLayout picks the layout of a user's movielens file from its
// first line.
func detectMovieLensLayout(first []byte) (*movieLensLayout, error) {
	switch {
	case bytes.Contains(first, []byte("::")):
		return ratingsDat, nil
	case bytes.Count(first, []byte{'\t'}) == 3:
		return uData, nil
	case bytes.Count(first, []byte{'\t'}) == 1:
		return pairList, nil
	}
	return nil, fmt.Errorf("not a MovieLens line: want %s, %s or %s", uData.shape, ratingsDat.shape, pairList.shape)
}

// parseMovieLens reads MovieLens ratings in the given layout (nil: detect it
// from the first line) and calls add with every (raw user id, raw item id).
// Ratings and timestamps are checked for form, then ignored.
func parseMovieLens(r io.Reader, file string, layout *movieLensLayout, add func(u, i int32) error) error {
	lr := newLineReader(r, file)
	var f [4][]byte
	for {
		line, err := lr.next()
		if err == io.EOF {
			if lr.n == 0 {
				return &ParseError{File: file, Msg: "empty file"}
			}
			return nil
		}
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return lr.errorf("empty line")
		}
		if layout == nil {
			if layout, err = detectMovieLensLayout(line); err != nil {
				return lr.wrap(err)
			}
		}
		if n := split(line, layout.sep, f[:]); n != layout.fields {
			return lr.errorf("got %d fields, want %d: %s", n, layout.fields, layout.shape)
		}
		u, err := parseID(f[0], "user id")
		if err != nil {
			return lr.wrap(err)
		}
		i, err := parseID(f[1], "item id")
		if err != nil {
			return lr.wrap(err)
		}
		if layout.fields == 4 {
			if err := checkNumber(f[2], "rating"); err != nil {
				return lr.wrap(err)
			}
			if err := checkInteger(f[3], "timestamp"); err != nil {
				return lr.wrap(err)
			}
		}
		if err := add(u, i); err != nil {
			return lr.wrap(err)
		}
	}
}
