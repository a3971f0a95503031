package bench

import "fmt"

// An OptionError is a grid or run option out of range or unknown (the
// preset, the shard, the seeds, a sweep), named as the option, the way a
// model.FieldError names a hyper-parameter; the CLI names the flag.
type OptionError struct {
	Option string // e.g. "shard"
	Value  string // as given
	Want   string
}

func (e *OptionError) Error() string { return fmt.Sprintf("%s %s: want %s", e.Option, e.Value, e.Want) }
