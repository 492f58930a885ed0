package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/quanta-qml/quanta/experiment"
	"github.com/spf13/cobra"
)

// evalJSON is the --json output of "quanta eval".
type evalJSON struct {
	Run      string          `json:"run"`
	Epoch    int             `json:"epoch"`
	Step     int             `json:"step"`
	Samples  int             `json:"samples"`
	Loss     float64         `json:"loss"`
	Accuracy float64         `json:"accuracy"`
	Classes  []evalClassJSON `json:"classes"`
}

type evalClassJSON struct {
	Name     string  `json:"name"`
	Samples  int     `json:"samples"`
	Accuracy float64 `json:"accuracy"`
}

func newEvalCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "eval CHECKPOINT",
		Short: "Evaluate a run's checkpoint on its test set",
		Long: `Rebuilds the run a checkpoint belongs to (its data pipeline, model and
configuration travel in the checkpoint's metadata), loads the checkpoint's
parameters and evaluates the model on the run's test split: the mean
cross-entropy, the accuracy and the accuracy of every class.

Checkpoints are written by creep, train and sweep runs under
DIR/checkpoints/<model>/<config>/<dataset>/seed=<seed>.safetensors.`,
		Example: `  quanta eval creep-results/checkpoints/hybridnet/L0/mnist[train=2000,test=1000]/seed=1.safetensors
  quanta eval run.safetensors --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ev, err := experiment.EvaluateCheckpoint(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeEvalJSON(cmd.OutOrStdout(), ev)
			}
			return writeEval(cmd.OutOrStdout(), ev)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the evaluation as JSON")
	return cmd
}

func writeEval(w io.Writer, ev *experiment.Evaluation) error {
	where := fmt.Sprintf("after %d of %d epochs", ev.Epoch, ev.Run.Training.Epochs)
	if ev.Step > 0 {
		where = fmt.Sprintf("%d steps into epoch %d of %d", ev.Step, ev.Epoch+1, ev.Run.Training.Epochs)
	}
	fmt.Fprintf(w, "run %s, %s\n", ev.Run.ID, where)
	fmt.Fprintf(w, "test set: %d samples, loss %.4f, accuracy %.2f %%\n", ev.N, ev.Loss, 100*ev.Accuracy)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "class\tsamples\taccuracy %\t")
	for i, name := range ev.Classes {
		acc := "—"
		if ev.Count[i] > 0 {
			acc = fmt.Sprintf("%.2f", 100*float64(ev.Correct[i])/float64(ev.Count[i]))
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t\n", name, ev.Count[i], acc)
	}
	return tw.Flush()
}

func writeEvalJSON(w io.Writer, ev *experiment.Evaluation) error {
	out := evalJSON{Run: ev.Run.ID, Epoch: ev.Epoch, Step: ev.Step, Samples: ev.N, Loss: ev.Loss, Accuracy: ev.Accuracy}
	for i, name := range ev.Classes {
		c := evalClassJSON{Name: name, Samples: ev.Count[i]}
		if ev.Count[i] > 0 {
			c.Accuracy = float64(ev.Correct[i]) / float64(ev.Count[i])
		}
		out.Classes = append(out.Classes, c)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}
