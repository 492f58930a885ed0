package pauli_test

import (
	"fmt"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/pauli"
)

func ExampleParse() {
	h, err := pauli.Parse("0.5 * (Z(0) @ Z(1)) + -0.3 * X(2) + 0.2 * Y(0)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h)
	fmt.Println(len(h), "terms on", h.MaxWire()+1, "wires")

	_, err = pauli.Parse("0.5*Z0 Q1")
	fmt.Println(err)
	// Output:
	// 0.5*Z0 Z1 - 0.3*X2 + 0.2*Y0
	// 3 terms on 3 wires
	// pauli: parse "0.5*Z0 Q1" at offset 7: expected '+', '-' or the end of the input, found 'Q'
}

func ExampleWord_Masks() {
	// Y on wire 0 and Z on wire 2 of 3 wires: wire 0 is the bit 0b100.
	w := pauli.Word{Ops: []pauli.Op{pauli.Y, pauli.Z}, Wires: []int{0, 2}}
	x, z, ny := w.Masks(3)
	fmt.Printf("x=%03b z=%03b ny=%d\n", x, z, ny)
	// Output:
	// x=100 z=101 ny=1
}

func ExampleWords() {
	for _, w := range pauli.Words(2)[:5] {
		fmt.Print(w.Ops, " ")
	}
	fmt.Println()
	// Output:
	// [I X] [I Y] [I Z] [X I] [X X]
}

func ExampleCombine() {
	// 0.5·X (coefficient 0) − 0.25·Z (coefficient 2) on one wire.
	m := cmat.New(2, 2)
	pauli.Combine(m, []float64{0.5, 0, -0.25})
	fmt.Println(m.Data)

	// Project is the adjoint: the gradient of Re⟨G, Combine(c)⟩ in c.
	g := make([]float64, 3)
	pauli.Project(g, cmat.NewFrom(2, 2, []complex128{1, 0, 0, 0}))
	fmt.Println(g)
	// Output:
	// [(-0.25+0i) (0.5+0i) (0.5+0i) (0.25+0i)]
	// [0 0 1]
}

func ExampleDecompose() {
	s, _ := pauli.Parse("0.5*X0 Z1 - 2*I")
	alpha := pauli.Decompose(s.Dense(2))
	words := pauli.Words(2)
	fmt.Printf("I: %.2f\n", real(alpha[0]))
	for m, w := range words {
		if a := alpha[m+1]; a != 0 {
			fmt.Printf("%v: %.2f\n", w, real(a))
		}
	}
	// Output:
	// I: -2.00
	// X0 Z1: 0.50
}
