package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// liveSlurm returns a client of the real Slurm, or skips the test when
// sbatch is not on PATH or no controller answers. CI starts a single-node
// cluster with .ci/slurm-local.sh before the tests.
func liveSlurm(t *testing.T) *Slurm {
	t.Helper()
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Skip("sbatch not on PATH: no Slurm here (CI starts one with .ci/slurm-local.sh up)")
	}
	c := &Slurm{Poll: 200 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		t.Skipf("no Slurm controller answers (start one with .ci/slurm-local.sh up): %v", err)
	}
	return c
}

// fakeTaskOptions makes every array task run this test binary as the fake
// task runner (TestMain), with a small memory request that fits the CI node.
func fakeTaskOptions(t *testing.T) JobOptions {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return JobOptions{
		Command:     []string{"env", fakeTaskEnv + "=1", exe, DirArg, TaskArg},
		Name:        "quanta-cluster-test",
		TimeLimit:   5 * time.Minute,
		CPUsPerTask: 1,
		Mem:         "64M",
		MaxParallel: 2,
	}
}

// TestSlurmIntegration runs sweeps on the live Slurm: one that simply
// completes, and one in which a task is cancelled in the middle of a run,
// reported failed, and completed by a resubmission. The merged results of
// both equal those of the local runner on the same plans.
func TestSlurmIntegration(t *testing.T) {
	c := liveSlurm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A directory name that needs quoting for sbatch and for the shell.
	root := filepath.Join(t.TempDir(), `it's a "sweep" #1 50%`)
	opts := fakeTaskOptions(t)

	t.Run("complete", func(t *testing.T) {
		runs := fakeRuns(5, 2, 50)
		s := create(t, filepath.Join(root, "complete"), "spec complete", runs, 2)
		sub, err := c.Submit(ctx, s, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Cancel(context.Background(), sub.JobID) })
		if err := c.Wait(ctx, time.Minute, sub.JobID); err != nil {
			t.Fatal(err)
		}
		st := status(t, c, s)
		for _, tk := range st.Tasks {
			if tk.JobID != sub.JobID || tk.Slurm != "COMPLETED" || tk.ExitCode != "0:0" || tk.Runs.Finished != len(s.Plan.TaskRuns(tk.Task)) {
				t.Errorf("task %+v, want COMPLETED 0:0 with all runs finished", tk)
			}
			out := filepath.Join(s.Dir, LogsFolder, fmt.Sprintf("task-%04d-job-%s.out", tk.Task, sub.JobID))
			if b, err := os.ReadFile(out); err != nil || string(b) != fmt.Sprintf("task %d done\n", tk.Task) {
				t.Errorf("log %s: %q, %v", out, b, err)
			}
		}
		// Every task wrote exactly its runs: 2 epochs and a run record each.
		for i := range s.Plan.NumTasks() {
			b, err := os.ReadFile(s.ResultsFile(i))
			if err != nil {
				t.Fatal(err)
			}
			if lines := strings.Count(string(b), "\n"); lines != 3*len(s.Plan.TaskRuns(i)) {
				t.Errorf("task %d wrote %d lines, want %d", i, lines, 3*len(s.Plan.TaskRuns(i)))
			}
		}
		compareWithLocal(t, s, filepath.Join(root, "complete-local"), 3)
	})

	t.Run("cancel and resubmit", func(t *testing.T) {
		runs := fakeRuns(6, 3, 50)
		// Run 3 (task 1's second run) hangs in epoch 2 while DIR/hang exists.
		var p fakePayload
		if err := json.Unmarshal(runs[3].Payload, &p); err != nil {
			t.Fatal(err)
		}
		p.Hang = true
		runs[3].Payload, _ = json.Marshal(p)
		dir := filepath.Join(root, "cancel")
		s := create(t, dir, "spec cancel", runs, 2)
		hangFile := filepath.Join(dir, "hang")
		if err := os.WriteFile(hangFile, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		sub, err := c.Submit(ctx, s, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(hangFile); c.Cancel(context.Background(), sub.JobID) })
		waitForFile(t, ctx, filepath.Join(dir, "hanging-1"))
		if err := c.Cancel(ctx, sub.JobID, 1); err != nil {
			t.Fatal(err)
		}
		if err := c.Wait(ctx, time.Minute, sub.JobID); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(hangFile); err != nil {
			t.Fatal(err)
		}
		st := status(t, c, s)
		if tk := st.Tasks[1]; tk.Slurm != "CANCELLED" || tk.Runs != (Counts{Finished: 1, Failed: 1}) {
			t.Errorf("cancelled task: %+v, want CANCELLED with 1 finished and 1 failed run", tk)
		}
		wantStates := []State{Finished, Finished, Finished, Failed, Finished, Finished}
		for i, r := range st.Runs {
			if r.State != wantStates[i] {
				t.Errorf("run %s: %s, want %s", r.ID, r.State, wantStates[i])
			}
		}
		if d := diff([]int{1}, st.Resubmittable()); d != "" {
			t.Fatalf("Resubmittable (-want +got):\n%s", d)
		}

		re, err := c.Resubmit(ctx, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Cancel(context.Background(), re.JobID) })
		if !reflect.DeepEqual(re.Tasks, []int{1}) || !strings.Contains(re.Text, "#SBATCH --array=1%2\n") {
			t.Errorf("resubmission %+v", re)
		}
		if err := c.Wait(ctx, time.Minute, re.JobID); err != nil {
			t.Fatal(err)
		}
		st = status(t, c, s)
		if !st.Done() || st.Tasks[1].JobID != re.JobID || st.Tasks[1].Slurm != "COMPLETED" || st.Tasks[0].JobID != sub.JobID {
			t.Errorf("after the resubmission: total %+v, task 1 %+v", st.Total, st.Tasks[1])
		}
		// The resubmitted task skipped its finished run: it appears once.
		recs, err := s.taskRecords(1)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range recs {
			if r.Run == runs[2].ID && r.Kind == "run" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("run %s has %d run records, want 1", runs[2].ID, n)
		}
		if again, err := c.Resubmit(ctx, s, nil); err != nil || len(again.Tasks) != 0 {
			t.Errorf("second Resubmit: %+v, %v; want nothing to do", again, err)
		}
		compareWithLocal(t, s, filepath.Join(root, "cancel-local"), 4)
	})
}

func create(t *testing.T, dir, spec string, runs []Run, perTask int) *Sweep {
	t.Helper()
	p, err := NewPlan([]byte(spec), runs, perTask)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Create(dir, p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func status(t *testing.T, c *Slurm, s *Sweep) *Status {
	t.Helper()
	st, err := c.Status(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	st.WriteTable(&b)
	t.Logf("status:\n%s", b.String())
	return st
}

// compareWithLocal runs the sweep's plan with RunLocal in another directory
// and checks that the merged results (perRun records per run) are equal.
func compareWithLocal(t *testing.T, s *Sweep, dir string, perRun int) {
	t.Helper()
	local, err := Create(dir, s.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if err := RunLocal(context.Background(), local, 2, func(ctx context.Context, task int) error {
		return fakeTask(ctx, local, task)
	}); err != nil {
		t.Fatal(err)
	}
	want, err := local.Results()
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Results()
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != perRun*len(s.Plan.Runs) {
		t.Errorf("local results hold %d records, want %d", len(want), perRun*len(s.Plan.Runs))
	}
	if d := diff(want, got); d != "" {
		t.Errorf("Slurm results differ from local ones (-local +slurm):\n%s", d)
	}
}

func waitForFile(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	for {
		if _, err := os.Stat(path); err == nil {
			return
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s did not appear: %v", path, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
