package nn

import (
	"fmt"
	"strings"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

// Module is a node of a model tree: a layer, a block or a whole network,
// with its own parameters, buffers and child modules. A type becomes a
// Module by embedding Base, which keeps that bookkeeping; the walking
// functions of this package (NamedParams, StateDict, SetTraining, …) work
// on any Module, wherever it is defined.
type Module interface {
	base() *Base
}

// Layer is a Module with one input and one output, the common case that
// Sequential chains: a batch in, a batch out. Modules with several inputs
// or outputs (LSTMCell, GRUCell, losses) have their own Forward
// signatures.
type Layer interface {
	Module
	// Forward runs the layer on a batch (the first axis is the batch).
	Forward(x *autograd.Var) *autograd.Var
}

// Kind tags a parameter so that counts can be split by origin, for
// example classical versus quantum weights in a hybrid model. Packages
// may define kinds of their own; Classical and Quantum are the two this
// module uses.
type Kind string

const (
	// Classical tags the parameters of ordinary neural-network layers.
	Classical Kind = "classical"
	// Quantum tags circuit parameters (rotation angles, evolution times).
	Quantum Kind = "quantum"
)

// Base holds a module's registered parameters, buffers and children, in
// registration order, and its train/eval mode. Embed it (by value) in
// every module type. The zero value is an empty module in training mode,
// like a fresh torch.nn.Module.
type Base struct {
	params   []paramEntry
	buffers  []bufferEntry
	children []childEntry
	eval     bool
}

type paramEntry struct {
	name string
	v    *autograd.Var
	kind Kind
}

type bufferEntry struct {
	name string
	t    *tensor.Dense
}

type childEntry struct {
	name string
	m    Module
}

func (b *Base) base() *Base { return b }

// RegisterParam records v as the parameter name of this module, tagged
// with kind, and returns v. Registration order is the order of NamedParams
// and of the state dict. It panics on an empty, dotted or duplicate name,
// a nil v or an empty kind.
func (b *Base) RegisterParam(name string, v *autograd.Var, kind Kind) *autograd.Var {
	b.checkName(name)
	if v == nil {
		panic(fmt.Sprintf("nn: parameter %q is nil", name))
	}
	if kind == "" {
		panic(fmt.Sprintf("nn: parameter %q has an empty kind", name))
	}
	b.params = append(b.params, paramEntry{name, v, kind})
	return v
}

// RegisterBuffer records t as the buffer name of this module (state that
// is saved but not trained, such as BatchNorm's running statistics) and
// returns t. The module must update t in place so that the registered
// tensor stays the live one. Naming rules are those of RegisterParam.
func (b *Base) RegisterBuffer(name string, t *tensor.Dense) *tensor.Dense {
	b.checkName(name)
	if t == nil {
		panic(fmt.Sprintf("nn: buffer %q is nil", name))
	}
	b.buffers = append(b.buffers, bufferEntry{name, t})
	return t
}

// RegisterModule records m as the child name of this module: its
// parameters and buffers appear under "name." and it follows this
// module's train/eval mode. Naming rules are those of RegisterParam.
func (b *Base) RegisterModule(name string, m Module) {
	b.checkName(name)
	if m == nil {
		panic(fmt.Sprintf("nn: module %q is nil", name))
	}
	if m.base() == b {
		panic(fmt.Sprintf("nn: module %q registered as its own child", name))
	}
	b.children = append(b.children, childEntry{name, m})
}

// Training reports whether the module is in training mode (the default)
// rather than evaluation mode; see SetTraining.
func (b *Base) Training() bool { return !b.eval }

func (b *Base) checkName(name string) {
	if name == "" || strings.Contains(name, ".") {
		panic(fmt.Sprintf("nn: bad member name %q (must be non-empty, without dots)", name))
	}
	for _, p := range b.params {
		if p.name == name {
			panic(fmt.Sprintf("nn: name %q already holds a parameter", name))
		}
	}
	for _, t := range b.buffers {
		if t.name == name {
			panic(fmt.Sprintf("nn: name %q already holds a buffer", name))
		}
	}
	for _, c := range b.children {
		if c.name == name {
			panic(fmt.Sprintf("nn: name %q already holds a module", name))
		}
	}
}

// NamedParam is a parameter with its hierarchical name ("0.weight",
// "conv1.bias") and kind.
type NamedParam struct {
	Name string
	Var  *autograd.Var
	Kind Kind
}

// NamedBuffer is a buffer with its hierarchical name
// ("bn.running_mean").
type NamedBuffer struct {
	Name  string
	Value *tensor.Dense
}

// NamedModule is a module with its hierarchical name ("" for the root).
type NamedModule struct {
	Name   string
	Module Module
}

// walk visits m and its descendants in pre-order (a module's own
// members, then each child in registration order), with the dotted
// prefix of each.
func walk(prefix string, m Module, visit func(prefix string, b *Base)) {
	b := m.base()
	visit(prefix, b)
	for _, c := range b.children {
		walk(prefix+c.name+".", c.m, visit)
	}
}

// NamedParams returns the parameters of m and its descendants in a
// deterministic order (a module's own parameters in registration order,
// then each child's, recursively), named like PyTorch's
// named_parameters. A parameter shared by several modules appears once,
// under its first name.
func NamedParams(m Module) []NamedParam {
	var out []NamedParam
	seen := map[*autograd.Var]bool{}
	walk("", m, func(prefix string, b *Base) {
		for _, p := range b.params {
			if seen[p.v] {
				continue
			}
			seen[p.v] = true
			out = append(out, NamedParam{prefix + p.name, p.v, p.kind})
		}
	})
	return out
}

// Params returns the parameters of NamedParams without names: what an
// optimiser takes.
func Params(m Module) []*autograd.Var {
	named := NamedParams(m)
	out := make([]*autograd.Var, len(named))
	for i, p := range named {
		out[i] = p.Var
	}
	return out
}

// NamedBuffers returns the buffers of m and its descendants in the order
// of NamedParams (own buffers first, then children's).
func NamedBuffers(m Module) []NamedBuffer {
	var out []NamedBuffer
	walk("", m, func(prefix string, b *Base) {
		for _, t := range b.buffers {
			out = append(out, NamedBuffer{prefix + t.name, t.t})
		}
	})
	return out
}

// NamedModules returns m (named "") and its descendants in pre-order,
// named like PyTorch's named_modules ("0", "block.conv1").
func NamedModules(m Module) []NamedModule {
	out := []NamedModule{{"", m}}
	var rec func(prefix string, m Module)
	rec = func(prefix string, m Module) {
		for _, c := range m.base().children {
			out = append(out, NamedModule{prefix + c.name, c.m})
			rec(prefix+c.name+".", c.m)
		}
	}
	rec("", m)
	return out
}

// NumParams returns the number of parameter elements of m and its
// descendants whose kind is one of kinds, or of all parameters when no
// kind is given. Shared parameters count once. Called on each entry of
// NamedModules it gives per-module counts.
func NumParams(m Module, kinds ...Kind) int {
	return count(m, false, kinds)
}

// NumTrainable is NumParams restricted to parameters that require a
// gradient (frozen parameters, such as a reservoir's circuit, excluded).
func NumTrainable(m Module, kinds ...Kind) int {
	return count(m, true, kinds)
}

func count(m Module, trainable bool, kinds []Kind) int {
	n := 0
	for _, p := range NamedParams(m) {
		if trainable && !p.Var.RequiresGrad() {
			continue
		}
		if len(kinds) > 0 && !hasKind(kinds, p.Kind) {
			continue
		}
		n += p.Var.Value().Size()
	}
	return n
}

func hasKind(kinds []Kind, k Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// SetTraining puts m and all its descendants in training mode (on) or
// evaluation mode (off), like PyTorch's module.train(on). Dropout and
// BatchNorm read the mode; other layers ignore it.
func SetTraining(m Module, on bool) {
	walk("", m, func(_ string, b *Base) { b.eval = !on })
}

// IsTraining reports whether m is in training mode.
func IsTraining(m Module) bool { return m.base().Training() }

// ZeroGrad zeroes the accumulated gradients of all parameters of m.
func ZeroGrad(m Module) { autograd.ZeroGrad(Params(m)...) }
