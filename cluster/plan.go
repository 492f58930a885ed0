package cluster

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PlanFormat is the version of the plan.json layout written by this package.
const PlanFormat = 1

// File and folder names inside a results directory.
const (
	PlanFile      = "plan.json" // the plan, written once by Create
	ResultsFolder = "results"   // task-NNNN.jsonl, one per array task
	LogsFolder    = "logs"      // Slurm stdout/stderr, one pair per task and job
	SlurmFolder   = "slurm"     // batch scripts and the submission journal
)

// ErrForeignPlan reports a results directory whose plan.json was made from
// another spec, or from the same spec with other runs or another split.
var ErrForeignPlan = errors.New("results directory belongs to another plan")

// Run is one entry of a sweep: an id unique within the sweep and an opaque
// JSON payload that tells the task runner what to do. The cluster package
// never looks inside the payload.
type Run struct {
	ID      string          `json:"id"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Plan is a sweep's deterministic list of runs, split into array tasks of
// RunsPerTask consecutive runs each (the last task may hold fewer): task i
// holds Runs[i·RunsPerTask : (i+1)·RunsPerTask].
type Plan struct {
	// Format is PlanFormat.
	Format int `json:"format"`
	// SpecHash identifies the spec the runs were expanded from (see
	// HashSpec); status and resubmission refuse a directory whose plan
	// has another hash.
	SpecHash    string `json:"spec_hash"`
	RunsPerTask int    `json:"runs_per_task"`
	Runs        []Run  `json:"runs"`
}

// HashSpec returns the hash that identifies a spec: "sha256:" and the hex
// SHA-256 of its bytes. Pass a canonical encoding of the spec (for example
// the spec re-marshalled after decoding) if formatting changes must not
// matter.
func HashSpec(spec []byte) string {
	sum := sha256.Sum256(spec)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// NewPlan builds the plan of a sweep from its spec and its runs, in the
// order the caller gives them. Run ids must be non-empty, unique and on one
// line; payloads, when present, must be valid JSON; runsPerTask must be at
// least 1.
func NewPlan(spec []byte, runs []Run, runsPerTask int) (*Plan, error) {
	p := &Plan{Format: PlanFormat, SpecHash: HashSpec(spec), RunsPerTask: runsPerTask, Runs: make([]Run, len(runs))}
	for i, r := range runs {
		p.Runs[i] = Run{ID: r.ID, Payload: append(json.RawMessage(nil), r.Payload...)}
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Plan) validate() error {
	if p.Format != PlanFormat {
		return fmt.Errorf("plan format %d, want %d", p.Format, PlanFormat)
	}
	if !strings.HasPrefix(p.SpecHash, "sha256:") {
		return fmt.Errorf("spec hash %q is not a sha256: hash", p.SpecHash)
	}
	if p.RunsPerTask < 1 {
		return fmt.Errorf("runs per task is %d, want at least 1", p.RunsPerTask)
	}
	if len(p.Runs) == 0 {
		return errors.New("plan has no runs")
	}
	seen := make(map[string]int, len(p.Runs))
	for i, r := range p.Runs {
		if r.ID == "" {
			return fmt.Errorf("run %d has an empty id", i)
		}
		if strings.ContainsAny(r.ID, "\n\r") {
			return fmt.Errorf("run %d: id %q contains a line break", i, r.ID)
		}
		if j, dup := seen[r.ID]; dup {
			return fmt.Errorf("runs %d and %d have the same id %q", j, i, r.ID)
		}
		seen[r.ID] = i
		if len(r.Payload) > 0 && !json.Valid(r.Payload) {
			return fmt.Errorf("run %q: payload is not valid JSON", r.ID)
		}
	}
	return nil
}

// NumTasks returns the number of array tasks.
func (p *Plan) NumTasks() int { return (len(p.Runs) + p.RunsPerTask - 1) / p.RunsPerTask }

// TaskRuns returns the runs of task i (a subslice of p.Runs). It panics if i
// is not in [0, NumTasks()).
func (p *Plan) TaskRuns(i int) []Run {
	if i < 0 || i >= p.NumTasks() {
		panic(fmt.Sprintf("cluster: task %d out of range [0,%d)", i, p.NumTasks()))
	}
	lo := i * p.RunsPerTask
	return p.Runs[lo:min(lo+p.RunsPerTask, len(p.Runs))]
}

// marshal returns the canonical plan.json bytes: indented, newline-ended.
// Payloads are compacted by encoding/json, so equal plans give equal bytes.
func (p *Plan) marshal() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Sweep is a results directory and its plan. The directory is the only
// shared state of a sweep: plan.json, one results file per task, the Slurm
// logs, the batch scripts and the journal of submissions.
type Sweep struct {
	// Dir is the absolute path of the results directory.
	Dir  string
	Plan *Plan
}

// Create prepares dir as the results directory of plan p: it creates the
// directory and its folders and writes plan.json atomically. If dir already
// holds a plan, Create reuses it when it is the same plan and returns an
// error wrapping ErrForeignPlan otherwise, so a sweep never mixes its
// results with another one's.
func Create(dir string, p *Plan) (*Sweep, error) {
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("plan for %s: %w", dir, err)
	}
	abs, err := checkDir(dir)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{abs, filepath.Join(abs, ResultsFolder), filepath.Join(abs, LogsFolder), filepath.Join(abs, SlurmFolder)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating results directory: %w", err)
		}
	}
	want, err := p.marshal()
	if err != nil {
		return nil, fmt.Errorf("encoding plan for %s: %w", abs, err)
	}
	path := filepath.Join(abs, PlanFile)
	old, err := readPlan(path)
	switch {
	case err == nil:
		if old.SpecHash != p.SpecHash {
			return nil, fmt.Errorf("%s: %w: it has spec %s, this spec is %s", path, ErrForeignPlan, old.SpecHash, p.SpecHash)
		}
		got, err := old.marshal()
		if err != nil {
			return nil, fmt.Errorf("encoding plan %s: %w", path, err)
		}
		if !bytes.Equal(got, want) {
			return nil, fmt.Errorf("%s: %w: same spec but other runs or another split into tasks", path, ErrForeignPlan)
		}
		return &Sweep{Dir: abs, Plan: old}, nil
	case errors.Is(err, fs.ErrNotExist):
		if err := writeFileAtomic(path, want); err != nil {
			return nil, err
		}
		cp := *p
		return &Sweep{Dir: abs, Plan: &cp}, nil
	default:
		return nil, err
	}
}

// Open loads the sweep in dir. If spec is not nil, Open checks that the plan
// was made from it and returns an error wrapping ErrForeignPlan if not; a
// nil spec skips the check (for tools that only read a directory, and for
// the task runner, which gets the directory from the batch script).
func Open(dir string, spec []byte) (*Sweep, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("results directory %q: %w", dir, err)
	}
	path := filepath.Join(abs, PlanFile)
	p, err := readPlan(path)
	if err != nil {
		return nil, err
	}
	if spec != nil {
		if h := HashSpec(spec); h != p.SpecHash {
			return nil, fmt.Errorf("%s: %w: it has spec %s, this spec is %s", path, ErrForeignPlan, p.SpecHash, h)
		}
	}
	return &Sweep{Dir: abs, Plan: p}, nil
}

// readPlan reads and validates a plan file; errors name the file.
func readPlan(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("plan %s is corrupt: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("plan %s is corrupt: data after the plan object", path)
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("plan %s is invalid: %w", path, err)
	}
	return &p, nil
}

// checkDir returns the absolute form of a results directory path, refusing
// characters that cannot be passed safely to Slurm: line breaks (a batch
// script directive is one line) and backslashes (they turn off Slurm's
// %-patterns in output file names).
func checkDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("results directory %q: %w", dir, err)
	}
	if strings.ContainsAny(abs, "\n\r\\") {
		return "", fmt.Errorf("results directory %q: line breaks and backslashes cannot be passed to Slurm", abs)
	}
	return abs, nil
}

// writeFileAtomic writes data to a temporary file beside path and renames it
// over path, so readers see the old or the new content, never a part.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
