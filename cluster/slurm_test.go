package cluster

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var runTaskCmd = []string{"quanta", "run-task", "--plan", PlanArg, "--index", TaskArg}

func fixedNow() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

func TestSubmitWritesScriptAndJournal(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", fakeRuns(7, 1, 0), 2)
	o := JobOptions{Command: runTaskCmd, MaxParallel: 2, Mem: "1G"}
	fake := newFake(t).on("sbatch --parsable ", reply{stdout: "12;ci\n"})
	c := &Slurm{Runner: fake, Now: fixedNow}
	sub, err := c.Submit(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(s.Dir, "slurm", "submit-001.sh")
	if d := diff([]string{"sbatch --parsable " + script}, fake.Calls()); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
	want, err := Script(s, o, []int{0, 1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(script); err != nil || string(b) != want || sub.Text != want {
		t.Errorf("script file (err %v) differs from Script():\n%s", err, b)
	}
	wantSub := Submission{JobID: "12", Tasks: []int{0, 1, 2, 3}, Script: "slurm/submit-001.sh", Time: "2026-03-01T12:00:00Z", Options: o}
	subs, err := s.Submissions()
	if err != nil {
		t.Fatal(err)
	}
	if d := diff([]Submission{wantSub}, subs); d != "" {
		t.Errorf("journal (-want +got):\n%s", d)
	}
	// A second Submit would duplicate the sweep: refused.
	if _, err := c.Submit(context.Background(), s, o); err == nil || !strings.Contains(err.Error(), "already submitted as job 12") {
		t.Errorf("second Submit: %v", err)
	}
}

func TestDryRunSubmitsAndWritesNothing(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", fakeRuns(3, 1, 0), 1)
	c := &Slurm{Runner: newFake(t), DryRun: true} // any command fails the test
	sub, err := c.Submit(context.Background(), s, JobOptions{Command: runTaskCmd})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sub.Text, "#SBATCH --array=0-2\n") || sub.JobID != "" {
		t.Errorf("dry run gave job %q and script\n%s", sub.JobID, sub.Text)
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir, SlurmFolder))
	if len(entries) != 0 {
		t.Errorf("dry run wrote %d files into slurm/", len(entries))
	}
}

func TestSbatchNotFound(t *testing.T) {
	// Not parallel: it empties PATH so that the real ExecRunner fails.
	t.Setenv("PATH", t.TempDir())
	const msg = "sbatch not found on PATH: is Slurm installed? use --local to run here"
	s := newSweep(t, "spec", fakeRuns(2, 1, 0), 1)
	for name, r := range map[string]Runner{
		"exec": nil,
		"fake": newFake(t).on("sbatch", reply{err: exec.ErrNotFound}),
	} {
		_, err := (&Slurm{Runner: r}).Submit(context.Background(), s, JobOptions{Command: runTaskCmd})
		if err == nil || !strings.HasSuffix(err.Error(), msg) || !errors.Is(err, ErrNoSlurm) {
			t.Errorf("%s runner: error %v, want one ending %q and wrapping ErrNoSlurm", name, err, msg)
		}
	}
}

func TestSbatchErrorReturnsItsStderr(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", fakeRuns(2, 1, 0), 1)
	stderr := fixture(t, "sbatch-badpartition.txt")
	fake := newFake(t).on("sbatch", reply{stderr: stderr, err: exit1})
	_, err := (&Slurm{Runner: fake}).Submit(context.Background(), s, JobOptions{Command: runTaskCmd, Partition: "nope"})
	if err == nil || !strings.Contains(err.Error(), "Batch job submission failed: Invalid partition name specified") {
		t.Errorf("error %v, want sbatch's stderr", err)
	}
	if subs, _ := s.Submissions(); len(subs) != 0 {
		t.Errorf("a failed sbatch was recorded: %+v", subs)
	}
}

func TestParseSbatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		out, want string
		err       bool
	}{
		{"12\n", "12", false},
		{"12;ci\n", "12", false},
		{"Submitted batch job 12\n", "", true},
		{"", "", true},
	} {
		got, err := parseSbatch([]byte(tc.out))
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("parseSbatch(%q) = %q, %v", tc.out, got, err)
		}
	}
}

// TestResubmitSelectsFailedAndMissingTasks: with the captured state after
// the cancel (task 1 cancelled, task 3 failed, 2 running, 4-5 pending),
// only tasks 1 and 3 go out again, with the options of the first job.
func TestResubmitSelectsFailedAndMissingTasks(t *testing.T) {
	t.Parallel()
	s := journalSweep(t)
	finishRuns(t, s, 0, "a0", "a1")
	finishRuns(t, s, 1, "b0")
	fake := newFake(t).
		on("scontrol -o show job 1", reply{stdout: fixture(t, "scontrol-cancelled.txt")}).
		on("sbatch --parsable ", reply{stdout: "13\n"})
	c := &Slurm{Runner: fake, Now: fixedNow}
	sub, err := c.Resubmit(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff([]int{1, 3}, sub.Tasks); d != "" || sub.JobID != "13" || sub.Script != "slurm/submit-002.sh" {
		t.Errorf("submission %+v (tasks -want +got: %s)", sub, d)
	}
	if !strings.Contains(sub.Text, "#SBATCH --array=1,3%2\n") {
		t.Errorf("script does not submit tasks 1,3 with the old throttle:\n%s", sub.Text)
	}
	subs, err := s.Submissions()
	if err != nil || len(subs) != 2 || subs[1].JobID != "13" || !reflect.DeepEqual(subs[1].Options, subs[0].Options) {
		t.Errorf("journal %+v, %v", subs, err)
	}
}

func TestResubmitNothingToDo(t *testing.T) {
	t.Parallel()
	s := journalSweep(t)
	for task, runs := range [][]string{{"a0", "a1"}, {"b0", "b1"}, {"c0", "c1"}, {"d0", "d1"}, {"e0", "e1"}, {"f0", "f1"}} {
		finishRuns(t, s, task, runs...)
	}
	fake := newFake(t).on("scontrol -o show job 1", reply{stdout: fixture(t, "scontrol-done.txt")})
	sub, err := (&Slurm{Runner: fake}).Resubmit(context.Background(), s, nil)
	if err != nil || len(sub.Tasks) != 0 || sub.JobID != "" {
		t.Errorf("Resubmit = %+v, %v; want an empty submission", sub, err)
	}
}

func TestResubmitWithoutEarlierOptions(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", fakeRuns(2, 1, 0), 1)
	_, err := (&Slurm{Runner: newFake(t)}).Resubmit(context.Background(), s, nil)
	if err == nil || !strings.Contains(err.Error(), "no earlier submission") {
		t.Errorf("error %v", err)
	}
}

func TestWaitPollsSqueueUntilEmpty(t *testing.T) {
	t.Parallel()
	running := reply{stdout: fixture(t, "squeue-running.txt")}
	fake := newFake(t).on("squeue -h -j 1,9 -o %i|%T", running, running, reply{stdout: fixture(t, "squeue-empty.txt")})
	if err := (&Slurm{Runner: fake, Poll: time.Millisecond}).Wait(context.Background(), time.Minute, "1", "9"); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Calls()); n != 3 {
		t.Errorf("squeue called %d times, want 3", n)
	}
}

func TestWaitForgottenJobIsDone(t *testing.T) {
	t.Parallel()
	fake := newFake(t).on("squeue", reply{stderr: "slurm_load_jobs error: Invalid job id specified\n", err: exit1})
	if err := (&Slurm{Runner: fake, Poll: time.Millisecond}).Wait(context.Background(), time.Minute, "4"); err != nil {
		t.Fatal(err)
	}
}

func TestWaitTimesOut(t *testing.T) {
	t.Parallel()
	fake := newFake(t).on("squeue", reply{stdout: fixture(t, "squeue-running.txt")})
	err := (&Slurm{Runner: fake, Poll: time.Millisecond}).Wait(context.Background(), 20*time.Millisecond, "1")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for jobs 1") {
		t.Errorf("error %v, want a deadline error naming the job", err)
	}
}

func TestCancelAndPing(t *testing.T) {
	t.Parallel()
	fake := newFake(t).
		on("scancel", reply{}).
		on("scontrol ping", reply{stdout: "Slurmctld(primary) at head is UP\n"}, reply{stdout: "Slurmctld(primary) at head is DOWN\n", err: exit1})
	c := &Slurm{Runner: fake}
	ctx := context.Background()
	if err := c.Cancel(ctx, "7", 1, 3); err != nil {
		t.Fatal(err)
	}
	if err := c.Cancel(ctx, "8"); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Errorf("Ping up: %v", err)
	}
	if err := c.Ping(ctx); err == nil || !strings.Contains(err.Error(), "DOWN") {
		t.Errorf("Ping down: %v", err)
	}
	want := []string{"scancel 7_1 7_3", "scancel 8", "scontrol ping", "scontrol ping"}
	if d := diff(want, fake.Calls()); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
}

func TestCorruptJournalNamesTheFile(t *testing.T) {
	t.Parallel()
	s := newSweep(t, "spec", fakeRuns(2, 1, 0), 1)
	path := filepath.Join(s.Dir, SlurmFolder, JournalFile)
	for _, content := range []string{`{"submissions":[{"job_id":"1","tasks":[5]}]}`, `{"submissions":[`, `{"submissions":[{"job_id":"x"}]}`} {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Submissions(); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("journal %s: error %v, want one naming the file", content, err)
		}
	}
}
