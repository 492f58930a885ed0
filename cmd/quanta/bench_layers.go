package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/experiment"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/optim"
	"github.com/quanta-qml/quanta/train"
	"github.com/spf13/cobra"
)

// layersBenchOptions are the flags of "bench layers".
type layersBenchOptions struct {
	models   []string
	threads  []int
	batch    int
	repeats  int
	jsonPath string
}

// layersPoint is one measured point of "bench layers".
type layersPoint struct {
	Model    string  `json:"model"`
	Config   string  `json:"config"`
	Kind     string  `json:"kind"` // step, fwdbwd, eval
	Threads  int     `json:"threads"`
	Batch    int     `json:"batch"`
	Reps     int     `json:"reps"`
	MedianMS float64 `json:"median_ms"`
	MinMS    float64 `json:"min_ms"`
	MaxMS    float64 `json:"max_ms"`
}

// epochEstimate is the estimated time of a full MNIST epoch of HybridNet.
type epochEstimate struct {
	Config  string  `json:"config"`
	Threads int     `json:"threads"`
	Seconds float64 `json:"seconds"`
}

type layersBenchReport struct {
	Machine   map[string]string `json:"machine"`
	Points    []layersPoint     `json:"points"`
	Estimates []epochEstimate   `json:"estimates"`
}

func newBenchLayersCmd() *cobra.Command {
	var o layersBenchOptions
	cmd := &cobra.Command{
		Use:   "layers",
		Short: "Time HybridNet's levels and a training step of every built-in model",
		Long: `For each thread count, times on one batch of real MNIST images prepared by
each model's own data pipeline (the creep pipeline for HybridNet: 32×32,
[-1, 1]):

  - HybridNet at levels L0, L1 and L2: forward + cross-entropy + backward
    (fwdbwd) and an evaluation forward pass without a graph (eval);
  - every configuration of the other built-in models: one training step
    (forward, backward and an Adam update).

Each point runs a warm-up and then --repeats timed repetitions and reports
the median, minimum and maximum. From the HybridNet figures at batch 200 it
estimates a full MNIST epoch of each level: 300 training steps and the
evaluation of the 10,000 test images (50 batches).`,
		Example: `  quanta bench layers
  quanta bench layers --models hybridnet --threads 1,2 --repeats 5 --json layers.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(o.threads) == 0 || slices.Min(o.threads) < 1 || o.batch < 1 || o.repeats < 1 {
				return usageError{errors.New("--threads needs values ≥ 1; --batch and --repeats at least 1")}
			}
			for _, m := range o.models {
				if !slices.Contains(experiment.Zoo(), m) {
					return usageError{fmt.Errorf("--models: no built-in model %q", m)}
				}
			}
			return runLayersBench(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.models, "models", experiment.Zoo(), "built-in models to time")
	f.IntSliceVar(&o.threads, "threads", []int{1, 2}, "thread counts (GOMAXPROCS)")
	f.IntVar(&o.batch, "batch", 200, "batch size (the creep paper's is 200)")
	f.IntVar(&o.repeats, "repeats", 5, "timed repetitions per point, after one warm-up")
	f.StringVar(&o.jsonPath, "json", "", "also write the results as JSON to this file")
	return cmd
}

func runLayersBench(ctx context.Context, w io.Writer, o layersBenchOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	rep := layersBenchReport{Machine: machineInfo()}
	fmt.Fprintf(w, "# quanta bench layers: %s, %s cores, %s, batch %d, median of %d after a warm-up\n",
		rep.Machine["cpu"], rep.Machine["cores"], rep.Machine["go"], o.batch, o.repeats)
	rawTr, err := dataset.MNIST(dataset.Train)
	if err != nil {
		return err
	}
	rawTe, err := dataset.MNIST(dataset.Test)
	if err != nil {
		return err
	}
	rawTr, rawTe = dataset.Head(rawTr, 4*o.batch+1000), dataset.Head(rawTe, 1000)
	const row = "%7v  %-14v %-10v %-6v %9v %9v %9v\n"
	fmt.Fprintf(w, row, "threads", "model", "config", "kind", "median ms", "min", "max")
	for _, name := range o.models {
		spec, err := experiment.ZooSpec(name)
		if err != nil {
			return err
		}
		data, err := experiment.PrepareSets(ctx, rawTr, rawTe, spec.Data, 2*o.batch, 0)
		if err != nil {
			return fmt.Errorf("bench layers: %s: %w", name, err)
		}
		idx := make([]int, min(o.batch, data.Train.Len()))
		for i := range idx {
			idx[i] = i
		}
		batch := data.Train.Subset(idx)
		cfgs := spec.LevelConfigs()
		if len(cfgs) == 0 {
			cfgs = spec.Subsets()
		}
		for _, th := range o.threads {
			for _, c := range cfgs {
				kinds := []string{"step"}
				if name == "hybridnet" {
					kinds = []string{"fwdbwd", "eval"}
				}
				for _, kind := range kinds {
					pt, err := timeModel(spec, c, data, batch, kind, th, o.repeats)
					if err != nil {
						return fmt.Errorf("bench layers: %s/%s: %w", name, c.Name, err)
					}
					pt.Model = name
					rep.Points = append(rep.Points, pt)
					fmt.Fprintf(w, row, th, name, c.Name, kind, ms(pt.MedianMS), ms(pt.MinMS), ms(pt.MaxMS))
				}
			}
		}
	}
	rep.Estimates = epochEstimates(rep.Points, o.batch)
	if len(rep.Estimates) > 0 {
		fmt.Fprintf(w, "# estimated full MNIST epoch of HybridNet (60,000 training images in steps of %d, 10,000 test images), from the medians:\n", o.batch)
		for _, e := range rep.Estimates {
			fmt.Fprintf(w, "#   %s, %d thread(s): %.1f min\n", e.Config, e.Threads, e.Seconds/60)
		}
	}
	if o.jsonPath != "" {
		data, err := json.MarshalIndent(rep, "", " ")
		if err != nil {
			return err
		}
		if err := writeFileAtomic(o.jsonPath, append(data, '\n')); err != nil {
			return fmt.Errorf("bench layers: writing %s: %w", o.jsonPath, err)
		}
	}
	return nil
}

// timeModel times one kind of pass of configuration c on batch with
// threads goroutines: fwdbwd (forward, loss, backward), eval (forward
// without a graph) or step (fwdbwd and an Adam update).
func timeModel(spec *experiment.ModelSpec, c experiment.Configuration, data *experiment.Data, batch *dataset.Set,
	kind string, threads, repeats int) (layersPoint, error) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
	m, err := spec.Build(c, data.Train.SampleShape(), 1, experiment.BuildOptions{})
	if err != nil {
		return layersPoint{}, err
	}
	if err := m.Fit(data.Train.X); err != nil {
		return layersPoint{}, err
	}
	train.DropoutRNGs(m.Layer, 1)
	opt, err := optim.NewAdam(nn.Params(m.Layer), optim.AdamOptions{LR: 5e-4})
	if err != nil {
		return layersPoint{}, err
	}
	once := func() {
		switch kind {
		case "eval":
			nn.SetTraining(m.Layer, false)
			m.Layer.Forward(autograd.NoGrad(batch.X))
		default:
			nn.SetTraining(m.Layer, true)
			opt.ZeroGrad()
			autograd.CrossEntropy(m.Layer.Forward(autograd.Const(batch.X)), batch.Y, 0).Backward()
			if kind == "step" {
				opt.Step()
			}
		}
	}
	once() // warm-up
	times := make([]float64, repeats)
	for i := range times {
		t0 := time.Now()
		once()
		times[i] = float64(time.Since(t0).Nanoseconds()) / 1e6
	}
	slices.Sort(times)
	return layersPoint{Config: c.Name, Kind: kind, Threads: threads, Batch: batch.Len(), Reps: repeats,
		MedianMS: quantile(times, 0.5), MinMS: times[0], MaxMS: times[len(times)-1]}, nil
}

// epochEstimates estimates a full MNIST epoch of each HybridNet level and
// thread count: 60,000/batch training steps and 10,000/batch evaluation
// batches at the measured medians (the training step's optimiser update is
// negligible beside the backward pass).
func epochEstimates(points []layersPoint, batch int) []epochEstimate {
	var out []epochEstimate
	for _, p := range points {
		if p.Model != "hybridnet" || p.Kind != "fwdbwd" {
			continue
		}
		k := slices.IndexFunc(points, func(q layersPoint) bool {
			return q.Model == p.Model && q.Config == p.Config && q.Threads == p.Threads && q.Kind == "eval"
		})
		if k < 0 {
			continue
		}
		steps := (60000 + batch - 1) / batch
		evals := (10000 + batch - 1) / batch
		sec := (float64(steps)*p.MedianMS + float64(evals)*points[k].MedianMS) / 1000
		out = append(out, epochEstimate{Config: p.Config, Threads: p.Threads, Seconds: sec})
	}
	return out
}
