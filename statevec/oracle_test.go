package statevec

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/internal/numtest"
)

// This file is the test oracle: a dense reference built only from the
// conventions in the package documentation (wire 0 is the most significant
// bit; a matrix's first listed wire is the most significant bit of its
// index), by explicit index arithmetic and Kronecker products. It shares no
// code with the kernels.

const tol = 1e-12

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// randComplex returns a standard complex normal number.
func randComplex(rng *rand.Rand) complex128 {
	return complex(rng.NormFloat64(), rng.NormFloat64())
}

// randState returns a random normalised state of n qubits.
func randState(rng *rand.Rand, n int) []complex128 {
	v := make([]complex128, 1<<n)
	var s float64
	for i := range v {
		v[i] = randComplex(rng)
		s += real(v[i])*real(v[i]) + imag(v[i])*imag(v[i])
	}
	for i := range v {
		v[i] /= complex(math.Sqrt(s), 0)
	}
	return v
}

// randBatch returns a batch of random normalised states.
func randBatch(rng *rand.Rand, n, size int) *Batch {
	s := New(n, size)
	for b := 0; b < size; b++ {
		s.SetSample(b, randState(rng, n))
	}
	return s
}

// randMatrix returns a random K×K complex matrix (row-major).
func randMatrix(rng *rand.Rand, K int) []complex128 {
	m := make([]complex128, K*K)
	for i := range m {
		m[i] = randComplex(rng)
	}
	return m
}

// randUnitary returns a random K×K unitary: the Q factor of the QR
// decomposition of a random complex matrix (modified Gram-Schmidt on the
// columns).
func randUnitary(rng *rand.Rand, K int) []complex128 {
	a := randMatrix(rng, K)
	for c := 0; c < K; c++ {
		for p := 0; p < c; p++ {
			var d complex128
			for r := 0; r < K; r++ {
				d += cmplx.Conj(a[r*K+p]) * a[r*K+c]
			}
			for r := 0; r < K; r++ {
				a[r*K+c] -= d * a[r*K+p]
			}
		}
		var nrm float64
		for r := 0; r < K; r++ {
			nrm += real(a[r*K+c])*real(a[r*K+c]) + imag(a[r*K+c])*imag(a[r*K+c])
		}
		for r := 0; r < K; r++ {
			a[r*K+c] /= complex(math.Sqrt(nrm), 0)
		}
	}
	return a
}

// randOrthogonal returns a random real K×K orthogonal matrix.
func randOrthogonal(rng *rand.Rand, K int) []complex128 {
	// Gram-Schmidt on a real matrix keeps it real.
	m := make([]complex128, K*K)
	for i := range m {
		m[i] = complex(rng.NormFloat64(), 0)
	}
	for c := 0; c < K; c++ {
		for p := 0; p < c; p++ {
			var d float64
			for r := 0; r < K; r++ {
				d += real(m[r*K+p]) * real(m[r*K+c])
			}
			for r := 0; r < K; r++ {
				m[r*K+c] -= complex(d, 0) * m[r*K+p]
			}
		}
		var nrm float64
		for r := 0; r < K; r++ {
			nrm += real(m[r*K+c]) * real(m[r*K+c])
		}
		for r := 0; r < K; r++ {
			m[r*K+c] /= complex(math.Sqrt(nrm), 0)
		}
	}
	return m
}

// bitOf returns the value of wire w in basis index j of n qubits.
func bitOf(j, n, w int) int { return j >> (n - 1 - w) & 1 }

// local reads the wires of basis index j as a number, wires[0] first.
func local(j, n int, wires []int) int {
	a := 0
	for _, w := range wires {
		a = a<<1 | bitOf(j, n, w)
	}
	return a
}

// sameOutside reports whether i and j agree on every wire not listed.
func sameOutside(i, j, n int, wires []int) bool {
	for w := 0; w < n; w++ {
		listed := false
		for _, v := range wires {
			if v == w {
				listed = true
			}
		}
		if !listed && bitOf(i, n, w) != bitOf(j, n, w) {
			return false
		}
	}
	return true
}

// denseOp returns the full 2ⁿ×2ⁿ operator of m on targets, controlled by
// controls: entry (i, j) is m[local(i), local(j)] when i and j agree off the
// targets and every control of j is 1, the identity elsewhere.
func denseOp(n int, controls, targets []int, m []complex128) []complex128 {
	D := 1 << n
	K := 1 << len(targets)
	op := make([]complex128, D*D)
	for i := 0; i < D; i++ {
		for j := 0; j < D; j++ {
			on := true
			for _, c := range controls {
				if bitOf(j, n, c) == 0 {
					on = false
				}
			}
			switch {
			case !on:
				if i == j {
					op[i*D+j] = 1
				}
			case sameOutside(i, j, n, targets):
				op[i*D+j] = m[local(i, n, targets)*K+local(j, n, targets)]
			}
		}
	}
	return op
}

// matVec returns op·v.
func matVec(op, v []complex128) []complex128 {
	D := len(v)
	out := make([]complex128, D)
	for i := 0; i < D; i++ {
		var s complex128
		for j := 0; j < D; j++ {
			s += op[i*D+j] * v[j]
		}
		out[i] = s
	}
	return out
}

// kron returns a⊗b for square matrices.
func kron(a, b []complex128) []complex128 {
	na, nb := isqrt(len(a)), isqrt(len(b))
	n := na * nb
	out := make([]complex128, n*n)
	for i := 0; i < na; i++ {
		for j := 0; j < na; j++ {
			for k := 0; k < nb; k++ {
				for l := 0; l < nb; l++ {
					out[(i*nb+k)*n+j*nb+l] = a[i*na+j] * b[k*nb+l]
				}
			}
		}
	}
	return out
}

func isqrt(x int) int {
	r := int(math.Sqrt(float64(x)))
	for r*r < x {
		r++
	}
	return r
}

// Single-qubit Pauli matrices.
var (
	pI = []complex128{1, 0, 0, 1}
	pX = []complex128{0, 1, 1, 0}
	pY = []complex128{0, -1i, 1i, 0}
	pZ = []complex128{1, 0, 0, -1}
)

// pauliDense returns the 2ⁿ×2ⁿ matrix of the word letters (one of "IXYZ"
// per wire, wire 0 first) as a Kronecker product, and its masks.
func pauliDense(letters string) (op []complex128, x, z uint64, ny int) {
	n := len(letters)
	op = []complex128{1}
	for w, c := range letters {
		bit := uint64(1) << (n - 1 - w)
		var m []complex128
		switch c {
		case 'I':
			m = pI
		case 'X':
			m, x = pX, x|bit
		case 'Y':
			m, x, z, ny = pY, x|bit, z|bit, ny+1
		case 'Z':
			m, z = pZ, z|bit
		}
		op = kron(op, m)
	}
	return op, x, z, ny
}

// randWord returns a random Pauli word on n wires.
func randWord(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = "IXYZ"[rng.IntN(4)]
	}
	return string(b)
}

// randWires returns k distinct wires of n in random order.
func randWires(rng *rand.Rand, n, k int) []int {
	return rng.Perm(n)[:k]
}

// checkStates compares every sample of s with want[b].
func checkStates(t *testing.T, name string, s *Batch, want [][]complex128) {
	t.Helper()
	for b := range want {
		if d := numtest.MaxDiffC(s.Sample(b), want[b]); d > tol {
			t.Errorf("%s: sample %d differs from the dense reference by %.3g", name, b, d)
			return
		}
	}
}

// TestOracleSelfCheck pins the oracle to hand-worked cases, so that a
// convention error in it cannot hide one in the kernels.
func TestOracleSelfCheck(t *testing.T) {
	// X on wire 0 of 2 wires maps |00⟩ (index 0) to |10⟩ (index 2).
	v := matVec(denseOp(2, nil, []int{0}, pX), []complex128{1, 0, 0, 0})
	if numtest.MaxDiffC(v, []complex128{0, 0, 1, 0}) != 0 {
		t.Errorf("X on wire 0: %v", v)
	}
	// CNOT as a matrix on wires [2, 0]: control 2 (least significant),
	// target 0. |001⟩ (index 1) → |101⟩ (index 5).
	cnot := []complex128{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0}
	e := make([]complex128, 8)
	e[1] = 1
	v = matVec(denseOp(3, nil, []int{2, 0}, cnot), e)
	if v[5] != 1 {
		t.Errorf("CNOT[2,0] |001⟩ = %v", v)
	}
	// The same as a controlled X.
	v = matVec(denseOp(3, []int{2}, []int{0}, pX), e)
	if v[5] != 1 {
		t.Errorf("controlled X: %v", v)
	}
	// Z⊗I measured on |10⟩ is −1; the masks put wire 0 at bit 1.
	op, x, z, ny := pauliDense("ZI")
	if op[2*4+2] != -1 || x != 0 || z != 2 || ny != 0 {
		t.Errorf("ZI: op[2,2]=%v x=%b z=%b", op[2*4+2], x, z)
	}
	// randUnitary is unitary.
	u := randUnitary(newRNG(1), 4)
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			var d complex128
			for r := 0; r < 4; r++ {
				d += cmplx.Conj(u[r*4+i]) * u[r*4+j]
			}
			want := complex128(0)
			if i == j {
				want = 1
			}
			if cmplx.Abs(d-want) > 1e-14 {
				t.Fatalf("randUnitary: (U†U)[%d,%d] = %v", i, j, d)
			}
		}
	}
}
