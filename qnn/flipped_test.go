package qnn

import (
	"fmt"
	"math"
	"math/cmplx"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/tensor"
)

// flippedDirect evaluates FlippedQuanv the paper's way, without the
// linearity shortcut: for every output position the 3×3 patch of each
// input channel (after zero padding of the image) is padded to 4×4 and
// symmetrised into H, and ⟨ψ_oi|H|ψ_oi⟩ is computed from the state vector
// ψ_oi = Expm(i·Σ_k θ_k P_k)|00⟩ (generator summed from Kronecker
// products). It also fails the test when an expectation is not real.
func flippedDirect(t *testing.T, q *FlippedQuanv, x *tensor.Dense) *tensor.Dense {
	t.Helper()
	s := x.Shape()
	nb, c, hh, ww := s[0], s[1], s[2], s[3]
	sh, sw, ph, pw := q.Stride[0], q.Stride[1], q.Padding[0], q.Padding[1]
	oh, ow := (hh+2*ph-3)/sh+1, (ww+2*pw-3)/sw+1
	th := q.Weight.Value().Data()
	var im []float64
	if q.NonUnitary {
		im = q.WeightImag.Value().Data()
	}
	states := make([][]complex128, q.Out*c)
	for p := range states {
		var ip []float64
		if im != nil {
			ip = im[p*15 : (p+1)*15]
		}
		u := denseSU(2, th[p*15:(p+1)*15], ip)
		states[p] = matVec(u, []complex128{1, 0, 0, 0})
	}
	pix := func(b, ch, i, j int) float64 {
		i, j = i-ph, j-pw
		if i < 0 || j < 0 || i >= hh || j >= ww {
			return 0
		}
		return x.At(b, ch, i, j)
	}
	out := tensor.New(nb, q.Out, oh, ow)
	for b := 0; b < nb; b++ {
		for o := 0; o < q.Out; o++ {
			for r := 0; r < oh; r++ {
				for col := 0; col < ow; col++ {
					var sum float64
					for ch := 0; ch < c; ch++ {
						p := cmat.New(4, 4)
						for a := 0; a < 3; a++ {
							for d := 0; d < 3; d++ {
								p.Set(a, d, complex(pix(b, ch, r*sh+a, col*sw+d), 0))
							}
						}
						h := cmat.ScaleTo(nil, 0.5, cmat.AddTo(nil, p, cmat.Adjoint(p)))
						psi := states[o*c+ch]
						hp := matVec(h, psi)
						var e complex128
						for k, v := range psi {
							e += cmplx.Conj(v) * hp[k]
						}
						if math.Abs(imag(e)) > 1e-12*(1+math.Abs(real(e))) {
							t.Fatalf("⟨ψ|H|ψ⟩ = %v is not real", e)
						}
						sum += real(e)
					}
					out.Data()[((b*q.Out+o)*oh+r)*ow+col] = sum/float64(c) + q.Bias.Value().Data()[o]
				}
			}
		}
	}
	return out
}

// TestFlippedQuanvMatchesDirect compares the convolution form with the
// per-patch expectation values.
func TestFlippedQuanvMatchesDirect(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, out, h, w int
		opt           FlippedQuanvOptions
	}{
		{1, 3, 6, 6, FlippedQuanvOptions{}},
		{3, 2, 6, 5, FlippedQuanvOptions{}},
		{2, 2, 7, 6, FlippedQuanvOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 2}}},
		{3, 2, 6, 6, FlippedQuanvOptions{NonUnitary: true}},
	} {
		name := fmt.Sprintf("in=%d/out=%d/%dx%d/%+v", c.in, c.out, c.h, c.w, c.opt)
		rng := newRand(uint64(c.in*10 + c.out))
		q := NewFlippedQuanv(rng, c.in, c.out, c.opt)
		if c.opt.NonUnitary {
			fill(rng, q.WeightImag, 0.3)
		}
		x := tensor.RandN(rng, 2, c.in, c.h, c.w)
		got := q.Forward(autograd.Const(x))
		want := flippedDirect(t, q, x)
		if !tensor.SameShape(got.Shape(), want.Shape()) {
			t.Fatalf("%s: shape %v, want %v", name, got.Shape(), want.Shape())
		}
		gd, wd := got.Value().Data(), want.Data()
		for i := range wd {
			if math.Abs(gd[i]-wd[i]) > 1e-12*(1+math.Abs(wd[i])) {
				t.Errorf("%s: element %d = %.15g, want %.15g", name, i, gd[i], wd[i])
				break
			}
		}
	}
}

// TestFlippedQuanvKernel checks the kernels of the unitary layer: a
// normalised state gives Σ_a W_aa·in = Σ_{a<3} |ψ_a|² ≤ 1, symmetric
// kernels, and with all θ zero (ψ = |00⟩) the kernel is 1/in at (0, 0) and
// zero elsewhere.
func TestFlippedQuanvKernel(t *testing.T) {
	t.Parallel()
	q := NewFlippedQuanv(newRand(3), 2, 3, FlippedQuanvOptions{})
	k := q.Kernel().Value()
	for o := 0; o < 3; o++ {
		for i := 0; i < 2; i++ {
			tr := 0.0
			for a := 0; a < 3; a++ {
				tr += k.At(o, i, a, a) * 2
				for c := 0; c < 3; c++ {
					if k.At(o, i, a, c) != k.At(o, i, c, a) {
						t.Errorf("kernel (%d, %d) is not symmetric", o, i)
					}
				}
			}
			if tr > 1+1e-12 || tr < 0 {
				t.Errorf("kernel (%d, %d): weight of the first three basis states %g not in [0, 1]", o, i, tr)
			}
		}
	}
	q.Weight.Value().Fill(0)
	k = q.Kernel().Value()
	for o := 0; o < 3; o++ {
		for i := 0; i < 2; i++ {
			for a := 0; a < 3; a++ {
				for c := 0; c < 3; c++ {
					want := 0.0
					if a == 0 && c == 0 {
						want = 0.5
					}
					if got := k.At(o, i, a, c); math.Abs(got-want) > 1e-15 {
						t.Errorf("θ = 0: kernel (%d, %d)[%d, %d] = %g, want %g", o, i, a, c, got, want)
					}
				}
			}
		}
	}
}

// TestFlippedQuanvShapes checks the input-shape panic and the parameter
// layout.
func TestFlippedQuanvShapes(t *testing.T) {
	t.Parallel()
	q := NewFlippedQuanv(newRand(4), 2, 3, FlippedQuanvOptions{NonUnitary: true})
	mustPanic(t, "channels", func() { q.Forward(autograd.Const(tensor.New(1, 3, 5, 5))) })
	mustPanic(t, "rank", func() { q.Forward(autograd.Const(tensor.New(3, 5, 5))) })
	mustPanic(t, "sizes", func() { NewFlippedQuanv(newRand(4), 0, 3, FlippedQuanvOptions{}) })
	if s := q.WeightImag.Value().Shape(); !tensor.SameShape(s, []int{3, 2, 15}) {
		t.Errorf("WeightImag shape %v", s)
	}
	for _, v := range q.WeightImag.Value().Data() {
		if v != 0 {
			t.Fatalf("WeightImag starts at %g, want 0 (the paper casts real randn to complex)", v)
		}
	}
}
