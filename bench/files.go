package bench

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"onebp/model"
)

// WriteFileAtomic writes path through a temporary file in the same
// directory, renamed into place only when write succeeded, so that readers
// never see a half-written file and a failure leaves the old one.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteNPY writes a table as a NumPy .npy file, format 1.0: the magic, a
// header dict padded with spaces to a multiple of 64 bytes, then the
// little-endian float32 data, so that numpy.load reads it as a rows x dim
// array.
func WriteNPY(w io.Writer, t model.Table) error {
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", t.Rows, t.Dim)
	// magic (6) + version (2) + header length (2) + dict + padding + "\n"
	pad := 64 - (10+len(dict)+1)%64
	header := dict + strings.Repeat(" ", pad%64) + "\n"
	buf := []byte("\x93NUMPY\x01\x00")
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(header)))
	buf = append(buf, header...)
	if _, err := w.Write(buf); err != nil {
		return err
	}
	row := make([]byte, 4*t.Dim)
	for i := range t.Rows {
		for k, x := range t.Row(i) {
			binary.LittleEndian.PutUint32(row[4*k:], math.Float32bits(x))
		}
		if _, err := w.Write(row); err != nil {
			return err
		}
	}
	return nil
}
