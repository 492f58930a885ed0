package qnn

import (
	"fmt"
	"math"

	"github.com/quanta-qml/quanta/cmat"
)

// qcnnConv is the QCNN's two-qubit convolution unit as one gate (the
// PennyLane demo's convolutional_layer on one pair of wires a, b):
//
//	with first:    U3(p0:3)⊗U3(p3:6), IsingXX(p6), IsingYY(p7), IsingZZ(p8), U3(p9:12)⊗U3(p12:15)
//	without first: IsingXX(p0), IsingYY(p1), IsingZZ(p2), U3(p3:6)⊗U3(p6:9)
//
// in time order, U3 and the Ising gates as in package gate. Written as
// separate gates, sim applies these as four to seven passes over the state
// (its fusion does not merge the single-wire U3s into the rotations), so
// the unit is one gate: one 4×4 block per sample, its VJP taking the
// cotangent of the whole matrix back to the factors on 4×4 matrices.
type qcnnConv struct{ first bool }

// convFactors is the largest number of factors of the unit.
const convFactors = 5

// isingWords holds X⊗X, Y⊗Y and Z⊗Z, row-major.
var isingWords = [3][16]complex128{
	{0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0},
	{0, 0, 0, -1, 0, 0, 1, 0, 0, 1, 0, 0, -1, 0, 0, 0},
	{1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1},
}

func (g qcnnConv) Name() string {
	if g.first {
		return "QCNNConv"
	}
	return "QCNNConv9"
}

func (g qcnnConv) NumWires() int { return 2 }

func (g qcnnConv) NumParams() int {
	if g.first {
		return 15
	}
	return 9
}

// factors writes the factors of the unit, first applied first, and
// returns their number; kinds[i] is −1 for a U3 pair (params at off[i]
// and off[i]+3) and the Ising word index otherwise (param at off[i]).
func (g qcnnConv) factors(p []float64, f *[convFactors][16]complex128, kinds, off *[convFactors]int) int {
	m := 0
	if g.first {
		kinds[m], off[m] = -1, 0
		m++
	}
	base := 0
	if g.first {
		base = 6
	}
	for w := range 3 {
		kinds[m], off[m] = w, base+w
		m++
	}
	kinds[m], off[m] = -1, base+3
	m++
	for i := range m {
		if kinds[i] < 0 {
			var a, b [4]complex128
			u3(a[:], p[off[i]:off[i]+3])
			u3(b[:], p[off[i]+3:off[i]+6])
			kron2(&f[i], &a, &b)
			continue
		}
		c, s := math.Cos(p[off[i]]/2), math.Sin(p[off[i]]/2)
		word := &isingWords[kinds[i]]
		for j := range f[i] {
			f[i][j] = complex(0, -s) * word[j]
		}
		for j := 0; j < 16; j += 5 {
			f[i][j] += complex(c, 0)
		}
	}
	return m
}

func kron2(dst *[16]complex128, a, b *[4]complex128) {
	for r := range 2 {
		for t := range 2 {
			for s := range 2 {
				for u := range 2 {
					dst[(2*r+t)*4+2*s+u] = a[2*r+s] * b[2*t+u]
				}
			}
		}
	}
}

// mul4 sets dst = a·b for 4×4 row-major matrices (dst distinct from both).
func mul4(dst, a, b *[16]complex128) {
	for i := range 4 {
		for j := range 4 {
			var s complex128
			for k := range 4 {
				s += a[4*i+k] * b[4*k+j]
			}
			dst[4*i+j] = s
		}
	}
}

// mulAdj4 sets dst = a·b†; adjMul4 sets dst = a†·b.
func mulAdj4(dst, a, b *[16]complex128) {
	for i := range 4 {
		for j := range 4 {
			var s complex128
			for k := range 4 {
				s += a[4*i+k] * complex(real(b[4*j+k]), -imag(b[4*j+k]))
			}
			dst[4*i+j] = s
		}
	}
}

func adjMul4(dst, a, b *[16]complex128) {
	for i := range 4 {
		for j := range 4 {
			var s complex128
			for k := range 4 {
				s += complex(real(a[4*k+i]), -imag(a[4*k+i])) * b[4*k+j]
			}
			dst[4*i+j] = s
		}
	}
}

func (g qcnnConv) Matrix(params []float64) *cmat.Dense {
	m := cmat.New(4, 4)
	g.MatrixTo(m, params)
	return m
}

func (g qcnnConv) MatrixTo(dst *cmat.Dense, params []float64) {
	checkGate(g.Name(), dst, 4, params, g.NumParams())
	var f [convFactors][16]complex128
	var kinds, off [convFactors]int
	m := g.factors(params, &f, &kinds, &off)
	u, t := f[0], [16]complex128{}
	for i := 1; i < m; i++ {
		mul4(&t, &f[i], &u)
		u = t
	}
	copy(dst.Data, u[:])
}

// VJP adds Re Σ conj(ū)·∂U/∂p_j. With U = F_{m−1}···F_0, factor i has the
// cotangent ū_i = (F_{m−1}···F_{i+1})†·ū·(F_{i−1}···F_0)†; a U3 pair A⊗B
// passes ū_A = Σ_t ū_i[(r,t),(s,t')]·conj(B_tt') to A (and symmetrically
// to B), and an Ising factor cos(φ/2)·I − i·sin(φ/2)·P has the derivative
// −sin(φ/2)/2·I − i·cos(φ/2)/2·P.
func (g qcnnConv) VJP(params []float64, ubar *cmat.Dense, grad []float64) {
	checkGate(g.Name(), ubar, 4, params, g.NumParams())
	if len(grad) != g.NumParams() {
		panic(fmt.Sprintf("qnn: %s VJP with %d gradients, want %d", g.Name(), len(grad), g.NumParams()))
	}
	var f, pre [convFactors][16]complex128
	var kinds, off [convFactors]int
	m := g.factors(params, &f, &kinds, &off)
	pre[0] = f[0] // pre[i] = F_i···F_0
	for i := 1; i < m; i++ {
		mul4(&pre[i], &f[i], &pre[i-1])
	}
	var gm, ui, t [16]complex128
	copy(gm[:], ubar.Data) // (F_{m−1}···F_{i+1})†·ū
	for i := m - 1; i >= 0; i-- {
		if i > 0 {
			mulAdj4(&ui, &gm, &pre[i-1])
		} else {
			ui = gm
		}
		if kinds[i] < 0 {
			p := params[off[i] : off[i]+6]
			var a, b, ua, ub [4]complex128
			u3(a[:], p[:3])
			u3(b[:], p[3:])
			for r := range 2 {
				for s := range 2 {
					for tt := range 2 {
						for u := range 2 {
							v := ui[(2*r+tt)*4+2*s+u]
							ua[2*r+s] += v * complex(real(b[2*tt+u]), -imag(b[2*tt+u]))
							ub[2*tt+u] += v * complex(real(a[2*r+s]), -imag(a[2*r+s]))
						}
					}
				}
			}
			u3Grad(p[:3], ua, grad[off[i]:off[i]+3])
			u3Grad(p[3:], ub, grad[off[i]+3:off[i]+6])
		} else {
			c, s := math.Cos(params[off[i]]/2), math.Sin(params[off[i]]/2)
			word := &isingWords[kinds[i]]
			sum := 0.0
			for j, v := range ui {
				d := complex(0, -c/2) * word[j]
				if j%5 == 0 {
					d += complex(-s/2, 0)
				}
				sum += real(v)*real(d) + imag(v)*imag(d)
			}
			grad[off[i]] += sum
		}
		adjMul4(&t, &f[i], &gm)
		gm = t
	}
}
