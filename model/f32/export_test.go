package f32

import (
	"fmt"
	"strings"
)

// Impls lists the implementations this build and CPU can run.
func Impls() []string {
	var names []string
	for _, k := range available {
		names = append(names, k.name)
	}
	return names
}

// Use switches to the named implementation, for the tests and benchmarks
// that compare them. All give identical results. It must not be called
// while kernels run.
func Use(name string) error {
	for _, k := range available {
		if k.name == name {
			active = k
			return nil
		}
	}
	return fmt.Errorf("f32: no implementation %q in this build (have %s)", name, strings.Join(Impls(), ", "))
}
