package train

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// denseBits compares tensors by shape and bit pattern.
var denseBits = cmp.Comparer(func(a, b *tensor.Dense) bool {
	return sameBits([]nn.NamedTensor{{Value: a}}, []nn.NamedTensor{{Value: b}}) == "" &&
		slices.Equal(a.Shape(), b.Shape())
})

func TestCheckpointRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.ckpt")
	es := NewEarlyStopping(EvalLoss, Min, 3)
	stopMid := HookFunc("stop", 900, func(e Event, s *State) error {
		if e == EventStep && s.GlobalStep == 9 {
			return ErrStop
		}
		return nil
	})
	l, _, _ := setup{modelSeed: 1, hash: "h1", hooks: []Hook{es, stopMid}}.build(t)
	l.cfg.Metadata = map[string]string{"seed": "7", "quanta": "test"}
	if _, err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want, err := l.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if want.Epoch != 1 || want.Step != 3 || want.GlobalStep != 9 || want.Seen != 48 || len(want.History) != 1 {
		t.Fatalf("checkpoint position %d/%d/%d seen %d", want.Epoch, want.Step, want.GlobalStep, want.Seen)
	}
	if err := WriteCheckpoint(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, denseBits, cmp.AllowUnexported(Metrics{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for k, v := range map[string]string{"seed": "7", "train.config_hash": "h1", "train.format": formatName,
		"train.go_version": runtime.Version(), "train.blas": tensor.Backend(), "train.workers": strconv.Itoa(runtime.GOMAXPROCS(0))} {
		if got.Metadata[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, got.Metadata[k], v)
		}
	}
	// The model part is nn.StateDict with a prefix; the optimiser part
	// follows the parameter indices of nn.Params.
	s, _ := ReadSafetensorsFile(path)
	for _, name := range []string{"model.1.running_mean", "model.4.theta", "optim.lr", "optim.0.exp_avg", "sched.last_epoch", "rng.dropout.3", "hook.early_stopping.best", "loop.position"} {
		if _, ok := s.Lookup(name); !ok {
			t.Errorf("file lacks tensor %q", name)
		}
	}
}

func TestCheckpointFromSafetensorsRejects(t *testing.T) {
	l, _, _ := setup{modelSeed: 1, epochs: 1}.build(t)
	base := func() *Safetensors {
		c, err := l.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		return c.Safetensors()
	}
	cases := []struct {
		name string
		edit func(s *Safetensors)
		want string
	}{
		{"not a checkpoint", func(s *Safetensors) { delete(s.Metadata, keyFormat) }, "not a checkpoint"},
		{"bad history", func(s *Safetensors) { s.Metadata[keyHistory] = "[{" }, "train.history"},
		{"unknown tensor", func(s *Safetensors) { s.Tensors = append(s.Tensors, FromBytes("extra", nil)) }, `"extra": unknown name`},
		{"F32 weights", func(s *Safetensors) {
			s.Tensors[0] = FromDense32(s.Tensors[0].Name, s.Tensors[0].denseOrZero())
		}, "want F64"},
		{"no position", func(s *Safetensors) { s.Tensors = removeTensor(s.Tensors, namePosition) }, "loop.position missing"},
		{"bad rng", func(s *Safetensors) {
			s.Tensors = append(removeTensor(s.Tensors, "rng.dropout.3"), FromDense("rng.dropout.3", tensor.Scalar(1)))
		}, "U8"},
		{"hook name", func(s *Safetensors) { s.Tensors = append(s.Tensors, FromDense("hook.x", tensor.Scalar(1))) }, "hook.<hook>.<name>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := base()
			c.edit(s)
			if _, err := CheckpointFromSafetensors(s); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func removeTensor(ts []Tensor, name string) []Tensor {
	var out []Tensor
	for _, x := range ts {
		if x.Name != name {
			out = append(out, x)
		}
	}
	return out
}

func TestHistoryRoundTrip(t *testing.T) {
	m0 := &Metrics{Epoch: 0}
	m0.Set("a", math.NaN())
	m0.Set("b", math.Inf(-1))
	m0.Set("c", 0.1)
	m1 := &Metrics{Epoch: 1}
	m1.Set("c", 1e-310)
	got, err := decodeHistory(encodeHistory([]*Metrics{m0, m1}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].String() != m0.String() || got[1].Len() != 1 {
		t.Fatalf("history %v", got)
	}
	if v, _ := got[1].Get("c"); v != 1e-310 {
		t.Errorf("denormal became %v", v)
	}
	if v, _ := got[0].Get("a"); !math.IsNaN(v) {
		t.Errorf("NaN became %v", v)
	}
	if _, err := decodeHistory(`[{"epoch":3,"metrics":[]}]`); err == nil {
		t.Error("out-of-order epoch accepted")
	}
	if _, err := decodeHistory(`[{"epoch":0,"metrics":[["a","x"]]}]`); err == nil {
		t.Error("bad number accepted")
	}
}

func TestMetrics(t *testing.T) {
	var m Metrics
	m.Set("loss", 2)
	m.Set("acc", 0.5)
	m.Set("loss", 1)
	if v, ok := m.Get("loss"); !ok || v != 1 || m.Len() != 2 {
		t.Errorf("Get(loss) = %v %v, len %d", v, ok, m.Len())
	}
	if _, ok := m.Get("x"); ok {
		t.Error("Get of an unset name")
	}
	if got := m.String(); got != "loss=1 acc=0.5" {
		t.Errorf("String() = %q", got)
	}
}

func TestResumeMissingAndCorrupt(t *testing.T) {
	dir := t.TempDir()
	l, _, _ := setup{modelSeed: 1}.build(t)
	if ok, err := l.Resume(filepath.Join(dir, "none")); ok || err != nil {
		t.Errorf("missing file: %v %v, want a fresh start", ok, err)
	}
	bad := filepath.Join(dir, "bad")
	if err := writeAtomic(bad, []byte("not a checkpoint at all")); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Resume(bad); !errors.Is(err, ErrFormat) {
		t.Errorf("corrupt file: %v, want ErrFormat", err)
	}
}

// brokenSource is a random source whose state cannot be saved.
type brokenSource struct{}

func (brokenSource) MarshalBinary() ([]byte, error) { return nil, errors.New("no state") }
func (brokenSource) UnmarshalBinary([]byte) error   { return errors.New("no state") }

func TestCheckpointRNGFailure(t *testing.T) {
	cfg := mlpConfig(t, 8, 4, 1, NewCheckpointer(filepath.Join(t.TempDir(), "c"), 1))
	cfg.RNGs = []RNG{{Name: "broken", Source: brokenSource{}}}
	l, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), `hook "checkpoint" at epoch 1, after step 1: train: saving random source "broken": no state`) {
		t.Errorf("error %v", err)
	}
}
