package qnn

import (
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/sim"
	"github.com/quanta-qml/quanta/tensor"
)

// TestParallelMatchesSeparate compares Parallel with k separate QDense
// layers, each given one row of Parallel's weights and one slice of the
// input: outputs, and gradients for the weights and inputs.
func TestParallelMatchesSeparate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		k    int
		spec Spec
	}{
		{"hqnn", 4, HQNNParallelSpec()},
		{"probs", 3, Spec{Qubits: 2, Embedding: Embedding{Rotation: "Y"}, Ansatz: Ansatz{Kind: AnsatzRYRZ, Layers: 2},
			Readout: Readout{Kind: ReadProbs}}},
	} {
		rng := newRand(31)
		f := c.spec.Features()
		p := NewParallel(rng, c.k, c.k*f, c.spec)
		kw := p.cc.k
		x := autograd.Param(tensor.RandN(rng, 5, c.k*f))
		y := p.Forward(x)
		seed := tensor.RandN(rng, y.Shape()...)
		y.BackwardWith(seed)
		if s := y.Shape(); s[0] != 5 || s[1] != c.k*kw || p.Out() != c.k*kw || p.In() != c.k*f {
			t.Fatalf("%s: output shape %v, widths %d → %d", c.name, s, p.In(), p.Out())
		}
		for j := 0; j < c.k; j++ {
			q := NewQDense(rng, f, kw, c.spec)
			copy(q.Weight.Value().Data(), p.Weight.Value().Data()[j*p.cc.w:(j+1)*p.cc.w])
			xj := autograd.Param(x.Value().Narrow(1, j*f, f).Contiguous())
			yj := q.Forward(xj)
			if d := numtest.MaxDiff(yj.Value().Data(), y.Value().Narrow(1, j*kw, kw).Contiguous().Data()); d > 1e-12 {
				t.Errorf("%s: circuit %d outputs differ by %.3g", c.name, j, d)
			}
			yj.BackwardWith(seed.Narrow(1, j*kw, kw).Contiguous())
			if d := numtest.MaxDiff(q.Weight.Grad().Data(), p.Weight.Grad().Data()[j*p.cc.w:(j+1)*p.cc.w]); d > 1e-12 {
				t.Errorf("%s: circuit %d weight gradients differ by %.3g", c.name, j, d)
			}
			if d := numtest.MaxDiff(xj.Grad().Data(), x.Grad().Narrow(1, j*f, f).Contiguous().Data()); d > 1e-12 {
				t.Errorf("%s: circuit %d input gradients differ by %.3g", c.name, j, d)
			}
		}
	}
	mustPanic(t, "k does not divide", func() { NewParallel(newRand(1), 3, 10, Spec{}) })
	mustPanic(t, "features", func() { NewParallel(newRand(1), 2, 8, HQNNParallelSpec()) })
	mustPanic(t, "input", func() { NewParallel(newRand(1), 2, 4, Spec{}).Forward(autograd.Const(tensor.New(1, 5))) })
}

// TestQuanvMatchesPatchLoop compares Quanv2D with one sim.Forward call per
// patch (gathered here by direct indexing, zero outside the image), and
// its gradients with those of the per-patch VJPs added up: weights summed,
// pixel gradients scattered back to where each patch read them.
func TestQuanvMatchesPatchLoop(t *testing.T) {
	t.Parallel()
	rng := newRand(32)
	const n, ch, h, w = 2, 2, 5, 4
	kh, kw := 2, 1
	stride, pad := [2]int{2, 1}, [2]int{1, 0}
	q := NewQuanv2D(rng, ch, [2]int{kh, kw}, Quanv2DOptions{Stride: stride, Padding: pad,
		Spec: Spec{Ansatz: Ansatz{Kind: AnsatzStronglyEntangling, Layers: 2}, Readout: Readout{Wires: []int{3, 0, 1}}}})
	if q.Out != 3 || q.Spec.Qubits != 4 {
		t.Fatalf("Out %d on %d qubits", q.Out, q.Spec.Qubits)
	}
	x := autograd.Param(tensor.RandN(rng, n, ch, h, w))
	y := q.Forward(x)
	oh, ow := (h+2*pad[0]-kh)/stride[0]+1, (w+2*pad[1]-kw)/stride[1]+1
	if s := y.Shape(); s[0] != n || s[1] != 3 || s[2] != oh || s[3] != ow {
		t.Fatalf("output shape %v, want [%d 3 %d %d]", s, n, oh, ow)
	}
	seed := tensor.RandN(rng, y.Shape()...)
	y.BackwardWith(seed)
	wts := q.Weight.Value().Data()
	dw := make([]float64, len(wts))
	dx := tensor.New(n, ch, h, w)
	pixel := func(b, c, i, j int) (float64, bool) {
		if i < 0 || i >= h || j < 0 || j >= w {
			return 0, false
		}
		return x.Value().At(b, c, i, j), true
	}
	for b := range n {
		for oy := range oh {
			for ox := range ow {
				var patch []float64
				for c := range ch {
					for i := range kh {
						for j := range kw {
							v, _ := pixel(b, c, oy*stride[0]-pad[0]+i, ox*stride[1]-pad[1]+j)
							patch = append(patch, v)
						}
					}
				}
				res, err := sim.Forward(q.Circuit(), wts, patch, sim.ExpvalZ(3, 0, 1), sim.Options{})
				if err != nil {
					t.Fatal(err)
				}
				cot := make([]float64, 3)
				for k := range 3 {
					if d := res.Values()[k] - y.Value().At(b, k, oy, ox); d > 1e-12 || d < -1e-12 {
						t.Errorf("image %d (%d, %d) channel %d differs by %.3g", b, oy, ox, k, d)
					}
					cot[k] = seed.At(b, k, oy, ox)
				}
				gw, gp := res.VJP(cot)
				for i, v := range gw {
					dw[i] += v
				}
				f := 0
				for c := range ch {
					for i := range kh {
						for j := range kw {
							iy, ix := oy*stride[0]-pad[0]+i, ox*stride[1]-pad[1]+j
							if _, ok := pixel(b, c, iy, ix); ok {
								dx.Set(dx.At(b, c, iy, ix)+gp[f], b, c, iy, ix)
							}
							f++
						}
					}
				}
			}
		}
	}
	if d := numtest.MaxDiff(q.Weight.Grad().Data(), dw); d > 1e-11 {
		t.Errorf("weight gradients differ from the patch loop by %.3g", d)
	}
	if d := numtest.MaxDiff(x.Grad().Data(), dx.Data()); d > 1e-12 {
		t.Errorf("input gradients differ from the patch loop by %.3g", d)
	}
	mustPanic(t, "features", func() {
		NewQuanv2D(newRand(1), 1, [2]int{2, 2}, Quanv2DOptions{Spec: Spec{Qubits: 3}})
	})
	mustPanic(t, "channels", func() { q.Forward(autograd.Const(tensor.New(1, 3, 4, 4))) })
	mustPanic(t, "kernel too large", func() {
		NewQuanv2D(newRand(1), 1, [2]int{1, 3}, Quanv2DOptions{}).Forward(autograd.Const(tensor.New(1, 1, 2, 2)))
	})
}
