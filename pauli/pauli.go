// Package pauli holds Pauli words, terms and sums, used both as observables
// and as Hamiltonians.
//
// # Overview
//
// A Word is a tensor product of single-qubit Paulis on distinct wires; wires
// not named carry the identity. The k-th letter acts on the k-th listed wire,
// as in PennyLane's PauliRot and SpecialUnitary. A Sum is Σ c_t P_t with real
// coefficients, so it is Hermitian.
package pauli

// Op is a single-qubit Pauli operator.
type Op uint8

// The single-qubit Pauli operators, in the order I < X < Y < Z used to
// enumerate words lexicographically (PennyLane's SpecialUnitary order).
const (
	I Op = iota
	X
	Y
	Z
)

// String returns "I", "X", "Y" or "Z".
func (o Op) String() string { return string("IXYZ"[o&3]) }

// Word is a tensor product of single-qubit Paulis: Ops[k] acts on Wires[k].
// Wires are distinct; identity letters may be present.
type Word struct {
	Ops   []Op
	Wires []int
}

// Term is a Pauli word with a real coefficient.
type Term struct {
	Coeff float64
	Word  Word
}

// Sum is a real linear combination of Pauli words.
type Sum []Term
