package qnn

import (
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// Quanv2DOptions are the optional settings of Quanv2D.
type Quanv2DOptions struct {
	// Spec is the circuit run on every patch; its embedding reads the
	// in·KH·KW values of a patch (channel-major, then row, then column).
	// With Qubits 0 it gets the qubits to read them (one per value for
	// the angle embedding).
	Spec Spec
	// Stride is (height, width); a zero entry means 1, as nn.Conv2d.
	Stride [2]int
	// Padding is the zero padding (height, width), as nn.Conv2d.
	Padding [2]int
}

// Quanv2D is a quanvolution in the slot of nn.Conv2d(in, K, kernel): x [N,
// in, H, W] to [N, K, OH, OW] with PyTorch's output size, where a
// trainable circuit reads every kernel-sized patch of all input channels
// and output channel k is its k-th measured value (HQNN-Quanv of
// Senokosov et al., arXiv:2304.09224, after Henderson et al.'s
// quanvolution, arXiv:1904.04767). All patches of all images form one
// batch of the simulator, so a forward pass is one sim call and the
// backward pass one adjoint sweep, for the weights and the pixels.
//
// Parameters: Weight [W] (quantum).
type Quanv2D struct {
	nn.Base
	In, Out         int // input channels, output channels K
	Kernel          [2]int
	Stride, Padding [2]int
	Spec            Spec          // the circuit, Qubits and Features resolved (read-only)
	Weight          *autograd.Var // [W]
	cc              *compiled
}

// NewQuanv2D returns Quanv2D(in, kernel) with the circuit of opt.Spec,
// drawing its weights (Spec.Init, default U[0, 2π)) from r. It panics when
// the sizes are not positive or the circuit does not read in·KH·KW
// features.
func NewQuanv2D(r *rand.Rand, in int, kernel [2]int, opt Quanv2DOptions) *Quanv2D {
	if in < 1 || kernel[0] < 1 || kernel[1] < 1 || opt.Stride[0] < 0 || opt.Stride[1] < 0 ||
		opt.Padding[0] < 0 || opt.Padding[1] < 0 {
		panic(fmt.Sprintf("qnn: Quanv2D(%d, kernel %v, stride %v, padding %v)", in, kernel, opt.Stride, opt.Padding))
	}
	f := in * kernel[0] * kernel[1]
	spec := opt.Spec.resolve(f)
	if spec.Features() != f {
		panic(fmt.Sprintf("qnn: Quanv2D: the circuit reads %d features, a patch has %d", spec.Features(), f))
	}
	cc, err := spec.compile()
	if err != nil {
		panic(fmt.Sprintf("qnn: Quanv2D: %v", err))
	}
	stride := opt.Stride
	for i := range stride {
		if stride[i] == 0 {
			stride[i] = 1
		}
	}
	q := &Quanv2D{In: in, Out: cc.k, Kernel: kernel, Stride: stride, Padding: opt.Padding, Spec: spec, cc: cc}
	w := tensor.New(cc.w)
	initWeights(r, w.Data(), spec.Init)
	q.Weight = q.RegisterParam("weight", autograd.Param(w), nn.Quantum)
	return q
}

// Circuit returns the circuit run on every patch.
func (q *Quanv2D) Circuit() *circuit.Circuit { return q.cc.c }

// Forward returns the quanvolution of x [N, In, H, W]: [N, Out, OH, OW].
func (q *Quanv2D) Forward(x *autograd.Var) *autograd.Var {
	s := x.Shape()
	if len(s) != 4 || s[1] != q.In {
		panic(fmt.Sprintf("qnn: Quanv2D(%d) input of shape %v, want [N %d H W]", q.In, s, q.In))
	}
	g := tensor.ConvGeom{C: q.In, H: s[2], W: s[3], KH: q.Kernel[0], KW: q.Kernel[1],
		SH: q.Stride[0], SW: q.Stride[1], PH: q.Padding[0], PW: q.Padding[1]}
	if g.H+2*g.PH < g.KH || g.W+2*g.PW < g.KW {
		panic(fmt.Sprintf("qnn: Quanv2D: kernel %v larger than the padded input %v", q.Kernel, s[2:]))
	}
	return autograd.Apply(&quanvFn{cc: q.cc, g: g}, x, q.Weight)
}

// quanvFn is Quanv2D's Function: patches → one sim run → channels.
type quanvFn struct {
	cc *compiled
	g  tensor.ConvGeom
	n  int
	r  run
}

func (f *quanvFn) Forward(in []*tensor.Dense) *tensor.Dense {
	cc, g := f.cc, f.g
	f.n = in[0].Dim(0)
	oh, ow := g.OutH(), g.OutW()
	l := oh * ow
	b := f.n * l
	out := tensor.New(f.n, cc.k, oh, ow)
	if b == 0 {
		return out
	}
	patches := make([]float64, b*cc.p)
	x := in[0].Contiguous().Data()
	img := g.C * g.H * g.W
	for n := range f.n {
		gatherPatches(patches[n*l*cc.p:(n+1)*l*cc.p], x[n*img:(n+1)*img], g)
	}
	vals := make([]float64, b*cc.k)
	f.r = cc.forward(vals, in[1].Contiguous().Data(), patches)
	od := out.Data()
	for n := range f.n {
		for pos := range l {
			row := vals[(n*l+pos)*cc.k : (n*l+pos+1)*cc.k]
			for k, v := range row {
				od[(n*cc.k+k)*l+pos] = v
			}
		}
	}
	return out
}

func (f *quanvFn) VJP(gy *tensor.Dense, needs []bool) []*tensor.Dense {
	cc, g := f.cc, f.g
	l := g.OutH() * g.OutW()
	b := f.n * l
	var dx, dw *tensor.Dense
	if needs[0] {
		dx = tensor.New(f.n, g.C, g.H, g.W)
	}
	if needs[1] {
		dw = tensor.New(cc.w)
	}
	if b == 0 {
		return []*tensor.Dense{dx, dw}
	}
	gd := gy.Contiguous().Data()
	cot := make([]float64, b*cc.k)
	for n := range f.n {
		for k := range cc.k {
			src := gd[(n*cc.k+k)*l : (n*cc.k+k+1)*l]
			for pos, v := range src {
				cot[(n*l+pos)*cc.k+k] = v
			}
		}
	}
	w, dp := f.r.vjp(cot, b, cc.p, cc.w)
	if dw != nil {
		copy(dw.Data(), w)
	}
	if dx != nil {
		img := g.C * g.H * g.W
		d := dx.Data()
		for n := range f.n {
			scatterPatches(d[n*img:(n+1)*img], dp[n*l*cc.p:(n+1)*l*cc.p], g)
		}
	}
	return []*tensor.Dense{dx, dw}
}

// gatherPatches writes the patches of one image x (C×H×W) into dst, one
// row per output position (row-major over the output grid) holding the
// C·KH·KW window values channel-major, 0 in the padding.
func gatherPatches(dst, x []float64, g tensor.ConvGeom) {
	oh, ow := g.OutH(), g.OutW()
	f := g.C * g.KH * g.KW
	for oy := range oh {
		for ox := range ow {
			row := dst[(oy*ow+ox)*f : (oy*ow+ox+1)*f]
			i := 0
			for c := range g.C {
				for ki := range g.KH {
					iy := oy*g.SH - g.PH + ki
					for kj := range g.KW {
						ix := ox*g.SW - g.PW + kj
						v := 0.0
						if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
							v = x[(c*g.H+iy)*g.W+ix]
						}
						row[i] = v
						i++
					}
				}
			}
		}
	}
}

// scatterPatches adds patch gradients (the layout of gatherPatches) back
// into the image gradient dx (C×H×W): the adjoint of gatherPatches.
func scatterPatches(dx, src []float64, g tensor.ConvGeom) {
	oh, ow := g.OutH(), g.OutW()
	f := g.C * g.KH * g.KW
	for oy := range oh {
		for ox := range ow {
			row := src[(oy*ow+ox)*f : (oy*ow+ox+1)*f]
			i := 0
			for c := range g.C {
				for ki := range g.KH {
					iy := oy*g.SH - g.PH + ki
					for kj := range g.KW {
						ix := ox*g.SW - g.PW + kj
						if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
							dx[(c*g.H+iy)*g.W+ix] += row[i]
						}
						i++
					}
				}
			}
		}
	}
}
