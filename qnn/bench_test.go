package qnn

import (
	"fmt"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// The benchmarks time the creep paper's layers at its batch size (200).
// Run them with -cpu 1,2 to compare thread counts: every goroutine fan-out
// (this package's, cmat's, gonum's) follows GOMAXPROCS.
const benchBatch = 200

// BenchmarkFlippedQuanv times the two quantum convolutions of HybridNet:
// forward alone, and forward plus backward (input gradient included for
// the second layer, as in the model).
func BenchmarkFlippedQuanv(b *testing.B) {
	for _, c := range []struct {
		in, out, hw int
		needX       bool
	}{{1, 32, 32, false}, {32, 16, 30, true}} {
		r := newRand(1)
		q := NewFlippedQuanv(r, c.in, c.out, FlippedQuanvOptions{})
		x := autograd.NewVar(tensor.RandN(r, benchBatch, c.in, c.hw, c.hw), c.needX)
		seed := tensor.RandN(r, benchBatch, c.out, c.hw-2, c.hw-2)
		name := fmt.Sprintf("in=%d/out=%d/hw=%d/b=%d", c.in, c.out, c.hw, benchBatch)
		b.Run(name+"/dir=fwd", func(b *testing.B) {
			b.ReportAllocs()
			xc := autograd.NoGrad(x.Value())
			for b.Loop() {
				q.Forward(xc)
			}
		})
		b.Run(name+"/dir=fwdbwd", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				q.Forward(x).BackwardWith(seed)
			}
		})
	}
}

// BenchmarkHamiltonianLinear times the paper's DataReUploadingLinear(12544,
// 10, n=7, r=10): forward alone and forward plus backward with the input
// gradient.
func BenchmarkHamiltonianLinear(b *testing.B) {
	r := newRand(2)
	l := NewHamiltonianLinear(r, 12544, 10, HamiltonianLinearOptions{Qubits: 7, Reps: 10})
	x := autograd.Param(tensor.RandN(r, benchBatch, 12544))
	seed := tensor.RandN(r, benchBatch, 10)
	name := fmt.Sprintf("in=12544/out=10/n=7/r=10/b=%d", benchBatch)
	b.Run(name+"/dir=fwd", func(b *testing.B) {
		b.ReportAllocs()
		xc := autograd.NoGrad(x.Value())
		for b.Loop() {
			l.Forward(xc)
		}
	})
	b.Run(name+"/dir=fwdbwd", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			l.Forward(x).BackwardWith(seed)
		}
	})
	// The non-unitary reproduction mode: its blocks need a general matrix
	// exponential forward and a 256×256 one (block Fréchet) backward.
	nu := NewHamiltonianLinear(r, 12544, 10, HamiltonianLinearOptions{Qubits: 7, Reps: 10, NonUnitary: true})
	fill(r, nu.WeightImag, 0.01)
	b.Run(name+"/nonunitary/dir=fwdbwd", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			nu.Forward(x).BackwardWith(seed)
		}
	})
}

// BenchmarkHybridNet times the creep paper's HybridNet on MNIST-sized
// inputs (1×32×32) at batch 200: a training step (forward, cross-entropy,
// backward; no optimiser) and an evaluation batch (forward without a
// graph), for each replacement level. A full epoch of 60,000 training
// images and 10,000 test images is 300 steps plus 50 evaluation batches.
func BenchmarkHybridNet(b *testing.B) {
	for level := 0; level <= 2; level++ {
		model := hybridNet(level, false)
		r := newRand(3)
		x := tensor.RandN(r, benchBatch, 1, 32, 32)
		targets := make([]int, benchBatch)
		for i := range targets {
			targets[i] = r.IntN(10)
		}
		name := fmt.Sprintf("level=%d/b=%d", level, benchBatch)
		b.Run(name+"/dir=step", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				nn.ZeroGrad(model)
				autograd.CrossEntropy(model.Forward(autograd.Const(x)), targets, 0).Backward()
			}
		})
		b.Run(name+"/dir=eval", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				model.Forward(autograd.NoGrad(x))
			}
		})
	}
}
