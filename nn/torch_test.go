package nn

import (
	"encoding/json"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

// torchFile is testdata/torch.json, written by testdata/gen_torch.py (see
// testdata/README.md for its provenance).
type torchFile struct {
	TorchVersion string      `json:"torch_version"`
	Seed         int         `json:"seed"`
	Cases        []torchCase `json:"cases"`
}

type torchArray struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

type torchCase struct {
	Name   string `json:"name"`
	Op     string `json:"op"`
	Params struct {
		StateKeys       []string `json:"state_keys"`
		In              int      `json:"in"`
		Out             int      `json:"out"`
		Bias            bool     `json:"bias"`
		Kernel          []int    `json:"kernel"`
		Stride          []int    `json:"stride"`
		Padding         []int    `json:"padding"`
		Features        int      `json:"features"`
		Dims            int      `json:"dims"`
		NormalizedShape []int    `json:"normalized_shape"`
		Hidden          int      `json:"hidden"`
		EmbedDim        int      `json:"embed_dim"`
		Heads           int      `json:"heads"`
		Causal          bool     `json:"causal"`
		Targets         []int    `json:"targets"`
		Smoothing       float64  `json:"smoothing"`
	} `json:"params"`
	Tensors map[string]torchArray `json:"tensors"`
}

func loadTorch(t *testing.T) []torchCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/torch.json")
	if err != nil {
		t.Fatal(err)
	}
	var f torchFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("testdata/torch.json: %v", err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("testdata/torch.json holds no cases")
	}
	return f.Cases
}

// tensor returns a fresh copy of the named tensor of the case.
func (c *torchCase) tensor(t *testing.T, name string) *tensor.Dense {
	t.Helper()
	a, ok := c.Tensors[name]
	if !ok {
		t.Fatalf("%s: tensor %q missing from torch.json", c.Name, name)
	}
	return tensor.FromSlice(slices.Clone(a.Data), a.Shape...)
}

// torchClose is the tolerance for float64 values recomputed from
// PyTorch's inputs: the operations agree to rounding.
func torchClose(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12+1e-10*math.Abs(want)
}

// expect compares got with the named tensor of the case.
func (c *torchCase) expect(t *testing.T, what string, got *tensor.Dense, name string) {
	t.Helper()
	want := c.tensor(t, name)
	if !slices.Equal(got.Shape(), want.Shape()) {
		t.Errorf("%s: %s has shape %v, PyTorch %v", c.Name, what, got.Shape(), want.Shape())
		return
	}
	g, w := got.Contiguous().Data(), want.Data()
	for i := range w {
		if !torchClose(g[i], w[i]) {
			t.Errorf("%s: %s[%d] = %.15g, PyTorch %.15g", c.Name, what, i, g[i], w[i])
			return
		}
	}
}

// load checks that m's state names are PyTorch's, in PyTorch's order, and
// loads the case's values (with prefix, e.g. "init.") into m.
func (c *torchCase) load(t *testing.T, m Module, prefix string) {
	t.Helper()
	var names []string
	var sd []NamedTensor
	for _, e := range StateDict(m) {
		names = append(names, e.Name)
		sd = append(sd, NamedTensor{e.Name, c.tensor(t, prefix+e.Name)})
	}
	if !slices.Equal(names, c.Params.StateKeys) {
		t.Fatalf("%s: state names %v, PyTorch %v", c.Name, names, c.Params.StateKeys)
	}
	if err := LoadStateDict(m, sd); err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
}

// backward seeds every output with its upstream gradient from the case.
func (c *torchCase) backward(t *testing.T, prefix string, outs map[string]*autograd.Var) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(outs)) {
		outs[k].BackwardWith(c.tensor(t, prefix+"grad_"+k))
	}
}

// check compares outputs, input gradients and the gradients of m's
// parameters with the case.
func (c *torchCase) check(t *testing.T, prefix string, m Module, outs map[string]*autograd.Var, inputs map[string]*autograd.Var) {
	t.Helper()
	for k, v := range outs {
		c.expect(t, k, v.Value(), prefix+k)
	}
	for k, v := range inputs {
		if v.Grad() == nil {
			t.Errorf("%s: no gradient for input %s", c.Name, k)
			continue
		}
		c.expect(t, "grad "+k, v.Grad(), prefix+"grad_"+k)
	}
	if m == nil {
		return
	}
	for _, p := range NamedParams(m) {
		if p.Var.Grad() == nil {
			t.Errorf("%s: no gradient for %s", c.Name, p.Name)
			continue
		}
		c.expect(t, "grad "+p.Name, p.Var.Grad(), prefix+"grad_"+p.Name)
	}
}

func pair(v []int) [2]int { return [2]int{v[0], v[1]} }

func TestAgainstPyTorch(t *testing.T) {
	t.Parallel()
	ops := map[string]bool{}
	for _, c := range loadTorch(t) {
		ops[c.Op] = true
		t.Run(c.Name, func(t *testing.T) {
			p := &c.Params
			r := newRand(1) // values are overwritten by the case's state
			param := func(name string) *autograd.Var { return autograd.Param(c.tensor(t, name)) }
			switch c.Op {
			case "linear", "conv2d", "layernorm", "lstmcell", "grucell", "mha":
				var m Module
				in := map[string]*autograd.Var{"x": param("x")}
				outs := map[string]*autograd.Var{}
				switch c.Op {
				case "linear":
					l := NewLinear(r, p.In, p.Out, p.Bias)
					m = l
					c.load(t, m, "")
					outs["out"] = l.Forward(in["x"])
				case "conv2d":
					l := NewConv2d(r, p.In, p.Out, pair(p.Kernel), Conv2dOptions{Stride: pair(p.Stride), Padding: pair(p.Padding), NoBias: !p.Bias})
					m = l
					c.load(t, m, "")
					outs["out"] = l.Forward(in["x"])
				case "layernorm":
					l := NewLayerNorm(p.NormalizedShape...)
					m = l
					c.load(t, m, "")
					outs["out"] = l.Forward(in["x"])
				case "lstmcell":
					l := NewLSTMCell(r, p.In, p.Hidden, p.Bias)
					m = l
					c.load(t, m, "")
					var h, cs *autograd.Var
					if _, ok := c.Tensors["h"]; ok {
						h, cs = param("h"), param("c")
						in["h"], in["c"] = h, cs
					}
					outs["h_out"], outs["c_out"] = l.Forward(in["x"], h, cs)
				case "grucell":
					l := NewGRUCell(r, p.In, p.Hidden, p.Bias)
					m = l
					c.load(t, m, "")
					var h *autograd.Var
					if _, ok := c.Tensors["h"]; ok {
						h = param("h")
						in["h"] = h
					}
					outs["h_out"] = l.Forward(in["x"], h)
				case "mha":
					l := NewMultiheadAttention(r, p.EmbedDim, p.Heads, p.Bias)
					l.Causal = p.Causal
					m = l
					c.load(t, m, "")
					outs["out"], outs["weights"] = l.ForwardWeights(in["x"])
				}
				c.backward(t, "", outs)
				c.check(t, "", m, outs, in)
			case "batchnorm":
				var bn *BatchNorm
				if p.Dims == 4 {
					bn = NewBatchNorm2d(p.Features)
				} else {
					bn = NewBatchNorm1d(p.Features)
				}
				c.load(t, bn, "init.")
				for _, step := range []string{"train1.", "train2.", "eval."} {
					SetTraining(bn, step != "eval.")
					ZeroGrad(bn)
					x := param(step + "x")
					outs := map[string]*autograd.Var{"out": bn.Forward(x)}
					c.backward(t, step, outs)
					c.check(t, step, bn, outs, map[string]*autograd.Var{"x": x})
					for _, b := range NamedBuffers(bn) {
						c.expect(t, step+b.Name, b.Value, step+b.Name)
					}
				}
			case "cross_entropy", "nll", "mse", "bce":
				in := map[string]*autograd.Var{"x": param("x")}
				var out *autograd.Var
				switch c.Op {
				case "cross_entropy":
					out = CrossEntropyLoss{LabelSmoothing: p.Smoothing}.Forward(in["x"], p.Targets)
				case "nll":
					out = NLLLoss{}.Forward(in["x"], p.Targets)
				case "mse":
					in["y"] = param("y")
					out = MSELoss{}.Forward(in["x"], in["y"])
				case "bce":
					in["y"] = param("y")
					out = BCEWithLogitsLoss{}.Forward(in["x"], in["y"])
				}
				outs := map[string]*autograd.Var{"out": out}
				c.backward(t, "", outs)
				c.check(t, "", nil, outs, in)
			default:
				t.Fatalf("unknown op %q", c.Op)
			}
		})
	}
	for _, op := range []string{"linear", "conv2d", "batchnorm", "layernorm", "lstmcell", "grucell", "mha", "cross_entropy", "nll", "mse", "bce"} {
		if !ops[op] {
			t.Errorf("torch.json has no %s case", op)
		}
	}
}

// newRand returns a seeded PCG source for tests.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }
