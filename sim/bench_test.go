package sim

import (
	"fmt"
	"testing"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/statevec"
)

// heaPlan builds the HEA benchmark circuit (ansatz.HEA: RY(x) encoding, L
// layers of RX, RY, RZ on every wire and a CNOT ring, ⟨Z_i⟩ per wire).
func heaPlan(tb testing.TB, n, layers int, opt Options) *Plan {
	tb.Helper()
	b := circuit.NewBuilder(n)
	x0 := b.AddInputs(n)
	x := make([]int, n)
	for i := range x {
		x[i] = x0 + i
	}
	if _, err := ansatz.HEA(b, nil, x, layers); err != nil {
		tb.Fatal(err)
	}
	c, err := b.Build()
	if err != nil {
		tb.Fatal(err)
	}
	wires := make([]int, n)
	for i := range wires {
		wires[i] = i
	}
	p, err := Compile(c, ExpvalZ(wires...), opt)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkHEA is one training step of the HEA benchmark: Forward and the
// full VJP with a cotangent of ones (loss = sum of the outputs), input
// gradients included, on one worker.
func BenchmarkHEA(b *testing.B) {
	for _, n := range []int{4, 8, 12, 16} {
		for _, layers := range []int{2, 4} {
			for _, size := range []int{32, 256} {
				b.Run(fmt.Sprintf("n=%d/L=%d/B=%d", n, layers, size), func(b *testing.B) {
					benchHEA(b, n, layers, size, Options{Workers: 1})
				})
			}
		}
	}
}

func benchHEA(b *testing.B, n, layers, size int, opt Options) {
	p := heaPlan(b, n, layers, opt)
	rng := newRNG(uint64(n*100 + layers))
	w := randValues(rng, p.nw)
	x := randValues(rng, size*n)
	benchStep(b, p, w, x)
}

// benchStep times training steps of p: ForwardTo and the full VJP with a
// cotangent of ones, reusing the Result.
func benchStep(b *testing.B, p *Plan, w, x []float64) {
	r, err := p.Forward(w, x)
	if err != nil {
		b.Fatal(err)
	}
	cot := make([]float64, len(r.Values()))
	for i := range cot {
		cot[i] = 1
	}
	dw := make([]float64, p.nw)
	dx := make([]float64, len(x))
	b.ReportAllocs()
	for b.Loop() {
		if r, err = p.ForwardTo(r, w, x); err != nil {
			b.Fatal(err)
		}
		r.VJPTo(dw, dx, cot)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/step")
}

// BenchmarkHEAOptions measures what each technique gains on the HEA step
// (L = 2, one worker): the default; without fusion (one op per block, so
// also no composed CNOT ring); without the product start; one sample per
// group; and gate by gate over the whole batch (one group).
func BenchmarkHEAOptions(b *testing.B) {
	opts := []struct {
		name string
		opt  Options
	}{
		{"default", Options{Workers: 1}},
		{"nofuse", Options{Workers: 1, FuseMax: -1}},
		{"noprep", Options{Workers: 1, NoProductStart: true}},
		{"group1", Options{Workers: 1, Group: 1}},
		{"batch", Options{Workers: 1, Group: 1 << 20}},
	}
	for _, n := range []int{4, 8, 12} {
		for _, o := range opts {
			b.Run(fmt.Sprintf("n=%d/B=256/opt=%s", n, o.name), func(b *testing.B) {
				benchHEA(b, n, 2, 256, o.opt)
			})
		}
	}
}

// BenchmarkWide is a training step (Forward and full VJP, one worker,
// B = 256) of a circuit whose parameterised blocks act on two wires: RY(x)
// on every wire, then L = 2 brickwork layers of SpecialUnitary on wires
// (w, w+1), even pairs then odd ones, ⟨Z_i⟩ per wire. Its backward pass
// runs through statevec.AdjointStep on two wires.
func BenchmarkWide(b *testing.B) {
	for _, n := range []int{4, 8, 12} {
		b.Run(fmt.Sprintf("n=%d/L=2/B=256", n), func(b *testing.B) {
			bl := circuit.NewBuilder(n)
			x0 := bl.AddInputs(n)
			for w := 0; w < n; w++ {
				bl.Append(gate.RY(), []int{w}, circuit.Input(x0+w))
			}
			su := gate.SpecialUnitary(2)
			for range 2 {
				for _, first := range []int{0, 1} {
					for w := first; w+1 < n; w += 2 {
						w0 := bl.AddWeights(15)
						ps := make([]circuit.Param, 15)
						for i := range ps {
							ps[i] = circuit.Weight(w0 + i)
						}
						bl.Append(su, []int{w, w + 1}, ps...)
					}
				}
			}
			c, err := bl.Build()
			if err != nil {
				b.Fatal(err)
			}
			wires := make([]int, n)
			for i := range wires {
				wires[i] = i
			}
			p, err := Compile(c, ExpvalZ(wires...), Options{Workers: 1})
			if err != nil {
				b.Fatal(err)
			}
			const size = 256
			rng := newRNG(uint64(n))
			w := randValues(rng, p.nw)
			x := randValues(rng, size*n)
			benchStep(b, p, w, x)
		})
	}
}

// BenchmarkKernels times the statevec kernels that sim's blocks call, on
// one state: a dense one-qubit gate on every wire in turn through the flat
// Apply1 (apply) and through Batch.Apply (batch), the fused backward step
// of a one-wire block (back: uncompute φ, reduce, uncompute λ), and the
// CNOT ring. The kernel label is statevec.Kernels(). Mamp/s counts the
// amplitudes of the state once per gate.
func BenchmarkKernels(b *testing.B) {
	um := randUnitary(newRNG(1), 2).Data
	u := statevec.NewMat2(um)
	kn := statevec.Kernels()
	for _, n := range []int{12, 16, 20} {
		a := randAmps(uint64(n), 1<<uint(n))
		l := randAmps(uint64(n+1), 1<<uint(n))
		report := func(b *testing.B) {
			b.ReportMetric(float64(n)*float64(len(a))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mamp/s")
		}
		b.Run(fmt.Sprintf("apply/n=%d/kernel=%s", n, kn), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for p := 0; p < n; p++ {
					statevec.Apply1(a, p, &u, 1)
				}
			}
			report(b)
		})
		s := statevec.New(n, 1)
		s.Workers = 1
		s.SetSample(0, a)
		b.Run(fmt.Sprintf("batch/n=%d/kernel=%s", n, kn), func(b *testing.B) {
			b.ReportAllocs()
			w := []int{0}
			for b.Loop() {
				for q := 0; q < n; q++ {
					w[0] = q
					s.Apply(w, um)
				}
			}
			report(b)
		})
		b.Run(fmt.Sprintf("back/n=%d/kernel=%s", n, kn), func(b *testing.B) {
			b.ReportAllocs()
			var acc [4]complex128
			for b.Loop() {
				for p := 0; p < n; p++ {
					statevec.Back1(a, l, p, &u, &acc, true, 1)
				}
			}
			report(b)
		})
		b.Run(fmt.Sprintf("cnot/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for q := 0; q < n; q++ {
					s.ApplyCNOT(q, (q+1)%n)
				}
			}
			report(b)
		})
	}
}

// randAmps returns n seeded random amplitudes (not normalised).
func randAmps(seed uint64, n int) []complex128 {
	rng := newRNG(seed)
	a := make([]complex128, n)
	for i := range a {
		a[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return a
}
