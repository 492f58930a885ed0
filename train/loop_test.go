package train

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/optim"
	"github.com/quanta-qml/quanta/tensor"
)

func mustAdam(t testing.TB, m nn.Module) *optim.Adam {
	t.Helper()
	opt, err := optim.NewAdam(nn.Params(m), optim.AdamOptions{LR: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	return opt
}

// mlpConfig is a small dropout-free classifier on blobs.
func mlpConfig(t testing.TB, n, batch, epochs int, hooks ...Hook) Config {
	r := rand.New(rand.NewPCG(5, 5))
	m := nn.NewSequential(nn.NewLinear(r, 4, 8, true), nn.NewReLU(), nn.NewLinear(r, 8, 3, true))
	return Config{Model: m, Optimizer: mustAdam(t, m), Epochs: epochs, Hooks: hooks,
		Train: &dataset.Loader{Set: blobs(n, 4, 3, 2), BatchSize: batch, Shuffle: true, Seed: 1}}
}

// recorder logs "name:event" and the counters it sees.
type recorder struct {
	name  string
	order int
	log   *[]string
}

func (r *recorder) Name() string { return r.name }
func (r *recorder) Order() int   { return r.order }
func (r *recorder) On(e Event, s *State) error {
	*r.log = append(*r.log, fmt.Sprintf("%s:%s:%d/%d/%d", r.name, e, s.Epoch, s.Step, s.GlobalStep))
	return nil
}

func TestHookOrderAndEvents(t *testing.T) {
	var log []string
	hooks := []Hook{
		&recorder{"a", 450, &log}, &recorder{"b", 50, &log},
		&recorder{"c", 450, &log}, &recorder{"d", 700, &log},
	}
	l, err := New(mlpConfig(t, 8, 4, 2, hooks...))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range l.Hooks() {
		names = append(names, h.Name())
	}
	if want := []string{"b", "guard", "a", "c", "d"}; !slices.Equal(names, want) {
		t.Fatalf("hook order %v, want %v", names, want)
	}
	if _, err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Keep the lines of hook b (all hooks see the same sequence) and
	// check that a, c, d follow b in order at every event.
	var seq []string
	for i, line := range log {
		if strings.HasPrefix(line, "b:") {
			seq = append(seq, strings.TrimPrefix(line, "b:"))
			rest := []string{log[i+1][:1], log[i+2][:1], log[i+3][:1]}
			if !slices.Equal(rest, []string{"a", "c", "d"}) {
				t.Errorf("after %s: hooks %v, want a c d", line, rest)
			}
		}
	}
	want := []string{
		"begin:0/0/0",
		"batch:0/0/0", "step:0/1/1", "batch:0/1/1", "step:0/2/2", "epoch:0/2/2",
		"batch:1/0/2", "step:1/1/3", "batch:1/1/3", "step:1/2/4", "epoch:1/2/4",
		"end:1/2/4",
	}
	if !slices.Equal(seq, want) {
		t.Errorf("events\n%v\nwant\n%v", seq, want)
	}
}

func TestTrainMetrics(t *testing.T) {
	// The epoch's train loss is the sample-weighted mean of the batch
	// losses, and its accuracy the fraction of argmax hits, both
	// recomputed here from what each step saw.
	var sum, hits, n float64
	acc := HookFunc("acc", 450, func(e Event, s *State) error {
		if e != EventBatch || s.Epoch != 1 {
			return nil
		}
		sum += s.Loss * float64(len(s.Batch.Y))
		n += float64(len(s.Batch.Y))
		pred := tensor.ArgMax(s.Output.Value(), 1)
		for i, y := range s.Batch.Y {
			if pred[i] == y {
				hits++
			}
		}
		return nil
	})
	l, err := New(mlpConfig(t, 30, 8, 2, acc))
	if err != nil {
		t.Fatal(err)
	}
	res, err := l.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := res.History[1]
	if got, _ := m.Get(TrainLoss); math.Abs(got-sum/n) > 1e-15 {
		t.Errorf("train_loss %v, want %v", got, sum/n)
	}
	if got, _ := m.Get(TrainAcc); got != hits/n {
		t.Errorf("train_acc %v, want %v", got, hits/n)
	}
	if s, ok := m.Get(EpochSeconds); !ok || !(s >= 0) {
		t.Errorf("epoch_seconds %v, %v", s, ok)
	}
	if m.Epoch != 1 || res.History[0].Epoch != 0 {
		t.Errorf("epochs %d %d", res.History[0].Epoch, m.Epoch)
	}
}

func TestStopAndErrorFromHooks(t *testing.T) {
	var after []int
	late := HookFunc("late", 900, func(e Event, s *State) error {
		if e == EventStep {
			after = append(after, s.GlobalStep)
		}
		return nil
	})
	stop := HookFunc("stopper", 300, func(e Event, s *State) error {
		if e == EventStep && s.GlobalStep == 3 {
			return ErrStop
		}
		return nil
	})
	l, _ := New(mlpConfig(t, 20, 4, 5, stop, late))
	res, err := l.Run(context.Background())
	if err != nil || res.StoppedBy != "stopper" || res.GlobalStep != 3 {
		t.Fatalf("stop: %v, %+v", err, res)
	}
	if !slices.Equal(after, []int{1, 2, 3}) {
		t.Errorf("later hooks saw steps %v, want 1 2 3 (they finish the event)", after)
	}

	var endErr error
	end := HookFunc("end", 900, func(e Event, s *State) error {
		if e == EventEnd {
			endErr = s.Err
		}
		return nil
	})
	fail := HookFunc("failer", 300, func(e Event, s *State) error {
		if e == EventEpoch {
			return errors.New("disk full")
		}
		return nil
	})
	l, _ = New(mlpConfig(t, 20, 4, 5, fail, end))
	_, err = l.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), `hook "failer" at the end of epoch 1`) || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error %v", err)
	}
	if endErr != err {
		t.Errorf("EventEnd saw %v, want the run's error", endErr)
	}
	if _, err := l.Run(context.Background()); err == nil {
		t.Error("second Run: no error")
	}
}

func TestContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l, _ := New(mlpConfig(t, 20, 4, 2))
	if _, err := l.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestEarlyStopping(t *testing.T) {
	scores := []float64{5, 4, 4.5, 4.05, 3, 2}
	feed := HookFunc("feed", OrderEval, func(e Event, s *State) error {
		if e == EventEpoch {
			s.Metrics.Set("score", scores[s.Epoch])
		}
		return nil
	})
	path := filepath.Join(t.TempDir(), "es.ckpt")
	es := NewEarlyStopping("score", Min, 2)
	es.MinDelta = 0.1 // 4.05 is not an improvement over 4
	cfg := mlpConfig(t, 8, 4, len(scores), feed, es, NewCheckpointer(path, 0))
	l, _ := New(cfg)
	res, err := l.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.StoppedBy != "early_stopping" || len(res.History) != 4 {
		t.Fatalf("stopped by %q after %d epochs, want early_stopping after 4", res.StoppedBy, len(res.History))
	}
	if best, epoch, ok := es.Best(); !ok || best != 4 || epoch != 1 {
		t.Errorf("best %v at %d", best, epoch)
	}
	// A resumed stopped run stays stopped.
	es2 := NewEarlyStopping("score", Min, 2)
	cfg.Hooks = []Hook{feed, es2}
	l2, _ := New(cfg)
	if ok, err := l2.Resume(path); !ok || err != nil {
		t.Fatal(ok, err)
	}
	res2, err := l2.Run(context.Background())
	if err != nil || res2.StoppedBy != "early_stopping" || res2.GlobalStep != res.GlobalStep {
		t.Errorf("resumed: %v, %+v", err, res2)
	}

	// Max mode and a missing metric.
	up := NewEarlyStopping("score", Max, 1)
	cfg.Hooks = []Hook{feed, up}
	l3, _ := New(cfg)
	if res, _ := l3.Run(context.Background()); res.StoppedBy != "early_stopping" || len(res.History) != 2 {
		t.Errorf("max mode stopped after %d epochs", len(res.History))
	}
	cfg.Hooks = []Hook{NewEarlyStopping("nope", Min, 1)}
	l4, _ := New(cfg)
	if _, err := l4.Run(context.Background()); err == nil || !strings.Contains(err.Error(), `"nope" was not recorded`) {
		t.Errorf("missing metric: %v", err)
	}
}

func TestProgressOutput(t *testing.T) {
	var buf bytes.Buffer
	l, _ := New(mlpConfig(t, 20, 4, 2, NewProgress(&buf)))
	if _, err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"epoch 1/2", "epoch 2/2", "100%", "(5/5", "batch/s", "epoch 1/2: train_loss=", "train_acc="} {
		if !strings.Contains(out, want) {
			t.Errorf("progress output lacks %q:\n%s", want, out)
		}
	}
	buf.Reset()
	p := NewProgress(&buf)
	p.Quiet = true
	l, _ = New(mlpConfig(t, 20, 4, 2, p))
	l.Run(context.Background())
	if buf.Len() != 0 {
		t.Errorf("quiet progress wrote %q", buf.String())
	}
}

func TestLoggerOutput(t *testing.T) {
	var buf bytes.Buffer
	lg := NewLogger(slog.New(slog.NewTextHandler(&buf, nil)))
	lg.Every = 2
	test := &dataset.Loader{Set: blobs(12, 4, 3, 8), BatchSize: 5}
	l, _ := New(mlpConfig(t, 20, 4, 2, lg, NewEval(test)))
	if _, err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"training started", "epochs=2", "steps_per_epoch=5", "msg=step", "global_step=4", "epoch done", "val_acc=", "training finished"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// TestEvaluate compares Evaluate with the cross-entropy and accuracy
// computed by hand from the full-batch logits, and checks that it
// changes nothing: mode, BatchNorm buffers, gradients.
func TestEvaluate(t *testing.T) {
	m := testModel(4)
	DropoutRNGs(m, 1)
	set := blobs(23, 4, 3, 6)
	// Move the running statistics away from their initial values.
	for range 3 {
		m.Forward(autograd.Const(set.X))
	}
	before := nn.StateDict(m)
	ev, err := Evaluate(m, &dataset.Loader{Set: set, BatchSize: 5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !nn.IsTraining(m) {
		t.Error("model left in eval mode")
	}
	if d := sameBits(before, nn.StateDict(m)); d != "" {
		t.Errorf("evaluation changed %s", d)
	}
	for _, p := range nn.Params(m) {
		if p.Grad() != nil {
			t.Fatal("evaluation recorded a gradient")
		}
	}
	nn.SetTraining(m, false)
	logits := m.Forward(autograd.NoGrad(set.X)).Value()
	var loss, hits float64
	for i, y := range set.Y {
		row := []float64{logits.At(i, 0), logits.At(i, 1), logits.At(i, 2)}
		mx := slices.Max(row)
		lse := mx + math.Log(math.Exp(row[0]-mx)+math.Exp(row[1]-mx)+math.Exp(row[2]-mx))
		loss += lse - row[y]
		if slices.Index(row, mx) == y {
			hits++
		}
	}
	n := float64(len(set.Y))
	if ev.N != 23 || math.Abs(ev.Loss-loss/n) > 1e-12 || ev.Accuracy != hits/n {
		t.Errorf("Evaluate = %+v, want loss %v accuracy %v", ev, loss/n, hits/n)
	}
}

// TestLearns checks that the loop trains: a hybrid model reaches high
// held-out accuracy on separable blobs.
func TestLearns(t *testing.T) {
	l, _, _ := setup{modelSeed: 2, epochs: 8}.build(t)
	res, err := l.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first, _ := res.History[0].Get(TrainLoss)
	last, _ := res.History[7].Get(TrainLoss)
	acc, _ := res.History[7].Get(EvalAcc)
	if !(last < first/2) || acc < 0.9 {
		t.Errorf("train loss %v → %v, held-out accuracy %v", first, last, acc)
	}
}

func TestConfigErrors(t *testing.T) {
	good := func() Config { return mlpConfig(t, 20, 4, 2) }
	drop := func() Config {
		c := good()
		r := rand.New(rand.NewPCG(1, 1))
		c.Model = nn.NewSequential(nn.NewLinear(r, 4, 3, true), nn.NewDropout(0.5, r))
		return c
	}
	cases := []struct {
		name string
		edit func(*Config)
		base func() Config
		want string
	}{
		{"no model", func(c *Config) { c.Model = nil }, good, "Model is nil"},
		{"no optimiser", func(c *Config) { c.Optimizer = nil }, good, "Optimizer is nil"},
		{"no data", func(c *Config) { c.Train = nil }, good, "no set"},
		{"no batches", func(c *Config) { c.Train.BatchSize = 0 }, good, "no batches"},
		{"epochs", func(c *Config) { c.Epochs = 0 }, good, "Epochs = 0"},
		{"clip", func(c *Config) { c.ClipNorm = math.NaN() }, good, "ClipNorm"},
		{"reserved metadata", func(c *Config) { c.Metadata = map[string]string{"train.x": ""} }, good, "reserved"},
		{"nil hook", func(c *Config) { c.Hooks = []Hook{nil} }, good, "hook 0 is nil"},
		{"repeated hook", func(c *Config) { c.Hooks = []Hook{NewGuard(), NewGuard()} }, good, "repeats"},
		{"dotted hook", func(c *Config) { c.Hooks = []Hook{HookFunc("a.b", 1, nil)} }, good, "has a dot"},
		{"dropout without RNG", func(*Config) {}, drop, `module "1" is a Dropout`},
		{"RNG without source", func(c *Config) { c.RNGs = []RNG{{Name: "x"}} }, good, "no source"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.base()
			c.edit(&cfg)
			if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestRestoreMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.ckpt")
	l, _, _ := setup{modelSeed: 1, epochs: 1, hash: "abc", hooks: []Hook{NewCheckpointer(path, 0)}}.build(t)
	if _, err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		s    setup
		want string
	}{
		{"config hash", setup{modelSeed: 1, hash: "xyz"}, `config hash "abc"`},
		{"batch size", setup{modelSeed: 1, hash: "abc", batch: 30}, "6 batches per epoch, the run has 3"},
		{"random sources", setup{modelSeed: 1, hash: "abc", noDropout: true}, "random sources [dropout.3]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, _, _ := c.s.build(t)
			_, err := l.Resume(path)
			if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want ErrMismatch containing %q", err, c.want)
			}
		})
	}
	// A finished run resumed with more epochs goes on; with as many it
	// has nothing left to do.
	short, _, _ := setup{modelSeed: 1, hash: "abc", epochs: 2}.build(t)
	if ok, err := short.Resume(path); !ok || err != nil {
		t.Errorf("longer run: %v %v", ok, err)
	}
	cfg := short.cfg
	cfg.Epochs = 1
	done, _ := New(cfg)
	if ok, err := done.Resume(path); !ok || err != nil {
		t.Errorf("finished run: %v %v", ok, err)
	}
	if res, err := done.Run(context.Background()); err != nil || res.GlobalStep != 6 || len(res.History) != 1 {
		t.Errorf("finished run ran again: %v %+v", err, res)
	}
}

// TestProgressThrottle checks the default redraw interval: fast on a
// character device (a terminal), slow on a regular file, where a bar
// redrawn ten times a second would fill a long run's log.
func TestProgressThrottle(t *testing.T) {
	dev, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer dev.Close()
	if got := defaultThrottle(dev); got != 100*time.Millisecond {
		t.Errorf("character device: throttle %v, want 100ms", got)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := defaultThrottle(f); got != 10*time.Second {
		t.Errorf("regular file: throttle %v, want 10s", got)
	}
	var buf bytes.Buffer
	if got := defaultThrottle(&buf); got != 10*time.Second {
		t.Errorf("buffer: throttle %v, want 10s", got)
	}
}
