package qnn_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/qnn"
	"github.com/quanta-qml/quanta/tensor"
)

// On one qubit the default circuit is RX(x) then RX(w), so ⟨Z⟩ = cos(x + w)
// and its input gradient is −sin(x + w), computed by the adjoint method.
func ExampleQDense() {
	r := rand.New(rand.NewPCG(1, 2))
	q := qnn.NewQDense(r, 1, 1, qnn.Spec{})
	q.Weight.Value().Fill(0)
	x := autograd.Param(tensor.FromSlice([]float64{math.Pi / 6, math.Pi / 3, math.Pi / 2}, 3, 1))
	y := q.Forward(x)
	y.BackwardWith(tensor.Ones(3, 1))
	fmt.Printf("⟨Z⟩   %.4f\n", y.Value().Data())
	fmt.Printf("d/dx  %.4f\n", x.Grad().Data())

	// In a model, QDense takes the place of nn.Linear(8, 3): a classical
	// adapter maps the 8 inputs to the 4 qubits' angles, another the 4
	// expectation values to 3 outputs.
	h := qnn.NewQDense(r, 8, 3, qnn.Spec{Qubits: 4, Ansatz: qnn.Ansatz{Kind: qnn.AnsatzStronglyEntangling, Layers: 2}})
	fmt.Println(h.Forward(autograd.Const(tensor.RandN(r, 5, 8))).Shape())
	fmt.Printf("%+v\n", qnn.CountParams(h))
	// Output:
	// ⟨Z⟩   [0.8660 0.5000 0.0000]
	// d/dx  [-0.5000 -0.8660 -1.0000]
	// [5 3]
	// {Classical:51 Quantum:24 QuantumImag:0}
}

// HQNN-Parallel (Senokosov et al.): a CNN whose 20 features feed four
// 5-qubit circuits in parallel, then a classical head.
func ExampleParallel() {
	r := rand.New(rand.NewPCG(3, 4))
	model := nn.NewSequential(
		nn.NewConv2d(r, 1, 16, [2]int{5, 5}, nn.Conv2dOptions{Padding: [2]int{2, 2}}),
		nn.NewBatchNorm2d(16), nn.NewReLU(), nn.NewMaxPool2d([2]int{2, 2}, [2]int{}, [2]int{}),
		nn.NewConv2d(r, 16, 32, [2]int{5, 5}, nn.Conv2dOptions{Padding: [2]int{2, 2}}),
		nn.NewBatchNorm2d(32), nn.NewReLU(), nn.NewMaxPool2d([2]int{2, 2}, [2]int{}, [2]int{}),
		nn.NewFlatten(),
		nn.NewLinear(r, 32*7*7, 120, true), nn.NewReLU(),
		nn.NewLinear(r, 120, 20, true), nn.NewReLU(),
		qnn.NewParallel(r, 4, 20, qnn.HQNNParallelSpec()),
		nn.NewLinear(r, 20, 10, true),
	)
	y := model.Forward(autograd.Const(tensor.RandN(r, 2, 1, 28, 28)))
	fmt.Println("logits:", y.Shape())
	fmt.Printf("%+v\n", qnn.CountParams(model))
	// Output:
	// logits: [2 10]
	// {Classical:204254 Quantum:180 QuantumImag:0}
}

// A quanvolution over 2×2 patches with stride 2, as HQNN-Quanv: each patch
// is encoded on 4 qubits and each qubit's ⟨Z⟩ is an output channel.
func ExampleQuanv2D() {
	r := rand.New(rand.NewPCG(5, 6))
	q := qnn.NewQuanv2D(r, 1, [2]int{2, 2}, qnn.Quanv2DOptions{Stride: [2]int{2, 2}})
	y := q.Forward(autograd.Const(tensor.RandU(r, 0, math.Pi, 3, 1, 28, 28)))
	fmt.Println("output:", y.Shape(), "qubits:", q.Spec.Qubits, "weights:", nn.NumParams(q))
	// Output:
	// output: [3 4 14 14] qubits: 4 weights: 4
}

// The QCNN baseline on 32×32 images: its 8 logits are the probabilities
// of wires 0, 4 and 8, so they sum to 1.
func ExampleQCNN() {
	r := rand.New(rand.NewPCG(7, 8))
	q := qnn.NewQCNN(r, qnn.QCNNOptions{})
	p := q.Forward(autograd.Const(tensor.RandU(r, 0, 1, 2, 1, 32, 32))).Value()
	fmt.Println("logits:", p.Shape(), "read from wires", q.Wires, "parameters:", nn.NumParams(q))
	for i := range 2 {
		s := 0.0
		for c := range 8 {
			s += p.At(i, c)
		}
		fmt.Printf("%.12f\n", s)
	}
	// Output:
	// logits: [2 8] read from wires [0 4 8] parameters: 99
	// 1.000000000000
	// 1.000000000000
}

// The adversarial-learning paper's classifier on 16×16 images: 260
// interleaved angles, and the two class probabilities of qubit 5.
func ExampleInterleavedClassifier() {
	r := rand.New(rand.NewPCG(9, 10))
	m := qnn.NewInterleavedClassifier(r, qnn.InterleavedOptions{})
	p := m.Forward(autograd.Const(tensor.RandU(r, 0, 1, 4, 1, 16, 16))).Value()
	fmt.Println("logits:", p.Shape(), "wire:", m.ReadoutWire, "parameters:", nn.NumParams(m))
	fmt.Printf("%.12f\n", p.At(0, 0)+p.At(0, 1))
	// Output:
	// logits: [4 2] wire: 4 parameters: 260
	// 1.000000000000
}
