package qnn

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/pauli"
)

// Two gates that package gate lacks, for the QCNN. Both satisfy
// gate.Gate (immutable, safe for concurrent use, MatrixTo without
// allocation), so sim runs them like its own gates and checks their
// matrices for unitarity.

// controlledU3 is U3 controlled by the first of its two wires: the
// deferred-measurement form of "measure the control, apply U3 to the
// target when the outcome is 1". Parameters (θ, φ, δ) as gate.U3.
type controlledU3 struct{}

func (controlledU3) Name() string   { return "C(U3)" }
func (controlledU3) NumWires() int  { return 2 }
func (controlledU3) NumParams() int { return 3 }

// NumControls and TargetTo make it a gate.Controlled.
func (controlledU3) NumControls() int { return 1 }

func (g controlledU3) TargetTo(dst *cmat.Dense, params []float64) {
	checkGate(g.Name(), dst, 2, params, 3)
	u3(dst.Data, params)
}

func (g controlledU3) Matrix(params []float64) *cmat.Dense {
	m := cmat.New(4, 4)
	g.MatrixTo(m, params)
	return m
}

func (g controlledU3) MatrixTo(dst *cmat.Dense, params []float64) {
	checkGate(g.Name(), dst, 4, params, 3)
	clear(dst.Data)
	dst.Data[0], dst.Data[5] = 1, 1
	var t [4]complex128
	u3(t[:], params)
	dst.Data[10], dst.Data[11] = t[0], t[1]
	dst.Data[14], dst.Data[15] = t[2], t[3]
}

// VJP adds Re Σ conj(ū)·∂U/∂p_j: only the target block depends on p.
func (g controlledU3) VJP(params []float64, ubar *cmat.Dense, grad []float64) {
	checkGate(g.Name(), ubar, 4, params, 3)
	if len(grad) != 3 {
		panic(fmt.Sprintf("qnn: %s VJP with %d gradients, want 3", g.Name(), len(grad)))
	}
	u := ubar.Data
	u3Grad(params, [4]complex128{u[10], u[11], u[14], u[15]}, grad)
}

// u3Grad adds Re Σ conj(ū)·∂U3/∂p_j to grad[j] for the 2×2 cotangent ū.
func u3Grad(p []float64, ub [4]complex128, grad []float64) {
	c, s := math.Cos(p[0]/2), math.Sin(p[0]/2)
	ep, ed, epd := expi(p[1]), expi(p[2]), expi(p[1]+p[2])
	d := [3][4]complex128{
		{complex(-s/2, 0), -ed * complex(c/2, 0), ep * complex(c/2, 0), -epd * complex(s/2, 0)},
		{0, 0, 1i * ep * complex(s, 0), 1i * epd * complex(c, 0)},
		{0, -1i * ed * complex(s, 0), 0, 1i * epd * complex(c, 0)},
	}
	for j := range d {
		for i, v := range d[j] {
			grad[j] += real(ub[i])*real(v) + imag(ub[i])*imag(v)
		}
	}
}

// u3 writes gate.U3's matrix [[c, −e^{iδ}s], [e^{iφ}s, e^{i(φ+δ)}c]] into
// the 2×2 row-major dst.
func u3(dst []complex128, p []float64) {
	c, s := math.Cos(p[0]/2), math.Sin(p[0]/2)
	dst[0] = complex(c, 0)
	dst[1] = -expi(p[2]) * complex(s, 0)
	dst[2] = expi(p[1]) * complex(s, 0)
	dst[3] = expi(p[1]+p[2]) * complex(c, 0)
}

func expi(x float64) complex128 { return complex(math.Cos(x), math.Sin(x)) }

func checkGate(name string, m *cmat.Dense, d int, params []float64, np int) {
	if m == nil || m.Rows != d || m.Cols != d {
		panic(fmt.Sprintf("qnn: %s matrix of the wrong size, want %d×%d", name, d, d))
	}
	if len(params) != np {
		panic(fmt.Sprintf("qnn: %s with %d parameters, want %d", name, len(params), np))
	}
}

// arbitraryUnitary is PennyLane's ArbitraryUnitary on k wires: the
// product of the 4ᵏ−1 Pauli rotations PauliRot(θ_m, P_m) =
// exp(−iθ_m/2·P_m), m = 0 first, over the non-identity words in the order
// of PennyLane's _all_pauli_words_but_identity (an n-ary Gray code, see
// arbitraryWords). As one gate, a run costs one 2ᵏ×2ᵏ block per sample
// instead of 4ᵏ−1 passes over the state; its VJP takes the cotangent of
// the whole matrix back through the product on 2ᵏ×2ᵏ matrices.
type arbitraryUnitary struct {
	k     int
	words []string
	x, z  []uint64 // masks of the words on k local wires (wire 0 the MSB)
	ny    []int
}

func newArbitraryUnitary(k int) *arbitraryUnitary {
	g := &arbitraryUnitary{k: k, words: arbitraryWords(k)}
	wires := make([]int, k)
	for i := range wires {
		wires[i] = i
	}
	for _, w := range g.words {
		ops := make([]pauli.Op, k)
		for i, c := range w {
			ops[i] = pauli.Op(stringsIndex("IXYZ", c))
		}
		x, z, ny := pauli.Word{Ops: ops, Wires: wires}.Masks(k)
		g.x, g.z, g.ny = append(g.x, x), append(g.z, z), append(g.ny, ny)
	}
	return g
}

func stringsIndex(s string, c rune) int {
	for i, r := range s {
		if r == c {
			return i
		}
	}
	panic("qnn: letter " + string(c) + " not in " + s)
}

// arbitraryWords returns the 4ᵏ−1 Pauli words of PennyLane's
// ArbitraryUnitary in its order: for i = 1 … 4ᵏ−1, the base-4 digits of i
// (least significant first) are turned into a Gray code word as by
// _n_k_gray_code in PennyLane's arbitrary_unitary.py, digit values 0…3
// standing for I, X, Y, Z, the first digit on the first wire.
func arbitraryWords(k int) []string {
	n := 1 << (2 * k)
	words := make([]string, 0, n-1)
	base := make([]int, k)
	code := make([]byte, k)
	for i := 1; i < n; i++ {
		v := i
		for j := range base {
			base[j] = v % 4
			v /= 4
		}
		shift := 0
		for j := k - 1; j >= 0; j-- {
			d := (base[j] + shift) % 4
			code[j] = "IXYZ"[d]
			shift += 4 - d
		}
		words = append(words, string(code))
	}
	return words
}

func (g *arbitraryUnitary) Name() string   { return "ArbitraryUnitary" }
func (g *arbitraryUnitary) NumWires() int  { return g.k }
func (g *arbitraryUnitary) NumParams() int { return len(g.words) }

func (g *arbitraryUnitary) Matrix(params []float64) *cmat.Dense {
	d := 1 << g.k
	m := cmat.New(d, d)
	g.MatrixTo(m, params)
	return m
}

// phase returns the entry of word m's matrix in column j (its row is
// j ⊕ x_m): i^ny·(−1)^popcount(j & z).
func (g *arbitraryUnitary) phase(m int, j uint64) complex128 {
	p := [4]complex128{1, 1i, -1, -1i}[g.ny[m]&3]
	if bits.OnesCount64(j&g.z[m])&1 == 1 {
		return -p
	}
	return p
}

// rotate sets the rows of the d×d matrix a to (c·I + s·P_m)·a for word m
// (s complex: −i·sin(θ/2) applies the rotation, +i·sin(θ/2) its adjoint).
// Row a of P·a is phase(a⊕x)·row (a⊕x) of a, so rows pair up.
func (g *arbitraryUnitary) rotate(a []complex128, d, m int, c float64, s complex128) {
	x := g.x[m]
	cc := complex(c, 0)
	for r := 0; r < d; r++ {
		ra := a[r*d : (r+1)*d]
		if x == 0 {
			f := cc + s*g.phase(m, uint64(r))
			for i := range ra {
				ra[i] *= f
			}
			continue
		}
		q := r ^ int(x)
		if q < r {
			continue // done with its partner
		}
		rq := a[q*d : (q+1)*d]
		fr := s * g.phase(m, uint64(q)) // row r gains s·phase(q)·row q
		fq := s * g.phase(m, uint64(r))
		for i := range ra {
			vr, vq := ra[i], rq[i]
			ra[i] = cc*vr + fr*vq
			rq[i] = cc*vq + fq*vr
		}
	}
}

func (g *arbitraryUnitary) MatrixTo(dst *cmat.Dense, params []float64) {
	d := 1 << g.k
	checkGate(g.Name(), dst, d, params, len(g.words))
	clear(dst.Data)
	for i := 0; i < d; i++ {
		dst.Data[i*d+i] = 1
	}
	for m, th := range params {
		g.rotate(dst.Data, d, m, math.Cos(th/2), complex(0, -math.Sin(th/2)))
	}
}

// VJP adds Re Σ conj(ū)·∂U/∂θ_m. With A_m = R_m···R_0 and B_m the
// rotations after m, ∂U/∂θ_m = B_m·(−i/2)·P_m·A_m, so the gradient is
// Re⟨B_m†ū, (−i/2)·P_m·A_m⟩; walking m downwards from A = U and G = ū,
// each step multiplies both by R_m† = cos(θ/2)·I + i·sin(θ/2)·P_m.
func (g *arbitraryUnitary) VJP(params []float64, ubar *cmat.Dense, grad []float64) {
	d := 1 << g.k
	checkGate(g.Name(), ubar, d, params, len(g.words))
	if len(grad) != len(g.words) {
		panic(fmt.Sprintf("qnn: %s VJP with %d gradients, want %d", g.Name(), len(grad), len(g.words)))
	}
	var buf [2 * 64]complex128 // up to three wires without allocating
	var a, gm []complex128
	if 2*d*d <= len(buf) {
		a, gm = buf[:d*d], buf[d*d:2*d*d]
	} else {
		a, gm = make([]complex128, d*d), make([]complex128, d*d)
	}
	clear(a)
	for i := 0; i < d; i++ {
		a[i*d+i] = 1
	}
	for m, th := range params {
		g.rotate(a, d, m, math.Cos(th/2), complex(0, -math.Sin(th/2)))
	}
	copy(gm, ubar.Data)
	for m := len(params) - 1; m >= 0; m-- {
		x := int(g.x[m])
		s := 0.0
		for r := 0; r < d; r++ {
			q := r ^ x
			f := -0.5i * g.phase(m, uint64(q))
			gr, aq := gm[r*d:(r+1)*d], a[q*d:(q+1)*d]
			for i := range gr {
				v := f * aq[i]
				s += real(gr[i])*real(v) + imag(gr[i])*imag(v)
			}
		}
		grad[m] += s
		c, sn := math.Cos(params[m]/2), math.Sin(params[m]/2)
		g.rotate(a, d, m, c, complex(0, sn))
		g.rotate(gm, d, m, c, complex(0, sn))
	}
}
