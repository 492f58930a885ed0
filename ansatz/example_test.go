package ansatz_test

import (
	"fmt"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
)

// The HEA benchmark circuit on two wires with one layer: RY(x) encoding,
// then RX, RY, RZ per wire with weights θ[l,i,k] at 3·(l·n + i) + k, then
// the single CNOT of a two-wire ring.
func ExampleHEA() {
	b := circuit.NewBuilder(2)
	x := b.AddInputs(2)
	if _, err := ansatz.HEA(b, nil, []int{x, x + 1}, 1); err != nil {
		fmt.Println(err)
		return
	}
	c, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(c)
	// Output:
	// circuit: 2 wires, 2 inputs, 6 weights
	//   0  RY(x[0]) [0]
	//   1  RY(x[1]) [1]
	//   2  RX(w[0]) [0]
	//   3  RY(w[1]) [0]
	//   4  RZ(w[2]) [0]
	//   5  RX(w[3]) [1]
	//   6  RY(w[4]) [1]
	//   7  RZ(w[5]) [1]
	//   8  CNOT [0 1]
}

// Data re-uploading: the same inputs are encoded again in every layer,
// interleaved with the trainable angles.
func ExampleDataReuploading() {
	b := circuit.NewBuilder(1)
	x := b.AddInputs(3)
	if _, err := ansatz.DataReuploading(b, nil, []int{x, x + 1, x + 2}, 2, ansatz.ReuploadOptions{Scale: 2}); err != nil {
		fmt.Println(err)
		return
	}
	c, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(c)
	// Output:
	// circuit: 1 wires, 3 inputs, 6 weights
	//   0  Rot(2*x[0] + w[0], 2*x[1] + w[1], 2*x[2] + w[2]) [0]
	//   1  Rot(2*x[0] + w[3], 2*x[1] + w[4], 2*x[2] + w[5]) [0]
}

// IQPEmbedding entangles with the product of two inputs.
func ExampleIQPEmbedding() {
	b := circuit.NewBuilder(2)
	x := b.AddInputs(2)
	if err := ansatz.IQPEmbedding(b, nil, []int{x, x + 1}, ansatz.IQPOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	c, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(c)
	// Output:
	// circuit: 2 wires, 2 inputs, 0 weights
	//   0  Hadamard [0]
	//   1  RZ(x[0]) [0]
	//   2  Hadamard [1]
	//   3  RZ(x[1]) [1]
	//   4  MultiRZ(x[0]*x[1]) [0 1]
}
