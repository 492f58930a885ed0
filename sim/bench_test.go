package sim

import (
	"fmt"
	"testing"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
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
	cot := make([]float64, size*n)
	for i := range cot {
		cot[i] = 1
	}
	dw := make([]float64, p.nw)
	dx := make([]float64, len(x))
	r, err := p.Forward(w, x)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if r, err = p.ForwardTo(r, w, x); err != nil {
			b.Fatal(err)
		}
		r.VJPTo(dw, dx, cot)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/step")
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

// BenchmarkKernels compares sim's one-wire kernels (AVX2 where available)
// with statevec's on one state: a dense one-qubit gate on every wire in
// turn (apply), the backward step of a one-wire block (uncompute φ,
// reduce, uncompute λ), and the CNOT ring. Mamp/s counts the amplitudes
// of the state once per gate.
func BenchmarkKernels(b *testing.B) {
	u := mat2Of(randUnitary(newRNG(1), 2).Data)
	k := newKmat(u)
	for _, n := range []int{12, 16, 20} {
		a := randAmps(uint64(n), 1<<uint(n))
		l := randAmps(uint64(n+1), 1<<uint(n))
		seg := make([][4]complex128, (len(a)/2+segPairs-1)/segPairs)
		report := func(b *testing.B) {
			b.ReportMetric(float64(n)*float64(len(a))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mamp/s")
		}
		b.Run(fmt.Sprintf("apply/n=%d/kernel=%s", n, kernelName()), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for p := 0; p < n; p++ {
					apply1(a, p, &k, 1)
				}
			}
			report(b)
		})
		s := statevec.New(n, 1)
		s.Workers = 1
		s.SetSample(0, a)
		m := []complex128{u.a, u.b, u.c, u.d}
		b.Run(fmt.Sprintf("apply/n=%d/kernel=statevec", n), func(b *testing.B) {
			b.ReportAllocs()
			w := []int{0}
			for b.Loop() {
				for q := 0; q < n; q++ {
					w[0] = q
					s.Apply(w, m)
				}
			}
			report(b)
		})
		b.Run(fmt.Sprintf("back/n=%d/kernel=%s", n, kernelName()), func(b *testing.B) {
			b.ReportAllocs()
			var acc [4]complex128
			for b.Loop() {
				for p := 0; p < n; p++ {
					back1(a, l, len(a), p, &k, 1, &acc, true, seg)
				}
			}
			report(b)
		})
		b.Run(fmt.Sprintf("cnot/n=%d/kernel=sim", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for q := 0; q < n; q++ {
					cnot(a, n-1-q, n-1-(q+1)%n, 1)
				}
			}
			report(b)
		})
		b.Run(fmt.Sprintf("cnot/n=%d/kernel=statevec", n), func(b *testing.B) {
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
