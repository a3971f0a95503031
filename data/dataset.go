package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
)

// A Dataset is implicit feedback with dense 0-based ids, split into train
// and test.
type Dataset struct {
	Name         string // registered name, "synthetic:..." or FORMAT:PATH
	Users, Items int
	Train, Test  CSR
	// RawUsers[u] and RawItems[i] are the ids in the source files for
	// MovieLens data, whose dense ids follow ascending raw ids; nil when the
	// files already use dense ids.
	RawUsers, RawItems []int32
	// Split says where the train/test split comes from: "given" (the files)
	// or "per-user 80/20, seed N".
	Split string
	// Fingerprint is the hex SHA-256 of the loaded content (counts and both
	// CSRs), so the same data read from different files (an official archive
	// or a pair list) has the same fingerprint.
	Fingerprint string
}

// UserIDs returns the source files' id of every user row: RawUsers, or
// the rows themselves when the files use dense ids.
func (d *Dataset) UserIDs() []int32 { return sourceIDs(d.RawUsers, d.Users) }

// ItemIDs is UserIDs for items.
func (d *Dataset) ItemIDs() []int32 { return sourceIDs(d.RawItems, d.Items) }

func sourceIDs(raw []int32, n int) []int32 {
	if raw != nil {
		return raw
	}
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(i)
	}
	return ids
}

// Stats are a dataset's sizes.
type Stats struct {
	Users, Items, Interactions, Train, Test int
	Density                                 float64 // interactions / (users * items)
}

// Stats returns the dataset's sizes.
func (d *Dataset) Stats() Stats {
	s := Stats{Users: d.Users, Items: d.Items, Train: d.Train.NNZ(), Test: d.Test.NNZ()}
	s.Interactions = s.Train + s.Test
	if d.Users > 0 && d.Items > 0 {
		s.Density = float64(s.Interactions) / (float64(d.Users) * float64(d.Items))
	}
	return s
}

// fingerprint hashes the content that training and evaluation see.
func (d *Dataset) fingerprint() string {
	h := sha256.New()
	buf := make([]byte, 0, 1<<16)
	flush := func() { h.Write(buf); buf = buf[:0] }
	buf = append(buf, "onebp-dataset/1\n"...)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(d.Users))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(d.Items))
	for _, c := range []CSR{d.Train, d.Test} {
		for _, o := range c.Offsets {
			if len(buf) > cap(buf)-8 {
				flush()
			}
			buf = binary.LittleEndian.AppendUint64(buf, uint64(o))
		}
		for _, i := range c.Items {
			if len(buf) > cap(buf)-4 {
				flush()
			}
			buf = binary.LittleEndian.AppendUint32(buf, uint32(i))
		}
	}
	flush()
	return hex.EncodeToString(h.Sum(nil))
}

// fromRawPairs builds a dataset from (raw user, raw item) pairs with no
// given split: dense ids follow ascending raw ids, then each user's items
// are split by splitPerUser. pairs is reordered in place.
func fromRawPairs(name string, pairs []uint64, splitSeed uint64) *Dataset {
	pairs = sortedUnique(pairs)
	itemKeys := make([]uint64, len(pairs))
	for k, p := range pairs {
		_, i := unpack(p)
		itemKeys[k] = uint64(i)
	}
	itemKeys = sortedUnique(itemKeys)
	d := &Dataset{Name: name, RawItems: make([]int32, len(itemKeys))}
	for k, i := range itemKeys {
		d.RawItems[k] = int32(i)
	}
	denseItem := remapper(d.RawItems)
	all := CSR{Items: make([]int32, len(pairs))}
	for k, p := range pairs {
		u, i := unpack(p)
		if k == 0 || d.RawUsers[len(d.RawUsers)-1] != u {
			d.RawUsers = append(d.RawUsers, u)
			all.Offsets = append(all.Offsets, k)
		}
		all.Items[k] = denseItem(i)
	}
	all.Offsets = append(all.Offsets, len(pairs))
	d.Users, d.Items = len(d.RawUsers), len(d.RawItems)
	d.Train, d.Test = splitPerUser(all, splitSeed)
	d.Split = splitName(splitSeed)
	d.Fingerprint = d.fingerprint()
	return d
}

// fromGivenSplit builds a dataset whose files give dense ids and the split:
// train is already built, test holds packed pairs. The counts are one more
// than the largest ids seen.
func fromGivenSplit(name string, train CSR, test []uint64) *Dataset {
	users, items := train.Rows(), 0
	for _, i := range train.Items {
		items = max(items, int(i)+1)
	}
	for _, p := range test {
		u, i := unpack(p)
		users, items = max(users, int(u)+1), max(items, int(i)+1)
	}
	d := &Dataset{Name: name, Users: users, Items: items, Split: "given"}
	d.Train, d.Test = train.withRows(users), buildCSR(users, test)
	d.Fingerprint = d.fingerprint()
	return d
}

// remapper returns the function from a raw id to its index in the sorted
// ids raw: a lookup table when the raw ids are small enough, else a binary
// search.
func remapper(raw []int32) func(int32) int32 {
	if len(raw) == 0 || raw[len(raw)-1] >= 1<<22 {
		return func(id int32) int32 {
			k, _ := slices.BinarySearch(raw, id)
			return int32(k)
		}
	}
	table := make([]int32, raw[len(raw)-1]+1)
	for k, id := range raw {
		table[id] = int32(k)
	}
	return func(id int32) int32 { return table[id] }
}
