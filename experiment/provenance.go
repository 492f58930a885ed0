package experiment

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// CurrentProvenance describes this build and machine: version as given
// (the CLI's release version), the git commit from the build information
// (with "-dirty" for a modified tree), else from `git rev-parse HEAD` in
// the working directory (best effort, two seconds at most), else
// "unknown"; the Go version; GOOS/GOARCH; the CPU model from
// /proc/cpuinfo ("unknown" elsewhere); and the thread count GOMAXPROCS.
func CurrentProvenance(version string) Provenance {
	return Provenance{
		Version:   version,
		Commit:    commit(),
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS + "/" + runtime.GOARCH,
		CPU:       cpuModel(),
		Threads:   runtime.GOMAXPROCS(0),
	}
}

func commit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return rev
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "HEAD").Output()
	if err == nil {
		if rev := strings.TrimSpace(string(out)); len(rev) >= 7 {
			return rev
		}
	}
	return "unknown"
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "model name"); ok {
			if _, v, ok := strings.Cut(rest, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown"
}
