package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/experiment"
)

var update = flag.Bool("update", false, "rewrite the golden files of the CLI tests")

// The CLI tests that train are not parallel: --threads sets GOMAXPROCS for
// the whole process, and the golden accuracies hold for two threads.

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

var (
	// The seconds per epoch at the end of a table row.
	maskSeconds = regexp.MustCompile(`(?m) +[0-9][0-9.]*$`)
	// The last cell of a Markdown table row when it is a number (seconds).
	maskMDSeconds = regexp.MustCompile(`(?m)\| [0-9][0-9.]* \|$`)
	// The provenance rows of report.md.
	maskProvenance = regexp.MustCompile(`(?m)^\| [^|]*dev[^|]* \|.*$`)
)

// maskTable hides the wall times of a terminal table.
func maskTable(s string) string { return maskSeconds.ReplaceAllString(s, " <s>") }

// maskReport hides wall times, the build and the machine in report.md, and
// the temporary directory.
func maskReport(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "DIR")
	s = maskMDSeconds.ReplaceAllString(s, "| <s> |")
	return maskProvenance.ReplaceAllString(s, "| <provenance> |")
}

// stripRecords reads a results file and zeroes the fields that depend on
// the clock and the machine.
func stripRecords(t *testing.T, path string) []experiment.Record {
	t.Helper()
	recs, err := experiment.ReadRecordsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		recs[i].EpochSeconds, recs[i].WallSeconds, recs[i].Time = 0, 0, ""
		recs[i].Provenance = experiment.Provenance{}
	}
	return recs
}

// creepArgs is a tiny creep: levels L0 and L1 (unless extra names
// levels), one epoch of 200 images.
func creepArgs(out string, extra ...string) []string {
	args := []string{"creep", "--out", out, "--quiet", "--threads", "2",
		"--train-size", "200", "--test-size", "100", "--epochs", "1", "--batch-size", "50"}
	if !slices.Contains(extra, "--levels") {
		args = append(args, "--levels", "L0,L1")
	}
	return append(args, extra...)
}

func TestCreep(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "creep")
	code, out, errOut := runCLI(t, creepArgs(dir)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "creep.golden", maskTable(out))
	for _, f := range []string{"results.jsonl", "experiment.json", "report.md", "report.html",
		"checkpoints/hybridnet/L1/mnist[train=200,test=100]/seed=1.safetensors"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("creep did not write %s: %v", f, err)
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "creep-report.md.golden", maskReport(string(md), dir))
	recs := stripRecords(t, filepath.Join(dir, "results.jsonl"))
	if len(recs) != 4 || recs[0].Params.Total != 130394 || recs[2].Params.Total != 133658 || !recs[0].Classical {
		t.Fatalf("records %+v", recs)
	}

	// Running it again finishes nothing new and prints the same table.
	code, again, errOut := runCLI(t, creepArgs(dir)...)
	if code != exitOK || maskTable(again) != maskTable(out) || !strings.Contains(errOut, "2 of 2 runs finished (2 before this call)") {
		t.Fatalf("rerun: exit %d, %q, stderr %q", code, again, errOut)
	}
	// Other settings into the same directory are refused.
	code, _, errOut = runCLI(t, creepArgs(dir, "--lr", "0.001")...)
	if code != exitError || !strings.Contains(errOut, "already holds run hybridnet/L0/mnist[train=200,test=100]/seed=1 with other settings") {
		t.Fatalf("changed settings: exit %d, %s", code, errOut)
	}
	testCreepTimeLimit(t, dir)
	testSweepOfCreepGrid(t, dir, out)

	// More seeds extend it.
	code, _, errOut = runCLI(t, creepArgs(dir, "--seeds", "1,2", "--levels", "L0")...)
	if code != exitOK || !strings.Contains(errOut, "2 of 2 runs finished (1 before this call)") {
		t.Fatalf("extension: exit %d, %s", code, errOut)
	}
}

// testSweepOfCreepGrid runs the grid of the creep in ref as a local sweep
// of an experiment spec and checks that its report and records equal the
// creep's.
func testSweepOfCreepGrid(t *testing.T, ref, creepTable string) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "creep.yaml")
	src := "model: hybridnet\nconfigurations: [L0, L1]\nseeds: [1]\n" +
		"training: {epochs: 1, batch_size: 50, train_size: 200, test_size: 100}\n"
	if err := os.WriteFile(spec, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	sw := filepath.Join(dir, "sweep")
	if code, _, errOut := runCLI(t, "sweep", spec, "--local", "-j", "2", "--out", sw, "--quiet", "--threads", "2"); code != exitOK {
		t.Fatalf("sweep: exit %d: %s", code, errOut)
	}
	code, table, errOut := runCLI(t, "report", sw)
	if code != exitOK || maskTable(table) != maskTable(creepTable) {
		t.Fatalf("report of the sweep (exit %d, %s):\n%s\ncreep's:\n%s", code, errOut, table, creepTable)
	}
	if got, want := sweepRecords(t, sw), stripRecords(t, filepath.Join(ref, "results.jsonl")); !slices.Equal(got, want) {
		t.Fatalf("the sweep's records differ from creep's:\n got %+v\nwant %+v", got, want)
	}
}

// testCreepTimeLimit stops the creep run of ref by its time limit at once,
// then in its middle, and checks that the reruns end with the records of
// the uninterrupted run in ref.
func testCreepTimeLimit(t *testing.T, ref string) {
	dir := filepath.Join(t.TempDir(), "limited")
	code, out, errOut := runCLI(t, creepArgs(dir, "--time-limit", "1ns")...)
	if code != exitOK || !strings.Contains(out, "No epoch has finished yet") || !strings.Contains(errOut, "time limit reached: 2 runs to go") {
		t.Fatalf("1ns limit: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for _, f := range []string{"report.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("no %s after a stop before the first epoch: %v", f, err)
		}
	}
	// A limit that falls somewhere in the middle (where depends on the
	// machine; the final records must not).
	for i := 0; ; i++ {
		// Every call takes at least one step, so this ends.
		code, _, errOut = runCLI(t, creepArgs(dir, "--time-limit", "2s")...)
		if code != exitOK {
			t.Fatalf("2s limit: exit %d: %s", code, errOut)
		}
		if !strings.Contains(errOut, "runs to go") {
			break
		}
		if i == 30 {
			t.Fatalf("not finished after 30 calls of 2 s: %s", errOut)
		}
	}
	if got, want := stripRecords(t, filepath.Join(dir, "results.jsonl")), stripRecords(t, filepath.Join(ref, "results.jsonl")); !slices.Equal(got, want) {
		t.Fatalf("records after stops and reruns differ from an uninterrupted run:\n got %+v\nwant %+v", got, want)
	}
}

func TestCreepUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"creep", "--protocol", "slow"},
		{"creep", "--levels", "L9"},
		{"creep", "--levels", "L0", "--subsets", "all"},
		{"creep", "--subsets", "A+D"},
		{"creep", "--dataset", "cifar10"},
		{"creep", "--dataset", "svhn", "--data-dir", "x"},
		{"creep", "--epochs", "0"},
		{"creep", "--seeds", "1,1"},
		{"creep", "--threads", "-1"},
		{"creep", "extra-argument"},
	} {
		if code, _, errOut := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errOut)
		}
	}
}
