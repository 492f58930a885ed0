package statevec_test

import (
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/statevec"
)

// A Bell state: Hadamard on wire 0, then CNOT from wire 0 to wire 1.
func Example() {
	h := complex(1/math.Sqrt2, 0)
	s := statevec.New(2, 1)
	s.Apply([]int{0}, []complex128{h, h, h, -h})
	s.ApplyCNOT(0, 1)
	p := make([]float64, 4)
	s.Probabilities([]int{0, 1}, p)
	fmt.Printf("%.2f\n", p)
	// Output: [0.50 0.00 0.00 0.50]
}

// Input-dependent gates: RY(x_b) on sample b, one matrix per sample, then
// ⟨Z⟩ per sample, which is cos x_b.
func ExampleBatch_ApplyEach() {
	xs := []float64{0, math.Pi / 3, math.Pi / 2}
	ms := make([]complex128, 0, 4*len(xs))
	for _, x := range xs {
		c, s := math.Cos(x/2), math.Sin(x/2)
		ms = append(ms, complex(c, 0), complex(-s, 0), complex(s, 0), complex(c, 0))
	}
	s := statevec.New(1, len(xs))
	s.ApplyEach([]int{0}, ms)
	z := make([]float64, len(xs))
	s.ExpectPauli(0, s.WireMask(0), 0, z)
	fmt.Printf("%.3f\n", z)
	// Output: [1.000 0.500 0.000]
}

// Marginals read the listed wires with the first as the most significant
// bit, so wires [1, 0] swap the outcome's bits.
func ExampleBatch_Probabilities() {
	s := statevec.New(2, 1)
	s.ApplyX(0) // |10⟩
	p := make([]float64, 4)
	s.Probabilities([]int{0, 1}, p)
	fmt.Println(p)
	s.Probabilities([]int{1, 0}, p)
	fmt.Println(p)
	// Output:
	// [0 0 1 0]
	// [0 1 0 0]
}

// The adjoint gradient of E(θ) = ⟨Z⟩ after RY(θ)|0⟩: the start state is
// λ = Z·ψ, and the cotangent of the gate matrix R = ReducedOuter(λ, φ),
// with φ the state before the gate, gives dE/dθ = 2·Re Σ dM/dθ[a,c]·R[a,c].
// The exact value is −sin θ.
func ExampleReducedOuter() {
	theta := 0.7
	c, s := math.Cos(theta/2), math.Sin(theta/2)
	ry := []complex128{complex(c, 0), complex(-s, 0), complex(s, 0), complex(c, 0)}
	dry := []complex128{complex(-s/2, 0), complex(-c/2, 0), complex(c/2, 0), complex(-s/2, 0)}

	phi := statevec.New(1, 1) // the state before the gate
	psi := phi.Clone()
	psi.Apply([]int{0}, ry)
	lambda := statevec.New(1, 1)
	lambda.Zero()
	psi.AddPauli(lambda, 0, psi.WireMask(0), 0, []float64{1}) // λ = Z·ψ

	// The gate is the last one, so λ is taken right after it and φ right
	// before it; for earlier gates the simulator first moves both back.
	r := make([]complex128, 4)
	statevec.ReducedOuter(lambda, phi, []int{0}, r)
	var g float64
	for i := range r {
		g += 2 * real(dry[i]*r[i])
	}
	fmt.Printf("adjoint %.6f, exact %.6f\n", g, -math.Sin(theta))
	// Output: adjoint -0.644218, exact -0.644218
}

// The one-wire kernel on a flat array: two states of two qubits stored back
// to back, a Hadamard on bit 1 (wire 0) of both, then CNOT with control
// bit 1 and target bit 0 gives two Bell states.
func ExampleApply1() {
	h := complex(1/math.Sqrt2, 0)
	u := statevec.NewMat2([]complex128{h, h, h, -h})
	a := []complex128{1, 0, 0, 0, 1, 0, 0, 0} // |00⟩ twice
	statevec.Apply1(a, 1, &u, 1)
	statevec.CNOT(a, 1, 0, 1)
	for _, v := range a {
		fmt.Printf("%.3f ", real(v))
	}
	fmt.Println()
	// Output: 0.707 0.000 0.000 0.707 0.707 0.000 0.000 0.707
}

// The backward step through the last gate of ExampleReducedOuter in one
// call: AdjointStep takes ψ = RY(θ)|0⟩ back to |0⟩ and returns the same
// cotangent R, so dE/dθ = 2·Re Σ dM/dθ[a,c]·R[a,c] = −sin θ.
func ExampleAdjointStep() {
	theta := 0.7
	c, s := math.Cos(theta/2), math.Sin(theta/2)
	ry := []complex128{complex(c, 0), complex(-s, 0), complex(s, 0), complex(c, 0)}
	dry := []complex128{complex(-s/2, 0), complex(-c/2, 0), complex(c/2, 0), complex(-s/2, 0)}

	psi := statevec.New(1, 1)
	psi.Apply([]int{0}, ry) // the state after the gate
	lambda := statevec.New(1, 1)
	lambda.Zero()
	psi.AddPauli(lambda, 0, psi.WireMask(0), 0, []float64{1}) // λ = Z·ψ

	r := make([]complex128, 4)
	statevec.AdjointStep(lambda, psi, []int{0}, ry, r, true)
	var g float64
	for i := range r {
		g += 2 * real(dry[i]*r[i])
	}
	fmt.Printf("adjoint %.6f, exact %.6f, φ back at |0⟩: %.6f\n", g, -math.Sin(theta), real(psi.Sample(0)[0]))
	// Output: adjoint -0.644218, exact -0.644218, φ back at |0⟩: 1.000000
}
