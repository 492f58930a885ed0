package optim

import (
	"fmt"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

// BenchmarkStep measures one update of n parameters (in 4 tensors) with
// gradients present, after the state buffers exist.
func BenchmarkStep(b *testing.B) {
	for _, s := range setups() {
		for _, n := range []int{1 << 12, 1 << 18} {
			b.Run(fmt.Sprintf("%s/n=%d", s.name, n), func(b *testing.B) {
				r := newRand(1)
				ps := make([]*autograd.Var, 4)
				for i := range ps {
					ps[i] = autograd.Param(tensor.RandN(r, n/4))
					ps[i].BackwardWith(tensor.RandN(r, n/4))
				}
				o, err := s.opt(ps)
				if err != nil {
					b.Fatal(err)
				}
				o.Step()
				b.ReportAllocs()
				b.SetBytes(int64(8 * n))
				for b.Loop() {
					o.Step()
				}
			})
		}
	}
}

func BenchmarkClipGradNorm(b *testing.B) {
	for _, n := range []int{1 << 12, 1 << 18} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			r := newRand(1)
			ps := make([]*autograd.Var, 4)
			for i := range ps {
				ps[i] = autograd.Param(tensor.New(n / 4))
				ps[i].BackwardWith(tensor.RandN(r, n/4))
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ClipGradNorm(ps, 1, 2); err != nil { // clips every time
					b.Fatal(err)
				}
			}
		})
	}
}
