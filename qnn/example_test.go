package qnn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/qnn"
	"github.com/quanta-qml/quanta/tensor"
)

// The creep paper's fully quantum HybridNet (replacement level 2) for
// 1×32×32 images: two quantum convolutions and the quantum linear layer,
// each in the slot of the classical layer it replaces.
func Example() {
	r := rand.New(rand.NewPCG(1, 2))
	model := nn.NewSequential(
		qnn.NewFlippedQuanv(r, 1, 32, qnn.FlippedQuanvOptions{}),  // Conv2d(1, 32, 3)
		qnn.NewFlippedQuanv(r, 32, 16, qnn.FlippedQuanvOptions{}), // Conv2d(32, 16, 3)
		nn.NewFlatten(),
		qnn.NewHamiltonianLinear(r, 16*28*28, 10, qnn.HamiltonianLinearOptions{}), // Linear(12544, 10)
	)
	x := autograd.Const(tensor.RandN(r, 2, 1, 32, 32))
	loss := nn.CrossEntropyLoss{}.Forward(model.Forward(x), []int{3, 7})
	loss.Backward()
	for _, p := range nn.NamedParams(model) {
		fmt.Println(p.Name, p.Var.Shape(), p.Kind, p.Var.Grad() != nil)
	}
	c := qnn.CountParams(model)
	fmt.Println("classical:", c.Classical, "quantum:", c.Quantum, "total:", c.ComplexOnce())
	// Output:
	// 0.weight [32 1 15] quantum true
	// 0.bias [32] classical true
	// 1.weight [16 32 15] quantum true
	// 1.bias [16] classical true
	// 3.weight [10 16383] quantum true
	// 3.bias [10] classical true
	// classical: 58 quantum: 171990 total: 172048
}

// A FlippedQuanv is exactly a convolution: its kernels, built from the
// trainable states, are available as a differentiable Var.
func ExampleFlippedQuanv() {
	r := rand.New(rand.NewPCG(3, 4))
	q := qnn.NewFlippedQuanv(r, 3, 8, qnn.FlippedQuanvOptions{Padding: [2]int{1, 1}})
	y := q.Forward(autograd.Const(tensor.RandN(r, 5, 3, 6, 6)))
	fmt.Println("output:", y.Shape())
	fmt.Println("kernels:", q.Kernel().Shape())
	// With all angles zero every state is |00⟩ and each kernel keeps only
	// the top-left pixel of the patch, weighted 1/in.
	q.Weight.Value().Fill(0)
	fmt.Printf("%.4f\n", q.Kernel().Value().At(0, 0, 0, 0))
	// Output:
	// output: [5 8 6 6]
	// kernels: [8 3 3 3]
	// 0.3333
}

// The non-unitary option reproduces the papers' code, which trained
// complex angles; counts can then be given both ways.
func ExampleCountParams() {
	r := rand.New(rand.NewPCG(5, 6))
	l := qnn.NewHamiltonianLinear(r, 12544, 10, qnn.HamiltonianLinearOptions{NonUnitary: true})
	c := qnn.CountParams(l)
	fmt.Println("complex counted once:", c.ComplexOnce())
	fmt.Println("real parameters:", c.RealTwice())
	// Output:
	// complex counted once: 163840
	// real parameters: 327670
}

// HamiltonianReupload classifies 32×32 images on 5 qubits: its logits are
// probabilities of the first four wires, so they lie in [0, 1] and sum to
// at most 1.
func ExampleHamiltonianReupload() {
	r := rand.New(rand.NewPCG(7, 8))
	m := qnn.NewHamiltonianReupload(r, qnn.HamiltonianReuploadOptions{})
	p := m.Forward(autograd.Const(tensor.RandU(r, 0, 1, 4, 1, 32, 32))).Value()
	fmt.Println("logits:", p.Shape())
	for i := 0; i < 4; i++ {
		s := 0.0
		for c := 0; c < 8; c++ {
			s += p.At(i, c)
		}
		fmt.Println(s > 0 && s <= 1+1e-12)
	}
	fmt.Println("parameters:", nn.NumParams(m))
	// Output:
	// logits: [4 8]
	// true
	// true
	// true
	// true
	// parameters: 10240
}
