package bench

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"

	"onebp/internal/provenance"
	"onebp/model"
	"onebp/model/f32"
	"onebp/results"
)

// CurrentEnv describes this process and machine, for a run of cfg: the
// error is TrainingCode's.
func CurrentEnv(cfg model.Config) (results.Env, error) {
	code, err := TrainingCode(cfg)
	if err != nil {
		return results.Env{}, err
	}
	return results.Env{
		Commit: processCommit(), Go: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		CPU: cpuName(), Kernels: f32.Impl(), Workers: cfg.WorkerCount(),
		Cores: runtime.NumCPU(), MemoryBytes: totalMemory(), TrainingCode: code,
	}, nil
}

// totalMemory is the machine's memory in bytes (MemTotal, Linux), else 0.
func totalMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(rest, "%d kB", &kb); err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// processCommit is the commit this process's runs record: the build's
// VCS stamp or "unknown", unless SetCommit said more.
var processCommit = func() string { return provenance.Of(nil, "").String() }

// SetCommit names the commit this process's runs record, as
// internal/provenance found it (the command does: only it knows the
// source it was built from). Call it before any run starts.
func SetCommit(commit string) { processCommit = func() string { return commit } }

// cpuName is the processor's model name (Linux), else GOARCH.
func cpuName() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
