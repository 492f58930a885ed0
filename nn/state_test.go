package nn

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

// model returns a small network with parameters and buffers, seeded.
func model(seed uint64) *Sequential {
	r := newRand(seed)
	return NewSequential(NewLinear(r, 3, 4, true), NewBatchNorm1d(4), NewTanh(), NewLinear(r, 4, 2, false))
}

func TestStateDictRoundTrip(t *testing.T) {
	t.Parallel()
	src, dst := model(1), model(2)
	// Train-mode passes change BatchNorm's buffers, so they are not at
	// their initial values when saved.
	src.Forward(autograd.Const(tensor.RandN(newRand(3), 5, 3)))
	src.Forward(autograd.Const(tensor.RandN(newRand(4), 5, 3)))
	sd := StateDict(src)
	if slices.Equal(StateDict(dst)[0].Value.Data(), sd[0].Value.Data()) {
		t.Fatal("models with different seeds start equal; the test would be vacuous")
	}
	// Reverse the order: loading is by name.
	rev := slices.Clone(sd)
	slices.Reverse(rev)
	if err := LoadStateDict(dst, rev); err != nil {
		t.Fatal(err)
	}
	got := StateDict(dst)
	for i := range sd {
		if got[i].Name != sd[i].Name || !slices.Equal(got[i].Value.Data(), sd[i].Value.Data()) {
			t.Errorf("%s differs after the round trip", sd[i].Name)
		}
	}
	if got := dst.At(1).(*BatchNorm).NumBatchesTracked.Item(); got != 2 {
		t.Errorf("num_batches_tracked = %v after loading, want 2", got)
	}
	// Same outputs in evaluation mode.
	SetTraining(src, false)
	SetTraining(dst, false)
	x := autograd.Const(tensor.RandN(newRand(5), 3, 3))
	if a, b := src.Forward(x).Value().Data(), dst.Forward(x).Value().Data(); !slices.Equal(a, b) {
		t.Errorf("outputs differ after loading: %v vs %v", a, b)
	}
	// The saved copies are independent of the model, and loading writes
	// into the registered tensors rather than replacing them.
	w := dst.At(0).(*Linear).Weight
	before := sd[0].Value.Data()[0]
	w.Value().Data()[0] += 1
	if sd[0].Value.Data()[0] != before {
		t.Error("StateDict returned a view of the parameter, not a copy")
	}
	if err := LoadStateDict(dst, sd); err != nil {
		t.Fatal(err)
	}
	if w.Value().Data()[0] != before || dst.At(0).(*Linear).Weight != w {
		t.Error("LoadStateDict did not copy into the registered parameter")
	}
}

func TestLoadStateDictErrors(t *testing.T) {
	t.Parallel()
	base := StateDict(model(1))
	edit := func(f func([]NamedTensor) []NamedTensor) []NamedTensor {
		sd := make([]NamedTensor, len(base))
		for i, e := range base {
			sd[i] = NamedTensor{e.Name, e.Value.Copy()}
		}
		return f(sd)
	}
	for _, c := range []struct {
		name                            string
		sd                              []NamedTensor
		missing, unexpected, mismatched []string
	}{
		{"missing", edit(func(sd []NamedTensor) []NamedTensor { return slices.Delete(sd, 2, 3) }),
			[]string{"1.weight"}, nil, nil},
		{"unexpected", edit(func(sd []NamedTensor) []NamedTensor {
			return append(sd, NamedTensor{"2.weight", tensor.New(1)})
		}), nil, []string{"2.weight"}, nil},
		{"duplicate", edit(func(sd []NamedTensor) []NamedTensor { return append(sd, sd[0]) }),
			nil, []string{"0.weight"}, nil},
		{"shape", edit(func(sd []NamedTensor) []NamedTensor {
			sd[0].Value = tensor.New(3, 4)
			return sd
		}), nil, nil, []string{"0.weight: shape [3 4], want [4 3]"}},
		{"nil", edit(func(sd []NamedTensor) []NamedTensor {
			sd[1].Value = nil
			return sd
		}), nil, nil, []string{"0.bias: nil tensor"}},
		{"everything", edit(func(sd []NamedTensor) []NamedTensor {
			sd[0].Value = tensor.New(1)
			sd[len(sd)-1].Name = "3.bias"
			return sd
		}), []string{"3.weight"}, []string{"3.bias"}, []string{"0.weight: shape [1], want [4 3]"}},
	} {
		m := model(2)
		before := StateDict(m)
		err := LoadStateDict(m, c.sd)
		var se *StateError
		if !errors.As(err, &se) {
			t.Errorf("%s: error %v, want a *StateError", c.name, err)
			continue
		}
		if !slices.Equal(se.Missing, c.missing) || !slices.Equal(se.Unexpected, c.unexpected) || !slices.Equal(se.Mismatched, c.mismatched) {
			t.Errorf("%s: got missing %q unexpected %q mismatched %q, want %q %q %q",
				c.name, se.Missing, se.Unexpected, se.Mismatched, c.missing, c.unexpected, c.mismatched)
		}
		if !strings.HasPrefix(err.Error(), "nn: state does not match: ") {
			t.Errorf("%s: message %q", c.name, err)
		}
		for i, e := range StateDict(m) {
			if !slices.Equal(e.Value.Data(), before[i].Value.Data()) {
				t.Errorf("%s: %s changed although loading failed", c.name, e.Name)
			}
		}
	}
}

func TestLoadStateOptional(t *testing.T) {
	t.Parallel()
	a, b := tensor.New(2), tensor.New(3)
	targets := []Target{{Name: "a", Value: a}, {Name: "b", Value: b, Optional: true}}
	loaded, err := LoadState(targets, []NamedTensor{{"a", tensor.FromSlice([]float64{1, 2}, 2)}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(loaded, []bool{true, false}) || !slices.Equal(a.Data(), []float64{1, 2}) {
		t.Errorf("loaded %v, a = %v", loaded, a.Data())
	}
	if _, err := LoadState(targets, []NamedTensor{{"b", tensor.New(3)}}); err == nil {
		t.Error("a missing required target did not fail")
	}
}
