package cluster

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// journalSweep creates a sweep of 6 tasks × 2 runs whose journal says that
// job 1 ran all tasks (the fixtures' array), plus the given submissions.
func journalSweep(t *testing.T, more ...Submission) *Sweep {
	t.Helper()
	s := newSweep(t, "spec", namedRuns("a0", "a1", "b0", "b1", "c0", "c1", "d0", "d1", "e0", "e1", "f0", "f1"), 2)
	opts := JobOptions{Command: []string{"quanta", "run-task", "--plan", PlanArg, "--index", TaskArg}, MaxParallel: 2}
	subs := append([]Submission{{JobID: "1", Tasks: []int{0, 1, 2, 3, 4, 5}, Script: "slurm/submit-001.sh", Options: opts}}, more...)
	for _, sub := range subs {
		if sub.Options.Command == nil {
			sub.Options = opts
		}
		if err := s.record(sub); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// finishRuns writes a finished record for each run (with one epoch).
func finishRuns(t *testing.T, s *Sweep, task int, runs ...string) {
	t.Helper()
	for _, r := range runs {
		writeLines(t, s, task, rec("epoch", r, 1, 1), rec("run", r, 1, 1))
	}
}

func runStates(st *Status) map[string]State {
	m := make(map[string]State)
	for _, r := range st.Runs {
		m[r.ID] = r.State
	}
	return m
}

// TestStatusMergesSlurmAndFiles uses the scontrol output captured after
// task 1 was cancelled while running (task 0 completed, task 2 running,
// task 3 failed with exit 3, tasks 4-5 pending under the %2 throttle).
func TestStatusMergesSlurmAndFiles(t *testing.T) {
	t.Parallel()
	s := journalSweep(t)
	finishRuns(t, s, 0, "a0", "a1")
	finishRuns(t, s, 1, "b0")                     // b1 was running when the task was cancelled
	writeLines(t, s, 1, rec("epoch", "b1", 1, 1)) // an epoch is not a finished run
	finishRuns(t, s, 2, "c0")                     // c1 running
	fake := newFake(t).on("scontrol -o show job 1", reply{stdout: fixture(t, "scontrol-cancelled.txt")})
	st, err := (&Slurm{Runner: fake}).Status(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]State{
		"a0": Finished, "a1": Finished,
		"b0": Finished, "b1": Failed,
		"c0": Finished, "c1": Running,
		"d0": Failed, "d1": Failed,
		"e0": Pending, "e1": Pending, "f0": Pending, "f1": Pending,
	}
	if d := diff(want, runStates(st)); d != "" {
		t.Errorf("run states (-want +got):\n%s", d)
	}
	if d := diff(Counts{Finished: 4, Failed: 3, Running: 1, Pending: 4}, st.Total); d != "" {
		t.Errorf("total (-want +got):\n%s", d)
	}
	if d := diff([]int{1, 3}, st.Resubmittable()); d != "" {
		t.Errorf("Resubmittable (-want +got):\n%s", d)
	}
	if st.Done() || st.Accounting {
		t.Errorf("Done %v Accounting %v, want false false", st.Done(), st.Accounting)
	}
	if d := diff([]string{"scontrol -o show job 1"}, fake.Calls()); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
	st.Dir = "/scratch/sweep" // the golden table must not hold the temp dir
	var b bytes.Buffer
	if err := st.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "status-table.golden", b.String())
}

func TestStatusFallsBackToSacct(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		sacct      reply
		accounting bool
		want       map[string]State
	}{
		{"accounting", reply{stdout: fixture(t, "sacct-done.txt")}, true, map[string]State{
			"a0": Finished, "a1": Finished, "b0": Failed, "b1": Failed, "c0": Missing, "c1": Missing,
			"d0": Failed, "d1": Failed, "e0": Missing, "e1": Missing, "f0": Finished, "f1": Finished}},
		{"no accounting", reply{stderr: "Slurm accounting storage is disabled\n", err: exit1}, false, map[string]State{
			"a0": Finished, "a1": Finished, "b0": Missing, "b1": Missing, "c0": Missing, "c1": Missing,
			"d0": Missing, "d1": Missing, "e0": Missing, "e1": Missing, "f0": Finished, "f1": Finished}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := journalSweep(t)
			finishRuns(t, s, 0, "a0", "a1")
			finishRuns(t, s, 5, "f0", "f1")
			fake := newFake(t).
				on("scontrol -o show job 1", reply{stderr: "slurm_load_jobs error: Invalid job id specified\n", err: exit1}).
				on("sacct -X -n -P -o JobID,State,ExitCode -j 1", tc.sacct)
			st, err := (&Slurm{Runner: fake}).Status(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(tc.want, runStates(st)); d != "" {
				t.Errorf("run states (-want +got):\n%s", d)
			}
			if st.Accounting != tc.accounting {
				t.Errorf("Accounting = %v, want %v", st.Accounting, tc.accounting)
			}
			if d := diff([]int{1, 2, 3, 4}, st.Resubmittable()); d != "" {
				t.Errorf("Resubmittable (-want +got):\n%s", d)
			}
		})
	}
}

// TestStatusUsesTheLatestSubmission: tasks 1 and 3 were resubmitted as job
// 9; job 1's CANCELLED/FAILED no longer count for them.
func TestStatusUsesTheLatestSubmission(t *testing.T) {
	t.Parallel()
	s := journalSweep(t, Submission{JobID: "9", Tasks: []int{1, 3}, Script: "slurm/submit-002.sh"})
	finishRuns(t, s, 1, "b0")
	job9 := "JobId=10 ArrayJobId=9 ArrayTaskId=1 JobName=quanta JobState=RUNNING Reason=None ExitCode=0:0\n" +
		"JobId=9 ArrayJobId=9 ArrayTaskId=3 JobName=quanta JobState=PENDING Reason=Resources ExitCode=0:0\n"
	fake := newFake(t).
		on("scontrol -o show job 1", reply{stdout: fixture(t, "scontrol-done.txt")}).
		on("scontrol -o show job 9", reply{stdout: job9})
	st, err := (&Slurm{Runner: fake}).Status(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	got := runStates(st)
	for id, want := range map[string]State{"b0": Finished, "b1": Running, "d0": Pending, "d1": Pending, "a0": Missing, "c1": Missing} {
		if got[id] != want {
			t.Errorf("run %s is %s, want %s", id, got[id], want)
		}
	}
	if tk := st.Tasks[3]; tk.JobID != "9" || tk.Slurm != "PENDING" || tk.Reason != "Resources" {
		t.Errorf("task 3 = %+v, want job 9 PENDING (Resources)", tk)
	}
	if tk := st.Tasks[4]; tk.JobID != "1" || tk.Slurm != "COMPLETED" {
		t.Errorf("task 4 = %+v, want job 1 COMPLETED", tk)
	}
}

func TestStatusWithoutSubmissionsRunsNoCommand(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", namedRuns("a", "b", "c"), 2)
	finishRuns(t, s, 0, "a")
	fake := newFake(t) // any command fails the test
	st, err := (&Slurm{Runner: fake}).Status(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(map[string]State{"a": Finished, "b": Missing, "c": Missing}, runStates(st)); d != "" {
		t.Errorf("run states (-want +got):\n%s", d)
	}
}

func TestStatusControllerDownIsAnError(t *testing.T) {
	t.Parallel()
	s := journalSweep(t)
	msg := "slurm_load_jobs error: Unable to contact slurm controller (connect failure)"
	fake := newFake(t).on("scontrol", reply{stderr: msg + "\n", err: exit1})
	_, err := (&Slurm{Runner: fake}).Status(context.Background(), s)
	if err == nil || !strings.Contains(err.Error(), msg) {
		t.Errorf("error %v, want one with scontrol's message", err)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	for state, want := range map[string]State{
		"PENDING": Pending, "REQUEUED": Pending, "RUNNING": Running, "COMPLETING": Running,
		"SUSPENDED": Running, "FAILED": Failed, "CANCELLED": Failed, "TIMEOUT": Failed,
		"OUT_OF_MEMORY": Failed, "NODE_FAIL": Failed, "PREEMPTED": Failed, "COMPLETED": Missing, "": Missing,
	} {
		if got := classify(state); got != want {
			t.Errorf("classify(%q) = %s, want %s", state, got, want)
		}
	}
}
