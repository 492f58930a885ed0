package gate

import (
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/pauli"
)

// evolve is exp(−i·t·H(x)) with parameters [t, x_0, …, x_{L−1}].
type evolve struct {
	k     int
	nx    int
	words []wordMask // nil: the symmetrised-image Hamiltonian
}

// EvolveImage returns exp(−i·t·H) on k wires ("Evolve") with parameters
// [t, x_0, …, x_{n−1}] and the "symmetrised image" Hamiltonian: x padded
// with zeros to 4ᵏ values, read row-major as a 2ᵏ×2ᵏ matrix D, and
// H = (D + Dᵀ)/2 (real symmetric). exp(+i·t·H) is the same gate with the
// time parameter negated. It panics unless 1 ≤ k ≤ 7 and 1 ≤ n ≤ 4ᵏ.
//
// The matrix comes from the eigendecomposition of H (Dsyev through
// cmat.EigSym) and the VJP from the adjoint Fréchet derivative of the
// exponential (Daleckii–Krein), exact also for degenerate H. A
// decomposition that fails, which happens only for non-finite parameters,
// gives a matrix of NaN and NaN gradients.
func EvolveImage(k, n int) Gate {
	if k < 1 || k > 7 || n < 1 || n > 1<<(2*k) {
		panic(fmt.Sprintf("gate: EvolveImage with %d inputs on %d wires", n, k))
	}
	return &evolve{k: k, nx: n}
}

// EvolvePauli returns exp(−i·t·H) on k wires ("Evolve") with parameters
// [t, x_0, …, x_{L−1}] and H = Σ_i x_i·P_i for the given words, whose
// Wires are positions 0…k−1 among the gate's wires (the first listed wire
// is the most significant bit). It returns an error for k outside 1…7, an
// empty list, or a word with a repeated or out-of-range wire.
func EvolvePauli(k int, words []pauli.Word) (Gate, error) {
	if k < 1 || k > 7 {
		return nil, fmt.Errorf("gate: EvolvePauli on %d wires, want 1 to 7", k)
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("gate: EvolvePauli: no words")
	}
	g := &evolve{k: k, nx: len(words), words: make([]wordMask, len(words))}
	for i, w := range words {
		if len(w.Ops) != len(w.Wires) {
			return nil, fmt.Errorf("gate: EvolvePauli: word %d has %d letters for %d wires", i, len(w.Ops), len(w.Wires))
		}
		m := wordMask{iny: 1}
		seen := 0
		for p, o := range w.Ops {
			wire := w.Wires[p]
			if wire < 0 || wire >= k {
				return nil, fmt.Errorf("gate: EvolvePauli: word %d: wire %d out of range [0, %d)", i, wire, k)
			}
			bit := 1 << (k - 1 - wire)
			if seen&bit != 0 {
				return nil, fmt.Errorf("gate: EvolvePauli: word %d: wire %d repeated", i, wire)
			}
			seen |= bit
			switch o {
			case pauli.I:
			case pauli.X:
				m.x |= bit
			case pauli.Y:
				m.x |= bit
				m.z |= bit
				m.iny *= 1i
			case pauli.Z:
				m.z |= bit
			default:
				return nil, fmt.Errorf("gate: EvolvePauli: word %d: invalid letter %d", i, o)
			}
		}
		g.words[i] = m
	}
	return g, nil
}

func (g *evolve) Name() string                        { return "Evolve" }
func (g *evolve) NumWires() int                       { return g.k }
func (g *evolve) NumParams() int                      { return 1 + g.nx }
func (g *evolve) Matrix(params []float64) *cmat.Dense { return newMatrix(g, params) }

// hamiltonian returns H(x) for the parameters [t, x…] (t is ignored).
func (g *evolve) hamiltonian(params []float64) *cmat.Dense {
	d := 1 << g.k
	h := cmat.New(d, d)
	x := params[1:]
	if g.words == nil {
		for i, v := range x {
			a, b := i/d, i%d
			h.Data[a*d+b] += complex(v/2, 0)
			h.Data[b*d+a] += complex(v/2, 0)
		}
		return h
	}
	for i, m := range g.words {
		c := complex(x[i], 0)
		for b := 0; b < d; b++ {
			h.Data[(b^m.x)*d+b] += c * m.phase(b)
		}
	}
	return h
}

// exp returns H and the decomposition of exp(−itH); the decomposition is
// nil when it fails.
func (g *evolve) exp(params []float64) (*cmat.Dense, *cmat.ExpHermitian) {
	h := g.hamiltonian(params)
	s := complex(0, -params[0])
	if g.words == nil {
		d := 1 << g.k
		re := make([]float64, d*d)
		for i, v := range h.Data {
			re[i] = real(v)
		}
		e, err := cmat.NewExpSym(d, re, s)
		if err != nil {
			return h, nil
		}
		return h, e
	}
	e, err := cmat.NewExpHermitian(h, s)
	if err != nil {
		return h, nil
	}
	return h, e
}

func (g *evolve) MatrixTo(dst *cmat.Dense, params []float64) {
	checkParams("Evolve", params, g.NumParams())
	checkSquare("Evolve", "destination", dst, 1<<g.k)
	_, e := g.exp(params)
	if e == nil {
		fillNaN(dst.Data)
		return
	}
	e.ExpTo(dst, nil)
}

// VJP: with s = −it, d(sH) = −i·dt·H + s·dH, so for G = L*(ū) (the adjoint
// Fréchet derivative at sH) ∂/∂t = Re⟨G, −iH⟩ and ∂/∂x = Re⟨conj(s)·G, ∂H/∂x⟩.
func (g *evolve) VJP(params []float64, ubar *cmat.Dense, grad []float64) {
	d := 1 << g.k
	checkVJP("Evolve", params, g.NumParams(), ubar, d, grad)
	h, e := g.exp(params)
	if e == nil {
		for j := range grad {
			grad[j] = math.NaN()
		}
		return
	}
	gm := e.FrechetAdjoint(ubar)
	dt := 0.0
	for i, v := range gm.Data {
		dt += reDot(v, complex(imag(h.Data[i]), -real(h.Data[i]))) // −i·H
	}
	grad[0] += dt
	t := params[0]
	kk := gm.Data // K = i·t·G, formed in place
	for i, v := range kk {
		kk[i] = complex(-t*imag(v), t*real(v))
	}
	gx := grad[1:]
	if g.words == nil {
		for i := range gx {
			a, b := i/d, i%d
			gx[i] += (real(kk[a*d+b]) + real(kk[b*d+a])) / 2
		}
		return
	}
	for i, m := range g.words {
		acc := 0.0
		for b := 0; b < d; b++ {
			acc += reDot(kk[(b^m.x)*d+b], m.phase(b))
		}
		gx[i] += acc
	}
}
