package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHashSpec(t *testing.T) {
	t.Parallel()
	// FIPS 180-2 test vectors for SHA-256.
	for _, tc := range []struct{ in, want string }{
		{"abc", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	} {
		if got := HashSpec([]byte(tc.in)); got != tc.want {
			t.Errorf("HashSpec(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func ids(runs []Run) []string {
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = r.ID
	}
	return out
}

func namedRuns(names ...string) []Run {
	runs := make([]Run, len(names))
	for i, n := range names {
		runs[i] = Run{ID: n}
	}
	return runs
}

func TestPlanSplitsRunsIntoTasks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		runs    []string
		perTask int
		want    [][]string
	}{
		{"one per task", []string{"a", "b", "c"}, 1, [][]string{{"a"}, {"b"}, {"c"}}},
		{"even", []string{"a", "b", "c", "d"}, 2, [][]string{{"a", "b"}, {"c", "d"}}},
		{"short last task", []string{"a", "b", "c", "d", "e"}, 2, [][]string{{"a", "b"}, {"c", "d"}, {"e"}}},
		{"all in one", []string{"a", "b", "c"}, 10, [][]string{{"a", "b", "c"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPlan([]byte("spec"), namedRuns(tc.runs...), tc.perTask)
			if err != nil {
				t.Fatal(err)
			}
			if p.NumTasks() != len(tc.want) {
				t.Fatalf("NumTasks = %d, want %d", p.NumTasks(), len(tc.want))
			}
			for i, w := range tc.want {
				if d := diff(w, ids(p.TaskRuns(i))); d != "" {
					t.Errorf("task %d (-want +got):\n%s", i, d)
				}
			}
		})
	}
}

func TestNewPlanRejectsBadRuns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		runs    []Run
		perTask int
		msg     string
	}{
		{"no runs", nil, 1, "no runs"},
		{"zero per task", namedRuns("a"), 0, "runs per task is 0"},
		{"empty id", namedRuns("a", ""), 1, "run 1 has an empty id"},
		{"duplicate", namedRuns("a", "b", "a"), 1, `runs 0 and 2 have the same id "a"`},
		{"line break", namedRuns("a\nb"), 1, "line break"},
		{"bad payload", []Run{{ID: "a", Payload: json.RawMessage(`{"x":`)}}, 1, "not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewPlan([]byte("spec"), tc.runs, tc.perTask)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want one containing %q", err, tc.msg)
			}
		})
	}
}

func TestTaskRunsPanicsOutOfRange(t *testing.T) {
	t.Parallel()
	p, err := NewPlan([]byte("spec"), namedRuns("a", "b", "c"), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{-1, 2} {
		func() {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.HasPrefix(s, "cluster: task ") {
					t.Errorf("TaskRuns(%d): recovered %v, want a cluster: panic", i, r)
				}
			}()
			p.TaskRuns(i)
		}()
	}
}

func TestCreateWritesPlanAndRefusesAnotherOne(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a sweep")
	runs := []Run{{ID: "m/L0/d/seed=1", Payload: json.RawMessage(`{ "lr": 0.1 }`)}, {ID: "m/L1/d/seed=1"}, {ID: "m/L2/d/seed=1"}}
	p, err := NewPlan([]byte("spec: 1"), runs, 2)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Create(dir, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{ResultsFolder, LogsFolder, SlurmFolder} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err != nil || !fi.IsDir() {
			t.Errorf("folder %s not created: %v", sub, err)
		}
	}
	// The file decodes to the plan (payload compacted) and nothing else
	// (no temporary file) is beside it.
	var got Plan
	b, err := os.ReadFile(filepath.Join(dir, PlanFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var payload bytes.Buffer
	if err := json.Compact(&payload, got.Runs[0].Payload); err != nil {
		t.Fatal(err)
	}
	if got.SpecHash != HashSpec([]byte("spec: 1")) || got.RunsPerTask != 2 || payload.String() != `{"lr":0.1}` {
		t.Errorf("plan.json = %s", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("results directory holds %d entries, want plan.json and 3 folders", len(entries))
	}
	if s.Dir != dir || s.PlanPath() != filepath.Join(dir, PlanFile) {
		t.Errorf("sweep dir %q", s.Dir)
	}

	// The same plan again: reused.
	if _, err := Create(dir, p); err != nil {
		t.Errorf("Create with the same plan: %v", err)
	}
	// Another spec, or the same spec split otherwise: refused.
	other, _ := NewPlan([]byte("spec: 2"), runs, 2)
	resplit, _ := NewPlan([]byte("spec: 1"), runs, 1)
	for name, q := range map[string]*Plan{"other spec": other, "other split": resplit} {
		_, err := Create(dir, q)
		if !errors.Is(err, ErrForeignPlan) || !strings.Contains(err.Error(), filepath.Join(dir, PlanFile)) {
			t.Errorf("%s: error %v, want ErrForeignPlan naming plan.json", name, err)
		}
	}
}

func TestOpenChecksTheSpec(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec A", namedRuns("a", "b"), 1)
	if _, err := Open(s.Dir, []byte("spec A")); err != nil {
		t.Errorf("Open with its spec: %v", err)
	}
	if _, err := Open(s.Dir, nil); err != nil {
		t.Errorf("Open without a spec: %v", err)
	}
	_, err := Open(s.Dir, []byte("spec B"))
	if !errors.Is(err, ErrForeignPlan) {
		t.Errorf("Open with another spec: %v, want ErrForeignPlan", err)
	}
}

func TestOpenCorruptPlanNamesTheFile(t *testing.T) {
	t.Parallel()
	good, err := NewPlan([]byte("s"), namedRuns("a"), 1)
	if err != nil {
		t.Fatal(err)
	}
	valid, _ := good.marshal()
	for _, tc := range []struct {
		name, content, msg string
	}{
		{"truncated", string(valid[:len(valid)/2]), "is corrupt"},
		{"unknown field", `{"format":1,"spec_hash":"sha256:0","runs_per_task":1,"runs":[{"id":"a"}],"extra":1}`, "unknown field"},
		{"trailing data", string(valid) + "{}", "data after"},
		{"wrong format", `{"format":9,"spec_hash":"sha256:0","runs_per_task":1,"runs":[{"id":"a"}]}`, "plan format 9"},
		{"no runs", `{"format":1,"spec_hash":"sha256:0","runs_per_task":1,"runs":[]}`, "no runs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, PlanFile)
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(dir, nil)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want one naming %s and containing %q", err, path, tc.msg)
			}
		})
	}
	_, err = Open(t.TempDir(), nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of an empty directory: %v, want fs.ErrNotExist", err)
	}
}

func TestCreateRefusesPathsSlurmCannotTake(t *testing.T) {
	t.Parallel()
	p, _ := NewPlan([]byte("s"), namedRuns("a"), 1)
	for _, name := range []string{"line\nbreak", `back\slash`} {
		if _, err := Create(filepath.Join(t.TempDir(), name), p); err == nil {
			t.Errorf("Create(%q) succeeded", name)
		}
	}
}
