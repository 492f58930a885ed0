package cluster

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// State is the state of one run, from the results files and Slurm.
type State string

// Run states. Finished comes from the filesystem alone (the task's results
// file has a "run" record for the run) and wins over anything Slurm says.
const (
	Finished State = "finished" // a "run" record exists
	Failed   State = "failed"   // its task ended FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, ... and the run is not finished
	Running  State = "running"  // its task is running (or completing, suspended)
	Pending  State = "pending"  // its task is waiting in the queue
	Missing  State = "missing"  // no run record and no live job: never submitted, ended without finishing it, or forgotten by Slurm
)

// Counts counts runs per state.
type Counts struct {
	Finished int `json:"finished"`
	Failed   int `json:"failed"`
	Running  int `json:"running"`
	Pending  int `json:"pending"`
	Missing  int `json:"missing"`
}

func (c *Counts) add(s State) {
	switch s {
	case Finished:
		c.Finished++
	case Failed:
		c.Failed++
	case Running:
		c.Running++
	case Pending:
		c.Pending++
	case Missing:
		c.Missing++
	}
}

// RunStatus is the state of one run.
type RunStatus struct {
	ID    string `json:"id"`
	Task  int    `json:"task"`
	State State  `json:"state"`
}

// TaskStatus is the state of one array task: what Slurm says about the
// latest submission that included it, and its runs.
type TaskStatus struct {
	Task int `json:"task"`
	// JobID is the array job of the latest submission of the task; empty
	// if the task was never submitted to Slurm.
	JobID string `json:"job_id,omitempty"`
	// Slurm is the job state Slurm reports for the task; empty when it was
	// never submitted or Slurm no longer knows it (purged after MinJobAge
	// and no accounting).
	Slurm    string `json:"slurm,omitempty"`
	ExitCode string `json:"exit_code,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Runs     Counts `json:"runs"`
}

// Status is the state of a sweep: per task, per run and in total.
type Status struct {
	Dir      string `json:"dir"`
	SpecHash string `json:"spec_hash"`
	// Accounting is true when sacct was asked about tasks the controller no
	// longer knows, and answered.
	Accounting bool         `json:"accounting"`
	Tasks      []TaskStatus `json:"tasks"`
	Runs       []RunStatus  `json:"runs"`
	Total      Counts       `json:"total"`
}

// Done reports whether every run is finished.
func (st *Status) Done() bool { return st.Total.Finished == len(st.Runs) }

// Resubmittable returns, in order, the tasks that have a failed or missing
// run. Such a task has no live Slurm job (a live task's runs are pending or
// running), so submitting it again duplicates nothing.
func (st *Status) Resubmittable() []int {
	var out []int
	for _, t := range st.Tasks {
		if t.Runs.Failed+t.Runs.Missing > 0 {
			out = append(out, t.Task)
		}
	}
	return out
}

// Status combines the filesystem truth (which runs have a "run" record)
// with what Slurm reports about the latest submission of every task:
// `scontrol -o show job` while the controller remembers the job, then
// `sacct` for tasks it has forgotten, when accounting answers. A sweep
// never submitted to Slurm (run locally) needs no Slurm command at all.
func (c *Slurm) Status(ctx context.Context, s *Sweep) (*Status, error) {
	subs, err := s.Submissions()
	if err != nil {
		return nil, err
	}
	n := s.Plan.NumTasks()
	latest := make([]string, n) // job id of the latest submission per task
	var jobs []string           // distinct job ids in submission order
	for _, sub := range subs {
		for _, t := range sub.Tasks {
			latest[t] = sub.JobID
		}
	}
	for _, sub := range subs {
		for _, t := range sub.Tasks {
			if latest[t] == sub.JobID {
				if !slices.Contains(jobs, sub.JobID) {
					jobs = append(jobs, sub.JobID)
				}
				break
			}
		}
	}
	info := make(map[jobTask]TaskState)
	for _, job := range jobs {
		out, err := command(ctx, c.runner(), "scontrol", "-o", "show", "job", job)
		if invalidJobID(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("status of %s: %w", s.Dir, err)
		}
		ts, err := ParseScontrol(out)
		if err != nil {
			return nil, fmt.Errorf("status of %s: job %s: %w", s.Dir, job, err)
		}
		addStates(info, ts)
	}
	st := &Status{Dir: s.Dir, SpecHash: s.Plan.SpecHash}
	var forgotten []string
	for _, job := range jobs {
		for t := range n {
			if latest[t] == job {
				if _, ok := info[jobTask{job, t}]; !ok {
					forgotten = append(forgotten, job)
					break
				}
			}
		}
	}
	if len(forgotten) > 0 {
		out, err := command(ctx, c.runner(), "sacct", "-X", "-n", "-P", "-o", "JobID,State,ExitCode", "-j", strings.Join(forgotten, ","))
		if ctx.Err() != nil {
			return nil, fmt.Errorf("status of %s: %w", s.Dir, ctx.Err())
		}
		if err == nil { // an error means no accounting: the tasks stay unknown
			ts, err := ParseSacct(out)
			if err != nil {
				return nil, fmt.Errorf("status of %s: %w", s.Dir, err)
			}
			st.Accounting = true
			for _, x := range ts {
				if _, ok := info[jobTask{x.JobID, x.Task}]; !ok {
					info[jobTask{x.JobID, x.Task}] = x
				}
			}
		}
	}

	for t := range n {
		ts := TaskStatus{Task: t, JobID: latest[t]}
		class := Missing
		if x, ok := info[jobTask{latest[t], t}]; ok && latest[t] != "" {
			ts.Slurm, ts.ExitCode, ts.Reason = x.State, x.ExitCode, x.Reason
			class = classify(x.State)
		}
		recs, err := s.taskRecords(t)
		if err != nil {
			return nil, err
		}
		done := finishedSet(recs)
		for _, r := range s.Plan.TaskRuns(t) {
			state := class
			if done[r.ID] {
				state = Finished
			}
			ts.Runs.add(state)
			st.Total.add(state)
			st.Runs = append(st.Runs, RunStatus{ID: r.ID, Task: t, State: state})
		}
		st.Tasks = append(st.Tasks, ts)
	}
	return st, nil
}

type jobTask struct {
	job  string
	task int
}

// addStates adds task states to m; the first state per task wins.
func addStates(m map[jobTask]TaskState, ts []TaskState) {
	for _, x := range ts {
		k := jobTask{x.JobID, x.Task}
		if _, ok := m[k]; !ok {
			m[k] = x
		}
	}
}

// classify maps a Slurm job state to the state of the task's unfinished
// runs. COMPLETED (exit 0) and unknown states give Missing: the task is not
// live, and a run it did not finish has no record.
func classify(slurmState string) State {
	switch slurmState {
	case "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD":
		return Pending
	case "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT", "RESIZING":
		return Running
	case "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED":
		return Failed
	}
	return Missing
}

// WriteTable writes the status as a human-readable table: one row per task
// with its Slurm state and run counts, a total, and the runs that are
// failed or missing.
func (st *Status) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "sweep %s (spec %s): %d tasks, %d runs\n", st.Dir, st.SpecHash, len(st.Tasks), len(st.Runs))
	fmt.Fprintln(tw, "TASK\tJOB\tSLURM\tEXIT\tFINISHED\tFAILED\tRUNNING\tPENDING\tMISSING")
	row := func(task, job, slurm, exit string, c Counts) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", task, job, slurm, exit, c.Finished, c.Failed, c.Running, c.Pending, c.Missing)
	}
	for _, t := range st.Tasks {
		job, slurm, exit := "-", "-", "-"
		if t.JobID != "" {
			job = fmt.Sprintf("%s_%d", t.JobID, t.Task)
		}
		if t.Slurm != "" {
			slurm, exit = t.Slurm, t.ExitCode
		}
		row(fmt.Sprint(t.Task), job, slurm, exit, t.Runs)
	}
	row("total", "", "", "", st.Total)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, want := range []State{Failed, Missing} {
		for _, r := range st.Runs {
			if r.State == want {
				if _, err := fmt.Fprintf(w, "%s: %s (task %d)\n", want, r.ID, r.Task); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
