// Command quanta builds, trains and compares hybrid quantum-classical neural
// networks. Run "quanta --help" for the subcommands.
package main

import (
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes that scripts can rely on.
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed (bad input file, diverged training, ...)
	exitUsage = 2 // the command line itself is wrong
)

// run executes the CLI with args and returns the process exit code. It is
// the whole program minus os.Exit, so tests call it directly.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		if isUsageError(err) {
			root.PrintErrln("quanta:", err)
			root.PrintErrln("Run 'quanta --help' for usage.")
			return exitUsage
		}
		root.PrintErrln("quanta:", err)
		return exitError
	}
	return exitOK
}

// usageError marks errors in the command line rather than in the work.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func isUsageError(err error) bool {
	if _, ok := err.(usageError); ok {
		return true
	}
	// cobra's own argument and flag errors
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "quanta",
		Short: "Hybrid quantum-classical neural networks: build, train, compare",
		Long: `quanta swaps classical layers of a neural network for quantum layers of the
same shape, one slot at a time, trains every configuration and compares them
with their classical twin.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newVersionCmd())
	root.AddCommand(newBenchCmd())
	root.AddCommand(newCreepCmd(), newTrainCmd(), newEvalCmd(), newReportCmd(), newSweepCmd(), newRunTaskCmd(), newQASMCmd())
	return root
}
