package data

import (
	"errors"
	"fmt"
)

// ParseError is malformed input: the file (for an archive member,
// "archive.zip:member"), the 1-based line (0 when the problem is the file as a
// whole) and what was expected.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// ErrMissing is returned (wrapped) when a registered dataset has none of its
// source files in the data directory.
var ErrMissing = errors.New("dataset not present")

// FingerprintError is a file whose bytes are not the official ones.
type FingerprintError struct {
	File, Algorithm, Want, Got string
}

func (e *FingerprintError) Error() string {
	return fmt.Sprintf("%s: %s mismatch: expected %s, got %s", e.File, e.Algorithm, e.Want, e.Got)
}

// StatsError is a dataset that loaded but does not have the statistics the
// registry expects of it.
type StatsError struct {
	Dataset   string
	Field     string
	Want, Got int
}

func (e *StatsError) Error() string {
	return fmt.Sprintf("%s: loaded %d %s, expected %d", e.Dataset, e.Got, e.Field, e.Want)
}
