package qnn

import (
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/parfor"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// suParams is the number of parameters of an SU(4) block on two qubits.
const suParams = 15

// FlippedQuanvOptions are the optional settings of FlippedQuanv. The zero
// value is the paper's layer: stride 1, no padding, unitary states.
type FlippedQuanvOptions struct {
	Stride  [2]int // (height, width); a zero entry means 1
	Padding [2]int // zero padding (height, width), as nn.Conv2d

	// NonUnitary trains complex θ = a + ib, as the paper's code does
	// (its parameters are complex tensors updated by Adam), so that
	// exp(i·Σθ_k P_k) is not unitary and the states are not normalised.
	// It exists to reproduce the published numbers; leave it off for the
	// physically meaningful layer.
	NonUnitary bool
}

// FlippedQuanv is the "flipped" quantum convolution of Wang et al., "Let
// the Quantum Creep In" (arXiv:2409.17583), the paper's FlippedQuanv3x3:
// it replaces nn.Conv2d(in, out, 3) with the same shapes, x [N, in, H, W]
// to [N, out, OH, OW].
//
// Every (o, i) channel pair owns a trainable two-qubit state
// ψ_oi = exp(i·Σ_k θ_oik P_k)|00⟩ (gate.SpecialUnitary(2), 15 parameters
// in PennyLane's order), and every 3×3 patch P of channel i, zero-padded
// to 4×4 and symmetrised, is an observable H = (P + Pᵀ)/2:
//
//	out[o] = (1/in)·Σ_i ⟨ψ_oi|H_i(patch)|ψ_oi⟩ + Bias[o].
//
// The expectation is linear in the patch, so the layer is exactly a
// convolution with the 3×3 kernels W_oi = Re(ψ_oi ψ_oi†)[0:3, 0:3]/in (see
// Kernel), which Forward builds once per call and passes to
// autograd.Conv2d. Gradients flow exactly to θ through the SU(4)
// exponential.
//
// Parameters: Weight θ [out, in, 15] (quantum, N(0, 1) as the paper's
// randn); with NonUnitary also WeightImag [out, in, 15] (quantum kind
// QuantumImag, initialised to 0 like the paper's real randn cast to
// complex); Bias [out] (classical, N(0, 1); the paper's bias is complex
// but only its real part reaches the output, so it is one real number).
type FlippedQuanv struct {
	nn.Base
	In, Out         int
	Stride, Padding [2]int
	NonUnitary      bool
	Weight          *autograd.Var // θ [Out, In, 15]; the real parts a when NonUnitary
	WeightImag      *autograd.Var // b [Out, In, 15] when NonUnitary, else nil
	Bias            *autograd.Var // [Out]
}

// NewFlippedQuanv returns FlippedQuanv(in, out) with Weight and then Bias
// drawn from N(0, 1) by r. It panics unless in and out are positive.
func NewFlippedQuanv(r *rand.Rand, in, out int, opt FlippedQuanvOptions) *FlippedQuanv {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("qnn: FlippedQuanv(%d, %d)", in, out))
	}
	stride := opt.Stride
	for i := range stride {
		if stride[i] == 0 {
			stride[i] = 1
		}
	}
	q := &FlippedQuanv{In: in, Out: out, Stride: stride, Padding: opt.Padding, NonUnitary: opt.NonUnitary}
	q.Weight = q.RegisterParam("weight", autograd.Param(tensor.RandN(r, out, in, suParams)), nn.Quantum)
	if opt.NonUnitary {
		q.WeightImag = q.RegisterParam("weight_imag", autograd.Param(tensor.New(out, in, suParams)), QuantumImag)
	}
	q.Bias = q.RegisterParam("bias", autograd.Param(tensor.RandN(r, out)), nn.Classical)
	return q
}

// Kernel returns the effective convolution kernels W [Out, In, 3, 3],
// W_oi = Re(ψ_oi ψ_oi†)[0:3, 0:3]/In, as a differentiable function of the
// weights.
func (q *FlippedQuanv) Kernel() *autograd.Var {
	f := &kernelFn{complex: q.NonUnitary}
	if q.NonUnitary {
		if q.WeightImag == nil {
			panic("qnn: FlippedQuanv: NonUnitary without WeightImag")
		}
		return autograd.Apply(f, q.Weight, q.WeightImag)
	}
	return autograd.Apply(f, q.Weight)
}

// Forward returns the layer's output for x [N, In, H, W].
func (q *FlippedQuanv) Forward(x *autograd.Var) *autograd.Var {
	if s := x.Shape(); len(s) != 4 || s[1] != q.In {
		panic(fmt.Sprintf("qnn: FlippedQuanv(%d, %d) input of shape %v, want [N %d H W]", q.In, q.Out, s, q.In))
	}
	return autograd.Conv2d(x, q.Kernel(), q.Bias, q.Stride, q.Padding)
}

// kernelFn maps the weights θ [O, I, 15] (and their imaginary parts) to
// the kernels W [O, I, 3, 3].
type kernelFn struct {
	complex     bool
	out, in     int
	theta, imag []float64
	psi         []complex128 // [O·I, 4] the states
	blocks      []*suBlock   // complex only: the blocks, kept for the VJP
	su          gate.Gate
}

func (f *kernelFn) Forward(in []*tensor.Dense) *tensor.Dense {
	s := in[0].Shape()
	if len(s) != 3 || s[2] != suParams {
		panic(fmt.Sprintf("qnn: FlippedQuanv weight of shape %v, want [out in %d]", s, suParams))
	}
	f.out, f.in = s[0], s[1]
	f.theta = in[0].Contiguous().Data()
	if f.complex {
		if !tensor.SameShape(in[1].Shape(), s) {
			panic(fmt.Sprintf("qnn: FlippedQuanv imaginary weight of shape %v, want %v", in[1].Shape(), s))
		}
		f.imag = in[1].Contiguous().Data()
	}
	pairs := f.out * f.in
	f.psi = make([]complex128, pairs*4)
	f.su = gate.SpecialUnitary(2)
	if f.complex {
		f.blocks = make([]*suBlock, pairs)
	}
	w := tensor.New(f.out, f.in, 3, 3)
	wd := w.Data()
	scale := 1 / float64(f.in)
	parfor.For(pairs, 0, 16, func(_, lo, hi int) {
		u := cmat.New(4, 4)
		for p := lo; p < hi; p++ {
			th := f.theta[p*suParams : (p+1)*suParams]
			m := u
			if f.complex {
				b := newSUBlock(2, true)
				b.set(th, f.imag[p*suParams:(p+1)*suParams], nil)
				f.blocks[p] = b
				m = b.u
			} else {
				f.su.MatrixTo(u, th)
			}
			psi := f.psi[p*4 : (p+1)*4]
			for a := range psi {
				psi[a] = m.Data[a*4] // column 0: U|00⟩
			}
			k := wd[p*9 : (p+1)*9]
			for a := 0; a < 3; a++ {
				for c := 0; c < 3; c++ {
					pa, pc := psi[a], psi[c]
					k[a*3+c] = (real(pa)*real(pc) + imag(pa)*imag(pc)) * scale
				}
			}
		}
	})
	return w
}

// VJP pulls the kernel gradient g [O, I, 3, 3] back to the states,
// ψ̄_a = (1/I)·Σ_c (g_ac + g_ca)·ψ_c (a, c < 3), and through the SU(4)
// exponential to θ: the cotangent of U is ψ̄ in column 0.
func (f *kernelFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	gd := g.Contiguous().Data()
	pairs := f.out * f.in
	gre := tensor.New(f.out, f.in, suParams)
	var gim *tensor.Dense
	if f.complex {
		gim = tensor.New(f.out, f.in, suParams)
	}
	scale := 1 / float64(f.in)
	parfor.For(pairs, 0, 16, func(_, lo, hi int) {
		ubar := cmat.New(4, 4)
		for p := lo; p < hi; p++ {
			psi := f.psi[p*4 : (p+1)*4]
			k := gd[p*9 : (p+1)*9]
			for a := 0; a < 4; a++ {
				var s complex128
				if a < 3 {
					for c := 0; c < 3; c++ {
						s += complex((k[a*3+c]+k[c*3+a])*scale, 0) * psi[c]
					}
				}
				ubar.Data[a*4] = s
			}
			gr := gre.Data()[p*suParams : (p+1)*suParams]
			if f.complex {
				f.blocks[p].vjp(gr, gim.Data()[p*suParams:(p+1)*suParams], ubar)
			} else {
				f.su.VJP(f.theta[p*suParams:(p+1)*suParams], ubar, gr)
			}
		}
	})
	out := []*tensor.Dense{nil}
	if needs[0] {
		out[0] = gre
	}
	if f.complex {
		out = append(out, nil)
		if needs[1] {
			out[1] = gim
		}
	}
	return out
}
