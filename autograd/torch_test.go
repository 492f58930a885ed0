package autograd

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/quanta-qml/quanta/tensor"
)

// torchFile is testdata/torch.json, written by testdata/gen_torch.py (see
// testdata/README.md for its provenance).
type torchFile struct {
	TorchVersion string      `json:"torch_version"`
	Cases        []torchCase `json:"cases"`
}

type torchCase struct {
	Name   string `json:"name"`
	Op     string `json:"op"`
	Params struct {
		Stride          []int   `json:"stride"`
		Padding         []int   `json:"padding"`
		Kernel          []int   `json:"kernel"`
		Output          []int   `json:"output"`
		NormalizedShape []int   `json:"normalized_shape"`
		Targets         []int   `json:"targets"`
		Eps             float64 `json:"eps"`
		Smoothing       float64 `json:"smoothing"`
		Axis            int     `json:"axis"`
		Approximate     string  `json:"approximate"`
	} `json:"params"`
	Tensors map[string]struct {
		Shape []int     `json:"shape"`
		Data  []float64 `json:"data"`
	} `json:"tensors"`
}

func (c *torchCase) tensor(t *testing.T, name string) *tensor.Dense {
	t.Helper()
	v, ok := c.Tensors[name]
	if !ok {
		t.Fatalf("%s: tensor %q missing from torch.json", c.Name, name)
	}
	return tensor.FromSlice(v.Data, v.Shape...)
}

func pair(v []int) [2]int { return [2]int{v[0], v[1]} }

// run builds the case's operation on Params named after its inputs and
// returns the output, the inputs in order and any extra outputs to check.
func (c *torchCase) run(t *testing.T) (out *Var, names []string, in []*Var, extra map[string]*tensor.Dense) {
	p := &c.Params
	param := func(names_ ...string) []*Var {
		names = names_
		in = make([]*Var, len(names_))
		for i, n := range names_ {
			if _, ok := c.Tensors[n]; ok {
				in[i] = Param(c.tensor(t, n))
			}
		}
		return in
	}
	switch c.Op {
	case "conv2d":
		v := param("x", "w", "b")
		if v[2] == nil {
			names, in = names[:2], in[:2]
		}
		out = Conv2d(v[0], v[1], v[2], pair(p.Stride), pair(p.Padding))
	case "batchnorm":
		v := param("x", "gamma", "beta")
		var mean, variance *tensor.Dense
		out, mean, variance = BatchNorm(v[0], v[1], v[2], p.Eps)
		extra = map[string]*tensor.Dense{"mean": mean, "var": variance}
	case "cross_entropy":
		out = CrossEntropy(param("x")[0], p.Targets, p.Smoothing)
	case "gelu":
		x := param("x")[0]
		if p.Approximate == "tanh" {
			out = GELUTanh(x)
		} else {
			out = GELU(x)
		}
	case "log_softmax":
		out = LogSoftmax(param("x")[0], p.Axis)
	case "softmax":
		out = Softmax(param("x")[0], p.Axis)
	case "max_pool2d":
		out = MaxPool2d(param("x")[0], pair(p.Kernel), pair(p.Stride), pair(p.Padding))
	case "avg_pool2d":
		out = AvgPool2d(param("x")[0], pair(p.Kernel), pair(p.Stride), pair(p.Padding))
	case "adaptive_avg_pool2d":
		out = AdaptiveAvgPool2d(param("x")[0], p.Output[0], p.Output[1])
	case "layer_norm":
		v := param("x", "gamma", "beta")
		out = LayerNorm(v[0], p.NormalizedShape, v[1], v[2], p.Eps)
	case "bce_with_logits":
		v := param("x", "y")
		out = BCEWithLogitsLoss(v[0], v[1])
	default:
		t.Fatalf("%s: unknown op %q", c.Name, c.Op)
	}
	return out, names, in, extra
}

func compareTorch(t *testing.T, what string, got, want *tensor.Dense) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: missing", what)
		return
	}
	if !tensor.SameShape(got.Shape(), want.Shape()) {
		t.Errorf("%s: shape %v, want %v", what, got.Shape(), want.Shape())
		return
	}
	g, w := got.Contiguous().Data(), want.Data()
	for i := range g {
		if d := math.Abs(g[i] - w[i]); d > 1e-12+1e-10*math.Abs(w[i]) || math.IsNaN(d) {
			t.Errorf("%s[%d] = %.17g, PyTorch %.17g", what, i, g[i], w[i])
			return
		}
	}
}

func TestAgainstPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch.json")
	if err != nil {
		t.Fatal(err)
	}
	var f torchFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("testdata/torch.json: %v", err)
	}
	if len(f.Cases) < 18 {
		t.Fatalf("torch.json holds %d cases, want at least 18", len(f.Cases))
	}
	for i := range f.Cases {
		c := &f.Cases[i]
		t.Run(c.Name, func(t *testing.T) {
			out, names, in, extra := c.run(t)
			compareTorch(t, "out", out.Value(), c.tensor(t, "out"))
			out.BackwardWith(c.tensor(t, "grad_out"))
			for k, n := range names {
				compareTorch(t, "grad_"+n, in[k].Grad(), c.tensor(t, "grad_"+n))
			}
			for _, n := range []string{"mean", "var"} {
				if v, ok := extra[n]; ok {
					compareTorch(t, n, v, c.tensor(t, n))
				}
			}
		})
	}
}
