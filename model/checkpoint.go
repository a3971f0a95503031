package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"onebp/internal/atomicfile"
)

// A checkpoint is the full training state, so that training resumed from
// it gives bit-identical results to training that never stopped:
//
//	"ONEBPCKP"  magic
//	uint32      format version (2), little-endian
//	uint32      length of the header
//	header      JSON: checkpointHeader
//	float32s    little-endian: users, items, item m, item v, then for
//	            TwoBP user m, user v
//	[32]byte    SHA-256 of everything before it
//
// The random streams need no saving: they are derived from the seed and
// the epoch, and a checkpoint is taken between epochs.
const (
	checkpointMagic   = "ONEBPCKP"
	checkpointVersion = 2
)

type checkpointHeader struct {
	Dataset string `json:"dataset_fingerprint"`
	Users   int    `json:"users"`
	Items   int    `json:"items"`
	Config  Config `json:"config"` // Model(): the run-only fields cleared
	Epochs  int    `json:"epochs_done"`
	Steps   int    `json:"adam_steps"`
	// Note is the caller's own record of the run so far (bench keeps the
	// epochs' losses, times and evaluations there), returned as saved.
	Note json.RawMessage `json:"note,omitempty"`
}

func (t *Trainer) header() checkpointHeader {
	return checkpointHeader{
		Dataset: t.fingerprint, Users: t.Users.Rows, Items: t.Items.Rows,
		Config: t.cfg.Model(), Epochs: t.epochs, Steps: t.steps,
	}
}

// stateTables lists the tables a checkpoint holds, in order.
func (t *modelState) stateTables() []Table {
	tabs := []Table{t.Users, t.Items, t.itemAdam.m, t.itemAdam.v}
	if t.userAdam != nil {
		tabs = append(tabs, t.userAdam.m, t.userAdam.v)
	}
	return tabs
}

// SaveCheckpoint writes the training state to path atomically: to a
// temporary file in the same directory, renamed into place once complete.
// note, a JSON value or nil, is kept beside the state for LoadCheckpoint to
// return.
func (t *Trainer) SaveCheckpoint(path string, note json.RawMessage) error {
	h := t.header()
	h.Note = note
	header, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(out io.Writer) error {
		h := sha256.New()
		w := io.MultiWriter(out, h)
		buf := append([]byte(checkpointMagic), make([]byte, 8)...)
		binary.LittleEndian.PutUint32(buf[8:], checkpointVersion)
		binary.LittleEndian.PutUint32(buf[12:], uint32(len(header)))
		if _, err := w.Write(append(buf, header...)); err != nil {
			return err
		}
		chunk := make([]byte, 0, 1<<16)
		for _, tab := range t.stateTables() {
			for _, x := range tab.Data {
				chunk = binary.LittleEndian.AppendUint32(chunk, math.Float32bits(x))
				if len(chunk) == cap(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return err
					}
					chunk = chunk[:0]
				}
			}
		}
		if _, err := w.Write(chunk); err != nil {
			return err
		}
		_, err := out.Write(h.Sum(nil))
		return err
	})
}

// LoadCheckpoint restores the state saved by SaveCheckpoint into t, which
// must have been built for the same dataset and hyper-parameters (the
// number of epochs and of workers may differ), and returns the note saved
// with it. Nothing in t changes when it fails.
func (t *Trainer) LoadCheckpoint(path string) (json.RawMessage, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("checkpoint %s: %s", path, fmt.Sprintf(format, args...))
	}
	if len(raw) < len(checkpointMagic)+8+sha256.Size || string(raw[:8]) != checkpointMagic {
		return nil, bad("not a onebp checkpoint")
	}
	body, sum := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, bad("checksum mismatch: the file is damaged or truncated")
	}
	version := binary.LittleEndian.Uint32(raw[8:])
	if version != checkpointVersion {
		return nil, bad("format version %d, this onebp reads version %d", version, checkpointVersion)
	}
	n := int(binary.LittleEndian.Uint32(raw[12:]))
	if 16+n > len(body) {
		return nil, bad("header length %d beyond the file", n)
	}
	var h checkpointHeader
	if err := json.Unmarshal(body[16:16+n], &h); err != nil {
		return nil, bad("header: %v", err)
	}
	if err := compatible(h, t.header()); err != nil {
		return nil, bad("%v", err)
	}
	floats := body[16+n:]
	want := 0
	for _, tab := range t.stateTables() {
		want += len(tab.Data)
	}
	if len(floats) != 4*want {
		return nil, bad("holds %d bytes of tables, want %d", len(floats), 4*want)
	}
	for _, tab := range t.stateTables() {
		for k := range tab.Data {
			tab.Data[k] = math.Float32frombits(binary.LittleEndian.Uint32(floats[4*k:]))
		}
		floats = floats[4*len(tab.Data):]
	}
	t.epochs, t.steps = h.Epochs, h.Steps
	return h.Note, nil
}

// compatible refuses a checkpoint whose data or hyper-parameters differ
// from the trainer's, naming the first difference.
func compatible(saved, now checkpointHeader) error {
	for _, c := range []struct {
		what        string
		saved, want any
	}{
		{"dataset fingerprint", saved.Dataset, now.Dataset},
		{"users", saved.Users, now.Users},
		{"items", saved.Items, now.Items},
	} {
		if c.saved != c.want {
			return fmt.Errorf("it was saved with %s %v, this run has %v", c.what, c.saved, c.want)
		}
	}
	if d := Differences(saved.Config, now.Config); len(d) > 0 {
		return fmt.Errorf("it was saved with %s %s, this run has %s", d[0].Name, d[0].Old, d[0].New)
	}
	return nil
}
