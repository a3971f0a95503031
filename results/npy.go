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
