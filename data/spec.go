package data

import (
	"fmt"
	"path/filepath"
	"strings"
)

// SpecKind is what a dataset specification names.
type SpecKind int

const (
	KindRegistered SpecKind = iota // a dataset of the registry, read from the data directory
	KindSynthetic                  // a generated dataset
	KindMovieLens                  // movielens:FILE, split per user
	KindLightGCN                   // lightgcn:DIR, train.txt and test.txt
	KindCSV                        // csv:DIR, train.csv and test.csv
)

// SpecForms describes, for messages and usage lines, the specifications
// other than a registered name.
const SpecForms = "synthetic[:users=U,items=I,interactions=N,seed=S], movielens:FILE, lightgcn:DIR or csv:DIR"

var specPrefixes = map[SpecKind]string{KindMovieLens: "movielens:", KindLightGCN: "lightgcn:", KindCSV: "csv:"}

// A Spec is a parsed dataset specification, the one language every command
// takes for a dataset:
//
//	NAME                                          a registered dataset
//	synthetic[:users=U,items=I,interactions=N,seed=S]
//	movielens:FILE                                u.data, ratings.dat or user<TAB>item lines
//	lightgcn:DIR                                  DIR/train.txt and DIR/test.txt
//	csv:DIR                                       DIR/train.csv and DIR/test.csv
type Spec struct {
	Kind      SpecKind
	Name      string        // KindRegistered: the registry's name
	Path      string        // KindMovieLens: the file; KindLightGCN, KindCSV: the directory
	Synthetic SyntheticSpec // KindSynthetic
}

// ParseSpec reads a dataset specification.
func ParseSpec(s string) (Spec, error) {
	if s == "synthetic" || strings.HasPrefix(s, "synthetic:") {
		syn, err := ParseSynthetic(s)
		return Spec{Kind: KindSynthetic, Synthetic: syn}, err
	}
	if _, ok := Lookup(s); ok {
		return Spec{Kind: KindRegistered, Name: s}, nil
	}
	for kind, prefix := range specPrefixes {
		if path, ok := strings.CutPrefix(s, prefix); ok && path != "" {
			return Spec{Kind: kind, Path: path}, nil
		}
	}
	return Spec{}, fmt.Errorf("unknown dataset %q: want one of %s, %s", s, strings.Join(Names(), ", "), SpecForms)
}

// String is the specification as ParseSpec reads it; it is also the name
// of the dataset it loads.
func (s Spec) String() string {
	switch s.Kind {
	case KindRegistered:
		return s.Name
	case KindSynthetic:
		return s.Synthetic.String()
	}
	return specPrefixes[s.Kind] + s.Path
}

// Load loads the dataset: a registered one from dir/<name>/, verified
// against its fingerprints and statistics; a synthetic one generated; files
// of a known format read by the same strict parsers, without fingerprint or
// statistics checks. splitSeed seeds the per-user split where there is one.
func (s Spec) Load(dir string, splitSeed uint64) (*Dataset, error) {
	name := s.String()
	switch s.Kind {
	case KindRegistered:
		reg, ok := Lookup(s.Name)
		if !ok {
			return nil, fmt.Errorf("unknown dataset %q: want one of %s", s.Name, strings.Join(Names(), ", "))
		}
		return loadRegistered(dir, reg, splitSeed)
	case KindSynthetic:
		return s.Synthetic.Generate()
	case KindMovieLens:
		return readRatings(name, s.Path, "", nil, splitSeed)
	case KindLightGCN:
		return readGivenSplit(name, parseLightGCN, filepath.Join(s.Path, "train.txt"), filepath.Join(s.Path, "test.txt"))
	case KindCSV:
		return readGivenSplit(name, parseAuthorsCSV, filepath.Join(s.Path, "train.csv"), filepath.Join(s.Path, "test.csv"))
	}
	return nil, fmt.Errorf("dataset %v: unknown kind %d", name, s.Kind)
}

// Load parses the specification name and loads it (see Spec.Load).
func Load(dir, name string, splitSeed uint64) (*Dataset, error) {
	s, err := ParseSpec(name)
	if err != nil {
		return nil, err
	}
	return s.Load(dir, splitSeed)
}
