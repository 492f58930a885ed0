package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/experiment"
)

// rec returns a record of run "m/<config>/d/seed=<seed>" with 3 planned
// epochs; edits adjust it.
func rec(kind, config string, seed uint64, epoch int, acc float64, edits ...func(*experiment.Record)) experiment.Record {
	r := experiment.Record{
		Kind: kind, Run: fmt.Sprintf("m/%s/d/seed=%d", config, seed),
		Model: "m", Config: config, Classical: config == "C", Dataset: "d", Seed: seed,
		Epoch: epoch, Epochs: 3, TrainLoss: 1 - acc, TrainAcc: acc, TestLoss: 1.1 - acc, TestAcc: acc,
		Params:       experiment.ParamCount{Classical: 10, Quantum: 2, Total: 12},
		EpochSeconds: 1, WallSeconds: float64(epoch),
		Provenance: experiment.Provenance{Commit: "c1", CPU: "cpu", Threads: 1},
		Time:       "2025-01-01T00:00:00Z",
	}
	for _, e := range edits {
		e(&r)
	}
	return r
}

// lines marshals records into JSON lines.
func lines(t *testing.T, recs ...experiment.Record) []string {
	t.Helper()
	var out []string
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// writeFiles writes name → lines into a temporary directory, in order, and
// returns the paths.
func writeFiles(t *testing.T, files [][2]any) (dir string, paths []string) {
	t.Helper()
	dir = t.TempDir()
	for _, f := range files {
		p := filepath.Join(dir, f[0].(string))
		content := strings.Join(f[1].([]string), "\n") + "\n"
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return dir, paths
}

// finished returns the three epoch records and the run record of a run
// whose accuracy rises to acc.
func finished(config string, seed uint64, acc float64, edits ...func(*experiment.Record)) []experiment.Record {
	var out []experiment.Record
	for e := 1; e <= 3; e++ {
		out = append(out, rec(experiment.KindEpoch, config, seed, e, acc-0.1*float64(3-e), edits...))
	}
	return append(out, rec(experiment.KindRun, config, seed, 3, acc, edits...))
}

func TestMergeRefuses(t *testing.T) {
	t.Parallel()
	ep, run := experiment.KindEpoch, experiment.KindRun
	set := func(f func(*experiment.Record)) func(*experiment.Record) { return f }
	tests := []struct {
		name  string
		a, b  []experiment.Record
		err   error
		wants []string // substrings of the message
	}{
		{
			name: "run finished twice",
			a:    finished("Q", 1, 0.9),
			b:    []experiment.Record{rec(run, "Q", 1, 3, 0.8)},
			err:  ErrDuplicate, wants: []string{"a.jsonl:4", "b.jsonl:1", `"m/Q/d/seed=1" finished twice`, "test_acc 0.9 vs 0.8"},
		},
		{
			name: "epoch twice with other values",
			a:    finished("Q", 1, 0.9),
			b:    []experiment.Record{rec(ep, "Q", 1, 2, 0.75)},
			err:  ErrDuplicate, wants: []string{"a.jsonl:2", "b.jsonl:1", "epoch 2 recorded twice", "test_acc 0.8 vs 0.75"},
		},
		{
			name: "epoch twice with other timing",
			a:    finished("Q", 1, 0.9),
			b:    []experiment.Record{rec(ep, "Q", 1, 1, 0.7, set(func(r *experiment.Record) { r.EpochSeconds = 2 }))},
			err:  ErrDuplicate, wants: []string{"a.jsonl:1", "b.jsonl:1", "epoch_seconds 1 vs 2"},
		},
		{
			name: "config changes",
			a:    finished("Q", 1, 0.9),
			b:    []experiment.Record{rec(ep, "Q", 1, 1, 0.7, set(func(r *experiment.Record) { r.Config = "R" }))},
			err:  ErrInconsistent, wants: []string{"b.jsonl:1", "a.jsonl:1", `config is "R" here but "Q"`},
		},
		{
			name: "model changes",
			a:    finished("Q", 1, 0.9),
			b:    []experiment.Record{rec(ep, "Q", 1, 1, 0.7, set(func(r *experiment.Record) { r.Model = "n" }))},
			err:  ErrInconsistent, wants: []string{"b.jsonl:1", "a.jsonl:1", "model"},
		},
		{
			name: "dataset changes",
			a:    finished("Q", 1, 0.9),
			b:    []experiment.Record{rec(ep, "Q", 1, 1, 0.7, set(func(r *experiment.Record) { r.Dataset = "e" }))},
			err:  ErrInconsistent, wants: []string{"b.jsonl:1", "a.jsonl:1", "dataset"},
		},
		{
			name: "seed changes",
			a:    finished("Q", 1, 0.9),
			b:    []experiment.Record{rec(ep, "Q", 1, 1, 0.7, set(func(r *experiment.Record) { r.Seed = 2 }))},
			err:  ErrInconsistent, wants: []string{"b.jsonl:1", "a.jsonl:1", "seed is 2 here but 1"},
		},
		{
			name: "planned epochs change",
			a:    finished("Q", 1, 0.9),
			b:    []experiment.Record{rec(ep, "Q", 1, 1, 0.7, set(func(r *experiment.Record) { r.Epochs = 5 }))},
			err:  ErrInconsistent, wants: []string{"b.jsonl:1", "a.jsonl:1", "epochs is 5 here but 3"},
		},
		{
			name: "classical flag changes",
			a:    finished("Q", 1, 0.9),
			b:    []experiment.Record{rec(ep, "Q", 1, 1, 0.7, set(func(r *experiment.Record) { r.Classical = true }))},
			err:  ErrInconsistent, wants: []string{"b.jsonl:1", "a.jsonl:1", "classical is true here but false"},
		},
		{
			name: "parameter counts change between epochs",
			a:    finished("Q", 1, 0.9)[:2],
			b:    []experiment.Record{rec(ep, "Q", 1, 3, 0.9, set(func(r *experiment.Record) { r.Params.Quantum, r.Params.Total = 3, 13 }))},
			err:  ErrInconsistent, wants: []string{"b.jsonl:1", "a.jsonl:1", "parameter counts change", "13 total (classical 10, quantum 3)"},
		},
		{
			name: "run record differs from its final epoch",
			a:    finished("Q", 1, 0.9)[:3],
			b:    []experiment.Record{rec(run, "Q", 1, 3, 0.85)},
			err:  ErrInconsistent, wants: []string{"a.jsonl:3", "b.jsonl:1", "differs from its final epoch"},
		},
		{
			name: "epoch after the run finished",
			a:    []experiment.Record{rec(ep, "Q", 1, 1, 0.8), rec(run, "Q", 1, 1, 0.8)},
			b:    []experiment.Record{rec(ep, "Q", 1, 2, 0.9)},
			err:  ErrInconsistent, wants: []string{"a.jsonl:2", "b.jsonl:1", "epoch 2 recorded after the run finished at epoch 1"},
		},
		{
			name: "epoch beyond the plan",
			a:    finished("Q", 1, 0.9)[:1],
			b:    []experiment.Record{rec(ep, "Q", 1, 4, 0.9)},
			err:  ErrInconsistent, wants: []string{"b.jsonl:1", "epoch 4 outside 1..3"},
		},
		{
			name: "two run ids for one seed",
			a:    finished("Q", 1, 0.9),
			b:    finished("Q", 1, 0.9, set(func(r *experiment.Record) { r.Run = "other-id" })),
			err:  ErrDuplicate, wants: []string{"a.jsonl:1", "b.jsonl:1", `"m/Q/d/seed=1" and "other-id"`},
		},
		{
			name: "seeds disagree on the classical flag",
			a:    finished("Q", 1, 0.9),
			b:    finished("Q", 2, 0.9, set(func(r *experiment.Record) { r.Classical = true })),
			err:  ErrInconsistent, wants: []string{"a.jsonl:1", "b.jsonl:1", `configuration "Q" of m on d is classical in one seed`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, _ := writeFiles(t, [][2]any{{"a.jsonl", lines(t, tc.a...)}, {"b.jsonl", lines(t, tc.b...)}})
			_, err := Load(dir)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("error %q is not %v", err, tc.err)
			}
			msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			if !strings.HasPrefix(msg, "report: ") {
				t.Errorf("message %q lacks the package prefix", msg)
			}
			for _, w := range tc.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestLoadBadInput(t *testing.T) {
	t.Parallel()
	good := lines(t, finished("Q", 1, 0.9)...)
	tests := []struct {
		name  string
		files [][2]any
		paths func(dir string, paths []string) []string
		err   error // checked with errors.Is when set
		wants []string
	}{
		{
			name: "no paths", paths: func(string, []string) []string { return nil },
			err: ErrEmpty, wants: []string{"no results files given"},
		},
		{
			name: "empty file", files: [][2]any{{"a.jsonl", []string{""}}},
			err: ErrEmpty, wants: []string{"no records in", "a.jsonl"},
		},
		{
			name: "directory without results", files: [][2]any{{"notes.txt", good}},
			paths: func(dir string, _ []string) []string { return []string{dir} },
			err:   ErrEmpty, wants: []string{"holds no *.jsonl files"},
		},
		{
			name: "missing file", paths: func(dir string, _ []string) []string { return []string{filepath.Join(dir, "none.jsonl")} },
			err: fs.ErrNotExist, wants: []string{"none.jsonl"},
		},
		{
			name:  "malformed line after blank lines",
			files: [][2]any{{"a.jsonl", []string{good[0], "", "", `{"kind":"epoch",`}}},
			wants: []string{"a.jsonl:4"},
		},
		{
			name:  "unknown field",
			files: [][2]any{{"a.jsonl", []string{good[0], strings.Replace(good[1], `{"kind"`, `{"extra":1,"kind"`, 1)}}},
			wants: []string{"a.jsonl:2", "extra"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, paths := writeFiles(t, tc.files)
			if tc.paths != nil {
				paths = tc.paths(dir, paths)
			}
			_, err := Load(paths...)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("error %q is not %v", err, tc.err)
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestIdenticalDuplicates: a retried task that rewrote the same lines, and
// the same file named twice, merge into the same results.
func TestIdenticalDuplicates(t *testing.T) {
	t.Parallel()
	all := lines(t, finished("Q", 1, 0.9)...)
	dir, paths := writeFiles(t, [][2]any{
		{"a.jsonl", all[:3]},
		{"b.jsonl", all[1:]}, // epochs 2 and 3 again, then the run record
	})
	res, err := Load(paths...)
	if err != nil {
		t.Fatal(err)
	}
	if res.Duplicates != 2 {
		t.Errorf("Duplicates = %d, want 2", res.Duplicates)
	}
	if len(res.Runs) != 1 || len(res.Runs[0].History) != 3 || !res.Runs[0].Finished() {
		t.Fatalf("runs = %+v, want one finished run with 3 epochs", res.Runs)
	}
	again, err := Load(dir, paths[0], filepath.Join(dir, ".", "b.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Runs, again.Runs) || again.Duplicates != 2 || len(again.Files) != 2 {
		t.Errorf("naming files twice changed the merge (duplicates %d, files %v)", again.Duplicates, again.Files)
	}
}

// TestLoadSweep checks the merged fixture: one file per task, a retried
// line, a blank line and an unfinished run.
func TestLoadSweep(t *testing.T) {
	t.Parallel()
	res := loadSweep(t)
	if len(res.Files) != 4 || len(res.Runs) != 11 || res.Duplicates != 1 {
		t.Fatalf("files %d, runs %d, duplicates %d; want 4, 11, 1", len(res.Files), len(res.Runs), res.Duplicates)
	}
	var ids []string
	for _, r := range res.Runs {
		ids = append(ids, r.ID)
	}
	want := []string{
		"hybridnet/L0/mnist/seed=1", "hybridnet/L0/mnist/seed=2", "hybridnet/L0/mnist/seed=3",
		"hybridnet/L1/mnist/seed=1", "hybridnet/L1/mnist/seed=2", "hybridnet/L1/mnist/seed=3",
		"hybridnet/L2/mnist/seed=1", "hybridnet/L2/mnist/seed=2", "hybridnet/L2/mnist/seed=3",
		"tinynet/classical/iris/seed=7", "tinynet/quantum 4q/iris/seed=7",
	}
	if !slices.Equal(want, ids) {
		t.Errorf("run order %q, want %q", ids, want)
	}
	// task-2.jsonl: L0 seed 3 on lines 1, 2 (retried), blank line 3, then
	// epochs 2, 3 and the run record on 4–6; L1 seed 3 starts on line 7.
	for _, c := range []struct {
		id, source string
	}{
		{"hybridnet/L0/mnist/seed=3", "task-2.jsonl:1"},
		{"hybridnet/L1/mnist/seed=3", "task-2.jsonl:7"},
		{"hybridnet/L2/mnist/seed=3", "task-2.jsonl:11"},
		{"tinynet/quantum 4q/iris/seed=7", "task-3.jsonl:3"},
	} {
		for _, r := range res.Runs {
			if r.ID == c.id && r.Source != filepath.Join(sweepDir, c.source) {
				t.Errorf("%s: Source = %s, want %s", c.id, r.Source, c.source)
			}
		}
	}
	u := res.Runs[8]
	if u.Finished() || len(u.History) != 2 || u.History[1].Epoch != 2 {
		t.Errorf("L2 seed 3: finished %v with %d epochs, want unfinished with 2", u.Finished(), len(u.History))
	}
	// A directory and its files listed one by one merge alike.
	var paths []string
	for k := range 4 {
		paths = append(paths, filepath.Join(sweepDir, fmt.Sprintf("task-%d.jsonl", k)))
	}
	byFile, err := Load(paths...)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res, byFile) {
		t.Errorf("files one by one differ from the directory")
	}
}

func TestRecordLines(t *testing.T) {
	t.Parallel()
	data := "\n{}\r\n   \n\t{}\n\n{}"
	got, err := recordLines([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 4, 6}; !slices.Equal(want, got) {
		t.Errorf("lines %v, want %v", got, want)
	}
}

// TestRunRecordAlone: a run record without epoch records supplies its
// final epoch to the history.
func TestRunRecordAlone(t *testing.T) {
	t.Parallel()
	r := rec(experiment.KindRun, "Q", 1, 3, 0.9)
	res, err := Merge(File{Name: "mem", Records: []experiment.Record{r}})
	if err != nil {
		t.Fatal(err)
	}
	run := res.Runs[0]
	if !run.Finished() || len(run.History) != 1 || run.History[0].Epoch != 3 || run.History[0].TestAcc != 0.9 {
		t.Errorf("run = %+v, want finished with epoch 3 in its history", run)
	}
	if run.Source != "mem:1" {
		t.Errorf("Source = %q, want mem:1", run.Source)
	}
}

func TestMergePanicsOnBadFile(t *testing.T) {
	t.Parallel()
	defer func() {
		msg, _ := recover().(string)
		if !strings.HasPrefix(msg, "report: ") {
			t.Errorf("panic %q, want a report: message", msg)
		}
	}()
	Merge(File{Name: "x", Records: make([]experiment.Record, 2), Lines: []int{1}})
}

func TestNaturalCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"L2", "L10", -1},
		{"L10", "L2", 1},
		{"L02", "L2", -1}, // equal numbers: plain order decides
		{"L2", "L2", 0},
		{"a", "b", -1},
		{"L", "L0", -1},
		{"x9y", "x10a", -1},
		{"A=quanv B=conv", "A=conv B=conv", 1},
		{"", "a", -1},
	}
	for _, tc := range tests {
		if got := naturalCompare(tc.a, tc.b); got != tc.want {
			t.Errorf("naturalCompare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
