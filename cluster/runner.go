package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// ErrNoSlurm is wrapped by the error returned when a Slurm command is not
// on PATH.
var ErrNoSlurm = errors.New("is Slurm installed? use --local to run here")

// Runner runs an external command and returns its standard output and
// standard error. It returns a nil error only when the command exited with
// status 0; a command that is not on PATH gives an error that wraps
// exec.ErrNotFound. ExecRunner is the real one; tests script a fake Slurm
// behind this interface.
type Runner interface {
	Run(ctx context.Context, name string, args ...string) (stdout, stderr []byte, err error)
}

// ExecRunner runs commands with os/exec, in the current working directory
// and environment.
type ExecRunner struct{}

// Run implements Runner.
func (ExecRunner) Run(ctx context.Context, name string, args ...string) ([]byte, []byte, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.Bytes(), errb.Bytes(), err
}

// command runs a Slurm command through r and turns failures into errors
// that say which command failed and what it printed on standard error.
func command(ctx context.Context, r Runner, name string, args ...string) ([]byte, error) {
	out, errb, err := r.Run(ctx, name, args...)
	if err == nil {
		return out, nil
	}
	if errors.Is(err, exec.ErrNotFound) {
		return nil, fmt.Errorf("%s not found on PATH: %w", name, ErrNoSlurm)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("%s: %w", name, ctxErr)
	}
	msg := strings.TrimSpace(string(errb))
	if msg == "" {
		msg = strings.TrimSpace(string(out))
	}
	if msg == "" {
		return nil, fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil, &commandError{name: name, args: args, msg: msg, err: err}
}

// commandError is a Slurm command that ran and failed; msg is its stderr.
type commandError struct {
	name string
	args []string
	msg  string
	err  error
}

func (e *commandError) Error() string {
	return fmt.Sprintf("%s %s: %v: %s", e.name, strings.Join(e.args, " "), e.err, e.msg)
}

func (e *commandError) Unwrap() error { return e.err }

// invalidJobID reports whether err is Slurm's answer for a job id it does
// not know (never submitted, or purged after MinJobAge).
func invalidJobID(err error) bool {
	var ce *commandError
	return errors.As(err, &ce) && strings.Contains(ce.msg, "Invalid job id specified")
}
