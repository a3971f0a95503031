package model

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"

	"onebp/data"

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
// with it. It streams the file twice, first to verify it whole and then
// into t's tables, so that it holds no copy of a table and nothing in t
// changes when the file is not valid.
func (t *Trainer) LoadCheckpoint(path string) (json.RawMessage, error) {
	c, err := openCheckpoint(path)
	if err != nil {
		return nil, err
	}
	defer c.close()
	if err := compatible(c.header, t.header()); err != nil {
		return nil, c.bad("%v", err)
	}
	var want int64
	for _, tab := range t.stateTables() {
		want += 4 * int64(len(tab.Data))
	}
	if c.tableBytes != want {
		return nil, c.damaged("holds %d bytes of tables, want %d", c.tableBytes, want)
	}
	if err := c.readTables(nil); err != nil {
		return nil, err
	}
	again, err := openCheckpoint(path)
	if err != nil {
		return nil, err
	}
	defer again.close()
	if err := again.readTables(t.stateTables()); err != nil {
		return nil, fmt.Errorf("%w (the file changed while it was read: the training state is not usable)", err)
	}
	t.epochs, t.steps = c.header.Epochs, c.header.Steps
	// A checkpoint holds caught-up tables (it is taken between epochs), so
	// every row is current, whichever execution wrote it.
	for _, a := range []*adamState{t.itemAdam, t.userAdam} {
		if a != nil && a.last != nil {
			for r := range a.last {
				a.last[r] = uint32(t.steps)
			}
		}
	}
	return c.header.Note, nil
}

// CheckpointInfo is what a checkpoint says of itself, for checking it
// against a run before the run starts.
type CheckpointInfo struct {
	DatasetFingerprint string
	Users, Items       int
	Config             Config // Model(): the run-only fields cleared
	EpochsDone         int
	Note               json.RawMessage // as SaveCheckpoint was given it

	path       string
	tableBytes int64 // as the file's size says
}

// ReadCheckpointInfo reads a checkpoint's header; LoadCheckpoint verifies
// the rest.
func ReadCheckpointInfo(path string) (CheckpointInfo, error) {
	c, err := openCheckpoint(path)
	if err != nil {
		return CheckpointInfo{}, err
	}
	defer c.close()
	h := c.header
	return CheckpointInfo{DatasetFingerprint: h.Dataset, Users: h.Users, Items: h.Items, Config: h.Config, EpochsDone: h.Epochs, Note: h.Note,
		path: path, tableBytes: c.tableBytes}, nil
}

// Check refuses a checkpoint that a trainer for d and cfg could not resume
// (see LoadCheckpoint), naming the first difference, or whose size is not
// that of the state it names (a truncated file; ErrDamagedCheckpoint).
// Only LoadCheckpoint reads the tables and their checksum.
func (i CheckpointInfo) Check(d *data.Dataset, cfg Config) error {
	if err := compatible(checkpointHeader{Dataset: i.DatasetFingerprint, Users: i.Users, Items: i.Items, Config: i.Config},
		checkpointHeader{Dataset: d.Fingerprint, Users: d.Users, Items: d.Items, Config: cfg.Model()}); err != nil {
		return err
	}
	if want := stateBytes(i.Users, i.Items, i.Config); i.tableBytes != want {
		return fmt.Errorf("checkpoint %s: holds %d bytes of tables, want %d: %w", i.path, i.tableBytes, want, ErrDamagedCheckpoint)
	}
	return nil
}

// stateBytes is the size of the tables stateTables lists for a run of cfg
// with users and items rows.
func stateBytes(users, items int, cfg Config) int64 {
	rows := int64(users) + 3*int64(items) // tables, item moments
	if cfg.Strategy == TwoBP {
		rows += 2 * int64(users) // user moments
	}
	return 4 * rows * int64(cfg.Dim)
}

// checkpointFile reads a checkpoint in order, hashing what it reads.
type checkpointFile struct {
	path       string
	f          *os.File
	buf        *bufio.Reader // f, buffered
	r          io.Reader     // buf, hashed
	sum        hash.Hash
	header     checkpointHeader
	tableBytes int64
}

// openCheckpoint opens path and reads up to the end of the header.
func openCheckpoint(path string) (*checkpointFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	c := &checkpointFile{path: path, f: f, sum: sha256.New()}
	c.buf = bufio.NewReaderSize(f, 1<<16)
	c.r = io.TeeReader(c.buf, c.sum)
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	prefix := make([]byte, 16)
	if _, err := io.ReadFull(c.r, prefix); err != nil || string(prefix[:8]) != checkpointMagic || st.Size() < 16+sha256.Size {
		f.Close()
		return nil, c.damaged("not a onebp checkpoint")
	}
	if version := binary.LittleEndian.Uint32(prefix[8:]); version != checkpointVersion {
		f.Close()
		return nil, c.bad("format version %d, this onebp reads version %d", version, checkpointVersion)
	}
	n := int64(binary.LittleEndian.Uint32(prefix[12:]))
	c.tableBytes = st.Size() - 16 - n - sha256.Size
	if c.tableBytes < 0 {
		f.Close()
		return nil, c.damaged("header length %d beyond the file", n)
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(c.r, header); err != nil {
		f.Close()
		return nil, c.damaged("header: %v", err)
	}
	if err := json.Unmarshal(header, &c.header); err != nil {
		f.Close()
		return nil, c.damaged("header: %v", err)
	}
	return c, nil
}

func (c *checkpointFile) close() { c.f.Close() }

func (c *checkpointFile) bad(format string, args ...any) error {
	return fmt.Errorf("checkpoint %s: %s", c.path, fmt.Sprintf(format, args...))
}

// ErrDamagedCheckpoint is wrapped by the errors about a checkpoint file
// that is not whole (truncated, corrupted, not a checkpoint), as opposed
// to one of another run.
var ErrDamagedCheckpoint = errors.New("the file is damaged or truncated")

// damaged is bad for a file that is not whole.
func (c *checkpointFile) damaged(format string, args ...any) error {
	return fmt.Errorf("checkpoint %s: %s: %w", c.path, fmt.Sprintf(format, args...), ErrDamagedCheckpoint)
}

// readTables reads the tables into dst in order (nil: only hashes them),
// then checks the checksum that ends the file.
func (c *checkpointFile) readTables(dst []Table) error {
	chunk := make([]byte, 1<<16)
	left := c.tableBytes
	for _, tab := range dst {
		for k := 0; k < len(tab.Data); {
			n := min(len(chunk)/4, len(tab.Data)-k)
			if _, err := io.ReadFull(c.r, chunk[:4*n]); err != nil {
				return c.damaged("tables: %v", err)
			}
			for j := range n {
				tab.Data[k+j] = math.Float32frombits(binary.LittleEndian.Uint32(chunk[4*j:]))
			}
			k += n
			left -= 4 * int64(n)
		}
	}
	if _, err := io.CopyN(io.Discard, c.r, left); err != nil {
		return c.damaged("tables: %v", err)
	}
	got := c.sum.Sum(nil)
	want := make([]byte, sha256.Size)
	if _, err := io.ReadFull(c.buf, want); err != nil {
		return c.damaged("checksum: %v", err)
	}
	if !bytes.Equal(got, want) {
		return c.damaged("checksum mismatch")
	}
	return nil
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
