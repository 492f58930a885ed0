package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/cluster"
	"github.com/quanta-qml/quanta/experiment"
)

// sweepRecords returns the records of a sweep's task files in task order,
// clock and machine fields zeroed.
func sweepRecords(t *testing.T, dir string) []experiment.Record {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "results", "task-*.jsonl"))
	slices.Sort(files)
	var out []experiment.Record
	for _, f := range files {
		out = append(out, stripRecords(t, f)...)
	}
	return out
}

func TestSweepLocalEqualsTrain(t *testing.T) {
	dir := t.TempDir()
	spec := writeTinySpec(t, dir)
	ref := filepath.Join(dir, "ref")
	code, want, errOut := runCLI(t, "train", spec, "--out", ref, "--quiet", "--threads", "2")
	if code != exitOK {
		t.Fatalf("train: %s", errOut)
	}
	sw := filepath.Join(dir, "sweep")
	code, got, errOut := runCLI(t, "sweep", spec, "--local", "-j", "2", "--out", sw, "--quiet", "--threads", "2", "--runs-per-task", "3")
	if code != exitOK {
		t.Fatalf("sweep: exit %d: %s", code, errOut)
	}
	if maskTable(got) != maskTable(want) {
		t.Fatalf("sweep table:\n%s\ntrain table:\n%s", got, want)
	}
	if !slices.Equal(sweepRecords(t, sw), stripRecords(t, filepath.Join(ref, "results.jsonl"))) {
		t.Fatal("the sweep's records differ from train's")
	}
	code, rep, _ := runCLI(t, "report", sw)
	if code != exitOK || maskTable(rep) != maskTable(want) {
		t.Fatalf("report of the sweep:\n%s", rep)
	}

	// Status: every run finished, nothing to resubmit.
	code, st, errOut := runCLI(t, "sweep", "status", sw, "--json")
	var status cluster.Status
	if code != exitOK || json.Unmarshal([]byte(st), &status) != nil || status.Total.Finished != 8 || len(status.Tasks) != 3 {
		t.Fatalf("status: exit %d %s: %s", code, errOut, st)
	}
	if code, out, _ := runCLI(t, "sweep", "status", sw); code != exitOK || !strings.Contains(out, "FINISHED") {
		t.Fatalf("status table: %s", out)
	}
	if code, out, errOut := runCLI(t, "sweep", "resubmit", sw, "--dry-run"); code != exitOK || !strings.Contains(out, "nothing to resubmit") {
		t.Fatalf("resubmit: exit %d: %s %s", code, out, errOut)
	}

	// A task killed after its last epoch's record, in the middle of
	// writing its run record: run-task resumes and completes it.
	task0 := filepath.Join(sw, "results", "task-0000.jsonl")
	data, _ := os.ReadFile(task0)
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, `"kind":"run"`) {
		t.Fatalf("task 0 does not end with a run record: %s", last)
	}
	os.WriteFile(task0, []byte(strings.Join(lines[:len(lines)-1], "")+last[:len(last)/2]), 0o644)
	code, _, errOut = runCLI(t, "run-task", "--plan", filepath.Join(sw, "plan.json"), "--index", "0", "--quiet", "--threads", "2")
	if code != exitOK {
		t.Fatalf("run-task: exit %d: %s", code, errOut)
	}
	if !slices.Equal(sweepRecords(t, sw), stripRecords(t, filepath.Join(ref, "results.jsonl"))) {
		t.Fatal("records after run-task repaired a torn run record differ from train's")
	}
	fixed, _ := os.ReadFile(task0)
	if strings.Count(string(fixed), "\n") != len(lines) || !strings.HasSuffix(string(fixed), "\n") {
		t.Fatalf("task file after the repair:\n%s", fixed)
	}

	// The same directory refuses another spec; run-task refuses a bad index.
	other := filepath.Join(dir, "other.yaml")
	os.WriteFile(other, []byte("model: tiny.yaml\nseeds: [7]\nconfigurations: [classical]\n"), 0o644)
	if code, _, errOut := runCLI(t, "sweep", other, "--local", "--out", sw); code != exitError || !strings.Contains(errOut, "another plan") {
		t.Fatalf("foreign plan: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "run-task", "--plan", filepath.Join(sw, "plan.json"), "--index", "9"); code != exitError || !strings.Contains(errOut, "out of range") {
		t.Fatalf("bad index: exit %d: %s", code, errOut)
	}
}

func TestSweepSlurmDryRun(t *testing.T) {
	dir := t.TempDir()
	spec := writeTinySpec(t, dir)
	code, script, errOut := runCLI(t, "sweep", spec, "--slurm", "--dry-run", "--out", filepath.Join(dir, "sw"),
		"--partition", "cpu", "--time", "90m", "--cpus-per-task", "2", "--mem", "1G", "--max-concurrent", "2",
		"--sbatch=--account=proj42", "--setup", "module load go", "--quanta", "/opt/bin/quanta", "--threads", "2")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`#SBATCH --partition="cpu"`, "#SBATCH --time=0-01:30:00", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=1G",
		"#SBATCH --array=0-7%2", "#SBATCH --account=proj42", "\nmodule load go\n",
		`exec /opt/bin/quanta run-task --plan ` + filepath.Join(dir, "sw", "plan.json") + ` --index "$SLURM_ARRAY_TASK_ID" --quiet --threads 2`} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %q:\n%s", want, script)
		}
	}
	for _, args := range [][]string{
		{"sweep", spec},
		{"sweep", spec, "--local", "--slurm"},
		{"sweep", spec, "--local", "-j", "0"},
		{"sweep"},
	} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
