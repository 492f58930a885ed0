package nn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

// fakeQuantum stands for a layer defined in another package: it embeds
// Base, tags its weights Quantum and holds a classical adapter.
type fakeQuantum struct {
	Base
	angles  *autograd.Var
	adapter *Linear
}

func newFakeQuantum() *fakeQuantum {
	q := &fakeQuantum{adapter: NewLinear(newRand(1), 2, 3, true)}
	q.angles = q.RegisterParam("angles", autograd.Param(tensor.New(4, 3)), Quantum)
	q.RegisterModule("adapter", q.adapter)
	return q
}

func (q *fakeQuantum) Forward(x *autograd.Var) *autograd.Var { return q.adapter.Forward(x) }

// block is a two-level module: a named child holding a Sequential.
type block struct {
	Base
	conv1 *Conv2d
	bn    *BatchNorm
	head  *Sequential
}

func newBlock() *block {
	r := newRand(2)
	b := &block{
		conv1: NewConv2d(r, 1, 2, [2]int{3, 3}, Conv2dOptions{}),
		bn:    NewBatchNorm2d(2),
		head:  NewSequential(NewFlatten(), NewDropout(0.5, newRand(3)), newFakeQuantum()),
	}
	b.RegisterModule("conv1", b.conv1)
	b.RegisterModule("bn", b.bn)
	b.RegisterModule("head", b.head)
	return b
}

func TestNamesFollowPyTorch(t *testing.T) {
	t.Parallel()
	m := newBlock()
	var names []string
	for _, p := range NamedParams(m) {
		names = append(names, p.Name+":"+string(p.Kind))
	}
	want := []string{
		"conv1.weight:classical", "conv1.bias:classical",
		"bn.weight:classical", "bn.bias:classical",
		"head.2.angles:quantum", "head.2.adapter.weight:classical", "head.2.adapter.bias:classical",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("NamedParams (-want +got):\n%s", diff)
	}
	var bufs []string
	for _, b := range NamedBuffers(m) {
		bufs = append(bufs, b.Name)
	}
	if diff := cmp.Diff([]string{"bn.running_mean", "bn.running_var", "bn.num_batches_tracked"}, bufs); diff != "" {
		t.Errorf("NamedBuffers (-want +got):\n%s", diff)
	}
	var mods []string
	for _, nm := range NamedModules(m) {
		mods = append(mods, nm.Name)
	}
	if diff := cmp.Diff([]string{"", "conv1", "bn", "head", "head.0", "head.1", "head.2", "head.2.adapter"}, mods); diff != "" {
		t.Errorf("NamedModules (-want +got):\n%s", diff)
	}
	var sd []string
	for _, e := range StateDict(m) {
		sd = append(sd, e.Name)
	}
	wantSD := []string{
		"conv1.weight", "conv1.bias",
		"bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked",
		"head.2.angles", "head.2.adapter.weight", "head.2.adapter.bias",
	}
	if diff := cmp.Diff(wantSD, sd); diff != "" {
		t.Errorf("StateDict names (-want +got):\n%s", diff)
	}
	ps := Params(m)
	if len(ps) != 7 || ps[0] != m.conv1.Weight || ps[4] != m.head.At(2).(*fakeQuantum).angles {
		t.Errorf("Params does not follow NamedParams")
	}
}

func TestParamCounts(t *testing.T) {
	t.Parallel()
	m := newBlock()
	// conv1: 2·1·3·3 + 2 = 20; bn: 2 + 2; angles 12; adapter 3·2 + 3 = 9.
	for _, c := range []struct {
		kinds []Kind
		want  int
	}{
		{nil, 20 + 4 + 12 + 9},
		{[]Kind{Classical}, 20 + 4 + 9},
		{[]Kind{Quantum}, 12},
		{[]Kind{Classical, Quantum}, 45},
		{[]Kind{"other"}, 0},
	} {
		if got := NumParams(m, c.kinds...); got != c.want {
			t.Errorf("NumParams(%v) = %d, want %d", c.kinds, got, c.want)
		}
	}
	per := map[string]int{}
	for _, nm := range NamedModules(m) {
		per[nm.Name] = NumParams(nm.Module)
	}
	want := map[string]int{"": 45, "conv1": 20, "bn": 4, "head": 21, "head.0": 0, "head.1": 0, "head.2": 21, "head.2.adapter": 9}
	if diff := cmp.Diff(want, per); diff != "" {
		t.Errorf("per-module counts (-want +got):\n%s", diff)
	}
	// Freezing the quantum weights removes them from the trainable count.
	m.head.At(2).(*fakeQuantum).angles.SetRequiresGrad(false)
	if got := NumTrainable(m); got != 33 {
		t.Errorf("NumTrainable with frozen angles = %d, want 33", got)
	}
	if got := NumTrainable(m, Quantum); got != 0 {
		t.Errorf("NumTrainable(Quantum) with frozen angles = %d, want 0", got)
	}
}

func TestSharedParamListedOnce(t *testing.T) {
	t.Parallel()
	a := NewLinear(newRand(1), 3, 3, false)
	tied := &Base{}
	tied.RegisterModule("a", a)
	other := &Linear{} // a second layer that reuses a's weight
	other.Weight = other.RegisterParam("weight", a.Weight, Classical)
	tied.RegisterModule("b", other)
	if got := NamedParams(tied); len(got) != 1 || got[0].Name != "a.weight" {
		t.Errorf("tied parameter listed as %v, want once as a.weight", got)
	}
	if got := NumParams(tied); got != 9 {
		t.Errorf("NumParams with a tied weight = %d, want 9", got)
	}
	if got := len(StateDict(tied)); got != 2 {
		t.Errorf("StateDict with a tied weight has %d entries, want 2 (PyTorch keeps both names)", got)
	}
}

func TestTrainingModePropagates(t *testing.T) {
	t.Parallel()
	m := newBlock()
	for _, nm := range NamedModules(m) {
		if !IsTraining(nm.Module) {
			t.Fatalf("%q not in training mode after construction", nm.Name)
		}
	}
	SetTraining(m, false)
	for _, nm := range NamedModules(m) {
		if IsTraining(nm.Module) {
			t.Errorf("%q still in training mode after SetTraining(false)", nm.Name)
		}
	}
	// Dropout in evaluation mode is the identity.
	x := autograd.Const(tensor.Ones(2, 8))
	if got := m.head.At(1).(*Dropout).Forward(x); got != x {
		t.Error("Dropout in evaluation mode changed its input")
	}
	SetTraining(m.head, true)
	if IsTraining(m) || IsTraining(m.bn) || !IsTraining(m.head.At(1)) {
		t.Error("SetTraining on a child leaked to its parent or siblings")
	}
}

func TestRegistrationMistakesPanic(t *testing.T) {
	t.Parallel()
	v := autograd.Param(tensor.New(1))
	for _, c := range []struct {
		name string
		f    func(b *Base)
		msg  string
	}{
		{"empty name", func(b *Base) { b.RegisterParam("", v, Classical) }, "bad member name"},
		{"dotted name", func(b *Base) { b.RegisterBuffer("a.b", tensor.New(1)) }, "bad member name"},
		{"duplicate", func(b *Base) { b.RegisterParam("w", v, Classical); b.RegisterModule("w", NewReLU()) }, "already holds a parameter"},
		{"nil param", func(b *Base) { b.RegisterParam("w", nil, Classical) }, "is nil"},
		{"empty kind", func(b *Base) { b.RegisterParam("w", v, "") }, "empty kind"},
		{"self", func(b *Base) { b.RegisterModule("me", b) }, "own child"},
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "nn: ") || !strings.Contains(msg, c.msg) {
					t.Errorf("%s: panic %q, want an nn: panic about %q", c.name, msg, c.msg)
				}
			}()
			c.f(&Base{})
		}()
	}
}

func TestLayerMistakesPanic(t *testing.T) {
	t.Parallel()
	r := newRand(1)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"BatchNorm2d rank", func() { NewBatchNorm2d(3).Forward(autograd.Const(tensor.New(2, 3))) }},
		{"BatchNorm1d channels", func() { NewBatchNorm1d(3).Forward(autograd.Const(tensor.New(2, 4))) }},
		{"BatchNorm one value per channel", func() { NewBatchNorm1d(3).Forward(autograd.Const(tensor.New(1, 3))) }},
		{"attention heads", func() { NewMultiheadAttention(r, 6, 4, true) }},
		{"attention input", func() { NewMultiheadAttention(r, 4, 2, true).Forward(autograd.Const(tensor.New(2, 4))) }},
		{"LSTMCell input", func() { NewLSTMCell(r, 3, 2, true).Forward(autograd.Const(tensor.New(2, 4)), nil, nil) }},
		{"GRUCell state", func() {
			NewGRUCell(r, 3, 2, true).Forward(autograd.Const(tensor.New(2, 3)), autograd.Const(tensor.New(2, 3)))
		}},
		{"Dropout probability", func() { NewDropout(1.5, r) }},
		{"Dropout without source", func() { NewDropout(0.5, nil).Forward(autograd.Const(tensor.New(2))) }},
		{"GELU approximate", func() { (&GELU{Approximate: "erf"}).Forward(autograd.Const(tensor.New(2))) }},
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "nn: ") {
					t.Errorf("%s: panic %q, want an nn: panic", c.name, msg)
				}
			}()
			c.f()
		}()
	}
}
