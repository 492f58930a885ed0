package qnn

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/internal/gradcheck"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/pauli"
)

// Shared test helpers: seeded sources, dense references built from
// Kronecker products and cmat.Expm (independent of the eigendecomposition
// paths of the layers), and a finite-difference gradient check.

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// randC returns an r×c matrix with standard normal real and imaginary
// parts scaled by s.
func randC(rng *rand.Rand, r, c int, s float64) *cmat.Dense {
	m := cmat.New(r, c)
	for i := range m.Data {
		m.Data[i] = complex(s*rng.NormFloat64(), s*rng.NormFloat64())
	}
	return m
}

// denseGenerator returns Σ_m (re_m + i·im_m)·P_m on k wires, summing the
// Kronecker-product matrices of pauli.Words(k) one by one (im may be nil).
func denseGenerator(k int, re, im []float64) *cmat.Dense {
	d := 1 << k
	g := cmat.New(d, d)
	for m, w := range pauli.Words(k) {
		c := complex(re[m], 0)
		if im != nil {
			c += complex(0, im[m])
		}
		cmat.AddScaledTo(g, g, c, w.Dense(k))
	}
	return g
}

// denseSU returns exp(i·Σ_m (re_m + i·im_m)·P_m) by cmat.Expm.
func denseSU(k int, re, im []float64) *cmat.Dense {
	return cmat.Expm(cmat.ScaleTo(nil, 1i, denseGenerator(k, re, im)))
}

// denseH returns (D + Dᵀ)/2 for x zero-padded and reshaped to n×n.
func denseH(x []float64, n int) *cmat.Dense {
	d := make([]float64, n*n)
	copy(d, x)
	h := cmat.New(n, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			h.Data[i*n+j] = complex((d[i*n+j]+d[j*n+i])/2, 0)
		}
	}
	return h
}

// matVec returns m·x.
func matVec(m *cmat.Dense, x []complex128) []complex128 {
	y := make([]complex128, m.Rows)
	for i := range y {
		for j, v := range x {
			y[i] += m.Data[i*m.Cols+j] * v
		}
	}
	return y
}

// plus returns |+⟩^⊗n as a vector of 2ⁿ amplitudes.
func plus(n int) []complex128 {
	s := make([]complex128, 1<<n)
	for i := range s {
		s[i] = complex(1/math.Sqrt(float64(len(s))), 0)
	}
	return s
}

// marginal returns ⟨s|(|q⟩⟨q| ⊗ I)|s⟩ for q < out on the first k of n
// wires, with the projector built by cmat.Kron.
func marginal(s []complex128, n, k, out int) []float64 {
	p := make([]float64, out)
	for q := range p {
		proj := cmat.New(1<<k, 1<<k)
		proj.Set(q, q, 1)
		op := cmat.Kron(proj, cmat.Identity(1<<(n-k)))
		ps := matVec(op, s)
		var e complex128
		for j, v := range s {
			e += cmplx.Conj(v) * ps[j]
		}
		p[q] = real(e)
	}
	return p
}

// The finite-difference checks (gradcheck.Check) use this step and
// tolerance.
const (
	fdStep = 1e-6
	fdTol  = 2e-6
)

func checkGrad(t *testing.T, name string, wrt []*autograd.Var, f func() *autograd.Var) {
	t.Helper()
	gradcheck.Check(t, name, wrt, f, fdStep, fdTol)
}

// withParams returns x followed by the parameters of m.
func withParams(x *autograd.Var, m nn.Module) []*autograd.Var {
	return append([]*autograd.Var{x}, nn.Params(m)...)
}

// fill sets every element of v's value from N(0, s²).
func fill(rng *rand.Rand, v *autograd.Var, s float64) {
	d := v.Value().Data()
	for i := range d {
		d[i] = s * rng.NormFloat64()
	}
}

// mustPanic runs f and fails unless it panics with a message starting
// "qnn: ".
func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, ok := r.(string)
		if !ok || len(msg) < 5 || msg[:5] != "qnn: " {
			t.Errorf("%s: recovered %v, want a panic starting \"qnn: \"", name, r)
		}
	}()
	f()
}
