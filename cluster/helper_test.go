package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quanta-qml/quanta/experiment"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fakeTaskEnv makes the test binary act as the task command of a Slurm
// array (see TestMain): `env QUANTA_CLUSTER_FAKE_TASK=1 cluster.test DIR N`.
const fakeTaskEnv = "QUANTA_CLUSTER_FAKE_TASK"

func TestMain(m *testing.M) {
	if os.Getenv(fakeTaskEnv) == "1" {
		os.Exit(fakeTaskMain(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fakeTaskMain(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: DIR TASK")
		return 2
	}
	task, err := strconv.Atoi(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	s, err := Open(args[0], nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := fakeTask(context.Background(), s, task); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("task %d done\n", task)
	return 0
}

// fakePayload is the payload of the runs of the fake task runner.
type fakePayload struct {
	Seed    uint64 `json:"seed"`
	Epochs  int    `json:"epochs"`
	SleepMS int    `json:"sleep_ms"`
	// Hang makes epoch 2 wait while the file DIR/hang exists, after
	// creating DIR/hanging-TASK to say so.
	Hang bool `json:"hang,omitempty"`
}

// fakeTask is a task runner like the one the experiment package provides:
// it runs the task's unfinished runs and appends one epoch record per epoch
// and one run record per run. Records depend only on the run, not on
// timing, so a Slurm sweep and a local one can be compared.
func fakeTask(ctx context.Context, s *Sweep, task int) error {
	runs, err := s.Remaining(task)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(s.ResultsFile(task), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, r := range runs {
		var p fakePayload
		if err := json.Unmarshal(r.Payload, &p); err != nil {
			return fmt.Errorf("run %s: %w", r.ID, err)
		}
		for e := 1; e <= p.Epochs; e++ {
			if p.Hang && e == 2 {
				if err := hang(ctx, s.Dir, task); err != nil {
					return err
				}
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(p.SleepMS) * time.Millisecond):
			}
			if err := appendRecord(f, fakeRecord(r.ID, p, e, experiment.KindEpoch)); err != nil {
				return err
			}
		}
		if err := appendRecord(f, fakeRecord(r.ID, p, p.Epochs, experiment.KindRun)); err != nil {
			return err
		}
	}
	return nil
}

func hang(ctx context.Context, dir string, task int) error {
	if _, err := os.Stat(filepath.Join(dir, "hang")); err != nil {
		return nil
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("hanging-%d", task)), nil, 0o644); err != nil {
		return err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "hang")); err != nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func fakeRecord(id string, p fakePayload, epoch int, kind string) experiment.Record {
	loss := 1 / float64(epoch+int(p.Seed))
	return experiment.Record{
		Kind: kind, Run: id, Model: "fake", Config: "L" + strconv.Itoa(int(p.Seed)%3),
		Dataset: "none", Seed: p.Seed, Epoch: epoch, Epochs: p.Epochs,
		TrainLoss: loss, TrainAcc: 1 - loss, TestLoss: 1.5 * loss, TestAcc: 1 - 1.5*loss,
		Params:     experiment.ParamCount{Classical: 10, Quantum: int(p.Seed), Total: 10 + int(p.Seed)},
		Provenance: experiment.Provenance{Version: "test", GoVersion: "go", OS: "linux", CPU: "cpu", Threads: 1},
		Time:       "2026-01-01T00:00:00Z",
	}
}

// appendRecord writes one JSON line with a single write call.
func appendRecord(f *os.File, rec experiment.Record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	return err
}

// fakeRuns returns n runs for the fake task runner.
func fakeRuns(n, epochs, sleepMS int) []Run {
	runs := make([]Run, n)
	for i := range runs {
		p, _ := json.Marshal(fakePayload{Seed: uint64(i + 1), Epochs: epochs, SleepMS: sleepMS})
		runs[i] = Run{ID: fmt.Sprintf("fake/L%d/none/seed=%d", i%3, i+1), Payload: p}
	}
	return runs
}

// newSweep creates a sweep in a temporary directory.
func newSweep(t *testing.T, spec string, runs []Run, perTask int) *Sweep {
	t.Helper()
	p, err := NewPlan([]byte(spec), runs, perTask)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Create(filepath.Join(t.TempDir(), "sweep dir"), p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writeLines writes records as JSON lines to the results file of task.
func writeLines(t *testing.T, s *Sweep, task int, recs ...experiment.Record) {
	t.Helper()
	f, err := os.OpenFile(s.ResultsFile(task), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, r := range recs {
		if err := appendRecord(f, r); err != nil {
			t.Fatal(err)
		}
	}
}

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
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (rerun with -update if the change is intended)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// fixture reads a captured Slurm 22.05 output from testdata/slurm-22.05.
func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "slurm-22.05", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// reply is one scripted answer of the fake Slurm.
type reply struct {
	stdout, stderr string
	err            error
}

// exit1 is what a command that ran and failed returns.
var exit1 = errors.New("exit status 1")

// fakeSlurm is a Runner with scripted answers: each rule matches command
// lines by prefix and answers with its replies in turn, repeating the last.
// A command line no rule matches fails the test.
type fakeSlurm struct {
	t     testing.TB
	mu    sync.Mutex
	rules []*rule
	calls []string
}

type rule struct {
	prefix  string
	replies []reply
	used    int
}

func newFake(t testing.TB) *fakeSlurm { return &fakeSlurm{t: t} }

// on adds a rule for command lines starting with prefix.
func (f *fakeSlurm) on(prefix string, replies ...reply) *fakeSlurm {
	f.rules = append(f.rules, &rule{prefix: prefix, replies: replies})
	return f
}

func (f *fakeSlurm) Run(ctx context.Context, name string, args ...string) ([]byte, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := strings.Join(append([]string{name}, args...), " ")
	f.calls = append(f.calls, line)
	for _, r := range f.rules {
		if strings.HasPrefix(line, r.prefix) {
			rep := r.replies[min(r.used, len(r.replies)-1)]
			r.used++
			if errors.Is(rep.err, exec.ErrNotFound) {
				rep.err = &exec.Error{Name: name, Err: exec.ErrNotFound}
			}
			return []byte(rep.stdout), []byte(rep.stderr), rep.err
		}
	}
	f.t.Errorf("fake slurm: unexpected command %q", line)
	return nil, []byte("unexpected command"), exit1
}

func (f *fakeSlurm) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// diff returns "" when want and got are deeply equal, else both, one per
// line, for a test message.
func diff(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return fmt.Sprintf("want %+v\n got %+v", want, got)
}
