package cmat

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// checkEig checks a·v = v·diag(w), v†v = I and ascending w, with
// tolerances relative to the largest element of a.
func checkEig(t *testing.T, name string, a *Dense, w []float64, v *Dense) {
	t.Helper()
	n := a.Rows
	scale := math.Max(MaxAbs(a), math.SmallestNonzeroFloat64)
	if !slices.IsSorted(w) {
		t.Errorf("%s: eigenvalues not ascending: %v", name, w)
	}
	if !v.IsUnitary(1e-13 * float64(n)) {
		t.Errorf("%s: eigenvectors not orthonormal", name)
	}
	vd := v.Clone()
	for i := 0; i < n; i++ {
		for k := 0; k < n; k++ {
			vd.Data[i*n+k] *= complex(w[k], 0)
		}
	}
	if d := MaxAbsDiff(refMul(a, v), vd); d > 1e-13*float64(n)*scale {
		t.Errorf("%s: ‖a·v − v·diag(w)‖_max = %g (scale %g)", name, d, scale)
	}
}

// spectrumMatrix returns u·diag(lam)·u† for a random unitary u (from Expm)
// or, with real set, a random orthogonal u, so that the spectrum is known.
func spectrumMatrix(seed uint64, lam []float64, real bool) *Dense {
	n := len(lam)
	rng := newRNG(seed)
	var u *Dense
	if real {
		x := randMat(rng, n, n)
		for i := range x.Data {
			x.Data[i] = complex(cmplxReal(x.Data[i]), 0)
		}
		u = Expm(SubTo(nil, x, TransposeTo(nil, x))) // exp of a real antisymmetric matrix
	} else {
		u = randUnitary(rng, n)
	}
	d := New(n, n)
	for i, l := range lam {
		d.Set(i, i, complex(l, 0))
	}
	a := refMul(refMul(u, d), refAdjoint(u))
	// Make it exactly Hermitian.
	for i := 0; i < n; i++ {
		a.Data[i*n+i] = complex(cmplxReal(a.Data[i*n+i]), 0)
		for j := 0; j < i; j++ {
			a.Data[j*n+i] = cmplx.Conj(a.Data[i*n+j])
		}
	}
	return a
}

func cmplxReal(x complex128) float64 { return real(x) }

// TestEigHermitianKnownSpectrum builds matrices with a chosen spectrum
// (distinct, repeated, clustered, zero) and checks the eigenvalues against
// it, and the eigenvectors through the residual and orthonormality.
func TestEigHermitianKnownSpectrum(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		lam  []float64
	}{
		{"one", []float64{2.5}},
		{"two", []float64{-1, 3}},
		{"distinct", []float64{-3, -1.5, 0.25, 1, 2, 7}},
		{"repeated", []float64{1, 1, 1, 2, 2, -4, -4, -4}},
		{"clustered", []float64{1, 1 + 1e-12, 1 + 2e-12, 1 - 1e-13, 5, 5 + 1e-10}},
		{"zero", make([]float64, 5)},
		{"wide", []float64{-1e6, 1e-6, 3, 1e4, 0, -2}},
	} {
		for _, real := range []bool{false, true} {
			a := spectrumMatrix(30, tc.lam, real)
			w, v, err := EigHermitian(a)
			name := fmt.Sprintf("%s/real=%v", tc.name, real)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			want := slices.Clone(tc.lam)
			slices.Sort(want)
			scale := math.Max(1, math.Abs(want[0])+math.Abs(want[len(want)-1]))
			for k := range want {
				if math.Abs(w[k]-want[k]) > 1e-13*scale*float64(len(want)) {
					t.Errorf("%s: w[%d] = %.17g, want %.17g", name, k, w[k], want[k])
				}
			}
			checkEig(t, name, a, w, v)
		}
	}
}

// TestEigHermitianStructured covers inputs that skip or stress parts of the
// reduction: diagonal (no reflector), already tridiagonal with complex
// off-diagonal (pure phase reflectors), the zero matrix, Pauli Y, random
// sizes, and tiny and huge scales.
func TestEigHermitianStructured(t *testing.T) {
	t.Parallel()
	rng := newRNG(31)
	tri := New(6, 6)
	for i := 0; i < 6; i++ {
		tri.Set(i, i, complex(float64(i)-2, 0))
		if i+1 < 6 {
			z := cmplx.Rect(1+float64(i)/3, float64(i)+0.5)
			tri.Set(i+1, i, z)
			tri.Set(i, i+1, cmplx.Conj(z))
		}
	}
	cases := []struct {
		name string
		a    *Dense
		want []float64 // nil: only the residual checks
	}{
		{"diagonal", NewFrom(3, 3, []complex128{3, 0, 0, 0, -1, 0, 0, 0, 2}), []float64{-1, 2, 3}},
		{"zero", New(4, 4), []float64{0, 0, 0, 0}},
		{"PauliY", NewFrom(2, 2, []complex128{0, -1i, 1i, 0}), []float64{-1, 1}},
		{"tridiagonal", tri, nil},
		{"tiny", ScaleTo(nil, 1e-200, spectrumMatrix(32, []float64{1, 2, 3}, false)), []float64{1e-200, 2e-200, 3e-200}},
		{"huge", ScaleTo(nil, 1e200, spectrumMatrix(33, []float64{-1, 0.5, 4}, false)), []float64{-1e200, 0.5e200, 4e200}},
	}
	for _, n := range []int{3, 17, 40, 64} {
		cases = append(cases, struct {
			name string
			a    *Dense
			want []float64
		}{fmt.Sprintf("random/n=%d", n), randHermitian(rng, n), nil})
	}
	for _, tc := range cases {
		w, v, err := EigHermitian(tc.a)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		for k, x := range tc.want {
			if math.Abs(w[k]-x) > 1e-13*math.Abs(x)+1e-15 {
				t.Errorf("%s: w[%d] = %g, want %g", tc.name, k, w[k], x)
			}
		}
		// The trace is the sum of the eigenvalues.
		sum := 0.0
		for _, x := range w {
			sum += x
		}
		tr := real(Trace(tc.a))
		if math.Abs(sum-tr) > 1e-12*math.Max(1, MaxAbs(tc.a))*float64(len(w)) {
			t.Errorf("%s: Σw = %g, trace %g", tc.name, sum, tr)
		}
		checkEig(t, tc.name, tc.a, w, v)
	}
}

func TestEigErrors(t *testing.T) {
	t.Parallel()
	a := randHermitian(newRNG(34), 4)
	a.Data[1] += 1e-6
	if _, _, err := EigHermitian(a); !errors.Is(err, ErrNotHermitian) {
		t.Errorf("non-Hermitian input: err = %v", err)
	}
	b := Identity(3)
	b.Data[0] = complex(math.NaN(), 0)
	if _, _, err := EigHermitian(b); !errors.Is(err, ErrNotHermitian) {
		t.Errorf("NaN input: err = %v", err)
	}
	if _, _, err := EigSym(2, []float64{1, 2, 2.5, 1}); !errors.Is(err, ErrNotHermitian) {
		t.Errorf("non-symmetric input: err = %v", err)
	}
	if _, _, err := EigSym(2, []float64{1, math.Inf(1), math.Inf(1), 1}); !errors.Is(err, ErrNotHermitian) {
		t.Errorf("Inf input: err = %v", err)
	}
	mustPanic(t, "EigHermitian", func() { EigHermitian(New(2, 3)) })
	mustPanic(t, "EigSym", func() { EigSym(3, make([]float64, 8)) })
}

// TestEigSym checks EigSym on real symmetric matrices with known spectra
// and against EigHermitian.
func TestEigSym(t *testing.T) {
	t.Parallel()
	for _, lam := range [][]float64{
		{4},
		{1, -1},
		{-2, 0, 0, 3, 3, 3, 9},
		{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7},
	} {
		n := len(lam)
		ac := spectrumMatrix(35, lam, true)
		a := make([]float64, n*n)
		for i, x := range ac.Data {
			a[i] = real(x)
		}
		w, v, err := EigSym(n, a)
		if err != nil {
			t.Errorf("n=%d: %v", n, err)
			continue
		}
		want := slices.Clone(lam)
		slices.Sort(want)
		for k := range want {
			if math.Abs(w[k]-want[k]) > 1e-13*float64(n)*10 {
				t.Errorf("n=%d: w[%d] = %.17g, want %.17g", n, k, w[k], want[k])
			}
		}
		checkEig(t, fmt.Sprintf("EigSym/n=%d", n), ac, w, NewReal(n, n, v))
	}
}

func TestEigSolverReuse(t *testing.T) {
	rng := newRNG(36)
	var s EigSolver
	a := randHermitian(rng, 12)
	w := make([]float64, 12)
	v := New(12, 12)
	if err := s.Hermitian(w, v, a); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(5, func() { _ = s.Hermitian(w, v, a) }); n != 0 {
		t.Errorf("EigSolver.Hermitian allocates %v times on reuse", n)
	}
	// A smaller matrix after a larger one reuses the scratch correctly.
	b := randHermitian(rng, 5)
	w5, v5 := make([]float64, 5), New(5, 5)
	if err := s.Hermitian(w5, v5, b); err != nil {
		t.Fatal(err)
	}
	checkEig(t, "reuse", b, w5, v5)
	ar := make([]float64, 144)
	for i := 0; i < 12; i++ {
		for j := 0; j <= i; j++ {
			ar[i*12+j] = real(a.At(i, j))
			ar[j*12+i] = ar[i*12+j]
		}
	}
	vr := make([]float64, 144)
	if err := s.Sym(w, vr, 12, ar); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(5, func() { _ = s.Sym(w, vr, 12, ar) }); n != 0 {
		t.Errorf("EigSolver.Sym allocates %v times on reuse", n)
	}
}

func BenchmarkEigHermitian(b *testing.B) {
	for _, n := range []int{4, 32, 128} {
		rng := newRNG(37)
		a := randHermitian(rng, n)
		w, v := make([]float64, n), New(n, n)
		var s EigSolver
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Hermitian(w, v, a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// randSym returns a random real symmetric n×n matrix, row-major.
func randSym(seed uint64, n int) []float64 {
	rng := newRNG(seed)
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			a[i*n+j] = rng.NormFloat64()
			a[j*n+i] = a[i*n+j]
		}
	}
	return a
}

// BenchmarkEigSym times EigSolver.Sym against gonum's Dsyev (the same
// reduction with gonum's Dsteqr) and the complex path of Hermitian.
func BenchmarkEigSym(b *testing.B) {
	for _, n := range []int{4, 32, 128} {
		a := randSym(38, n)
		w, v := make([]float64, n), make([]float64, n*n)
		var s EigSolver
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Sym(w, v, n, a); err != nil {
					b.Fatal(err)
				}
			}
		})
		work := make([]float64, 1)
		impl := gonum.Implementation{}
		impl.Dsyev(lapack.EVCompute, blas.Lower, n, v, n, w, work, -1)
		work = make([]float64, int(work[0]))
		b.Run(fmt.Sprintf("gonumDsyev/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				copy(v, a)
				if !impl.Dsyev(lapack.EVCompute, blas.Lower, n, v, n, w, work, len(work)) {
					b.Fatal("no convergence")
				}
			}
		})
		ac := NewReal(n, n, a)
		vc := New(n, n)
		b.Run(fmt.Sprintf("complexPath/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Hermitian(w, vc, ac); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// tridiag returns a random symmetric tridiagonal matrix with a graded
// diagonal and, with splits set, some exact zero off-diagonal elements.
func tridiag(seed uint64, n int, splits bool) (d, e []float64) {
	rng := newRNG(seed)
	d, e = make([]float64, n), make([]float64, max(n-1, 0))
	for i := range d {
		d[i] = rng.NormFloat64() * math.Pow(10, float64(i%5)-2)
	}
	for i := range e {
		if !splits || i%7 != 3 {
			e[i] = rng.NormFloat64()
		}
	}
	return d, e
}

// TestSteqrMatchesGonum compares steqr with gonum's Dsteqr, an independent
// implementation of the same algorithm: the eigenvalues agree to rounding
// and the eigenvector matrices to rounding up to the sign of each column.
func TestSteqrMatchesGonum(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 3, 10, 33, 64} {
		for _, splits := range []bool{false, true} {
			d, e := tridiag(40, n, splits)
			d1, e1 := slices.Clone(d), slices.Clone(e)
			z1 := make([]float64, n*n)
			for i := 0; i < n; i++ {
				z1[i*n+i] = 1
			}
			work := make([]float64, max(1, 2*n-2))
			if !steqr(n, d1, e1, z1, work) {
				t.Fatalf("n=%d: steqr did not converge", n)
			}
			d2, e2 := slices.Clone(d), slices.Clone(e)
			z2 := make([]float64, n*n)
			if !(gonum.Implementation{}).Dsteqr(lapack.EVTridiag, n, d2, e2, z2, n, work) {
				t.Fatalf("n=%d: Dsteqr did not converge", n)
			}
			for k := range d1 {
				if math.Abs(d1[k]-d2[k]) > 1e-14*math.Max(1, math.Abs(d2[k])) {
					t.Errorf("n=%d: eigenvalue %d: %g vs gonum %g", n, k, d1[k], d2[k])
				}
			}
			for k := 0; k < n; k++ {
				sign := 1.0
				for r := 0; r < n; r++ {
					if math.Abs(z2[r*n+k]) > 0.1 {
						sign = math.Copysign(1, z1[r*n+k]*z2[r*n+k])
						break
					}
				}
				for r := 0; r < n; r++ {
					if diff := math.Abs(z1[r*n+k] - sign*z2[r*n+k]); diff > 1e-12 {
						t.Fatalf("n=%d: eigenvector %d differs from gonum's by %g at %d", n, k, diff, r)
					}
				}
			}
		}
	}
}

// BenchmarkSteqr times the tridiagonal iteration with eigenvectors:
// steqr's row-wise rotations against gonum's Dsteqr.
func BenchmarkSteqr(b *testing.B) {
	for _, n := range []int{32, 128} {
		d, e := tridiag(42, n, false)
		dd, ee, z := make([]float64, n), make([]float64, n-1), make([]float64, n*n)
		work := make([]float64, 2*n-2)
		b.Run(fmt.Sprintf("steqr/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				copy(dd, d)
				copy(ee, e)
				clear(z)
				for i := 0; i < n; i++ {
					z[i*n+i] = 1
				}
				steqr(n, dd, ee, z, work)
			}
		})
		b.Run(fmt.Sprintf("gonumDsteqr/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				copy(dd, d)
				copy(ee, e)
				gonum.Implementation{}.Dsteqr(lapack.EVTridiag, n, dd, ee, z, n, work)
			}
		})
	}
}
