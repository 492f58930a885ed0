package cluster

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Placeholders in JobOptions.Command, replaced in the batch script.
const (
	TaskArg = "{task}" // the array task index, $SLURM_ARRAY_TASK_ID
	PlanArg = "{plan}" // the absolute path of plan.json
	DirArg  = "{dir}"  // the absolute path of the results directory
)

// JobOptions describe the Slurm job array of a sweep. The zero value of
// every field but Command means "Slurm's default" and leaves its directive
// out of the script. They are recorded with each submission, so a
// resubmission can reuse them.
type JobOptions struct {
	// Command is the argv every array task runs, for example
	// {"quanta", "run-task", "--plan", PlanArg, "--index", TaskArg}.
	// TaskArg, PlanArg and DirArg are replaced anywhere inside an argument;
	// everything else is quoted for the shell.
	Command []string `json:"command"`
	// Name is the job name (--job-name); empty means "quanta".
	Name string `json:"name,omitempty"`
	// Partition (--partition); empty means the cluster's default.
	Partition string `json:"partition,omitempty"`
	// TimeLimit per array task (--time), rounded up to whole minutes;
	// zero means the partition's default.
	TimeLimit time.Duration `json:"time_limit,omitempty"`
	// CPUsPerTask (--cpus-per-task); zero means Slurm's default of 1.
	CPUsPerTask int `json:"cpus_per_task,omitempty"`
	// Mem is the memory per node (--mem), e.g. "4G" or "500M"; empty means
	// the partition's default.
	Mem string `json:"mem,omitempty"`
	// MaxParallel limits how many array tasks run at once (the %N suffix of
	// --array); zero means no limit.
	MaxParallel int `json:"max_parallel,omitempty"`
	// Extra holds more sbatch options, one per #SBATCH line, written as
	// given, e.g. "--account=proj42" or "--constraint=avx2".
	Extra []string `json:"extra,omitempty"`
	// Setup holds shell lines run before the command, e.g.
	// "module load go"; written as given.
	Setup []string `json:"setup,omitempty"`
}

var memRE = regexp.MustCompile(`^[0-9]+[KMGT]?$`)

func (o *JobOptions) validate() error {
	if len(o.Command) == 0 || o.Command[0] == "" {
		return errors.New("job options: no task command")
	}
	for _, f := range []struct{ what, v string }{{"job name", o.Name}, {"partition", o.Partition}} {
		if strings.ContainsAny(f.v, "\n\r") {
			return fmt.Errorf("job options: %s %q contains a line break", f.what, f.v)
		}
	}
	for _, a := range o.Command {
		if strings.ContainsRune(a, 0) {
			return fmt.Errorf("job options: command argument %q contains a NUL byte", a)
		}
	}
	if o.TimeLimit < 0 {
		return fmt.Errorf("job options: negative time limit %v", o.TimeLimit)
	}
	if o.CPUsPerTask < 0 {
		return fmt.Errorf("job options: negative CPUs per task %d", o.CPUsPerTask)
	}
	if o.MaxParallel < 0 {
		return fmt.Errorf("job options: negative max parallel tasks %d", o.MaxParallel)
	}
	if o.Mem != "" && !memRE.MatchString(o.Mem) {
		return fmt.Errorf("job options: memory %q is not a Slurm size like 500M or 4G", o.Mem)
	}
	for _, e := range o.Extra {
		if !strings.HasPrefix(e, "-") || strings.ContainsAny(e, "\n\r") {
			return fmt.Errorf("job options: extra sbatch option %q is not one option starting with '-'", e)
		}
	}
	for _, l := range o.Setup {
		if strings.ContainsAny(l, "\n\r") {
			return fmt.Errorf("job options: setup line %q contains a line break", l)
		}
	}
	return nil
}

// Script returns the batch script that runs the given tasks of the sweep as
// one Slurm job array with options o. It writes nothing; Submit writes it
// into the results directory before calling sbatch. A dry run prints it.
func Script(s *Sweep, o JobOptions, tasks []int) (string, error) {
	if err := o.validate(); err != nil {
		return "", err
	}
	n := s.Plan.NumTasks()
	if len(tasks) == 0 {
		return "", errors.New("no tasks to submit")
	}
	for _, t := range tasks {
		if t < 0 || t >= n {
			return "", fmt.Errorf("task %d out of range: plan %s has tasks 0 to %d", t, s.PlanPath(), n-1)
		}
	}
	dir, err := checkDir(s.Dir)
	if err != nil {
		return "", err
	}
	tasks = normalizeTasks(tasks)
	array := ArraySpec(tasks)
	if o.MaxParallel > 0 {
		array += "%" + strconv.Itoa(o.MaxParallel)
	}
	name := o.Name
	if name == "" {
		name = "quanta"
	}
	// %4a: the task index padded to 4 digits, as in the results file names.
	logs := patternEscape(filepath.Join(dir, LogsFolder)) + "/task-%4a-job-%A"

	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	directive := func(opt, v string) { fmt.Fprintf(&b, "#SBATCH --%s=%s\n", opt, v) }
	directive("job-name", sbatchQuote(name))
	directive("array", array)
	if o.Partition != "" {
		directive("partition", sbatchQuote(o.Partition))
	}
	if o.TimeLimit > 0 {
		directive("time", slurmTime(o.TimeLimit))
	}
	if o.CPUsPerTask > 0 {
		directive("cpus-per-task", strconv.Itoa(o.CPUsPerTask))
	}
	if o.Mem != "" {
		directive("mem", o.Mem)
	}
	directive("chdir", sbatchQuote(dir)) // a plain path, not a %-pattern
	directive("output", sbatchQuote(logs+".out"))
	directive("error", sbatchQuote(logs+".err"))
	for _, e := range o.Extra {
		fmt.Fprintf(&b, "#SBATCH %s\n", e)
	}
	fmt.Fprintf(&b, "#\n# quanta sweep: array tasks %s (%d of %d) of the plan in the results\n", ArraySpec(tasks), len(tasks), n)
	fmt.Fprintf(&b, "# directory below, spec %s.\n", s.Plan.SpecHash)
	fmt.Fprintf(&b, "# Each task appends its runs' records to %s/task-NNNN.jsonl there\n", ResultsFolder)
	b.WriteString("# and skips the runs that are already finished.\n")
	b.WriteString("set -euo pipefail\n")
	for _, l := range o.Setup {
		b.WriteString(l + "\n")
	}
	fmt.Fprintf(&b, "cd %s\n", shellQuote(dir))
	b.WriteString("exec")
	for _, a := range o.Command {
		b.WriteString(" " + shellArg(a, dir, filepath.Join(dir, PlanFile)))
	}
	b.WriteString("\n")
	return b.String(), nil
}

// normalizeTasks returns the task indices sorted, without duplicates.
func normalizeTasks(tasks []int) []int {
	t := slices.Clone(tasks)
	slices.Sort(t)
	return slices.Compact(t)
}

// ArraySpec writes task indices as a Slurm --array list: sorted, without
// duplicates, consecutive runs as ranges ("0-9", "3,7,9-10").
func ArraySpec(tasks []int) string {
	t := normalizeTasks(tasks)
	var parts []string
	for i := 0; i < len(t); {
		j := i
		for j+1 < len(t) && t[j+1] == t[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(t[i]))
		} else {
			parts = append(parts, strconv.Itoa(t[i])+"-"+strconv.Itoa(t[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// slurmTime formats a duration as Slurm's days-hours:minutes:seconds,
// rounded up to whole minutes (Slurm's resolution).
func slurmTime(d time.Duration) string {
	m := int64((d + time.Minute - 1) / time.Minute)
	return fmt.Sprintf("%d-%02d:%02d:00", m/(24*60), m/60%24, m%60)
}

// sbatchQuote quotes a value for an #SBATCH line. sbatch reads these lines
// itself, not through a shell: a double-quoted value may hold spaces and '#',
// and a backslash escapes '"' and '\'.
func sbatchQuote(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(v) + `"`
}

// patternEscape escapes '%' in a file name given to --output/--error, where
// Slurm expands %A, %a and friends and reads "%%" as a literal '%'.
func patternEscape(path string) string { return strings.ReplaceAll(path, "%", "%%") }

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./=:,+@%-]+$`)

// shellQuote quotes s for a POSIX shell: unchanged when it holds only safe
// characters, otherwise in single quotes, with each single quote inside
// written as quote, backslash, quote, quote.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var placeholderRE = regexp.MustCompile(`\{task\}|\{plan\}|\{dir\}`)

// shellArg quotes one argument of the task command, replacing the
// placeholders: TaskArg by "$SLURM_ARRAY_TASK_ID", PlanArg and DirArg by
// quoted paths.
func shellArg(a, dir, plan string) string {
	idx := placeholderRE.FindAllStringIndex(a, -1)
	if len(idx) == 0 {
		return shellQuote(a)
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		if m[0] > last {
			b.WriteString(shellQuote(a[last:m[0]]))
		}
		switch a[m[0]:m[1]] {
		case TaskArg:
			b.WriteString(`"$SLURM_ARRAY_TASK_ID"`)
		case PlanArg:
			b.WriteString(shellQuote(plan))
		case DirArg:
			b.WriteString(shellQuote(dir))
		}
		last = m[1]
	}
	if last < len(a) {
		b.WriteString(shellQuote(a[last:]))
	}
	return b.String()
}
