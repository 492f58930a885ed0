package experiment

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quanta-qml/quanta/train"
)

// tinySpec writes the tiny model and an experiment over it (levels L0 and
// L2, two epochs of six steps, a checkpoint every two steps) into dir.
func tinySpec(t *testing.T, dir, training string) *Spec {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(tinyModel), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "model: tiny.yaml\nconfigurations: [L0, L2]\nseeds: [5]\ntraining: {" + training + "}\n"
	s, err := ParseSpec(filepath.Join(dir, "exp.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const tinyTraining = "epochs: 2, batch_size: 20, train_size: 120, test_size: 60, eval_batch_size: 30, checkpoint_every: 2, lr: 0.002"

func newTestRunner(dir string) *Runner {
	return &Runner{Results: filepath.Join(dir, "results.jsonl"), Checkpoints: filepath.Join(dir, "checkpoints"),
		Failures: filepath.Join(dir, "failed.json"), Provenance: Provenance{Version: "test", Commit: "unknown", Threads: 1}}
}

// stripTimes returns the records with the fields that depend on the clock
// zeroed.
func stripTimes(t *testing.T, path string) []Record {
	t.Helper()
	recs, err := ReadRecordsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		recs[i].EpochSeconds, recs[i].WallSeconds, recs[i].Time = 0, 0, ""
	}
	return recs
}

// stepCanceller cancels the context at the n-th training step it sees.
func stepCanceller(n int, cancel context.CancelFunc) train.Hook {
	seen := 0
	return train.HookFunc("interrupt", train.OrderCheckpoint+55, func(e train.Event, _ *train.State) error {
		if e == train.EventStep {
			if seen++; seen == n {
				cancel()
			}
		}
		return nil
	})
}

func TestResumeEqualsUninterrupted(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	spec := tinySpec(t, base, tinyTraining)
	runs := spec.Runs()

	// The reference: one uninterrupted call.
	dirA := filepath.Join(base, "a")
	sum, err := newTestRunner(dirA).RunAll(context.Background(), runs)
	if err != nil || sum.Finished != 2 {
		t.Fatalf("uninterrupted: %+v, %v", sum, err)
	}
	want := stripTimes(t, filepath.Join(dirA, "results.jsonl"))
	if len(want) != 6 { // 2 runs × (2 epochs + run record)
		t.Fatalf("%d records, want 6", len(want))
	}

	// Interrupted twice: in epoch 1 of the first run (step 3), then in
	// epoch 2 of the second run (9 steps finish the first run, 6 the
	// second run's first epoch, then 2 more).
	dirB := filepath.Join(base, "b")
	for attempt, at := range []int{3, 17} {
		ctx, cancel := context.WithCancel(context.Background())
		r := newTestRunner(dirB)
		r.Hooks = []train.Hook{stepCanceller(at, cancel)}
		sum, err := r.RunAll(ctx, runs)
		cancel()
		if err == nil || !sum.Stopped {
			t.Fatalf("attempt %d: %+v, %v; want a stop", attempt+1, sum, err)
		}
	}
	// A kill between a checkpoint and its record: drop the second run's
	// epoch-1 record, then leave half a line as a kill during a write does.
	path := filepath.Join(dirB, "results.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if n := len(lines); n < 2 || !strings.Contains(lines[n-2], `"kind":"epoch"`) || !strings.Contains(lines[n-2], "/L2/") {
		t.Fatalf("unexpected results before the last attempt:\n%s", data)
	}
	torn := strings.Join(lines[:len(lines)-2], "") + lines[len(lines)-2][:40]
	if err := os.WriteFile(path, []byte(torn), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err = newTestRunner(dirB).RunAll(context.Background(), runs)
	if err != nil || sum.Finished != 1 || sum.Skipped != 1 {
		t.Fatalf("last attempt: %+v, %v", sum, err)
	}
	got := stripTimes(t, path)
	if !slices.Equal(got, want) {
		t.Fatalf("resumed records differ from the uninterrupted ones:\n got %+v\nwant %+v", got, want)
	}
	// A finished experiment is skipped as a whole.
	sum, err = newTestRunner(dirB).RunAll(context.Background(), runs)
	if err != nil || sum.Skipped != 2 || sum.Finished != 0 {
		t.Fatalf("rerun: %+v, %v", sum, err)
	}
}

func TestDeadlineStopsAndResumes(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	spec := tinySpec(t, base, tinyTraining)
	runs := spec.Runs()
	dirA := filepath.Join(base, "a")
	if _, err := newTestRunner(dirA).RunAll(context.Background(), runs); err != nil {
		t.Fatal(err)
	}
	dirB := filepath.Join(base, "b")
	r := newTestRunner(dirB)
	steps := 0
	// The deadline passes during the fifth step.
	r.Hooks = []train.Hook{train.HookFunc("clock", train.OrderCheckpoint+55, func(e train.Event, _ *train.State) error {
		if e == train.EventStep {
			if steps++; steps == 5 {
				r.Deadline = time.Unix(1, 0)
			}
		}
		return nil
	})}
	sum, err := r.RunAll(context.Background(), runs)
	if err != nil || !sum.Stopped || sum.Remaining != 2 {
		t.Fatalf("with a deadline: %+v, %v", sum, err)
	}
	if recs := stripTimes(t, filepath.Join(dirB, "results.jsonl")); len(recs) != 0 {
		t.Fatalf("%d records before the first epoch ended", len(recs))
	}
	// A deadline already past starts nothing.
	sum, err = r.RunAll(context.Background(), runs)
	if err != nil || !sum.Stopped || sum.Finished != 0 {
		t.Fatalf("past deadline: %+v, %v", sum, err)
	}
	if _, err := newTestRunner(dirB).RunAll(context.Background(), runs); err != nil {
		t.Fatal(err)
	}
	if got, want := stripTimes(t, filepath.Join(dirB, "results.jsonl")), stripTimes(t, filepath.Join(dirA, "results.jsonl")); !slices.Equal(got, want) {
		t.Fatalf("records after the deadline and a rerun differ:\n got %+v\nwant %+v", got, want)
	}
}

func TestDivergedRunFails(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	spec := tinySpec(t, base, "epochs: 2, batch_size: 20, train_size: 60, test_size: 20, optimizer: sgd, lr: 1e300")
	runs := spec.Runs()[:1] // the classical level diverges at once
	r := newTestRunner(base)
	sum, err := r.RunAll(context.Background(), runs)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Failed) != 1 || sum.Finished != 0 {
		t.Fatalf("%+v: want the run failed", sum)
	}
	if !strings.Contains(sum.Failed[0].Error, "non-finite loss") {
		t.Fatalf("failure %q does not say why", sum.Failed[0].Error)
	}
	for _, rec := range stripTimes(t, r.Results) {
		if rec.Kind == KindRun {
			t.Fatalf("a failed run has a run record: %+v", rec)
		}
	}
	failed, err := readFailures(r.Failures)
	if err != nil || len(failed) != 1 || failed[0].Run != runs[0].ID {
		t.Fatalf("failures file: %+v, %v", failed, err)
	}
	// A failed run is skipped later (it would diverge again), and retried
	// on request.
	sum, err = r.RunAll(context.Background(), runs)
	if err != nil || len(sum.Failed) != 1 || sum.Finished != 0 {
		t.Fatalf("second call: %+v, %v", sum, err)
	}
	r.RetryFailed = true
	r.Log = &strings.Builder{}
	if sum, err = r.RunAll(context.Background(), runs); err != nil || len(sum.Failed) != 1 {
		t.Fatalf("retry: %+v, %v", sum, err)
	}
	if !strings.Contains(r.Log.(*strings.Builder).String(), "failed: train: non-finite loss") {
		t.Fatalf("the retry did not train: %s", r.Log)
	}
}
