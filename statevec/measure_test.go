package statevec

import (
	"fmt"
	"math"
	"math/cmplx"
	"testing"

	"github.com/quanta-qml/quanta/internal/numtest"
)

// expectDense returns ⟨u|op|v⟩.
func expectDense(u []complex128, op []complex128, v []complex128) complex128 {
	w := matVec(op, v)
	var s complex128
	for i := range u {
		s += cmplx.Conj(u[i]) * w[i]
	}
	return s
}

func TestExpectAndInnerPauliAgainstDense(t *testing.T) {
	t.Parallel()
	rng := newRNG(10)
	for i := 0; i < 120; i++ {
		n := 1 + rng.IntN(8)
		word := randWord(rng, n)
		P, x, z, ny := pauliDense(word)
		const B = 3
		s := randBatch(rng, n, B)
		phi := randBatch(rng, n, B)
		// Unnormalised states must work too.
		s.Scale([]complex128{1, 2.5, complex(0.3, -0.4)})
		got := make([]float64, B)
		s.ExpectPauli(x, z, ny, got)
		inner := make([]complex128, B)
		s.InnerPauli(phi, x, z, ny, inner)
		for b := 0; b < B; b++ {
			want := expectDense(s.Sample(b), P, s.Sample(b))
			if math.Abs(got[b]-real(want)) > tol || math.Abs(imag(want)) > tol {
				t.Errorf("%s sample %d: ExpectPauli %.15g, dense %v", word, b, got[b], want)
			}
			wantI := expectDense(s.Sample(b), P, phi.Sample(b))
			if cmplx.Abs(inner[b]-wantI) > tol {
				t.Errorf("%s sample %d: InnerPauli %v, dense %v", word, b, inner[b], wantI)
			}
		}
	}
}

// TestExpectPauliNonHermitian checks the documented real part for words
// that are not Hermitian (i·Z and i·X).
func TestExpectPauliNonHermitian(t *testing.T) {
	t.Parallel()
	rng := newRNG(11)
	s := randBatch(rng, 3, 2)
	for _, c := range []struct{ x, z uint64 }{{0, 0b101}, {0b010, 0}} {
		got := make([]float64, 2)
		s.ExpectPauli(c.x, c.z, 1, got)
		word := ""
		for w := 0; w < 3; w++ {
			bit := uint64(1) << (2 - w)
			switch {
			case c.x&bit != 0:
				word += "X"
			case c.z&bit != 0:
				word += "Z"
			default:
				word += "I"
			}
		}
		P, _, _, _ := pauliDense(word)
		for b := 0; b < 2; b++ {
			want := real(1i * expectDense(s.Sample(b), P, s.Sample(b)))
			if math.Abs(got[b]-want) > tol {
				t.Errorf("i·%s sample %d: %.15g, want %.15g", word, b, got[b], want)
			}
		}
	}
}

func TestNormsAndInner(t *testing.T) {
	t.Parallel()
	rng := newRNG(12)
	a := randBatch(rng, 5, 3)
	c := randBatch(rng, 5, 3)
	a.Scale([]complex128{2, 1i, 0.5})
	nrm := make([]float64, 3)
	a.Norms(nrm)
	ip := make([]complex128, 3)
	Inner(a, c, ip)
	for b, want := range []float64{2, 1, 0.5} {
		if math.Abs(nrm[b]-want) > tol {
			t.Errorf("norm %d = %.16g, want %g", b, nrm[b], want)
		}
		var d complex128
		for j, v := range a.Sample(b) {
			d += cmplx.Conj(v) * c.Sample(b)[j]
		}
		if cmplx.Abs(ip[b]-d) > tol {
			t.Errorf("inner %d = %v, want %v", b, ip[b], d)
		}
	}
}

func TestAddPauliAgainstDense(t *testing.T) {
	t.Parallel()
	rng := newRNG(13)
	for i := 0; i < 60; i++ {
		n := 1 + rng.IntN(7)
		word := randWord(rng, n)
		P, x, z, ny := pauliDense(word)
		const B = 3
		s := randBatch(rng, n, B)
		dst := randBatch(rng, n, B)
		coeffs := []float64{rng.NormFloat64(), 0, rng.NormFloat64()}
		want := make([][]complex128, B)
		for b := range want {
			pv := matVec(P, s.Sample(b))
			want[b] = make([]complex128, 1<<n)
			for j := range pv {
				want[b][j] = dst.Sample(b)[j] + complex(coeffs[b], 0)*pv[j]
			}
		}
		s.AddPauli(dst, x, z, ny, coeffs)
		checkStates(t, word, dst, want)
	}
}

// probsByHand sums |ψ_j|² into the outcome read from the wires of j.
func probsByHand(v []complex128, n int, wires []int) []float64 {
	p := make([]float64, 1<<len(wires))
	for j, a := range v {
		p[local(j, n, wires)] += real(a)*real(a) + imag(a)*imag(a)
	}
	return p
}

// wireLists returns the wire lists the marginal tests run: all wires in
// order, reversed pairs such as [2, 0], and random subsets.
func wireLists(n int, rngSeed uint64) [][]int {
	rng := newRNG(rngSeed)
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	ls := [][]int{all, randWires(rng, n, n)}
	if n >= 3 {
		ls = append(ls, []int{0, 2}, []int{2, 0})
	}
	for k := 1; k <= n; k++ {
		ls = append(ls, randWires(rng, n, k))
	}
	return ls
}

func TestProbabilitiesAgainstHand(t *testing.T) {
	t.Parallel()
	rng := newRNG(14)
	for n := 1; n <= 8; n++ {
		const B = 3
		s := randBatch(rng, n, B)
		for _, wires := range wireLists(n, uint64(n)) {
			K := 1 << len(wires)
			got := make([]float64, B*K)
			s.Probabilities(wires, got)
			for b := 0; b < B; b++ {
				want := probsByHand(s.Sample(b), n, wires)
				for a := range want {
					if math.Abs(got[b*K+a]-want[a]) > tol {
						t.Errorf("n=%d wires=%v sample %d outcome %d: %.15g, want %.15g", n, wires, b, a, got[b*K+a], want[a])
					}
				}
			}
		}
	}
}

func TestScaleByMarginalAgainstDense(t *testing.T) {
	t.Parallel()
	rng := newRNG(15)
	for n := 1; n <= 7; n++ {
		const B = 3
		s := randBatch(rng, n, B)
		for _, wires := range wireLists(n, uint64(100+n)) {
			K := 1 << len(wires)
			g := make([]float64, B*K)
			for i := range g {
				g[i] = rng.NormFloat64()
			}
			g[0] = 0 // a zero weight is skipped
			dst := randBatch(rng, n, B)
			want := make([][]complex128, B)
			for b := range want {
				want[b] = make([]complex128, 1<<n)
				for j, v := range s.Sample(b) {
					want[b][j] = dst.Sample(b)[j] + complex(g[b*K+local(j, n, wires)], 0)*v
				}
			}
			s.ScaleByMarginal(wires, g, dst)
			checkStates(t, fmt.Sprintf("n=%d/wires=%v", n, wires), dst, want)
		}
	}
}

// outerByDefinition evaluates Σ_rest conj(λ[a, rest])·φ[c, rest] by looping
// over all pairs of basis indices.
func outerByDefinition(lam, phi []complex128, n int, wires []int) []complex128 {
	K := 1 << len(wires)
	out := make([]complex128, K*K)
	for i := range lam {
		for j := range phi {
			if sameOutside(i, j, n, wires) {
				out[local(i, n, wires)*K+local(j, n, wires)] += cmplx.Conj(lam[i]) * phi[j]
			}
		}
	}
	return out
}

func TestReducedOuterAgainstDefinition(t *testing.T) {
	t.Parallel()
	for _, kp := range kernelPaths() {
		t.Run(kp.name, func(t *testing.T) {
			t.Parallel()
			reducedOuterAgainstDefinition(t, kp)
		})
	}
}

func reducedOuterAgainstDefinition(t *testing.T, kp kernelPath) {
	rng := newRNG(16)
	// Fixed cases reach the long-run paths (high wires leave long
	// contiguous runs below them); random ones the rest.
	fixed := []struct {
		n     int
		wires []int
	}{{8, []int{1, 0, 2}}, {7, []int{0, 1}}, {7, []int{2}}, {8, []int{0, 3, 1, 2}}}
	for i := 0; i < 60+len(fixed); i++ {
		n := 1 + rng.IntN(6)
		k := 1 + rng.IntN(min(n, 3))
		wires := randWires(rng, n, k)
		if i < len(fixed) {
			n, wires, k = fixed[i].n, fixed[i].wires, len(fixed[i].wires)
		}
		const B = 3
		lam := randBatch(rng, n, B)
		phi := randBatch(rng, n, B)
		lam.pureGo, phi.pureGo = !kp.asm, !kp.asm
		K := 1 << k
		start := randMatrix(rng, K)
		sum := append([]complex128(nil), start...)
		ReducedOuter(lam, phi, wires, sum)
		each := make([]complex128, B*K*K)
		copy(each, randMatrix(rng, K)) // accumulation into a non-zero dst
		before := append([]complex128(nil), each...)
		ReducedOuterEach(lam, phi, wires, each)
		want := append([]complex128(nil), start...)
		for b := 0; b < B; b++ {
			d := outerByDefinition(lam.Sample(b), phi.Sample(b), n, wires)
			for e := range d {
				want[e] += d[e]
				if g := each[b*K*K+e] - before[b*K*K+e]; cmplx.Abs(g-d[e]) > tol {
					t.Errorf("n=%d wires=%v sample %d entry %d: each %v, want %v", n, wires, b, e, g, d[e])
				}
			}
		}
		if d := numtest.MaxDiffC(sum, want); d > tol {
			t.Errorf("n=%d wires=%v: ReducedOuter differs from the definition by %.3g", n, wires, d)
		}
		// The contraction with a matrix is ⟨λ|M|φ⟩ summed over the batch.
		m := randMatrix(rng, K)
		var viaOuter, viaDense complex128
		for e := range m {
			viaOuter += m[e] * (sum[e] - start[e])
		}
		op := denseOp(n, nil, wires, m)
		for b := 0; b < B; b++ {
			viaDense += expectDense(lam.Sample(b), op, phi.Sample(b))
		}
		if cmplx.Abs(viaOuter-viaDense) > 1e-11 {
			t.Errorf("n=%d wires=%v: Σ M·R = %v, Σ⟨λ|M|φ⟩ = %v", n, wires, viaOuter, viaDense)
		}
	}
}
