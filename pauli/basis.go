package pauli

import (
	"fmt"
	"math/bits"

	"github.com/quanta-qml/quanta/cmat"
)

// The Pauli basis of k wires. Words(k) lists the 4ᵏ−1 non-identity words in
// PennyLane's SpecialUnitary order, and Combine, Project and Decompose move
// between coefficient vectors in that order and 2ᵏ×2ᵏ matrices.
//
// A word on wires 0..k−1 is numbered by u = Σ_w letter_w·4^(k−1−w) with
// I, X, Y, Z = 0, 1, 2, 3: wire 0 is the most significant base-4 digit, so
// the order is lexicographic with I < X < Y < Z and the last wire varying
// fastest. u = 0 is the identity; coefficient m of Combine and Project
// belongs to u = m+1. In bit-mask form (see Word.Masks) the digit of wire w
// holds the bits x_p and z_p of basis bit p = k−1−w as 2·z_p + (x_p ⊕ z_p).
//
// Every word has one non-zero element per row, (P_u)_{j⊕x, j} =
// i^popcount(x&z)·(−1)^popcount(j&z), so for a fixed x the 2ᵏ words with
// that x fill the same positions, with signs given by a Walsh–Hadamard
// transform over z. The transforms therefore cost O(4ᵏ·k) operations
// instead of the O(8ᵏ) of summing matrices.

// Words returns the 4ᵏ−1 non-identity Pauli words on wires 0..k−1 in
// PennyLane's SpecialUnitary order: lexicographic with I < X < Y < Z, the
// k-th letter acting on the k-th wire. For k = 2: IX, IY, IZ, XI, XX, …, ZZ,
// so the first word is X on wire 1. Every word lists all k wires, with I
// letters where it acts trivially.
func Words(k int) []Word {
	checkK(k)
	n := 1 << (2 * k)
	out := make([]Word, 0, n-1)
	for u := 1; u < n; u++ {
		w := Word{Ops: make([]Op, k), Wires: make([]int, k)}
		for wire := 0; wire < k; wire++ {
			w.Ops[wire] = Op(u >> (2 * (k - 1 - wire)) & 3)
			w.Wires[wire] = wire
		}
		out = append(out, w)
	}
	return out
}

// Combine sets dst = Σ_m coeffs[m]·P_m over the words of Words(k), where
// dst is 2ᵏ×2ᵏ and len(coeffs) = 4ᵏ−1. The result is Hermitian. It costs
// O(4ᵏ·k) and does not allocate for k ≤ 8. It panics on other shapes.
func Combine(dst *cmat.Dense, coeffs []float64) {
	k := basisSize(dst, "Combine")
	d := 1 << k
	if len(coeffs) != d*d-1 {
		panic(fmt.Sprintf("pauli: Combine: %d coefficients for %d wires, want %d", len(coeffs), k, d*d-1))
	}
	var stack [256]complex128
	f := scratch(&stack, d)
	phaseRe, phaseIm := iPowers()
	for x := 0; x < d; x++ {
		// f(z) = c(x, z)·i^popcount(x&z) …
		sx, sz := spread(x), 0
		for z := range f {
			u := sz<<1 | (sx ^ sz) // the word number, see spread
			sz = nextSpread(sz)
			if u == 0 {
				f[z] = 0
				continue
			}
			c := coeffs[u-1]
			q := bits.OnesCount(uint(x&z)) & 3
			f[z] = complex(c*phaseRe[q], c*phaseIm[q])
		}
		// … then g(j) = Σ_z f(z)·(−1)^popcount(j&z) belongs at (j⊕x, j).
		wht(f)
		for j, v := range f {
			dst.Data[(j^x)*d+j] = v
		}
	}
}

// Project sets dst[m] = Re Σ_ab conj(g_ab)·(P_m)_ab = Re⟨g, P_m⟩ for the
// words of Words(k), where g is 2ᵏ×2ᵏ and len(dst) = 4ᵏ−1. It is the adjoint
// of Combine under the real inner product: Re⟨g, Combine(c)⟩ = Σ_m c_m·
// dst[m], which pulls a gradient with respect to a matrix back onto the
// coefficients. It costs O(4ᵏ·k) and does not allocate for k ≤ 8.
func Project(dst []float64, g *cmat.Dense) {
	k := basisSize(g, "Project")
	d := 1 << k
	if len(dst) != d*d-1 {
		panic(fmt.Sprintf("pauli: Project: %d outputs for %d wires, want %d", len(dst), k, d*d-1))
	}
	var stack [256]complex128
	h := scratch(&stack, d)
	phaseRe, phaseIm := iPowers()
	for x := 0; x < d; x++ {
		// h(b) = conj(g[b⊕x, b]); then Σ_b h(b)·(−1)^popcount(b&z).
		for b := range h {
			v := g.Data[(b^x)*d+b]
			h[b] = complex(real(v), -imag(v))
		}
		wht(h)
		sx, sz := spread(x), 0
		for z, v := range h {
			u := sz<<1 | (sx ^ sz) // the word number, see spread
			sz = nextSpread(sz)
			if u != 0 {
				// Re(i^q·v)
				q := bits.OnesCount(uint(x&z)) & 3
				dst[u-1] = phaseRe[q]*real(v) - phaseIm[q]*imag(v)
			}
		}
	}
}

// Decompose returns the coefficients of a in the Pauli basis of k wires,
// a = Σ_u α_u·P_u with α_u = tr(P_u·a)/2ᵏ, for a 2ᵏ×2ᵏ matrix a. The result
// has 4ᵏ entries: index 0 is the identity and index m+1 belongs to
// Words(k)[m]. The coefficients are real when a is Hermitian; for a
// Hermitian a = Combine(c), α_{m+1} = c_m and α_0 = 0.
func Decompose(a *cmat.Dense) []complex128 {
	k := basisSize(a, "Decompose")
	d := 1 << k
	out := make([]complex128, d*d)
	var stack [256]complex128
	h := scratch(&stack, d)
	phaseRe, phaseIm := iPowers()
	scale := 1 / float64(d)
	for x := 0; x < d; x++ {
		// tr(P·a) = i^popcount(x&z)·Σ_c (−1)^popcount(c&z)·a[c, c⊕x].
		for c := range h {
			h[c] = a.Data[c*d+(c^x)]
		}
		wht(h)
		sx, sz := spread(x), 0
		for z, v := range h {
			u := sz<<1 | (sx ^ sz) // the word number, see spread
			sz = nextSpread(sz)
			q := bits.OnesCount(uint(x&z)) & 3
			re, im := phaseRe[q], phaseIm[q]
			out[u] = complex((re*real(v)-im*imag(v))*scale, (re*imag(v)+im*real(v))*scale)
		}
	}
	return out
}

// iPowers returns the real and imaginary parts of i^q for q = 0…3.
func iPowers() (re, im [4]float64) { return [4]float64{1, 0, -1, 0}, [4]float64{0, 1, 0, -1} }

// scratch returns a length-d buffer, from stack when it is large enough.
func scratch(stack *[256]complex128, d int) []complex128 {
	if d <= len(stack) {
		return stack[:d]
	}
	return make([]complex128, d)
}

// nextSpread returns spread(v+1) given s = spread(v): filling the odd bits
// with ones lets the carry of the increment run through them.
func nextSpread(s int) int { return int((uint64(s)|0xaaaaaaaaaaaaaaaa)+1) & 0x5555555555555555 }

// spread moves bit p of v to bit 2p. The word with masks x and z has the
// number u = spread(z)<<1 | spread(x⊕z), since the base-4 digit of basis
// bit p is 2·z_p + (x_p ⊕ z_p), and spread(x⊕z) = spread(x)⊕spread(z).
func spread(v int) int {
	u := uint64(v)
	u = (u | u<<16) & 0x0000ffff0000ffff
	u = (u | u<<8) & 0x00ff00ff00ff00ff
	u = (u | u<<4) & 0x0f0f0f0f0f0f0f0f
	u = (u | u<<2) & 0x3333333333333333
	u = (u | u<<1) & 0x5555555555555555
	return int(u)
}

// wht replaces h (length a power of two) by its unnormalised
// Walsh–Hadamard transform, h'(j) = Σ_z h(z)·(−1)^popcount(j&z).
func wht(h []complex128) {
	n := len(h)
	for half := 1; half < n; half <<= 1 {
		for lo := 0; lo < n; lo += 2 * half {
			a := h[lo : lo+half]
			b := h[lo+half : lo+2*half][:len(a)]
			for i, x := range a {
				y := b[i]
				a[i], b[i] = x+y, x-y
			}
		}
	}
}

// basisSize returns k for a 2ᵏ×2ᵏ matrix and panics otherwise.
func basisSize(m *cmat.Dense, op string) int {
	d := m.Rows
	if d != m.Cols || d < 1 || d&(d-1) != 0 || len(m.Data) != d*d {
		panic(fmt.Sprintf("pauli: %s: matrix is %d×%d, want 2ᵏ×2ᵏ", op, m.Rows, m.Cols))
	}
	k := bits.TrailingZeros(uint(d))
	checkK(k)
	return k
}

func checkK(k int) {
	if k < 0 || k > 15 {
		panic(fmt.Sprintf("pauli: Pauli basis of %d wires; want 0 ≤ k ≤ 15", k))
	}
}
