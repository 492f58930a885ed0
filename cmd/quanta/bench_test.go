package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets this test binary stand in for quanta when "bench sim"
// starts its isolated child processes (os.Executable is the test binary).
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == "bench" && os.Args[2] == "sim-point" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestBenchSimTinyGrid(t *testing.T) {
	for _, isolate := range []string{"true", "false"} {
		dir := t.TempDir()
		path := filepath.Join(dir, "sim.json")
		code, out, errOut := runCLI(t, "bench", "sim", "--n", "3,4", "--L", "1", "--B", "2", "--threads", "1,2",
			"--kernel-n", "6", "--min-time", "1ms", "--min-reps", "2", "--max-reps", "3",
			"--isolate="+isolate, "--json", path)
		if code != exitOK {
			t.Fatalf("isolate=%s: exit code %d: %s", isolate, code, errOut)
		}
		for _, want := range []string{"median ms", "peak RSS MiB", "1q-dense", "CNOT", "Mamp/s"} {
			if !strings.Contains(out, want) {
				t.Errorf("isolate=%s: output lacks %q:\n%s", isolate, want, out)
			}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var rep simBenchReport
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Fatal(err)
		}
		if len(rep.HEA) != 4 || len(rep.Kernels) != 2 {
			t.Fatalf("isolate=%s: %d HEA points and %d kernels, want 4 and 2", isolate, len(rep.HEA), len(rep.Kernels))
		}
		for _, p := range rep.HEA {
			if p.Steps < 2 || p.Steps > 3 || !(p.MinMS <= p.Q1MS && p.Q1MS <= p.MedianMS && p.MedianMS <= p.Q3MS && p.Q3MS <= p.MaxMS) {
				t.Errorf("isolate=%s: inconsistent point %+v", isolate, p)
			}
			if p.Isolated != (isolate == "true") {
				t.Errorf("isolate=%s: point marked isolated=%v", isolate, p.Isolated)
			}
			if _, err := os.Stat("/proc/self/status"); err == nil && p.PeakMiB <= 0 {
				t.Errorf("isolate=%s: no peak RSS in %+v", isolate, p)
			}
		}
		for _, k := range rep.Kernels {
			if k.N != 6 || k.MAmpS <= 0 {
				t.Errorf("kernel point %+v", k)
			}
		}
	}
}

func TestBenchSimBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "sim", "--n", "0"},
		{"bench", "sim", "--B", "0"},
		{"bench", "sim", "--min-reps", "5", "--max-reps", "2"},
		{"bench", "sim", "--n", "x"},
	} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit code %d, want %d", args, code, exitUsage)
		}
	}
}

func TestQuantile(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5}
	for _, tc := range []struct{ q, want float64 }{{0, 1}, {0.25, 2}, {0.5, 3}, {0.75, 4}, {1, 5}} {
		if got := quantile(v, tc.q); got != tc.want {
			t.Errorf("quantile(%g) = %g, want %g", tc.q, got, tc.want)
		}
	}
	if got := quantile([]float64{1, 2}, 0.5); got != 1.5 {
		t.Errorf("median of 1, 2 = %g", got)
	}
}
