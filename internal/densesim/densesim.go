package densesim

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/pauli"
)

// MaxWires is the largest n the simulator accepts.
const MaxWires = 10

// bit returns the bit of wire w in basis index j of n wires.
func bit(j, w, n int) int { return (j >> (n - 1 - w)) & 1 }

// Embed returns the 2ⁿ×2ⁿ operator of the 2ᵏ×2ᵏ matrix u acting on wires
// (in gate order) of n wires: Pᵀ·(u ⊗ I)·P, where the permutation P moves
// the gate's wires, in order, to the front.
func Embed(n int, u *cmat.Dense, wires []int) *cmat.Dense {
	k := len(wires)
	if n < 1 || n > MaxWires || u.Rows != 1<<k || u.Cols != 1<<k {
		panic(fmt.Sprintf("densesim: Embed of a %d×%d matrix on %v of %d wires", u.Rows, u.Cols, wires, n))
	}
	var rest []int
	for w := 0; w < n; w++ {
		used := false
		for _, v := range wires {
			if v < 0 || v >= n {
				panic(fmt.Sprintf("densesim: wire %d of %d", v, n))
			}
			used = used || v == w
		}
		if !used {
			rest = append(rest, w)
		}
	}
	if len(rest) != n-k {
		panic(fmt.Sprintf("densesim: repeated wires %v", wires))
	}
	order := append(append([]int(nil), wires...), rest...)
	dim := 1 << n
	p := cmat.New(dim, dim)
	for j := 0; j < dim; j++ {
		pj := 0
		for _, w := range order {
			pj = pj<<1 | bit(j, w, n)
		}
		p.Set(pj, j, 1)
	}
	big := cmat.Kron(u, cmat.Identity(1<<(n-k)))
	return cmat.Mul(cmat.Mul(cmat.Adjoint(p), big), p)
}

// apply returns m·psi.
func apply(m *cmat.Dense, psi []complex128) []complex128 {
	return cmat.Mul(m, cmat.NewFrom(len(psi), 1, psi)).Data
}

// opMatrix returns the full operator of gate op i.
func opMatrix(c *circuit.Circuit, i int, inputs, weights []float64) *cmat.Dense {
	o := c.Op(i)
	p := make([]float64, o.NumParams())
	o.Params(p, inputs, weights)
	return Embed(c.NumWires(), o.Gate().Matrix(p), o.Wires())
}

func check(c *circuit.Circuit, inputs, weights []float64) {
	if c.NumWires() > MaxWires {
		panic(fmt.Sprintf("densesim: %d wires, at most %d", c.NumWires(), MaxWires))
	}
	if len(inputs) != c.NumInputs() || len(weights) != c.NumWeights() {
		panic(fmt.Sprintf("densesim: %d inputs and %d weights for a circuit with %d and %d",
			len(inputs), len(weights), c.NumInputs(), c.NumWeights()))
	}
}

// State runs the circuit from |0…0⟩ for one sample and returns the state.
// The error is that of an amplitude embedding whose features are rejected.
func State(c *circuit.Circuit, inputs, weights []float64) ([]complex128, error) {
	check(c, inputs, weights)
	n := c.NumWires()
	psi := make([]complex128, 1<<n)
	psi[0] = 1
	for i := 0; i < c.NumOps(); i++ {
		o := c.Op(i)
		if !o.IsAmplitude() {
			psi = apply(opMatrix(c, i, inputs, weights), psi)
			continue
		}
		wires := o.Wires()
		v := make([]float64, 1<<len(wires))
		if err := o.Amplitudes(v, inputs); err != nil {
			return nil, fmt.Errorf("densesim: op %d: %w", i, err)
		}
		// |v⟩ on the op's wires, |0⟩ on the others.
		for j := range psi {
			idx, others := 0, 0
			for w := 0; w < n; w++ {
				inOp := false
				for _, ww := range wires {
					inOp = inOp || ww == w
				}
				if !inOp {
					others |= bit(j, w, n)
				}
			}
			for _, w := range wires {
				idx = idx<<1 | bit(j, w, n)
			}
			psi[j] = 0
			if others == 0 {
				psi[j] = complex(v[idx], 0)
			}
		}
	}
	return psi, nil
}

// Unitary returns the matrix of the whole circuit for one sample. It
// returns an error for a circuit with an amplitude embedding, which is not
// unitary.
func Unitary(c *circuit.Circuit, inputs, weights []float64) (*cmat.Dense, error) {
	check(c, inputs, weights)
	u := cmat.Identity(1 << c.NumWires())
	for i := 0; i < c.NumOps(); i++ {
		if c.Op(i).IsAmplitude() {
			return nil, fmt.Errorf("densesim: op %d is an amplitude embedding, not a unitary", i)
		}
		u = cmat.Mul(opMatrix(c, i, inputs, weights), u)
	}
	return u, nil
}

// WordMatrix returns the 2ⁿ×2ⁿ matrix of a Pauli word on n wires, the
// Kronecker product of one 2×2 matrix per wire, wire 0 first.
func WordMatrix(n int, w pauli.Word) *cmat.Dense {
	letters := make([]pauli.Op, n)
	for k, wire := range w.Wires {
		if wire < 0 || wire >= n {
			panic(fmt.Sprintf("densesim: Pauli word on wire %d of %d", wire, n))
		}
		letters[wire] = w.Ops[k]
	}
	m := cmat.Identity(1)
	for _, o := range letters {
		var p *cmat.Dense
		switch o {
		case pauli.X:
			p = cmat.NewFrom(2, 2, []complex128{0, 1, 1, 0})
		case pauli.Y:
			p = cmat.NewFrom(2, 2, []complex128{0, -1i, 1i, 0})
		case pauli.Z:
			p = cmat.NewFrom(2, 2, []complex128{1, 0, 0, -1})
		default:
			p = cmat.Identity(2)
		}
		m = cmat.Kron(m, p)
	}
	return m
}

// Expval returns ⟨ψ|H|ψ⟩ for the Pauli sum H on the n wires of psi.
func Expval(psi []complex128, h pauli.Sum) float64 {
	n := wiresOf(psi)
	hm := cmat.New(1<<n, 1<<n)
	for _, t := range h {
		wm := WordMatrix(n, t.Word)
		for i := range hm.Data {
			hm.Data[i] += complex(t.Coeff, 0) * wm.Data[i]
		}
	}
	hp := apply(hm, psi)
	var s complex128
	for i := range psi {
		s += cmplx.Conj(psi[i]) * hp[i]
	}
	return real(s)
}

// ExpvalsZ returns ⟨Z_w⟩ for every wire w.
func ExpvalsZ(psi []complex128) []float64 {
	n := wiresOf(psi)
	out := make([]float64, n)
	for w := range out {
		out[w] = Expval(psi, pauli.Sum{{Coeff: 1, Word: pauli.Word{Ops: []pauli.Op{pauli.Z}, Wires: []int{w}}}})
	}
	return out
}

// Probs returns the marginal distribution of the given wires: index j reads
// their bits with the first listed wire as the most significant.
func Probs(psi []complex128, wires []int) []float64 {
	n := wiresOf(psi)
	out := make([]float64, 1<<len(wires))
	for j, a := range psi {
		idx := 0
		for _, w := range wires {
			idx = idx<<1 | bit(j, w, n)
		}
		out[idx] += real(a)*real(a) + imag(a)*imag(a)
	}
	return out
}

func wiresOf(psi []complex128) int {
	n := int(math.Round(math.Log2(float64(len(psi)))))
	if n < 1 || 1<<n != len(psi) || n > MaxWires {
		panic(fmt.Sprintf("densesim: state of length %d", len(psi)))
	}
	return n
}
