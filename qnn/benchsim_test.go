package qnn

import (
	"fmt"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// Benchmarks of the simulator-backed layers at the papers' sizes: a
// forward pass without a graph (dir=fwd) and a forward plus backward pass
// with the input gradient (dir=fwdbwd), one upstream seed per run.

// benchLayer runs the two directions of layer on x.
func benchLayer(b *testing.B, name string, layer nn.Layer, x *tensor.Dense) {
	xv := autograd.Param(x)
	seed := tensor.RandN(newRand(9), layer.Forward(autograd.NoGrad(x)).Shape()...)
	b.Run(name+"/dir=fwd", func(b *testing.B) {
		b.ReportAllocs()
		xc := autograd.NoGrad(x)
		for b.Loop() {
			layer.Forward(xc)
		}
	})
	b.Run(name+"/dir=fwdbwd", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			layer.Forward(xv).BackwardWith(seed)
		}
	})
}

// BenchmarkQDense times QDense on n qubits at batch 200: RX embedding, two
// StronglyEntanglingLayers, ⟨Z⟩ on every wire (no adapters).
func BenchmarkQDense(b *testing.B) {
	for _, n := range []int{4, 6, 8} {
		r := newRand(1)
		q := NewQDense(r, n, n, Spec{Ansatz: Ansatz{Kind: AnsatzStronglyEntangling, Layers: 2}})
		benchLayer(b, fmt.Sprintf("n=%d/L=2/b=%d", n, benchBatch), q, tensor.RandN(r, benchBatch, n))
	}
}

// BenchmarkParallel times HQNN-Parallel's quantum layer: 4 circuits of 5
// qubits, 3 layers, on [200, 20].
func BenchmarkParallel(b *testing.B) {
	r := newRand(2)
	p := NewParallel(r, 4, 20, HQNNParallelSpec())
	benchLayer(b, fmt.Sprintf("k=4/n=5/L=3/b=%d", benchBatch), p, tensor.RandN(r, benchBatch, 20))
}

// BenchmarkQuanv2D times HQNN-Quanv's quanvolution: 2×2 patches, stride
// 2, 4 qubits (RX embedding, one StronglyEntanglingLayers layer, ⟨Z⟩ per
// qubit) on batches of 32 one-channel images.
func BenchmarkQuanv2D(b *testing.B) {
	for _, hw := range []int{14, 28} {
		r := newRand(3)
		q := NewQuanv2D(r, 1, [2]int{2, 2}, Quanv2DOptions{Stride: [2]int{2, 2},
			Spec: Spec{Ansatz: Ansatz{Kind: AnsatzStronglyEntangling}}})
		benchLayer(b, fmt.Sprintf("hw=%d/k=2/s=2/b=32", hw), q, tensor.RandN(r, 32, 1, hw, hw))
	}
}

// BenchmarkQCNN times the paper's QCNN baseline (10 qubits, 99 weights)
// on 32×32 images at batch 200.
func BenchmarkQCNN(b *testing.B) {
	r := newRand(4)
	q := NewQCNN(r, QCNNOptions{})
	benchLayer(b, fmt.Sprintf("n=10/b=%d", benchBatch), q, tensor.RandU(r, 0, 1, benchBatch, 1, 32, 32))
}

// BenchmarkInterleaved times the adversarial-learning classifier (10
// qubits, 260 angles) at the paper's batch 20 and at 200.
func BenchmarkInterleaved(b *testing.B) {
	for _, batch := range []int{20, 200} {
		r := newRand(5)
		m := NewInterleavedClassifier(r, InterleavedOptions{})
		benchLayer(b, fmt.Sprintf("n=10/b=%d", batch), m, tensor.RandU(r, 0, 1, batch, 1, 16, 16))
	}
}
