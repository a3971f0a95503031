package bench

import (
	"bufio"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"onebp/model"
	"onebp/model/f32"
	"onebp/results"
)

// CurrentEnv describes this process and machine, for a run with the given
// number of workers.
func CurrentEnv(cfg model.Config) results.Env {
	workers := cfg.WorkerCount()
	return results.Env{
		Commit: processCommit(), Go: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		CPU: cpuName(), Kernels: f32.Impl(), Workers: workers,
		Cores: runtime.NumCPU(), MemoryBytes: totalMemory(), TrainingCode: TrainingCode(cfg),
	}
}

// The regress tests' golden files pin the bits training and evaluation
// produce; any change that moves a result has to rewrite them.
//
//go:embed testdata/synthetic.golden testdata/parity_start.golden testdata/lazy.golden
var goldens embed.FS

// TrainingCode identifies the code that computes the numbers of a run
// with configuration cfg: the first 12 hex digits of the SHA-256 of the
// golden files that pin the code paths cfg runs (lazy dense Adam has its
// own), which change (under -update) exactly when a change moves a pinned
// result. A suite reuses a recorded run only under the same TrainingCode.
func TrainingCode(cfg model.Config) string {
	h := sha256.New()
	files := []string{"testdata/synthetic.golden", "testdata/parity_start.golden"}
	if cfg.LazyAdam() {
		files = append(files, "testdata/lazy.golden")
	}
	for _, name := range files {
		b, err := goldens.ReadFile(name)
		if err != nil {
			panic(err) // embedded at build time
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
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

// processCommit is commit(), taken once per process: by the first run,
// before anything is written, so that a suite writing its results into the
// repository does not stamp its later runs "+dirty" (StampCommit takes it
// earlier still).
var processCommit = sync.OnceValue(commit)

// StampCommit takes the process's commit stamp now, before a command
// writes anything.
func StampCommit() { processCommit() }

// commit is the VCS revision the binary was built from, "+dirty" when the
// tree had changes; "unknown" outside a repository. Without a build stamp
// (go run, go test, some worktrees) it asks git about the current
// directory.
func commit() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if dirty {
				rev += "+dirty"
			}
			return rev
		}
	}
	// go run and go test do not stamp the revision: ask git.
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		rev += "+dirty"
	}
	return rev
}

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
