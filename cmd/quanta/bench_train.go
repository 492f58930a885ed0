package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/optim"
	"github.com/quanta-qml/quanta/tensor"
	"github.com/quanta-qml/quanta/train"
	"github.com/spf13/cobra"
)

// torchTrainScript is the PyTorch reference of the speed benchmark.
//
//go:embed testdata/torch_train.py
var torchTrainScript []byte

// benchModel is one model of the training benchmark and of the ML-core
// baselines: its PyTorch-equivalent definition, data pipeline, optimiser
// settings and the test accuracy its baseline must reach.
type benchModel struct {
	name    string
	desc    string
	lr      float64 // Adam learning rate
	batch   int     // default batch size
	target  float64 // baseline test accuracy after 5 epochs
	build   func(r *rand.Rand) nn.Layer
	prepare func(s *dataset.Set) *dataset.Set
}

// benchModels returns the models in their canonical order.
func benchModels() []benchModel {
	mnistNorm := func(s *dataset.Set) *dataset.Set { // ToTensor, Normalize(0.1307, 0.3081)
		return dataset.Normalize(dataset.Scale(s, 1.0/255), []float64{0.1307}, []float64{0.3081})
	}
	return []benchModel{
		{
			name: "mlp", desc: "MLP 784-256-10 (ReLU)", lr: 1e-3, batch: 128, target: 0.975,
			build: func(r *rand.Rand) nn.Layer {
				return nn.NewSequential(nn.NewFlatten(), nn.NewLinear(r, 784, 256, true), nn.NewReLU(), nn.NewLinear(r, 256, 10, true))
			},
			prepare: mnistNorm,
		},
		{
			name: "cnn", desc: "CNN 2×(conv3×3+BN+ReLU+maxpool2) 16/32 ch, linear head", lr: 1e-3, batch: 128, target: 0.988,
			build: func(r *rand.Rand) nn.Layer {
				pad := nn.Conv2dOptions{Padding: [2]int{1, 1}}
				return nn.NewSequential(
					nn.NewConv2d(r, 1, 16, [2]int{3, 3}, pad), nn.NewBatchNorm2d(16), nn.NewReLU(), nn.NewMaxPool2d([2]int{2, 2}, [2]int{}, [2]int{}),
					nn.NewConv2d(r, 16, 32, [2]int{3, 3}, pad), nn.NewBatchNorm2d(32), nn.NewReLU(), nn.NewMaxPool2d([2]int{2, 2}, [2]int{}, [2]int{}),
					nn.NewFlatten(), nn.NewLinear(r, 32*7*7, 10, true))
			},
			prepare: mnistNorm,
		},
		{
			// "Let the Quantum Creep In": no activations; Pad(2), ToTensor,
			// Normalize(0.5, 0.5).
			name: "simplenet", desc: "SimpleNet: conv 1→32 3×3, conv 32→16 3×3, linear 12544→10", lr: 5e-4, batch: 200, target: 0.915,
			build: func(r *rand.Rand) nn.Layer {
				return nn.NewSequential(
					nn.NewConv2d(r, 1, 32, [2]int{3, 3}, nn.Conv2dOptions{}),
					nn.NewConv2d(r, 32, 16, [2]int{3, 3}, nn.Conv2dOptions{}),
					nn.NewFlatten(), nn.NewLinear(r, 12544, 10, true))
			},
			prepare: func(s *dataset.Set) *dataset.Set {
				return dataset.Normalize(dataset.Scale(dataset.Pad(s, 2), 1.0/255), []float64{0.5}, []float64{0.5})
			},
		},
	}
}

type benchTrainOptions struct {
	models    []string
	threads   []int
	batches   []string // model=batch overrides
	epochs    int
	limit     int
	testLimit int
	seed      uint64
	torch     bool
	python    string
	baselines bool
	ckptDir   string
	quiet     bool
}

func newBenchTrainCmd() *cobra.Command {
	var o benchTrainOptions
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Time MNIST training epochs against PyTorch, or train the ML-core baselines",
		Long: `Without --baselines, times MNIST training epochs of the MLP (784-256-10,
batch 128) and of SimpleNet (batch 200) with Adam, in quanta (float64) and in
PyTorch (float64 and float32, through python3), interleaved, for each thread
count, and reports the bytes quanta allocates in each epoch (which must not
grow from one epoch to the next). Build with -tags openblas for OpenBLAS.

With --baselines, trains the ML-core baselines on the full MNIST training set
for 5 epochs and checks their accuracy on the official test set: the MLP
(≥ 97.5 %), a small CNN (≥ 98.8 %) and the "Let the Quantum Creep In"
SimpleNet (≥ 91.5 %). It fails when a model misses its target.`,
		Example: `  go run -tags openblas ./cmd/quanta bench train
  go run -tags openblas ./cmd/quanta bench train --threads 1,2 --models mlp,simplenet
  go run -tags openblas ./cmd/quanta bench train --baselines --models mlp,cnn,simplenet`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			models, err := o.selectModels()
			if err != nil {
				return usageError{err}
			}
			if o.baselines {
				return runBaselines(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o, models)
			}
			return runTrainSpeed(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o, models)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.models, "models", nil, "models to run: mlp, cnn, simplenet (default mlp,simplenet; with --baselines all three)")
	f.IntSliceVar(&o.threads, "threads", []int{1, 2}, "thread counts to time (GOMAXPROCS for quanta, torch threads for PyTorch)")
	f.StringSliceVar(&o.batches, "batch", nil, "batch size overrides as model=size (defaults: mlp=128, cnn=128, simplenet=200)")
	f.IntVar(&o.epochs, "epochs", 0, "epochs per run (default 2 for timing, 5 for --baselines)")
	f.IntVar(&o.limit, "limit", 0, "use only the first N training images (default all 60000)")
	f.IntVar(&o.testLimit, "test-limit", 0, "use only the first N test images with --baselines (default all 10000)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of initialisation and shuffling")
	f.BoolVar(&o.torch, "torch", true, "time PyTorch too (needs python3 with torch)")
	f.StringVar(&o.python, "python", "python3", "Python interpreter with torch")
	f.BoolVar(&o.baselines, "baselines", false, "train the ML-core baselines and check their test accuracy")
	f.StringVar(&o.ckptDir, "checkpoint-dir", "", "with --baselines: checkpoint every 100 steps into DIR/<model>.safetensors and resume from there")
	f.BoolVar(&o.quiet, "quiet", false, "no progress bars")
	return cmd
}

// selectModels resolves --models and --batch.
func (o *benchTrainOptions) selectModels() ([]benchModel, error) {
	names := o.models
	if len(names) == 0 {
		names = []string{"mlp", "simplenet"}
		if o.baselines {
			names = []string{"mlp", "cnn", "simplenet"}
		}
	}
	all := benchModels()
	var out []benchModel
	for _, n := range names {
		i := slices.IndexFunc(all, func(m benchModel) bool { return m.name == n })
		if i < 0 {
			return nil, fmt.Errorf("unknown model %q (want mlp, cnn or simplenet)", n)
		}
		out = append(out, all[i])
	}
	for _, kv := range o.batches {
		name, val, ok := strings.Cut(kv, "=")
		b, err := strconv.Atoi(val)
		if !ok || err != nil || b < 1 {
			return nil, fmt.Errorf("--batch %q: want model=size", kv)
		}
		i := slices.IndexFunc(out, func(m benchModel) bool { return m.name == name })
		if i < 0 {
			return nil, fmt.Errorf("--batch %q: model %q is not selected", kv, name)
		}
		out[i].batch = b
	}
	for _, t := range o.threads {
		if t < 1 {
			return nil, fmt.Errorf("--threads %d: want ≥ 1", t)
		}
	}
	if o.epochs < 0 || o.limit < 0 || o.testLimit < 0 {
		return nil, errors.New("--epochs, --limit and --test-limit must not be negative")
	}
	return out, nil
}

// loadMNIST returns the built-in split, cut to limit samples if positive.
func loadMNIST(p dataset.Split, limit int) (*dataset.Set, error) {
	s, err := dataset.MNIST(p)
	if err != nil {
		return nil, err
	}
	if limit > 0 {
		s = dataset.Head(s, limit)
	}
	return s, nil
}

// epochStat is the measurement of one training epoch.
type epochStat struct {
	seconds float64
	alloc   uint64 // bytes allocated by quanta during the epoch (0 for PyTorch)
	loss    float64
}

// quantaEpochs trains m for the given epochs and measures each epoch.
func quantaEpochs(ctx context.Context, m benchModel, set *dataset.Set, epochs int, seed uint64) ([]epochStat, error) {
	model := m.build(rand.New(rand.NewPCG(seed, 0)))
	opt, err := optim.NewAdam(nn.Params(model), optim.AdamOptions{LR: m.lr})
	if err != nil {
		return nil, err
	}
	var stats []epochStat
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	last := ms.TotalAlloc
	measure := train.HookFunc("measure", 1000, func(e train.Event, s *train.State) error {
		if e != train.EventEpoch {
			return nil
		}
		runtime.ReadMemStats(&ms)
		secs, _ := s.Metrics.Get(train.EpochSeconds)
		loss, _ := s.Metrics.Get(train.TrainLoss)
		stats = append(stats, epochStat{seconds: secs, alloc: ms.TotalAlloc - last, loss: loss})
		last = ms.TotalAlloc
		return nil
	})
	loop, err := train.New(train.Config{
		Model: model, Optimizer: opt, Epochs: epochs, Hooks: []train.Hook{measure},
		Train: &dataset.Loader{Set: set, BatchSize: m.batch, Shuffle: true, Seed: seed},
	})
	if err != nil {
		return nil, err
	}
	if _, err := loop.Run(ctx); err != nil {
		return nil, err
	}
	return stats, nil
}

// torchRunner runs the PyTorch reference script.
type torchRunner struct {
	python, script, data string
	seed                 uint64
}

// setupTorch writes the script and the raw training images into dir and
// checks that python can import torch.
func setupTorch(ctx context.Context, dir, python string, raw *dataset.Set, seed uint64) (*torchRunner, error) {
	if out, err := exec.CommandContext(ctx, python, "-c", "import torch, numpy").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s cannot import torch: %v: %s", python, err, bytes.TrimSpace(out))
	}
	t := &torchRunner{python: python, script: filepath.Join(dir, "torch_train.py"), data: filepath.Join(dir, "mnist.bin"), seed: seed}
	if err := os.WriteFile(t.script, torchTrainScript, 0o644); err != nil {
		return nil, err
	}
	n := raw.Len()
	buf := make([]byte, 8, 8+n*785)
	binary.LittleEndian.PutUint64(buf, uint64(n))
	for _, v := range raw.X.Data() {
		buf = append(buf, byte(v))
	}
	for _, y := range raw.Y {
		buf = append(buf, byte(y))
	}
	return t, os.WriteFile(t.data, buf, 0o644)
}

// epochs runs the script for one model, dtype and thread count.
func (t *torchRunner) epochs(ctx context.Context, m benchModel, dtype string, threads, epochs int) ([]epochStat, error) {
	th := strconv.Itoa(threads)
	cmd := exec.CommandContext(ctx, t.python, t.script, "--data", t.data, "--model", m.name, "--dtype", dtype,
		"--threads", th, "--batch", strconv.Itoa(m.batch), "--epochs", strconv.Itoa(epochs),
		"--lr", strconv.FormatFloat(m.lr, 'g', -1, 64), "--seed", strconv.FormatUint(t.seed, 10))
	// Debian's PyTorch runs OpenMP for its own loops and a pthreads
	// OpenBLAS for its products: with OpenMP's default busy waiting the two
	// pools fight over the cores (5–20× slower epochs at 2 threads on a
	// 2-core machine), so OpenMP threads sleep when idle.
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS="+th, "OPENBLAS_NUM_THREADS="+th, "MKL_NUM_THREADS="+th, "OMP_WAIT_POLICY=PASSIVE")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("PyTorch %s %s: %v: %s", m.name, dtype, err, bytes.TrimSpace(stderr.Bytes()))
	}
	var stats []epochStat
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var rec struct{ Seconds, Loss float64 }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("PyTorch %s %s: output line %q: %w", m.name, dtype, sc.Text(), err)
		}
		stats = append(stats, epochStat{seconds: rec.Seconds, loss: rec.Loss})
	}
	if len(stats) != epochs {
		return nil, fmt.Errorf("PyTorch %s %s: %d epochs reported, want %d", m.name, dtype, len(stats), epochs)
	}
	return stats, nil
}

// runTrainSpeed is bench train without --baselines.
func runTrainSpeed(ctx context.Context, stdout, stderr io.Writer, o benchTrainOptions, models []benchModel) error {
	if ctx == nil {
		ctx = context.Background()
	}
	epochs := o.epochs
	if epochs == 0 {
		epochs = 2
	}
	raw, err := loadMNIST(dataset.Train, o.limit)
	if err != nil {
		return err
	}
	var torch *torchRunner
	if o.torch {
		dir, err := os.MkdirTemp("", "quanta-bench-train-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if torch, err = setupTorch(ctx, dir, o.python, raw, o.seed); err != nil {
			fmt.Fprintf(stderr, "quanta: skipping PyTorch: %v\n", err)
			torch = nil
		}
	}
	sets := map[string]*dataset.Set{}
	for _, m := range models {
		sets[m.name] = m.prepare(raw)
	}
	fmt.Fprintf(stdout, "MNIST training epochs: %d images, %d epochs per run; quanta %s, BLAS %s, %s/%s, %d CPUs\n\n",
		raw.Len(), epochs, version, tensor.Backend(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintln(stdout, "| model | batch | threads | implementation | s/epoch (each epoch) | images/s (last) | ÷ PyTorch f64 | allocated per epoch |")
	fmt.Fprintln(stdout, "| --- | ---: | ---: | --- | --- | ---: | ---: | --- |")
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, th := range o.threads {
		for _, m := range models {
			if !o.quiet {
				fmt.Fprintf(stderr, "timing %s with %d thread(s)…\n", m.name, th)
			}
			runtime.GOMAXPROCS(th)
			q, err := quantaEpochs(ctx, m, sets[m.name], epochs, o.seed)
			if err != nil {
				return fmt.Errorf("quanta %s: %w", m.name, err)
			}
			var t64, t32 []epochStat
			if torch != nil {
				if t64, err = torch.epochs(ctx, m, "float64", th, epochs); err != nil {
					return err
				}
				if t32, err = torch.epochs(ctx, m, "float32", th, epochs); err != nil {
					return err
				}
			}
			n := float64(raw.Len())
			row := func(impl string, st []epochStat, alloc bool) {
				secs := make([]string, len(st))
				for i, s := range st {
					secs[i] = strconv.FormatFloat(s.seconds, 'f', 2, 64)
				}
				last := st[len(st)-1].seconds
				ratio := "—"
				if len(t64) > 0 {
					ratio = strconv.FormatFloat(last/t64[len(t64)-1].seconds, 'f', 2, 64)
				}
				al := "—"
				if alloc {
					parts := make([]string, len(st))
					for i, s := range st {
						parts[i] = fmt.Sprintf("%.1f MiB", float64(s.alloc)/(1<<20))
					}
					al = strings.Join(parts, ", ")
				}
				fmt.Fprintf(stdout, "| %s | %d | %d | %s | %s | %.0f | %s | %s |\n", m.name, m.batch, th, impl, strings.Join(secs, ", "), n/last, ratio, al)
			}
			row("quanta float64 ("+tensor.Backend()+")", q, true)
			if torch != nil {
				row("PyTorch float64", t64, false)
				row("PyTorch float32", t32, false)
			}
		}
	}
	return nil
}

// runBaselines is bench train --baselines.
func runBaselines(ctx context.Context, stdout, stderr io.Writer, o benchTrainOptions, models []benchModel) error {
	if ctx == nil {
		ctx = context.Background()
	}
	epochs := o.epochs
	if epochs == 0 {
		epochs = 5
	}
	rawTrain, err := loadMNIST(dataset.Train, o.limit)
	if err != nil {
		return err
	}
	rawTest, err := loadMNIST(dataset.Test, o.testLimit)
	if err != nil {
		return err
	}
	if o.ckptDir != "" {
		if err := os.MkdirAll(o.ckptDir, 0o755); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "ML-core baselines: MNIST, %d training and %d test images, %d epochs, Adam, seed %d; quanta %s, BLAS %s, GOMAXPROCS %d\n\n",
		rawTrain.Len(), rawTest.Len(), epochs, o.seed, version, tensor.Backend(), runtime.GOMAXPROCS(0))
	var table []string
	var missed []string
	for _, m := range models {
		model := m.build(rand.New(rand.NewPCG(o.seed, 0)))
		opt, err := optim.NewAdam(nn.Params(model), optim.AdamOptions{LR: m.lr})
		if err != nil {
			return err
		}
		hooks := []train.Hook{train.NewEval(&dataset.Loader{Set: m.prepare(rawTest), BatchSize: 1000})}
		p := train.NewProgress(stderr)
		p.Quiet = o.quiet
		hooks = append(hooks, p)
		var ckpt string
		if o.ckptDir != "" {
			ckpt = filepath.Join(o.ckptDir, m.name+".safetensors")
			hooks = append(hooks, train.NewCheckpointer(ckpt, 100))
		}
		sum := sha256.Sum256(fmt.Appendf(nil, "%s lr=%g batch=%d train=%d test=%d seed=%d", m.name, m.lr, m.batch, rawTrain.Len(), rawTest.Len(), o.seed))
		loop, err := train.New(train.Config{
			Model: model, Optimizer: opt, Epochs: epochs, Hooks: hooks,
			Train:      &dataset.Loader{Set: m.prepare(rawTrain), BatchSize: m.batch, Shuffle: true, Seed: o.seed},
			ConfigHash: hex.EncodeToString(sum[:8]),
			Metadata:   map[string]string{"quanta.version": version, "model": m.desc},
		})
		if err != nil {
			return err
		}
		if ckpt != "" {
			if ok, err := loop.Resume(ckpt); err != nil {
				return err
			} else if ok && !o.quiet {
				c := loop.Resumed()
				fmt.Fprintf(stderr, "%s: resuming at epoch %d, step %d\n", m.name, c.Epoch+1, c.Step)
			}
		}
		if !o.quiet {
			fmt.Fprintf(stderr, "%s: %s, %d parameters, batch %d, Adam %g\n", m.name, m.desc, nn.NumParams(model), m.batch, m.lr)
		}
		res, err := loop.Run(ctx)
		if err != nil {
			return fmt.Errorf("baseline %s: %w", m.name, err)
		}
		var accs []string
		var final, secs float64
		for _, h := range res.History {
			final, _ = h.Get(train.EvalAcc)
			s, _ := h.Get(train.EpochSeconds)
			secs += s
			accs = append(accs, fmt.Sprintf("%.2f", 100*final))
		}
		verdict := "yes"
		if final < m.target {
			verdict = "NO"
			missed = append(missed, fmt.Sprintf("%s %.2f %% < %.1f %%", m.name, 100*final, 100*m.target))
		}
		table = append(table, fmt.Sprintf("| %s | %d | %d | %g | %s | **%.2f** | %.1f | %s | %.0f |",
			m.desc, nn.NumParams(model), m.batch, m.lr, strings.Join(accs, ", "), 100*final, 100*m.target, verdict, secs/float64(len(res.History))))
	}
	fmt.Fprintln(stdout, "| model | parameters | batch | Adam lr | test accuracy % after each epoch | final % | target % | reached | s/epoch |")
	fmt.Fprintln(stdout, "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |")
	for _, line := range table {
		fmt.Fprintln(stdout, line)
	}
	if len(missed) > 0 {
		return fmt.Errorf("baselines below target: %s", strings.Join(missed, "; "))
	}
	return nil
}
