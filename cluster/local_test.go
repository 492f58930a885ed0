package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestRunLocalRunsEveryTaskOnce(t *testing.T) {
	t.Parallel()
	var want []string
	for _, workers := range []int{0, 1, 3, 16} {
		t.Run(fmt.Sprintf("j=%d", workers), func(t *testing.T) {
			s := newSweep(t, "spec", fakeRuns(9, 2, 0), 2)
			calls := make([]atomic.Int32, s.Plan.NumTasks())
			run := func(ctx context.Context, task int) error {
				calls[task].Add(1)
				return fakeTask(ctx, s, task)
			}
			if err := RunLocal(context.Background(), s, workers, run); err != nil {
				t.Fatal(err)
			}
			for i := range calls {
				if n := calls[i].Load(); n != 1 {
					t.Errorf("task %d ran %d times", i, n)
				}
			}
			st, err := (&Slurm{Runner: newFake(t)}).Status(context.Background(), s)
			if err != nil || !st.Done() || st.Total.Finished != 9 {
				t.Errorf("status after the local run: %+v, %v", st.Total, err)
			}
			res, err := s.Results()
			if err != nil {
				t.Fatal(err)
			}
			// 9 runs × (2 epochs + run record), the same for every worker count.
			var got []string
			for _, r := range res {
				got = append(got, fmt.Sprintf("%s %s %d %g", r.Run, r.Kind, r.Epoch, r.TrainLoss))
			}
			if len(got) != 27 {
				t.Errorf("%d records, want 27", len(got))
			}
			if want == nil {
				want = got
			} else if d := diff(want, got); d != "" {
				t.Errorf("results differ from the first worker count (-want +got):\n%s", d)
			}
			// Nothing left: a second run starts no task.
			if err := RunLocal(context.Background(), s, workers, run); err != nil {
				t.Fatal(err)
			}
			for i := range calls {
				if n := calls[i].Load(); n != 1 {
					t.Errorf("after a second RunLocal, task %d ran %d times", i, n)
				}
			}
		})
	}
}

func TestRunLocalReportsFailedTasks(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", fakeRuns(8, 1, 0), 2)
	boom := errors.New("diverged")
	run := func(ctx context.Context, task int) error {
		switch task {
		case 1:
			return boom
		case 2:
			return nil // claims success without writing anything
		}
		return fakeTask(ctx, s, task)
	}
	err := RunLocal(context.Background(), s, 2, run)
	if !errors.Is(err, boom) {
		t.Fatalf("error %v does not wrap the task's error", err)
	}
	msg := err.Error()
	for _, part := range []string{"task 1: diverged", "task 2: returned without finishing runs fake/L1/none/seed=5, fake/L2/none/seed=6"} {
		if !strings.Contains(msg, part) {
			t.Errorf("error %q lacks %q", msg, part)
		}
	}
	if strings.Index(msg, "task 1:") > strings.Index(msg, "task 2:") {
		t.Errorf("task errors not in task order: %q", msg)
	}
	st, err := (&Slurm{Runner: newFake(t)}).Status(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff([]int{1, 2}, st.Resubmittable()); d != "" {
		t.Errorf("unfinished tasks (-want +got):\n%s", d)
	}
}

// TestRunLocalStopsOnCancel: two workers block in their tasks; cancelling
// the context ends them and no further task starts.
func TestRunLocalStopsOnCancel(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", fakeRuns(6, 1, 0), 1)
	ctx, cancel := context.WithCancel(context.Background())
	var started sync.WaitGroup
	started.Add(2)
	var n atomic.Int32
	run := func(ctx context.Context, task int) error {
		n.Add(1)
		started.Done()
		<-ctx.Done()
		return ctx.Err()
	}
	done := make(chan error)
	go func() { done <- RunLocal(ctx, s, 2, run) }()
	started.Wait()
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if got := n.Load(); got != 2 {
		t.Errorf("%d tasks started, want 2", got)
	}
}
