package cluster

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// TaskState is what Slurm says about one array task.
type TaskState struct {
	JobID string // the array job id (ArrayJobId), e.g. "12"
	Task  int    // the array task index
	// State is the Slurm job state, e.g. PENDING, RUNNING, COMPLETED,
	// FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY.
	State string
	// ExitCode is "status:signal" (scontrol, sacct); empty from squeue.
	ExitCode string
	// Reason is why a task is pending or failed (scontrol); may be empty.
	Reason string
}

// maxExpand bounds how many task indices one array range may expand to,
// so a corrupt line cannot make the parser allocate without limit.
const maxExpand = 1 << 20

// ParseSqueue parses `squeue -h -o '%i|%T'` output of job arrays. Running
// and finished tasks print as "12_3"; pending tasks are folded into one line
// such as "12_[4-7%2]" or "12_[1,3,5-9]", which is expanded to one
// TaskState per task. Lines of jobs that are not arrays are skipped.
func ParseSqueue(out []byte) ([]TaskState, error) {
	var ts []TaskState
	err := eachLine(out, func(n int, line string) error {
		id, state, ok := strings.Cut(line, "|")
		if !ok || state == "" || strings.Contains(state, "|") {
			return fmt.Errorf("squeue line %d: %q is not 'JOBID|STATE'", n, line)
		}
		job, tasks, err := parseArrayJobID(id)
		if err != nil {
			return fmt.Errorf("squeue line %d: %w", n, err)
		}
		for _, t := range tasks {
			ts = append(ts, TaskState{JobID: job, Task: t, State: state})
		}
		return nil
	})
	return ts, err
}

// ParseSacct parses `sacct -X -n -P -o JobID,State,ExitCode` output. Job ids
// have the squeue forms; a state like "CANCELLED by 0" is cut to its first
// word. Lines of jobs that are not arrays are skipped.
func ParseSacct(out []byte) ([]TaskState, error) {
	var ts []TaskState
	err := eachLine(out, func(n int, line string) error {
		f := strings.Split(line, "|")
		if len(f) != 3 || f[1] == "" {
			return fmt.Errorf("sacct line %d: %q is not 'JobID|State|ExitCode'", n, line)
		}
		job, tasks, err := parseArrayJobID(f[0])
		if err != nil {
			return fmt.Errorf("sacct line %d: %w", n, err)
		}
		state, _, _ := strings.Cut(f[1], " ")
		for _, t := range tasks {
			ts = append(ts, TaskState{JobID: job, Task: t, State: state, ExitCode: f[2]})
		}
		return nil
	})
	return ts, err
}

// ParseScontrol parses `scontrol -o show job` output: one line of
// Key=Value fields per job record. Array tasks carry ArrayJobId and
// ArrayTaskId; the record of the still-pending tasks has a list such as
// "ArrayTaskId=4-7%2", expanded to one TaskState per task. Records without
// ArrayJobId (jobs that are not arrays) are skipped.
func ParseScontrol(out []byte) ([]TaskState, error) {
	var ts []TaskState
	err := eachLine(out, func(n int, line string) error {
		kv := scontrolFields(line)
		job, ok := kv["ArrayJobId"]
		if !ok {
			if _, isJob := kv["JobId"]; !isJob {
				return fmt.Errorf("scontrol line %d: no JobId field in %q", n, line)
			}
			return nil
		}
		state := kv["JobState"]
		if state == "" {
			return fmt.Errorf("scontrol line %d: job %s has no JobState", n, job)
		}
		list, _, _ := strings.Cut(kv["ArrayTaskId"], "%")
		tasks, err := parseIndexList(list)
		if err != nil {
			return fmt.Errorf("scontrol line %d: ArrayTaskId: %w", n, err)
		}
		reason := kv["Reason"]
		if reason == "None" {
			reason = ""
		}
		for _, t := range tasks {
			ts = append(ts, TaskState{JobID: job, Task: t, State: state, ExitCode: kv["ExitCode"], Reason: reason})
		}
		return nil
	})
	return ts, err
}

// scontrolFields splits a one-line scontrol record into its fields. Values
// may contain spaces (JobName, Command, WorkDir, StdOut): a space-separated
// word that does not start with "Key=" continues the previous value. The
// first occurrence of a key wins.
func scontrolFields(line string) map[string]string {
	kv := make(map[string]string)
	key := ""
	var val strings.Builder
	flush := func() {
		if key != "" {
			if _, seen := kv[key]; !seen {
				kv[key] = val.String()
			}
		}
	}
	for _, w := range strings.Split(line, " ") {
		if k, v, ok := strings.Cut(w, "="); ok && isFieldKey(k) {
			flush()
			key = k
			val.Reset()
			val.WriteString(v)
			continue
		}
		if key != "" {
			val.WriteString(" " + w)
		}
	}
	flush()
	return kv
}

// isFieldKey reports whether k looks like an scontrol key: a letter, then
// letters, digits and the characters _ : / (e.g. "NtasksPerN:B:S:C",
// "Socks/Node").
func isFieldKey(k string) bool {
	if k == "" || !isLetter(k[0]) {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !isLetter(c) && !(c >= '0' && c <= '9') && c != '_' && c != ':' && c != '/' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// parseArrayJobID splits an array job id as squeue and sacct print it:
// "12_3", "12_[4-7%2]", "12_[1,3-5]". A plain "12" (not an array) gives no
// tasks and no error.
func parseArrayJobID(id string) (string, []int, error) {
	job, rest, isArray := strings.Cut(id, "_")
	if !jobIDRE.MatchString(job) {
		return "", nil, fmt.Errorf("job id %q does not start with a number", id)
	}
	if !isArray {
		return job, nil, nil
	}
	if strings.HasPrefix(rest, "[") {
		if !strings.HasSuffix(rest, "]") {
			return "", nil, fmt.Errorf("job id %q: unclosed task list", id)
		}
		rest = rest[1 : len(rest)-1]
		rest, _, _ = strings.Cut(rest, "%")
	}
	tasks, err := parseIndexList(rest)
	if err != nil {
		return "", nil, fmt.Errorf("job id %q: %w", id, err)
	}
	return job, tasks, nil
}

// parseIndexList parses a Slurm index list: "3", "4-7", "0-15:4",
// "1,3,5-9".
func parseIndexList(s string) ([]int, error) {
	if s == "" {
		return nil, fmt.Errorf("empty task list")
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		rng, stepStr, hasStep := strings.Cut(part, ":")
		loStr, hiStr, isRange := strings.Cut(rng, "-")
		lo, err := strconv.Atoi(loStr)
		if err != nil || lo < 0 {
			return nil, fmt.Errorf("bad task index %q in %q", loStr, s)
		}
		hi, step := lo, 1
		if isRange {
			if hi, err = strconv.Atoi(hiStr); err != nil || hi < lo {
				return nil, fmt.Errorf("bad task range %q in %q", rng, s)
			}
		}
		if hasStep {
			if step, err = strconv.Atoi(stepStr); err != nil || step < 1 {
				return nil, fmt.Errorf("bad step %q in %q", stepStr, s)
			}
		}
		if (hi-lo)/step+1+len(out) > maxExpand {
			return nil, fmt.Errorf("task list %q has more than %d tasks", s, maxExpand)
		}
		for t := lo; t <= hi; t += step {
			out = append(out, t)
		}
	}
	return out, nil
}

// eachLine calls f with every non-blank line (1-based number, trimmed).
func eachLine(out []byte, f func(n int, line string) error) error {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if err := f(n, line); err != nil {
			return err
		}
	}
	return sc.Err()
}
