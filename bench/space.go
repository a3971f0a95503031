package bench

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"onebp/internal/prng"
	"onebp/model"
	"onebp/results"
)

// A Space is the hyper-parameters a tuning grid searches for one strategy
// and the values it draws them from, declared as
//
//	NAME=ALTERNATIVES,NAME=ALTERNATIVES,...
//
// where NAME is one of SweepNames and ALTERNATIVES is one or more
// alternatives separated by "|", each a value ("0") or a range
// "LO:HI[:log][:N]" (LO < HI; log spaces the range evenly in the
// logarithm, and needs LO > 0; N is the number of grid points the range
// gives, needed by the grid sampler only). Example:
// "lr=1e-4:1e-2:log:4,l2=0|1e-7:1e-3:log:3".
type Space []Param

// A Param is one searched hyper-parameter and its alternatives.
type Param struct {
	Name         string
	Alternatives []Alternative
}

// An Alternative is one value (Lo == Hi) or a range of values.
type Alternative struct {
	Lo, Hi float64
	Log    bool
	N      int // grid points of a range; 0 when not given
	text   string
}

func (a Alternative) isValue() bool { return a.Lo == a.Hi }

// ParseSpace reads a space, checking every name and endpoint as a run
// would, and that strategy has every parameter.
func ParseSpace(s string, strategy model.Strategy) (Space, error) {
	bad := func(value, want string) error {
		return &OptionError{Option: "space-" + strategy.String(), Value: strconv.Quote(value), Want: want}
	}
	if s == "" {
		return nil, bad(s, "NAME=ALTERNATIVES,... with NAME one of "+strings.Join(SweepNames, ", "))
	}
	var space Space
	for _, part := range strings.Split(s, ",") {
		name, alts, ok := strings.Cut(part, "=")
		switch {
		case !ok || alts == "":
			return nil, bad(part, "NAME=ALTERNATIVES with NAME one of "+strings.Join(SweepNames, ", ")+" and ALTERNATIVES values or LO:HI[:log][:N] ranges separated by |")
		case !slices.Contains(SweepNames, name):
			return nil, bad(name, "one of "+strings.Join(SweepNames, ", "))
		case !(model.Config{Strategy: strategy}).Applies(name):
			return nil, bad(name, fmt.Sprintf("a hyper-parameter %v has (it has no %s)", strategy, name))
		case slices.ContainsFunc(space, func(p Param) bool { return p.Name == name }):
			return nil, bad(part, "each hyper-parameter once ("+name+" twice)")
		}
		p := Param{Name: name}
		for _, text := range strings.Split(alts, "|") {
			a, err := parseAlternative(name, text)
			if err != nil {
				return nil, bad(part, err.Error())
			}
			p.Alternatives = append(p.Alternatives, a)
		}
		space = append(space, p)
	}
	return space, nil
}

func parseAlternative(name, text string) (Alternative, error) {
	fields := strings.Split(text, ":")
	a := Alternative{text: text}
	value := func(s string) (float64, error) {
		if err := model.CheckField(name, s); err != nil {
			return 0, err
		}
		return strconv.ParseFloat(s, 64)
	}
	var err error
	if a.Lo, err = value(fields[0]); err != nil {
		return a, err
	}
	if len(fields) == 1 {
		a.Hi = a.Lo
		return a, nil
	}
	if a.Hi, err = value(fields[1]); err != nil {
		return a, err
	}
	for _, f := range fields[2:] {
		n, errN := strconv.Atoi(f)
		switch {
		case f == "log" && !a.Log && a.N == 0:
			a.Log = true
		case errN == nil && n >= 2 && a.N == 0:
			a.N = n
		default:
			return a, fmt.Errorf("%s: want LO:HI, then optionally log, then optionally a grid size of at least 2", text)
		}
	}
	switch {
	case !(a.Lo < a.Hi):
		return a, fmt.Errorf("%s: an empty range (want LO < HI)", text)
	case a.Log && a.Lo <= 0:
		return a, fmt.Errorf("%s: a log range needs LO > 0", text)
	}
	return a, nil
}

// integral says whether hyper-parameter name takes whole numbers only, as
// the configuration's parser says (model.CheckField).
func integral(name string) bool { return model.CheckField(name, "0.5") != nil }

// String writes the space as ParseSpace reads it, as given.
func (s Space) String() string {
	var parts []string
	for _, p := range s {
		var alts []string
		for _, a := range p.Alternatives {
			alts = append(alts, a.text)
		}
		parts = append(parts, p.Name+"="+strings.Join(alts, "|"))
	}
	return strings.Join(parts, ",")
}

// A Sampler is how a tuning grid draws its trials from a space.
type Sampler string

// The samplers: every point of the grid the space declares (a range's N
// points; the budget must be the grid's size), independent draws, or a
// Halton sequence, which spreads a small budget more evenly than
// independent draws. Random and Halton draw an alternative with equal
// probability, then a value uniformly in it (in the logarithm for log
// ranges); both are seeded.
const (
	SamplerGrid   Sampler = "grid"
	SamplerRandom Sampler = "random"
	SamplerHalton Sampler = "halton"
)

// Samplers lists the samplers.
var Samplers = []Sampler{SamplerHalton, SamplerRandom, SamplerGrid}

// UnmarshalText reads a sampler's name.
func (s *Sampler) UnmarshalText(b []byte) error {
	if !slices.Contains(Samplers, Sampler(b)) {
		var names []string
		for _, x := range Samplers {
			names = append(names, string(x))
		}
		return &OptionError{Option: "sampler", Value: strconv.Quote(string(b)), Want: strings.Join(names, ", ")}
	}
	*s = Sampler(b)
	return nil
}

// MarshalText writes a sampler's name.
func (s Sampler) MarshalText() ([]byte, error) { return []byte(s), nil }

// GridSize is the number of points of the grid the space declares, or an
// error naming a range without its number of points.
func (s Space) GridSize() (int, error) {
	size := 1
	for _, p := range s {
		n := 0
		for _, a := range p.Alternatives {
			switch {
			case a.isValue():
				n++
			case a.N == 0:
				return 0, fmt.Errorf("%s=%s: a grid needs each range's number of points (LO:HI[:log]:N)", p.Name, a.text)
			default:
				n += a.N
			}
		}
		size *= n
	}
	return size, nil
}

// Trials draws n distinct points of the space with the sampler, seeded by
// seed and the strategy: the same arguments give the same points, in
// order. A grid's n must be its size.
func (s Space) Trials(n int, sampler Sampler, seed uint64, strategy model.Strategy) ([]results.Point, error) {
	if sampler == SamplerGrid {
		size, err := s.GridSize()
		if err != nil {
			return nil, err
		}
		if n != size {
			return nil, fmt.Errorf("the grid of %v's space has %d points, and a grid spends exactly its points, not %d", strategy, size, n)
		}
		return s.grid(), nil
	}
	src := prng.New(seed, prng.ForTuning, uint64(strategy))
	// Halton's points are shifted by one random offset per parameter
	// (a Cranley-Patterson rotation), so that the seed matters.
	shift := make([]float64, len(s))
	for d := range shift {
		shift[d] = prng.Float64(src)
	}
	var out []results.Point
	seen := map[string]bool{}
	for i := 1; len(out) < n; i++ {
		if i > 100*n {
			return nil, fmt.Errorf("%v's space gave %d distinct points in %d draws, fewer than the %d trials asked for", strategy, len(out), i-1, n)
		}
		var p results.Point
		for d, param := range s {
			var u float64
			if sampler == SamplerHalton {
				u = math.Mod(halton(i, primes[d])+shift[d], 1)
			} else {
				u = prng.Float64(src)
			}
			p = append(p, model.Field{Name: param.Name, Value: param.at(u)})
		}
		if key := p.String(); !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// at maps u in [0, 1) to a value of the parameter: the alternative
// floor(u*k) of k, then the position the rest of u gives within it.
func (p Param) at(u float64) string {
	k := float64(len(p.Alternatives))
	i := min(int(u*k), len(p.Alternatives)-1)
	return p.format(p.Alternatives[i], u*k-float64(i))
}

// format writes the value at position t in [0, 1] of alternative a as
// records spell it: whole numbers for the integral parameters, otherwise
// three significant digits (so that trials read as settings a person
// would write), or more where three would leave the range.
func (p Param) format(a Alternative, t float64) string {
	v := a.Lo + t*(a.Hi-a.Lo)
	if a.Log {
		v = math.Exp(math.Log(a.Lo) + t*(math.Log(a.Hi)-math.Log(a.Lo)))
	}
	if integral(p.Name) {
		return strconv.Itoa(int(math.Round(v)))
	}
	for digits := 3; ; digits++ {
		s := strconv.FormatFloat(v, 'g', digits, 64)
		if w, _ := strconv.ParseFloat(s, 64); (w >= a.Lo && w <= a.Hi) || digits == 17 {
			return s
		}
	}
}

// values is the parameter's grid: each value, and each range's N points
// from LO to HI.
func (p Param) values() []string {
	var out []string
	for _, a := range p.Alternatives {
		if a.isValue() {
			out = append(out, p.format(a, 0))
			continue
		}
		for j := range a.N {
			out = append(out, p.format(a, float64(j)/float64(a.N-1)))
		}
	}
	return out
}

// grid is the product of the parameters' grids, the first varying
// slowest.
func (s Space) grid() []results.Point {
	var sweeps []Sweep
	for _, p := range s {
		sweeps = append(sweeps, Sweep{Name: p.Name, Values: p.values()})
	}
	return points(sweeps)
}

// primes are the Halton sequence's bases, one per searched parameter (a
// space names each of SweepNames at most once).
var primes = []int{2, 3, 5, 7, 11, 13, 17}

// halton is the i-th element of the van der Corput sequence in base b.
func halton(i, b int) float64 {
	f, r := 1.0, 0.0
	for ; i > 0; i /= b {
		f /= float64(b)
		r += f * float64(i%b)
	}
	return r
}
