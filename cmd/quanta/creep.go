package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quanta-qml/quanta/experiment"
	"github.com/spf13/cobra"
)

// The quick protocol of "quanta creep" without flags: small enough to
// finish within five minutes on two cores (levels L0, L1 and L2 of
// HybridNet, L2 taking about two thirds of the time), large enough for the
// classical level to reach about 90 % test accuracy.
const (
	quickTrainSize = 2000
	quickTestSize  = 1000
	quickEpochs    = 3
	quickBatch     = 50
	quickLR        = 5e-4
)

// creepOptions are the flags of "quanta creep".
type creepOptions struct {
	runOptions
	model      string
	protocol   string
	levels     []string
	subsets    string
	seeds      []uint
	epochs     int
	trainSize  int
	testSize   int
	batchSize  int
	lr         float64
	dataset    string
	dataDir    string
	download   bool
	unitary    bool
	checkEvery int
}

func newCreepCmd() *cobra.Command {
	var o creepOptions
	cmd := &cobra.Command{
		Use:   "creep",
		Short: "Let the quantum creep in: compare HybridNet's classical and quantum levels",
		Long: fmt.Sprintf(`Runs the experiment of "Let the Quantum Creep In" (arXiv:2409.17583):
HybridNet's slots A (conv 1→32), B (conv 32→16) and C (linear 12544→10) are
filled with classical layers (level L0), quantum convolutions (L1) or
quantum layers everywhere (L2), each level is trained on the same data from
the same seed, and the test accuracies are compared with the classical
twin L0 in a table and in report.md and report.html.

Without flags it runs a quick version on the built-in MNIST: a fixed random
subset of %d training and %d test images, %d epochs, batches of %d, Adam
with learning rate %g, one seed. It takes a few minutes on two cores. In
so few steps the fully quantum level L2 stays far behind (its unitary
Hamiltonian layer learns slowly); the paper's L2 figure comes from its full
protocol, with the complex parameters of --unitary=false.
--protocol paper runs the paper's protocol instead: all 60,000/10,000
images, 50 epochs, batches of 200, Adam 5e-4, seeds 1 to 5. That takes
about 40 hours on two cores, 20 with a binary built with -tags openblas
(docs/results.md): it is resumable (run the same command again after a
stop or a --time-limit) and shardable (quanta sweep, with a spec of the
same grid).

Results go to --out (default creep-results; paper: creep-paper): a
results.jsonl line per epoch and per run, a checkpoint per run, report.md
and report.html. Running the same command again continues where it stopped
and skips finished runs.

--unitary=false trains complex parameters in the quantum layers, as the
paper's code does (its operators are then not unitary); parameter counts
keep counting each complex parameter once, as the paper does.`,
			quickTrainSize, quickTestSize, quickEpochs, quickBatch, quickLR),
		Example: `  quanta creep
  quanta creep --time-limit 4m --quiet
  quanta creep --levels L0,L2 --seeds 1,2,3 --epochs 10
  quanta creep --subsets all --train-size 5000
  quanta creep --dataset fashion-mnist --data-dir data/fmnist --download
  quanta creep --protocol paper --out results/creep-paper`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec, err := o.spec(cmd)
			if err != nil {
				return usageError{err}
			}
			title := fmt.Sprintf("quanta creep: %s on %s", spec.Model.Name, spec.Datasets[0].Name)
			return runExperiment(cmd.Context(), spec, o.runOptions, title, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.addFlags(cmd, "results directory (default creep-results, or creep-paper with --protocol paper)")
	f := cmd.Flags()
	f.StringVar(&o.model, "model", "hybridnet", "built-in model or model spec file ("+strings.Join(experiment.Zoo(), ", ")+")")
	f.StringVar(&o.protocol, "protocol", "quick", "quick (minutes) or paper (the paper's full protocol)")
	f.StringSliceVar(&o.levels, "levels", nil, "levels to run (default: all of the model's levels, L0,L1,L2)")
	f.StringVar(&o.subsets, "subsets", "", `run subsets of the slots instead of levels: "all" (every subset) or a list such as "classical,A,A+B"`)
	f.UintSliceVar(&o.seeds, "seeds", []uint{1}, "seeds (paper: 1,2,3,4,5)")
	f.IntVar(&o.epochs, "epochs", quickEpochs, "epochs per run (paper: 50)")
	f.IntVar(&o.trainSize, "train-size", quickTrainSize, "training images, 0 for all (paper: all)")
	f.IntVar(&o.testSize, "test-size", quickTestSize, "test images, 0 for all (paper: all)")
	f.IntVar(&o.batchSize, "batch-size", quickBatch, "batch size (paper: 200)")
	f.Float64Var(&o.lr, "lr", quickLR, "Adam learning rate (the paper's)")
	f.StringVar(&o.dataset, "dataset", "mnist", "mnist (built in), fashion-mnist or cifar10")
	f.StringVar(&o.dataDir, "data-dir", "", "directory of the data set's files (fashion-mnist, cifar10; mnist from files)")
	f.BoolVar(&o.download, "download", false, "download the data set's official files into --data-dir first (verified)")
	f.BoolVar(&o.unitary, "unitary", true, "unitary quantum layers; false trains the paper code's complex parameters")
	f.IntVar(&o.checkEvery, "checkpoint-every", experiment.DefaultTraining().CheckpointEvery, "also checkpoint every N steps within an epoch (0: only at epoch ends)")
	return cmd
}

// spec turns the flags into an experiment spec.
func (o *creepOptions) spec(cmd *cobra.Command) (*experiment.Spec, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	model, err := experiment.ResolveModel(o.model, "")
	if err != nil {
		return nil, err
	}
	t := experiment.DefaultTraining()
	seeds := []uint64{1}
	out := "creep-results"
	switch o.protocol {
	case "quick":
		t.Epochs, t.BatchSize, t.LR, t.TrainSize, t.TestSize = quickEpochs, quickBatch, quickLR, quickTrainSize, quickTestSize
	case "paper":
		t.Epochs, t.BatchSize, t.LR, t.TrainSize, t.TestSize = 50, 200, 5e-4, 0, 0
		seeds = []uint64{1, 2, 3, 4, 5}
		out = "creep-paper"
	default:
		return nil, fmt.Errorf("--protocol %q: want quick or paper", o.protocol)
	}
	flags := cmd.Flags()
	set := func(name string, v int, dst *int, min int) error {
		if !flags.Changed(name) {
			return nil
		}
		if v < min {
			return fmt.Errorf("--%s %d: want at least %d", name, v, min)
		}
		*dst = v
		return nil
	}
	for _, e := range []error{
		set("epochs", o.epochs, &t.Epochs, 1), set("train-size", o.trainSize, &t.TrainSize, 0),
		set("test-size", o.testSize, &t.TestSize, 0), set("batch-size", o.batchSize, &t.BatchSize, 1),
		set("checkpoint-every", o.checkEvery, &t.CheckpointEvery, 0),
	} {
		if e != nil {
			return nil, e
		}
	}
	if flags.Changed("lr") {
		if !(o.lr > 0) {
			return nil, fmt.Errorf("--lr %v: want a positive rate", o.lr)
		}
		t.LR = o.lr
	}
	t.NonUnitary = !o.unitary
	if flags.Changed("seeds") {
		seeds = nil
		for _, s := range o.seeds {
			if slices.Contains(seeds, uint64(s)) {
				return nil, fmt.Errorf("--seeds: seed %d repeated", s)
			}
			seeds = append(seeds, uint64(s))
		}
	}
	var cfgs []experiment.Configuration
	switch {
	case o.subsets != "" && len(o.levels) > 0:
		return nil, fmt.Errorf("--levels and --subsets exclude each other")
	case o.subsets == "all":
		cfgs = model.Subsets()
	case o.subsets != "":
		for _, name := range strings.Split(o.subsets, ",") {
			c, err := model.Config(strings.TrimSpace(name))
			if err != nil {
				return nil, err
			}
			cfgs = append(cfgs, c)
		}
	case len(o.levels) > 0:
		for _, name := range o.levels {
			if !slices.ContainsFunc(model.Levels, func(l experiment.Level) bool { return l.Name == name }) {
				var names []string
				for _, l := range model.Levels {
					names = append(names, l.Name)
				}
				return nil, fmt.Errorf("--levels: model %s has no level %q (levels: %s)", model.Name, name, strings.Join(names, ", "))
			}
			c, _ := model.Config(name)
			cfgs = append(cfgs, c)
		}
	default:
		if cfgs, err = model.Configurations("levels"); err != nil {
			cfgs = model.Subsets()
		}
	}
	for i, c := range cfgs {
		for _, p := range cfgs[:i] {
			if slices.Equal(p.Choice, c.Choice) {
				return nil, fmt.Errorf("configurations %s and %s are the same", p.Name, c.Name)
			}
		}
	}
	ds := experiment.DatasetSpec{Name: o.dataset, Dir: o.dataDir, Download: o.download}
	switch o.dataset {
	case "mnist":
	case "fashion-mnist", "cifar10":
		if o.dataDir == "" {
			return nil, fmt.Errorf("--dataset %s needs --data-dir (with --download to fetch the official files)", o.dataset)
		}
	default:
		return nil, fmt.Errorf("--dataset %q: want mnist, fashion-mnist or cifar10", o.dataset)
	}
	if o.download && o.dataDir == "" {
		return nil, fmt.Errorf("--download needs --data-dir")
	}
	if o.out == "" {
		o.out = out
	}
	return &experiment.Spec{Name: "creep", Model: model, Datasets: []experiment.DatasetSpec{ds}, Configs: cfgs,
		Seeds: seeds, Training: t, Output: o.out}, nil
}
