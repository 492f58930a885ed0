package qnn

import (
	"fmt"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/sim"
	"github.com/quanta-qml/quanta/tensor"
)

// compiled is a circuit prepared for simulation with its outputs: what a
// simulator-backed layer keeps. It is immutable and shared by every call.
type compiled struct {
	c    *circuit.Circuit
	outs []sim.Output
	plan *sim.Plan
	p, w int // inputs per sample, weights
	k    int // outputs per sample
}

// compile builds and compiles the circuit of s.
func (s Spec) compile() (*compiled, error) {
	c, outs, err := s.circuit()
	if err != nil {
		return nil, err
	}
	return compileCircuit(c, outs, s.Sim)
}

func compileCircuit(c *circuit.Circuit, outs []sim.Output, opt sim.Options) (*compiled, error) {
	plan, err := sim.Compile(c, outs, opt)
	if err != nil {
		return nil, fmt.Errorf("qnn: %w", err)
	}
	return &compiled{c: c, outs: outs, plan: plan, p: c.NumInputs(), w: c.NumWeights(), k: plan.Width()}, nil
}

// run is one forward run of a compiled circuit on a batch, kept for the
// backward pass. A run whose inputs or weights sim rejects (NaN or Inf, or
// amplitude features of zero norm) has err set: its outputs and gradients
// are NaN, which the training loop's NaN check reports.
type run struct {
	res *sim.Result
	err error
}

// forward runs cc on the batch (B rows of cc.p inputs) and writes the B×K
// outputs into out.
func (cc *compiled) forward(out, weights, inputs []float64) run {
	res, err := cc.plan.Forward(weights, inputs)
	if err != nil {
		fillNaN(out)
		return run{err: err}
	}
	copy(out, res.Values())
	return run{res: res}
}

// vjp returns the gradients of Σ cot·outputs of the run: the weights' (W
// values, summed over the batch) and the inputs' (B×P).
func (r run) vjp(cot []float64, b, p, w int) (dw, dx []float64) {
	if r.err != nil {
		dw, dx = make([]float64, w), make([]float64, b*p)
		fillNaN(dw)
		fillNaN(dx)
		return dw, dx
	}
	return r.res.VJP(cot)
}

// circuitFn is the autograd.Function of Parallel and QDense: k copies of a
// compiled circuit, copy j reading columns [j·P, (j+1)·P) of x [B, k·P]
// and weights [j·W, (j+1)·W) of the concatenated weight inputs, its K
// outputs forming columns [j·K, (j+1)·K) of the result [B, k·K]. Each
// copy is one simulator call over the whole batch.
//
// Inputs: x, then one or more weight tensors whose elements, in order,
// are the k·W weights.
type circuitFn struct {
	cc     *compiled
	copies int
	b      int
	shapes [][]int
	runs   []run
}

func (f *circuitFn) Forward(in []*tensor.Dense) *tensor.Dense {
	cc, k := f.cc, f.copies
	s := in[0].Shape()
	if len(s) != 2 || s[1] != k*cc.p {
		panic(fmt.Sprintf("qnn: circuit input of shape %v, want [B %d]", s, k*cc.p))
	}
	f.b = s[0]
	var weights []float64
	f.shapes = make([][]int, len(in)-1)
	for i, t := range in[1:] {
		f.shapes[i] = append([]int(nil), t.Shape()...)
		weights = append(weights, t.Contiguous().Data()...)
	}
	if len(weights) != k*cc.w {
		panic(fmt.Sprintf("qnn: %d circuit weights, want %d", len(weights), k*cc.w))
	}
	out := tensor.New(f.b, k*cc.k)
	if f.b == 0 {
		return out
	}
	x := in[0].Contiguous().Data()
	f.runs = make([]run, k)
	if k == 1 {
		f.runs[0] = cc.forward(out.Data(), weights, x)
		return out
	}
	xs := make([]float64, f.b*cc.p)
	ys := make([]float64, f.b*cc.k)
	od := out.Data()
	for j := range k {
		gatherCols(xs, x, f.b, k*cc.p, j*cc.p, cc.p)
		f.runs[j] = cc.forward(ys, weights[j*cc.w:(j+1)*cc.w], xs)
		scatterCols(od, ys, f.b, k*cc.k, j*cc.k, cc.k)
	}
	return out
}

func (f *circuitFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	cc, k, b := f.cc, f.copies, f.b
	grads := make([]*tensor.Dense, 1+len(f.shapes))
	dw := make([]float64, k*cc.w)
	var dx *tensor.Dense
	if needs[0] {
		dx = tensor.New(b, k*cc.p)
	}
	if b > 0 {
		cot := g.Contiguous().Data()
		cs := cot
		if k > 1 {
			cs = make([]float64, b*cc.k)
		}
		for j := range k {
			if k > 1 {
				gatherCols(cs, cot, b, k*cc.k, j*cc.k, cc.k)
			}
			w, x := f.runs[j].vjp(cs, b, cc.p, cc.w)
			copy(dw[j*cc.w:], w)
			if dx != nil {
				scatterCols(dx.Data(), x, b, k*cc.p, j*cc.p, cc.p)
			}
		}
	}
	grads[0] = dx
	off := 0
	for i, s := range f.shapes {
		size := 1
		for _, d := range s {
			size *= d
		}
		if needs[i+1] {
			grads[i+1] = tensor.FromSlice(dw[off:off+size], s...)
		}
		off += size
	}
	return grads
}

// gatherCols copies columns [c0, c0+w) of the rows×stride matrix src into
// the rows×w matrix dst.
func gatherCols(dst, src []float64, rows, stride, c0, w int) {
	for r := range rows {
		copy(dst[r*w:(r+1)*w], src[r*stride+c0:r*stride+c0+w])
	}
}

// scatterCols copies the rows×w matrix src into columns [c0, c0+w) of the
// rows×stride matrix dst.
func scatterCols(dst, src []float64, rows, stride, c0, w int) {
	for r := range rows {
		copy(dst[r*stride+c0:r*stride+c0+w], src[r*w:(r+1)*w])
	}
}
