package cluster

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixedSweep is a sweep whose directory does not exist: Script only needs
// its path and plan.
func fixedSweep(t *testing.T, dir string, runs, perTask int) *Sweep {
	t.Helper()
	p, err := NewPlan([]byte("spec"), fakeRuns(runs, 1, 0), perTask)
	if err != nil {
		t.Fatal(err)
	}
	return &Sweep{Dir: dir, Plan: p}
}

func TestScriptGolden(t *testing.T) {
	t.Parallel()
	runTask := []string{"quanta", "run-task", "--plan", PlanArg, "--index", TaskArg}
	for _, tc := range []struct {
		name  string
		dir   string
		opts  JobOptions
		tasks []int
	}{
		{"minimal", "/scratch/sweep", JobOptions{Command: runTask}, []int{0, 1, 2, 3}},
		{"all-options", `/scratch/it's a "sweep" #1 50%`, JobOptions{
			Command:     []string{"/opt/quanta tools/quanta", "run-task", "--plan={plan}", "--index", "{task}", "--note", "a $HOME `b` \"c\""},
			Name:        `creep "paper"`,
			Partition:   "gpu",
			TimeLimit:   26*time.Hour + 90*time.Second,
			CPUsPerTask: 4, Mem: "8G", MaxParallel: 3,
			Extra: []string{"--account=proj42", "--constraint=avx2"},
			Setup: []string{"module load go", "export OMP_NUM_THREADS=1"},
		}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"resubmit", "/scratch/sweep", JobOptions{Command: runTask, MaxParallel: 2}, []int{9, 3, 7, 10, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Script(fixedSweep(t, tc.dir, 22, 2), tc.opts, tc.tasks)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "script-"+tc.name+".golden", got)
		})
	}
}

// TestScriptCommandThroughTheShell runs the command line of a generated
// script through bash (the oracle for the quoting) with a command that
// prints its arguments, in a directory whose name needs quoting.
func TestScriptCommandThroughTheShell(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not on PATH")
	}
	dir := filepath.Join(t.TempDir(), `it's a "dir" #1 50% $x`)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"a b", "it's", `"q"`, "$HOME", "`id`", "--index={task}", "{task}", "{plan}", "x{dir}y", "*", "", "{unknown}"}
	o := JobOptions{Command: append([]string{"printf", `%s\n`}, args...)}
	script, err := Script(&Sweep{Dir: dir, Plan: fixedSweep(t, dir, 8, 1).Plan}, o, []int{7})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "-c", script)
	cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID=7")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	want := []string{"a b", "it's", `"q"`, "$HOME", "`id`", "--index=7", "7", filepath.Join(dir, PlanFile), "x" + dir + "y", "*", "", "{unknown}"}
	if d := diff(want, strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")); d != "" {
		t.Errorf("arguments seen by the command (-want +got):\n%s", d)
	}
}

func TestScriptRejectsBadOptions(t *testing.T) {
	t.Parallel()
	s := fixedSweep(t, "/scratch/sweep", 4, 1)
	cmd := []string{"quanta"}
	for _, tc := range []struct {
		name  string
		opts  JobOptions
		tasks []int
		msg   string
	}{
		{"no command", JobOptions{}, []int{0}, "no task command"},
		{"bad memory", JobOptions{Command: cmd, Mem: "4 GB"}, []int{0}, "memory"},
		{"negative time", JobOptions{Command: cmd, TimeLimit: -time.Second}, []int{0}, "negative time"},
		{"extra not an option", JobOptions{Command: cmd, Extra: []string{"account=x"}}, []int{0}, "extra sbatch option"},
		{"extra two lines", JobOptions{Command: cmd, Extra: []string{"--a=1\n--b=2"}}, []int{0}, "extra sbatch option"},
		{"name line break", JobOptions{Command: cmd, Name: "a\nb"}, []int{0}, "line break"},
		{"no tasks", JobOptions{Command: cmd}, nil, "no tasks"},
		{"task out of range", JobOptions{Command: cmd}, []int{4}, "task 4 out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Script(s, tc.opts, tc.tasks)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want one containing %q", err, tc.msg)
			}
		})
	}
}

func TestArraySpec(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tasks []int
		want  string
	}{
		{[]int{0}, "0"},
		{[]int{0, 1, 2, 3}, "0-3"},
		{[]int{3, 7, 9, 10}, "3,7,9-10"},
		{[]int{10, 9, 3, 7, 3}, "3,7,9-10"},
		{[]int{1, 2, 4, 5, 7}, "1-2,4-5,7"},
	} {
		if got := ArraySpec(tc.tasks); got != tc.want {
			t.Errorf("ArraySpec(%v) = %q, want %q", tc.tasks, got, tc.want)
		}
		// Round trip through the parser of Slurm's task lists.
		back, err := parseIndexList(ArraySpec(tc.tasks))
		if err != nil {
			t.Fatal(err)
		}
		if got := ArraySpec(back); got != tc.want {
			t.Errorf("parse(ArraySpec(%v)) = %v", tc.tasks, back)
		}
	}
}

func TestSlurmTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{time.Minute, "0-00:01:00"},
		{time.Second, "0-00:01:00"},
		{90 * time.Minute, "0-01:30:00"},
		{24 * time.Hour, "1-00:00:00"},
		{49*time.Hour + 59*time.Minute + time.Second, "2-02:00:00"},
	} {
		if got := slurmTime(tc.d); got != tc.want {
			t.Errorf("slurmTime(%v) = %s, want %s", tc.d, got, tc.want)
		}
	}
}

func TestSbatchQuote(t *testing.T) {
	t.Parallel()
	// The expected strings follow sbatch's #SBATCH parser (double quotes;
	// backslash escapes the next character), checked against Slurm 22.05
	// by the integration test with a directory holding these characters.
	for _, tc := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{"a b #c", `"a b #c"`},
		{`say "hi"`, `"say \"hi\""`},
		{`a\b`, `"a\\b"`},
		{"it's", `"it's"`},
	} {
		if got := sbatchQuote(tc.in); got != tc.want {
			t.Errorf("sbatchQuote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := patternEscape("/a/50%/task-"); got != "/a/50%%/task-" {
		t.Errorf("patternEscape = %s", got)
	}
}
