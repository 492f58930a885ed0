package autograd

import (
	"fmt"
	"testing"

	"github.com/quanta-qml/quanta/tensor"
)

// BenchmarkLinear runs Linear forward and backward at batch 200, 784→256,
// the first layer of the MNIST MLP (input without gradient).
func BenchmarkLinear(b *testing.B) {
	r := newRand(1)
	x := Const(tensor.RandN(r, 200, 784))
	w, bias := Param(tensor.RandN(r, 256, 784)), Param(tensor.RandN(r, 256))
	seed := tensor.Ones(200, 256)
	b.Run(fmt.Sprintf("backend=%s/b=200/in=784/out=256", tensor.Backend()), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Linear(x, w, bias).BackwardWith(seed)
		}
	})
}

// BenchmarkConv2d runs Conv2d forward and backward for the two
// convolutions of the MNIST CNN at batch 200 (3×3, stride 1, no padding).
// The first layer's input needs no gradient; the second's does.
func BenchmarkConv2d(b *testing.B) {
	layers := []struct {
		c, o, hw int
		needX    bool
	}{{1, 32, 32, false}, {32, 16, 30, true}}
	for _, l := range layers {
		r := newRand(2)
		x := NewVar(tensor.RandN(r, 200, l.c, l.hw, l.hw), l.needX)
		w, bias := Param(tensor.RandN(r, l.o, l.c, 3, 3)), Param(tensor.RandN(r, l.o))
		seed := tensor.Ones(200, l.o, l.hw-2, l.hw-2)
		name := fmt.Sprintf("backend=%s/b=200/c=%d/o=%d/hw=%d", tensor.Backend(), l.c, l.o, l.hw)
		b.Run(name+"/dir=fwd", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Conv2d(Const(x.Value()), w.Detach(), bias.Detach(), [2]int{1, 1}, [2]int{})
			}
		})
		b.Run(name+"/dir=fwdbwd", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Conv2d(x, w, bias, [2]int{1, 1}, [2]int{}).BackwardWith(seed)
			}
		})
	}
}

// BenchmarkStep runs one training step's forward and backward (no
// optimiser) of the two MNIST benchmark models at batch 200: the MLP
// 784-256-10 (ReLU) and the CNN Conv(1→32, 3×3) → ReLU → Conv(32→16,
// 3×3) → ReLU → Linear(12544→10) on 32×32 inputs, both with cross-entropy.
func BenchmarkStep(b *testing.B) {
	r := newRand(3)
	targets := make([]int, 200)
	for i := range targets {
		targets[i] = r.IntN(10)
	}
	p := func(shape ...int) *Var { return Param(tensor.MulScalar(tensor.RandN(r, shape...), 0.05)) }
	w1, b1, w2, b2 := p(256, 784), p(256), p(10, 256), p(10)
	xm := Const(tensor.RandN(r, 200, 784))
	b.Run(fmt.Sprintf("backend=%s/model=mlp/b=200", tensor.Backend()), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h := ReLU(Linear(xm, w1, b1))
			CrossEntropy(Linear(h, w2, b2), targets, 0).Backward()
		}
	})
	c1, cb1, c2, cb2, wl, bl := p(32, 1, 3, 3), p(32), p(16, 32, 3, 3), p(16), p(10, 12544), p(10)
	xc := Const(tensor.RandN(r, 200, 1, 32, 32))
	one, zero := [2]int{1, 1}, [2]int{}
	b.Run(fmt.Sprintf("backend=%s/model=cnn/b=200", tensor.Backend()), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h := ReLU(Conv2d(xc, c1, cb1, one, zero))
			h = ReLU(Conv2d(h, c2, cb2, one, zero))
			CrossEntropy(Linear(Flatten(h, 1, -1), wl, bl), targets, 0).Backward()
		}
	})
}
