package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultPoll is how often Wait asks squeue whether jobs are still queued.
const DefaultPoll = 300 * time.Millisecond

// JournalFile is the submission journal inside the slurm folder.
const JournalFile = "jobs.json"

// Slurm submits and follows the job arrays of sweeps. The zero value runs
// the real Slurm commands found on PATH.
type Slurm struct {
	// Runner runs sbatch, squeue, scontrol, sacct and scancel; nil means
	// ExecRunner.
	Runner Runner
	// Poll is the squeue polling interval of Wait; zero means DefaultPoll.
	Poll time.Duration
	// DryRun makes Submit and Resubmit return the script they would submit
	// without writing or submitting anything.
	DryRun bool
	// Now gives the time recorded with a submission; nil means time.Now.
	Now func() time.Time
}

// Submission is one sbatch of a sweep, as recorded in DIR/slurm/jobs.json.
type Submission struct {
	// JobID is the array job id sbatch printed; empty for a dry run.
	JobID string `json:"job_id"`
	// Tasks are the array task indices submitted, sorted.
	Tasks []int `json:"tasks"`
	// Script is the batch script's path relative to the results directory.
	Script string `json:"script"`
	// Time is when it was submitted, RFC 3339 in UTC.
	Time    string     `json:"time"`
	Options JobOptions `json:"options"`
	// Text is the batch script itself (not recorded in the journal).
	Text string `json:"-"`
}

type journal struct {
	Submissions []Submission `json:"submissions"`
}

func (c *Slurm) runner() Runner {
	if c.Runner == nil {
		return ExecRunner{}
	}
	return c.Runner
}

// Submit submits every task of the sweep as one job array and records the
// submission. It refuses a sweep that was already submitted (use Resubmit,
// which never duplicates finished or live work). With DryRun it only
// returns the script.
func (c *Slurm) Submit(ctx context.Context, s *Sweep, o JobOptions) (Submission, error) {
	subs, err := s.Submissions()
	if err != nil {
		return Submission{}, err
	}
	if len(subs) > 0 && !c.DryRun {
		return Submission{}, fmt.Errorf("sweep %s was already submitted as job %s: use resubmit for failed or missing tasks", s.Dir, subs[len(subs)-1].JobID)
	}
	tasks := make([]int, s.Plan.NumTasks())
	for i := range tasks {
		tasks[i] = i
	}
	return c.submit(ctx, s, o, tasks, len(subs))
}

// Resubmit submits, as one new job array, the tasks that have a failed or
// missing run and no live Slurm job (see Status.Resubmittable), and records
// the submission. Finished runs are not repeated: the task runner skips them
// (Sweep.Remaining). o nil reuses the options of the latest submission.
// When nothing needs resubmitting it returns a Submission without tasks and
// a nil error.
func (c *Slurm) Resubmit(ctx context.Context, s *Sweep, o *JobOptions) (Submission, error) {
	subs, err := s.Submissions()
	if err != nil {
		return Submission{}, err
	}
	if o == nil {
		if len(subs) == 0 {
			return Submission{}, fmt.Errorf("sweep %s has no earlier submission whose options could be reused", s.Dir)
		}
		o = &subs[len(subs)-1].Options
	}
	st, err := c.Status(ctx, s)
	if err != nil {
		return Submission{}, err
	}
	tasks := st.Resubmittable()
	if len(tasks) == 0 {
		return Submission{}, nil
	}
	return c.submit(ctx, s, *o, tasks, len(subs))
}

func (c *Slurm) submit(ctx context.Context, s *Sweep, o JobOptions, tasks []int, seq int) (Submission, error) {
	tasks = normalizeTasks(tasks)
	text, err := Script(s, o, tasks)
	if err != nil {
		return Submission{}, fmt.Errorf("batch script for %s: %w", s.Dir, err)
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	sub := Submission{
		Tasks:   tasks,
		Script:  filepath.Join(SlurmFolder, fmt.Sprintf("submit-%03d.sh", seq+1)),
		Time:    now().UTC().Format(time.RFC3339),
		Options: o,
		Text:    text,
	}
	if c.DryRun {
		return sub, nil
	}
	path := filepath.Join(s.Dir, sub.Script)
	if err := os.MkdirAll(filepath.Join(s.Dir, LogsFolder), 0o755); err != nil {
		return Submission{}, fmt.Errorf("creating log folder: %w", err)
	}
	if err := writeFileAtomic(path, []byte(text)); err != nil {
		return Submission{}, err
	}
	out, err := command(ctx, c.runner(), "sbatch", "--parsable", path)
	if err != nil {
		return Submission{}, fmt.Errorf("submitting the job array of %s: %w", s.Dir, err)
	}
	sub.JobID, err = parseSbatch(out)
	if err != nil {
		return Submission{}, fmt.Errorf("submitting %s: %w", path, err)
	}
	if err := s.record(sub); err != nil {
		return sub, fmt.Errorf("job %s was submitted but not recorded: %w", sub.JobID, err)
	}
	return sub, nil
}

var jobIDRE = regexp.MustCompile(`^[0-9]+$`)

// parseSbatch reads the output of sbatch --parsable: "12" or "12;cluster".
func parseSbatch(out []byte) (string, error) {
	line := strings.TrimSpace(string(out))
	id, _, _ := strings.Cut(line, ";")
	if !jobIDRE.MatchString(id) {
		return "", fmt.Errorf("sbatch --parsable printed %q, not a job id", line)
	}
	return id, nil
}

// Submissions returns the sweep's submissions, oldest first.
func (s *Sweep) Submissions() ([]Submission, error) {
	path := filepath.Join(s.Dir, SlurmFolder, JournalFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading submissions: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var j journal
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("submission journal %s is corrupt: %w", path, err)
	}
	n := s.Plan.NumTasks()
	for k, sub := range j.Submissions {
		if !jobIDRE.MatchString(sub.JobID) {
			return nil, fmt.Errorf("submission journal %s: entry %d has job id %q", path, k, sub.JobID)
		}
		for _, t := range sub.Tasks {
			if t < 0 || t >= n {
				return nil, fmt.Errorf("submission journal %s: job %s lists task %d, plan has %d tasks", path, sub.JobID, t, n)
			}
		}
	}
	return j.Submissions, nil
}

// record appends a submission to the journal (rewritten atomically). One
// process at a time submits a sweep.
func (s *Sweep) record(sub Submission) error {
	subs, err := s.Submissions()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(journal{Submissions: append(subs, sub)}, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding submissions of %s: %w", s.Dir, err)
	}
	return writeFileAtomic(filepath.Join(s.Dir, SlurmFolder, JournalFile), append(b, '\n'))
}

// Wait polls squeue until none of the jobs has a task in the queue
// (pending, running or completing), ctx is done, or timeout (if positive)
// has passed. It does not use sbatch --wait, which polls every 10 s.
func (c *Slurm) Wait(ctx context.Context, timeout time.Duration, jobIDs ...string) error {
	if len(jobIDs) == 0 {
		return nil
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	poll := c.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	ids := strings.Join(jobIDs, ",")
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		live, err := c.Queue(ctx, jobIDs...)
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("waiting for jobs %s: %w", ids, err)
		}
		if err == nil && len(live) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for jobs %s: %w", ids, ctx.Err())
		case <-tick.C:
		}
	}
}

// Queue returns the array tasks of the jobs that are still in the queue
// (pending, running, completing), as squeue reports them.
func (c *Slurm) Queue(ctx context.Context, jobIDs ...string) ([]TaskState, error) {
	out, err := command(ctx, c.runner(), "squeue", "-h", "-j", strings.Join(jobIDs, ","), "-o", "%i|%T")
	if invalidJobID(err) {
		return nil, nil // none of the jobs is known any more
	}
	if err != nil {
		return nil, err
	}
	return ParseSqueue(out)
}

// Cancel cancels array tasks of a job with scancel; no tasks cancels the
// whole job.
func (c *Slurm) Cancel(ctx context.Context, jobID string, tasks ...int) error {
	args := []string{jobID}
	if len(tasks) > 0 {
		args = args[:0]
		for _, t := range tasks {
			args = append(args, jobID+"_"+strconv.Itoa(t))
		}
	}
	_, err := command(ctx, c.runner(), "scancel", args...)
	return err
}

// Ping checks that a Slurm controller answers (scontrol ping).
func (c *Slurm) Ping(ctx context.Context) error {
	out, err := command(ctx, c.runner(), "scontrol", "ping")
	if err != nil {
		return err
	}
	if !strings.Contains(string(out), " is UP") {
		return fmt.Errorf("scontrol ping: %s", strings.TrimSpace(string(out)))
	}
	return nil
}
