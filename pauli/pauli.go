package pauli

import (
	"fmt"
	"math"
	"strings"

	"github.com/quanta-qml/quanta/cmat"
)

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

// Validate reports whether w is well formed: as many letters as wires,
// letters among I, X, Y, Z, and distinct non-negative wires.
func (w Word) Validate() error {
	if len(w.Ops) != len(w.Wires) {
		return fmt.Errorf("pauli: word with %d letters and %d wires", len(w.Ops), len(w.Wires))
	}
	for k, o := range w.Ops {
		if o > Z {
			return fmt.Errorf("pauli: word letter %d is %d, not a Pauli operator", k, uint8(o))
		}
		wire := w.Wires[k]
		if wire < 0 {
			return fmt.Errorf("pauli: word %v: negative wire %d", w, wire)
		}
		for _, prev := range w.Wires[:k] {
			if prev == wire {
				return fmt.Errorf("pauli: word %v: wire %d appears twice", w, wire)
			}
		}
	}
	return nil
}

// Validate reports whether every word of s is well formed and every
// coefficient finite.
func (s Sum) Validate() error {
	for t, term := range s {
		if math.IsNaN(term.Coeff) || math.IsInf(term.Coeff, 0) {
			return fmt.Errorf("pauli: term %d has coefficient %g", t, term.Coeff)
		}
		if err := term.Word.Validate(); err != nil {
			return fmt.Errorf("pauli: term %d: %w", t, err)
		}
	}
	return nil
}

// MaxWire returns the largest wire of w, or −1 when w has no letters.
func (w Word) MaxWire() int {
	m := -1
	for _, wire := range w.Wires {
		m = max(m, wire)
	}
	return m
}

// MaxWire returns the largest wire of any word of s, or −1.
func (s Sum) MaxWire() int {
	m := -1
	for _, t := range s {
		m = max(m, t.Word.MaxWire())
	}
	return m
}

// Commutes reports whether the words a and b commute. Two Pauli words
// either commute or anticommute; they anticommute exactly when the number
// of wires on which both have a non-identity letter, and the letters
// differ, is odd.
func Commutes(a, b Word) bool {
	odd := false
	for i, wa := range a.Wires {
		oa := a.Ops[i]
		if oa == I {
			continue
		}
		for j, wb := range b.Wires {
			if wb == wa {
				if ob := b.Ops[j]; ob != I && ob != oa {
					odd = !odd
				}
				break
			}
		}
	}
	return !odd
}

// Masks returns the bit-mask form of w on n wires, the form used by the
// simulator kernels: for every basis index j,
//
//	P|j⟩ = i^ny · (−1)^popcount(j & z) · |j ⊕ x⟩,
//
// where wire w is the bit 1<<(n−1−w) (wire 0 is the most significant bit),
// x has the bits of the X and Y letters, z those of the Y and Z letters,
// and ny is the number of Y letters. It panics when w is malformed, a wire
// is ≥ n, or n > 64.
func (w Word) Masks(n int) (x, z uint64, ny int) {
	w.mustFit(n, "Masks")
	if n > 64 {
		panic(fmt.Sprintf("pauli: Masks on %d wires; at most 64 fit a mask", n))
	}
	for k, o := range w.Ops {
		b := uint64(1) << (n - 1 - w.Wires[k])
		switch o {
		case X:
			x |= b
		case Y:
			x |= b
			z |= b
			ny++
		case Z:
			z |= b
		}
	}
	return x, z, ny
}

// Dense returns the 2ⁿ×2ⁿ matrix of w on n wires, with wire 0 the most
// significant bit of a basis index (PennyLane's convention). It is built
// from Kronecker products of 2×2 matrices, as a slow, simple reference. It
// panics when w is malformed or a wire is ≥ n.
func (w Word) Dense(n int) *cmat.Dense {
	w.mustFit(n, "Dense")
	if n > 30 {
		panic(fmt.Sprintf("pauli: Dense on %d wires; a dense matrix is for at most 30", n))
	}
	letters := make([]Op, n)
	for k, o := range w.Ops {
		letters[w.Wires[k]] = o
	}
	m := cmat.Identity(1)
	for _, o := range letters {
		m = cmat.Kron(m, single(o))
	}
	return m
}

// Dense returns Coeff times the matrix of the word on n wires.
func (t Term) Dense(n int) *cmat.Dense {
	return cmat.ScaleTo(nil, complex(t.Coeff, 0), t.Word.Dense(n))
}

// Dense returns the 2ⁿ×2ⁿ matrix Σ c_t P_t on n wires (see Word.Dense).
func (s Sum) Dense(n int) *cmat.Dense {
	if n < 0 || n > 30 {
		panic(fmt.Sprintf("pauli: Dense on %d wires; a dense matrix is for 0 to 30", n))
	}
	d := 1 << n
	m := cmat.New(d, d)
	for _, t := range s {
		cmat.AddTo(m, m, t.Dense(n))
	}
	return m
}

// single returns the 2×2 matrix of o.
func single(o Op) *cmat.Dense {
	switch o {
	case X:
		return cmat.NewFrom(2, 2, []complex128{0, 1, 1, 0})
	case Y:
		return cmat.NewFrom(2, 2, []complex128{0, -1i, 1i, 0})
	case Z:
		return cmat.NewFrom(2, 2, []complex128{1, 0, 0, -1})
	}
	return cmat.Identity(2)
}

// mustFit panics unless w is well formed with every wire below n.
func (w Word) mustFit(n int, op string) {
	if err := w.Validate(); err != nil {
		panic(fmt.Sprintf("pauli: %s: %s", op, strings.TrimPrefix(err.Error(), "pauli: ")))
	}
	if n < 0 {
		panic(fmt.Sprintf("pauli: %s on %d wires", op, n))
	}
	if m := w.MaxWire(); m >= n {
		panic(fmt.Sprintf("pauli: %s: wire %d out of range for %d wires", op, m, n))
	}
}
