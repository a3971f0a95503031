package results

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"onebp/model"
)

// WriteNPY writes a table as a NumPy .npy file, format 1.0: the magic, a
// header dict padded with spaces to a multiple of 64 bytes, then the
// little-endian float32 data, so that numpy.load reads it as a rows x dim
// array.
func WriteNPY(w io.Writer, t model.Table) error {
	if err := writeNPYHeader(w, "<f4", fmt.Sprintf("(%d, %d)", t.Rows, t.Dim)); err != nil {
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

// WriteIDsNPY writes ids as a one-dimensional little-endian int32 NumPy
// array: an export's map from table rows to the dataset's own ids.
func WriteIDsNPY(w io.Writer, ids []int32) error {
	if err := writeNPYHeader(w, "<i4", fmt.Sprintf("(%d,)", len(ids))); err != nil {
		return err
	}
	buf := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(id))
	}
	_, err := w.Write(buf)
	return err
}

// writeNPYHeader writes the magic, version 1.0 and the header dict padded
// with spaces so that the data starts at a multiple of 64 bytes.
func writeNPYHeader(w io.Writer, descr, shape string) error {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	// magic (6) + version (2) + header length (2) + dict + padding + "\n"
	pad := 64 - (10+len(dict)+1)%64
	header := dict + strings.Repeat(" ", pad%64) + "\n"
	buf := []byte("\x93NUMPY\x01\x00")
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(header)))
	buf = append(buf, header...)
	_, err := w.Write(buf)
	return err
}
