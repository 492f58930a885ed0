package gate

import (
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/pauli"
)

// specialUnitary is exp(+i Σ_m θ_m P_m) over the 4ᵏ−1 non-identity Pauli
// words on k wires, in pauli.Words(k) order.
type specialUnitary struct{ k int }

// SpecialUnitary returns PennyLane's SpecialUnitary on k wires
// ("SpecialUnitary"): U(θ) = exp(+i Σ_m θ_m P_m), with 4ᵏ−1 parameters and
// the words P_m of pauli.Words(k): lexicographic with I < X < Y < Z, the
// p-th letter acting on the p-th listed wire. Note the + sign and the
// missing ½: SpecialUnitary(t·e_m) = PauliRot(−2t, word_m). It panics unless
// 1 ≤ k ≤ 7.
//
// The matrix comes from the eigendecomposition of A = Σ_m θ_m P_m; the VJP
// projects the adjoint Fréchet derivative of exp at iA back onto the
// words (Daleckii–Krein), so its cost does not grow with one derivative
// matrix per parameter. A decomposition that fails, which happens only for
// non-finite parameters, gives a matrix of NaN and NaN gradients.
func SpecialUnitary(k int) Gate {
	if k < 1 || k > 7 {
		panic(fmt.Sprintf("gate: SpecialUnitary on %d wires, want 1 to 7", k))
	}
	return &specialUnitary{k}
}

func (g *specialUnitary) Name() string                        { return "SpecialUnitary" }
func (g *specialUnitary) NumWires() int                       { return g.k }
func (g *specialUnitary) NumParams() int                      { return 1<<(2*g.k) - 1 }
func (g *specialUnitary) Matrix(params []float64) *cmat.Dense { return newMatrix(g, params) }

// exp returns the decomposition of exp(iA), or nil when it fails.
func (g *specialUnitary) exp(params []float64) *cmat.ExpHermitian {
	d := 1 << g.k
	a := cmat.New(d, d)
	pauli.Combine(a, params)
	e, err := cmat.NewExpHermitian(a, 1i)
	if err != nil {
		return nil
	}
	return e
}

func (g *specialUnitary) MatrixTo(dst *cmat.Dense, params []float64) {
	checkParams("SpecialUnitary", params, g.NumParams())
	checkSquare("SpecialUnitary", "destination", dst, 1<<g.k)
	e := g.exp(params)
	if e == nil {
		fillNaN(dst.Data)
		return
	}
	e.ExpTo(dst, nil)
}

// VJP: dU = L(iA, i·dA) with dA = Σ dθ_m P_m, so
// Re⟨ū, dU⟩ = Re⟨−i·L*(ū), dA⟩ and grad_m += Project(−i·L*(ū))_m.
func (g *specialUnitary) VJP(params []float64, ubar *cmat.Dense, grad []float64) {
	np := g.NumParams()
	checkVJP("SpecialUnitary", params, np, ubar, 1<<g.k, grad)
	e := g.exp(params)
	if e == nil {
		for j := range grad {
			grad[j] = math.NaN()
		}
		return
	}
	gm := e.FrechetAdjoint(ubar)
	for i, v := range gm.Data {
		gm.Data[i] = complex(imag(v), -real(v)) // −i·v
	}
	tmp := make([]float64, np)
	pauli.Project(tmp, gm)
	for j, v := range tmp {
		grad[j] += v
	}
}
