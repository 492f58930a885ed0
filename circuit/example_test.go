package circuit_test

import (
	"fmt"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
)

// A two-wire circuit with an interleaved encoding RY(2·x₀ + w₀), a trainable
// rotation and an entangler.
func ExampleBuilder() {
	b := circuit.NewBuilder(2)
	x := b.AddInputs(2)
	w := b.AddWeights(2)
	b.Append(gate.RY(), []int{0}, circuit.Affine(2, x, 1, w, 0))
	b.Append(gate.RX(), []int{1}, circuit.Input(x+1))
	b.Append(gate.CNOT(), []int{0, 1})
	b.Append(gate.RZ(), []int{1}, circuit.Weight(w+1))
	c, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(c)
	p := make([]float64, 1)
	c.Op(0).Params(p, []float64{0.25, 1}, []float64{0.5, 0})
	fmt.Println(p[0])
	// Output:
	// circuit: 2 wires, 2 inputs, 2 weights
	//   0  RY(2*x[0] + w[0]) [0]
	//   1  RX(x[1]) [1]
	//   2  CNOT [0 1]
	//   3  RZ(w[1]) [1]
	// 1
}

func ExampleCircuit_QASM() {
	b := circuit.NewBuilder(2)
	w := b.AddWeights(3)
	b.Append(gate.Rot(), []int{1}, circuit.Weight(w), circuit.Weight(w+1), circuit.Weight(w+2))
	b.Append(gate.CRZ(), []int{1, 0}, circuit.Const(0.5))
	c, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	src, err := c.QASM(nil, []float64{0.1, 0.2, 0.3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(src)
	// Output:
	// OPENQASM 2.0;
	// include "qelib1.inc";
	// qreg q[2];
	// rz(0.1) q[1];
	// ry(0.2) q[1];
	// rz(0.3) q[1];
	// crz(0.5) q[1],q[0];
}

func ExampleParseQASM() {
	c, err := circuit.ParseQASM(`OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0], q[1];
u2(0, pi) q[1];
measure q -> c;
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(c)
	_, err = circuit.ParseQASM("OPENQASM 2.0;\nqreg q[1];\nreset q[0];\n")
	fmt.Println(err)
	// Output:
	// circuit: 2 wires, 0 inputs, 0 weights
	//   0  Hadamard [0]
	//   1  CNOT [0 1]
	//   2  U3(1.5707963267948966, 0, 3.141592653589793) [1]
	// circuit: ParseQASM: line 3:1: reset is not supported: invalid or unsupported OpenQASM
}
