package gate_test

import (
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
)

func printMatrix(m *cmat.Dense) {
	for i := 0; i < m.Rows; i++ {
		for j := 0; j < m.Cols; j++ {
			v := m.At(i, j)
			fmt.Printf(" %+.3f%+.3fi", real(v)+0, imag(v)+0)
		}
		fmt.Println()
	}
}

// Rot(φ, θ, ω) applies its first parameter first: Rot(φ, 0, 0) = RZ(φ).
func ExampleRot() {
	printMatrix(gate.Rot().Matrix([]float64{math.Pi / 2, 0, 0}))
	printMatrix(gate.RZ().Matrix([]float64{math.Pi / 2}))
	// Output:
	//  +0.707-0.707i +0.000+0.000i
	//  +0.000+0.000i +0.707+0.707i
	//  +0.707-0.707i +0.000+0.000i
	//  +0.000+0.000i +0.707+0.707i
}

// The matrix of a controlled gate is written with the control as the most
// significant bit.
func ExampleCNOT() {
	g := gate.CNOT()
	printMatrix(g.Matrix(nil))
	fmt.Println(g.(gate.Permutation).Perm(), g.(gate.Controlled).NumControls())
	// Output:
	//  +1.000+0.000i +0.000+0.000i +0.000+0.000i +0.000+0.000i
	//  +0.000+0.000i +1.000+0.000i +0.000+0.000i +0.000+0.000i
	//  +0.000+0.000i +0.000+0.000i +0.000+0.000i +1.000+0.000i
	//  +0.000+0.000i +0.000+0.000i +1.000+0.000i +0.000+0.000i
	// [0 1 3 2] 1
}

// VJP turns the cotangent of a gate's matrix into parameter gradients. With
// ū = ∂f/∂U for f = Re U₀₀ = cos(θ/2), the gradient is −sin(θ/2)/2.
func ExampleGate_vJP() {
	g := gate.RX()
	theta := []float64{math.Pi / 3}
	ubar := cmat.New(2, 2)
	ubar.Set(0, 0, 1)
	grad := make([]float64, 1)
	g.VJP(theta, ubar, grad)
	fmt.Printf("%.6f %.6f\n", grad[0], -math.Sin(math.Pi/6)/2)
	// Output: -0.250000 -0.250000
}

// SpecialUnitary's parameters multiply the Pauli words in lexicographic
// order with I < X < Y < Z; on one wire they are X, Y, Z, with a + sign:
// SpecialUnitary(t, 0, 0) = RX(−2t).
func ExampleSpecialUnitary() {
	su := gate.SpecialUnitary(1).Matrix([]float64{0.3, 0, 0})
	rx := gate.RX().Matrix([]float64{-0.6})
	fmt.Println(cmat.MaxAbsDiff(su, rx) < 1e-15)
	// Output: true
}

func ExampleLookup() {
	for _, name := range []string{"CX", "Sdg", "MultiRZ"} {
		g, err := gate.Lookup(name, 0)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(g.Name(), g.NumWires(), g.NumParams())
	}
	// Output:
	// CNOT 2 0
	// Adjoint(S) 1 0
	// gate: Lookup("MultiRZ", 0): MultiRZ needs 1 to 30 wires
}
