package gate

import (
	"fmt"
	"math/cmplx"

	"github.com/quanta-qml/quanta/cmat"
)

// UnitaryTol is the tolerance of QubitUnitary's unitarity check:
// max |(U†U − I)_ij| must not exceed it.
const UnitaryTol = 1e-10

// qubitUnitary is a fixed matrix on k wires.
type qubitUnitary struct {
	k int
	m *cmat.Dense
}

// QubitUnitary returns the gate with the fixed matrix m ("QubitUnitary").
// m must be 2ᵏ×2ᵏ for 1 ≤ k ≤ 10 and unitary within UnitaryTol; it is
// copied.
func QubitUnitary(m *cmat.Dense) (Gate, error) {
	if m == nil || m.Rows != m.Cols || len(m.Data) != m.Rows*m.Cols {
		return nil, fmt.Errorf("gate: QubitUnitary: matrix is not square")
	}
	k := 0
	for 1<<k < m.Rows {
		k++
	}
	if 1<<k != m.Rows || k < 1 || k > 10 {
		return nil, fmt.Errorf("gate: QubitUnitary: size %d is not 2ᵏ for 1 ≤ k ≤ 10", m.Rows)
	}
	for _, v := range m.Data {
		if cmplx.IsNaN(v) || cmplx.IsInf(v) {
			return nil, fmt.Errorf("gate: QubitUnitary: matrix has a non-finite entry")
		}
	}
	if d := unitaryDefect(m); d > UnitaryTol {
		return nil, fmt.Errorf("gate: QubitUnitary: matrix is not unitary: max |U†U − I| = %.3g", d)
	}
	return &qubitUnitary{k: k, m: m.Clone()}, nil
}

// unitaryDefect returns max |(m†m − I)_ij|.
func unitaryDefect(m *cmat.Dense) float64 {
	n := m.Rows
	worst := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s complex128
			for r := 0; r < n; r++ {
				s += cmplx.Conj(m.Data[r*n+i]) * m.Data[r*n+j]
			}
			if i == j {
				s--
			}
			worst = max(worst, cmplx.Abs(s))
		}
	}
	return worst
}

func (g *qubitUnitary) Name() string                        { return "QubitUnitary" }
func (g *qubitUnitary) NumWires() int                       { return g.k }
func (g *qubitUnitary) NumParams() int                      { return 0 }
func (g *qubitUnitary) Matrix(params []float64) *cmat.Dense { return newMatrix(g, params) }

func (g *qubitUnitary) MatrixTo(dst *cmat.Dense, params []float64) {
	checkParams("QubitUnitary", params, 0)
	checkSquare("QubitUnitary", "destination", dst, 1<<g.k)
	copy(dst.Data, g.m.Data)
}

func (g *qubitUnitary) VJP(params []float64, ubar *cmat.Dense, grad []float64) {
	checkVJP("QubitUnitary", params, 0, ubar, 1<<g.k, grad)
}
