package data

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
)

// lineReader yields the lines of a text file without their "\n" or "\r\n"
// terminators, reusing its buffers so that reading allocates nothing per
// line. A last line without a terminator is accepted.
type lineReader struct {
	br   *bufio.Reader
	file string
	n    int    // number of the line last returned
	long []byte // holds a line longer than br's buffer
}

func newLineReader(r io.Reader, file string) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 1<<16), file: file}
}

// next returns the next line, io.EOF after the last one, or a *ParseError
// for a read failure (a truncated archive, a checksum error).
func (lr *lineReader) next() ([]byte, error) {
	line, err := lr.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		lr.long = append(lr.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = lr.br.ReadSlice('\n')
			lr.long = append(lr.long, line...)
		}
		line = lr.long
	}
	switch {
	case err == io.EOF && len(line) == 0:
		return nil, io.EOF
	case err != nil && err != io.EOF:
		return nil, &ParseError{File: lr.file, Line: lr.n + 1, Msg: fmt.Sprintf("read error: %v", err)}
	}
	lr.n++
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	return line, nil
}

// errorf reports a problem with the line last returned.
func (lr *lineReader) errorf(format string, args ...any) *ParseError {
	return &ParseError{File: lr.file, Line: lr.n, Msg: fmt.Sprintf(format, args...)}
}

// wrap turns err, found on the line last returned, into a *ParseError.
func (lr *lineReader) wrap(err error) *ParseError {
	return &ParseError{File: lr.file, Line: lr.n, Msg: err.Error()}
}

// split cuts line at every sep into dst and returns how many fields there
// are; fields beyond len(dst) are counted but not stored.
func split(line, sep []byte, dst [][]byte) int {
	n := 0
	for {
		var i int
		if len(sep) == 1 {
			i = bytes.IndexByte(line, sep[0])
		} else {
			i = bytes.Index(line, sep)
		}
		field := line
		if i >= 0 {
			field = line[:i]
		}
		if n < len(dst) {
			dst[n] = field
		}
		n++
		if i < 0 {
			return n
		}
		line = line[i+len(sep):]
	}
}

// parseID parses a non-negative decimal id that fits in an int32; what names
// the field in the error message.
func parseID(b []byte, what string) (int32, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("empty %s", what)
	}
	if b[0] == '-' {
		return 0, fmt.Errorf("%s %q is negative", what, b)
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%s %q is not a non-negative integer", what, b)
		}
		v = v*10 + int64(c-'0')
		if v > math.MaxInt32 {
			return 0, fmt.Errorf("%s %q is beyond int32", what, b)
		}
	}
	return int32(v), nil
}

// checkNumber accepts a decimal number such as a rating: digits with an
// optional sign and an optional fraction ("4", "3.5", "-1").
func checkNumber(b []byte, what string) error {
	s := b
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	whole, frac, hasDot := bytes.Cut(s, []byte{'.'})
	if !isDigits(whole) || (hasDot && !isDigits(frac)) {
		return fmt.Errorf("%s %q is not a number", what, b)
	}
	return nil
}

// checkInteger accepts a non-negative integer such as a Unix timestamp.
func checkInteger(b []byte, what string) error {
	if !isDigits(b) || len(b) > 19 {
		return fmt.Errorf("%s %q is not a non-negative integer", what, b)
	}
	return nil
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}
