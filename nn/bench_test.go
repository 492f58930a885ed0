package nn

import (
	"fmt"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

// benchStep runs forward and backward of layer on x once per iteration,
// zeroing the parameter gradients in between, as a training step does.
func benchStep(b *testing.B, layer Layer, x *tensor.Dense) {
	b.Helper()
	in := autograd.Const(x)
	params := Params(layer)
	seed := tensor.Ones(layer.Forward(in).Shape()...)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		autograd.ZeroGrad(params...)
		layer.Forward(in).BackwardWith(seed)
	}
}

func BenchmarkLinear(b *testing.B) {
	for _, c := range []struct{ batch, in, out int }{{64, 256, 256}, {256, 784, 128}} {
		b.Run(fmt.Sprintf("b=%d/in=%d/out=%d", c.batch, c.in, c.out), func(b *testing.B) {
			r := newRand(1)
			benchStep(b, NewLinear(r, c.in, c.out, true), tensor.RandN(r, c.batch, c.in))
		})
	}
}

func BenchmarkConv2d(b *testing.B) {
	for _, c := range []struct{ batch, in, out, hw int }{{32, 1, 16, 28}, {32, 16, 32, 14}} {
		b.Run(fmt.Sprintf("b=%d/c=%d/o=%d/hw=%d/k=3", c.batch, c.in, c.out, c.hw), func(b *testing.B) {
			r := newRand(1)
			conv := NewConv2d(r, c.in, c.out, [2]int{3, 3}, Conv2dOptions{Padding: [2]int{1, 1}})
			benchStep(b, conv, tensor.RandN(r, c.batch, c.in, c.hw, c.hw))
		})
	}
}

func BenchmarkBatchNorm2d(b *testing.B) {
	for _, train := range []bool{true, false} {
		b.Run(fmt.Sprintf("b=32/c=16/hw=28/train=%v", train), func(b *testing.B) {
			bn := NewBatchNorm2d(16)
			SetTraining(bn, train)
			benchStep(b, bn, tensor.RandN(newRand(1), 32, 16, 28, 28))
		})
	}
}

func BenchmarkMultiheadAttention(b *testing.B) {
	for _, c := range []struct{ batch, l, e, h int }{{16, 32, 64, 4}, {8, 128, 64, 8}} {
		b.Run(fmt.Sprintf("b=%d/l=%d/e=%d/h=%d", c.batch, c.l, c.e, c.h), func(b *testing.B) {
			r := newRand(1)
			benchStep(b, NewMultiheadAttention(r, c.e, c.h, true), tensor.RandN(r, c.batch, c.l, c.e))
		})
	}
}

// BenchmarkLSTMCell runs a 16-step sequence forward and backward.
func BenchmarkLSTMCell(b *testing.B) {
	const steps = 16
	for _, c := range []struct{ batch, in, hidden int }{{64, 32, 64}} {
		b.Run(fmt.Sprintf("b=%d/in=%d/h=%d/t=%d", c.batch, c.in, c.hidden, steps), func(b *testing.B) {
			r := newRand(1)
			cell := NewLSTMCell(r, c.in, c.hidden, true)
			xs := make([]*autograd.Var, steps)
			for i := range xs {
				xs[i] = autograd.Const(tensor.RandN(r, c.batch, c.in))
			}
			params := Params(cell)
			b.ReportAllocs()
			for b.Loop() {
				autograd.ZeroGrad(params...)
				var h, cs *autograd.Var
				for _, x := range xs {
					h, cs = cell.Forward(x, h, cs)
				}
				autograd.Sum(h, false).Backward()
			}
		})
	}
}

func BenchmarkStateDict(b *testing.B) {
	r := newRand(1)
	m := NewSequential(NewLinear(r, 784, 256, true), NewBatchNorm1d(256), NewReLU(), NewLinear(r, 256, 10, true))
	sd := StateDict(m)
	b.Run("export/params=203530", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			StateDict(m)
		}
	})
	b.Run("load/params=203530", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := LoadStateDict(m, sd); err != nil {
				b.Fatal(err)
			}
		}
	})
}
