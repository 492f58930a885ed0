package cluster

import (
	"os"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/experiment"
)

func rec(kind, run string, epoch int, loss float64) experiment.Record {
	return experiment.Record{Kind: kind, Run: run, Epoch: epoch, TrainLoss: loss}
}

func TestRemainingSkipsFinishedRuns(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", namedRuns("a", "b", "c", "d", "e"), 3)
	// Task 0: a finished, b only has an epoch (killed), c nothing.
	writeLines(t, s, 0, rec("epoch", "a", 1, 1), rec("run", "a", 1, 1), rec("epoch", "b", 1, 1))
	got, err := s.Remaining(0)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff([]string{"b", "c"}, ids(got)); d != "" {
		t.Errorf("Remaining(0) (-want +got):\n%s", d)
	}
	// Task 1 has no results file yet.
	got, err = s.Remaining(1)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff([]string{"d", "e"}, ids(got)); d != "" {
		t.Errorf("Remaining(1) (-want +got):\n%s", d)
	}
	for _, bad := range []int{-1, 2} {
		if _, err := s.Remaining(bad); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("Remaining(%d): %v, want an out-of-range error", bad, err)
		}
	}
}

func TestRemainingIgnoresALineCutShort(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", namedRuns("a", "b"), 2)
	writeLines(t, s, 0, rec("run", "a", 1, 1))
	f, err := os.OpenFile(s.ResultsFile(0), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"kind":"run","run":"b","ep`) // killed mid-write
	f.Close()
	got, err := s.Remaining(0)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff([]string{"b"}, ids(got)); d != "" {
		t.Errorf("Remaining (-want +got):\n%s", d)
	}
}

func TestResultsFileErrorsNameTheFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, content, msg string
	}{
		{"malformed line", `{"kind":"run","run":"a"}` + "\n{oops}\n" + `{"kind":"run","run":"b"}` + "\n", ":2:"},
		{"run of another task", `{"kind":"run","run":"z"}` + "\n", `run "z", which is not in task 0`},
		{"unknown kind", `{"kind":"step","run":"a"}` + "\n", "unknown record kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSweep(t, "spec", namedRuns("a", "b", "z"), 2)
			if err := os.WriteFile(s.ResultsFile(0), []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			for what, err := range map[string]error{"Remaining": second(s.Remaining(0)), "Results": second(s.Results())} {
				if err == nil || !strings.Contains(err.Error(), s.ResultsFile(0)) || !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("%s: error %v, want one naming the file and containing %q", what, err, tc.msg)
				}
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func TestResultsMergesInPlanOrder(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", namedRuns("a", "b", "c", "d"), 2)
	// Task 0: run b was killed after epoch 2 and resumed from its epoch-1
	// checkpoint, so epoch 2 was logged twice; a finished after b.
	writeLines(t, s, 0,
		rec("epoch", "b", 1, 0.9), rec("epoch", "a", 1, 0.5), rec("epoch", "b", 2, 0.8),
		rec("epoch", "b", 2, 0.7), rec("epoch", "b", 3, 0.6), rec("run", "b", 3, 0.6),
		rec("epoch", "a", 2, 0.4), rec("run", "a", 2, 0.4))
	// Task 1: c is unfinished (left out), d finished.
	writeLines(t, s, 1, rec("epoch", "c", 1, 0.3), rec("epoch", "d", 1, 0.2), rec("run", "d", 1, 0.2))
	got, err := s.Results()
	if err != nil {
		t.Fatal(err)
	}
	want := []experiment.Record{
		rec("epoch", "a", 1, 0.5), rec("epoch", "a", 2, 0.4), rec("run", "a", 2, 0.4),
		rec("epoch", "b", 1, 0.9), rec("epoch", "b", 2, 0.7), rec("epoch", "b", 3, 0.6), rec("run", "b", 3, 0.6),
		rec("epoch", "d", 1, 0.2), rec("run", "d", 1, 0.2),
	}
	if d := diff(want, got); d != "" {
		t.Errorf("Results (-want +got):\n%s", d)
	}
}
