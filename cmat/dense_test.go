package cmat

import (
	"math"
	"math/cmplx"
	"testing"
)

func TestConstructors(t *testing.T) {
	t.Parallel()
	id := Identity(3)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			want := complex(0, 0)
			if i == j {
				want = 1
			}
			if id.At(i, j) != want {
				t.Fatalf("Identity(3)[%d,%d] = %v", i, j, id.At(i, j))
			}
		}
	}
	m := NewFrom(2, 3, []complex128{1, 2, 3, 4, 5, 6i})
	if m.At(1, 2) != 6i || m.At(0, 1) != 2 {
		t.Fatalf("NewFrom is not row-major: %v", m.Data)
	}
	r := NewReal(2, 2, []float64{1, -2, 3, 4})
	if r.At(0, 1) != -2 || r.At(1, 0) != 3 {
		t.Fatalf("NewReal: %v", r.Data)
	}
	c := m.Clone()
	c.Set(0, 0, 7)
	if m.At(0, 0) != 1 {
		t.Fatal("Clone shares storage")
	}
	d := CopyTo(New(2, 3), m)
	if MaxAbsDiff(d, m) != 0 {
		t.Fatal("CopyTo differs")
	}
	d.Zero()
	if MaxAbs(d) != 0 {
		t.Fatal("Zero left non-zero elements")
	}
}

// TestKron checks Kron on Pauli matrices against hand-written matrices and
// the mixed-product property (A⊗B)(C⊗D) = AC⊗BD on random matrices.
func TestKron(t *testing.T) {
	t.Parallel()
	x := NewFrom(2, 2, []complex128{0, 1, 1, 0})
	z := NewFrom(2, 2, []complex128{1, 0, 0, -1})
	// X⊗Z: the first factor acts on the most significant index bit.
	want := NewFrom(4, 4, []complex128{
		0, 0, 1, 0,
		0, 0, 0, -1,
		1, 0, 0, 0,
		0, -1, 0, 0,
	})
	if d := MaxAbsDiff(Kron(x, z), want); d != 0 {
		t.Fatalf("X⊗Z differs by %g: %v", d, Kron(x, z).Data)
	}
	rng := newRNG(1)
	a, b := randMat(rng, 2, 3), randMat(rng, 3, 2)
	c, d := randMat(rng, 3, 4), randMat(rng, 2, 2)
	lhs := Mul(Kron(a, b), Kron(c, d))
	rhs := Kron(Mul(a, c), Mul(b, d))
	if diff := MaxAbsDiff(lhs, rhs); diff > 1e-12 {
		t.Fatalf("mixed-product property off by %g", diff)
	}
}

func TestAdjointTranspose(t *testing.T) {
	t.Parallel()
	rng := newRNG(2)
	for _, sh := range [][2]int{{1, 1}, {2, 3}, {5, 4}, {7, 7}} {
		a := randMat(rng, sh[0], sh[1])
		want := refAdjoint(a)
		if d := MaxAbsDiff(Adjoint(a), want); d != 0 {
			t.Errorf("%v: Adjoint off by %g", sh, d)
		}
		if d := MaxAbsDiff(ConjTo(nil, TransposeTo(nil, a)), want); d != 0 {
			t.Errorf("%v: conj(transpose) off by %g", sh, d)
		}
		if sh[0] == sh[1] {
			b := a.Clone()
			AdjointTo(b, b)
			if d := MaxAbsDiff(b, want); d != 0 {
				t.Errorf("%v: in-place AdjointTo off by %g", sh, d)
			}
			c := a.Clone()
			TransposeTo(c, c)
			if d := MaxAbsDiff(ConjTo(c, c), want); d != 0 {
				t.Errorf("%v: in-place TransposeTo off by %g", sh, d)
			}
		}
	}
	// (ab)† = b†a†.
	a, b := randMat(rng, 3, 5), randMat(rng, 5, 2)
	if d := MaxAbsDiff(Adjoint(Mul(a, b)), Mul(Adjoint(b), Adjoint(a))); d > 1e-13 {
		t.Errorf("(ab)† ≠ b†a† by %g", d)
	}
}

// TestElementwise checks the element-wise operations through identities
// that do not restate their loops.
func TestElementwise(t *testing.T) {
	t.Parallel()
	rng := newRNG(3)
	a, b := randMat(rng, 4, 3), randMat(rng, 4, 3)
	s := complex(0.7, -1.3)
	tol := 1e-14
	// (a + b) − b = a, and dst may alias an operand.
	c := AddTo(nil, a, b)
	SubTo(c, c, b)
	if d := MaxAbsDiff(c, a); d > tol {
		t.Errorf("(a+b)−b off by %g", d)
	}
	// a + s·b = a + ScaleTo(s, b); and s·(a + b) = s·a + s·b.
	if d := MaxAbsDiff(AddScaledTo(nil, a, s, b), AddTo(nil, a, ScaleTo(nil, s, b))); d > tol {
		t.Errorf("AddScaledTo off by %g", d)
	}
	if d := MaxAbsDiff(ScaleTo(nil, s, AddTo(nil, a, b)), AddTo(nil, ScaleTo(nil, s, a), ScaleTo(nil, s, b))); d > 1e-13 {
		t.Errorf("ScaleTo is not linear: %g", d)
	}
	// a − a = 0 exactly, also in place.
	z := a.Clone()
	SubTo(z, z, z)
	if MaxAbs(z) != 0 {
		t.Error("a − a ≠ 0")
	}
	// conj(conj(a)) = a, and conj(s·a) = conj(s)·conj(a).
	if d := MaxAbsDiff(ConjTo(nil, ConjTo(nil, a)), a); d != 0 {
		t.Errorf("conj∘conj off by %g", d)
	}
	if d := MaxAbsDiff(ConjTo(nil, ScaleTo(nil, s, a)), ScaleTo(nil, cmplx.Conj(s), ConjTo(nil, a))); d > tol {
		t.Errorf("conj(s·a) off by %g", d)
	}
}

// TestInnerTrace checks Inner and Trace against tr(a†b), the trace of a
// product computed by Mul, cyclicity and the squared Frobenius norm.
func TestInnerTrace(t *testing.T) {
	t.Parallel()
	rng := newRNG(4)
	a, b := randMat(rng, 5, 3), randMat(rng, 5, 3)
	if d := cmplx.Abs(Inner(a, b) - Trace(Mul(Adjoint(a), b))); d > 1e-12 {
		t.Errorf("Inner(a, b) − tr(a†b) = %g", d)
	}
	if d := cmplx.Abs(Inner(a, b) - cmplx.Conj(Inner(b, a))); d > 1e-13 {
		t.Errorf("Inner is not conjugate-symmetric: %g", d)
	}
	norm2 := 0.0
	for _, v := range a.Data {
		norm2 += real(v)*real(v) + imag(v)*imag(v)
	}
	if v := Inner(a, a); math.Abs(real(v)-norm2) > 1e-12 || imag(v) != 0 {
		t.Errorf("Inner(a, a) = %v, want %g", v, norm2)
	}
	c, d := randMat(rng, 3, 5), randMat(rng, 5, 3)
	if e := cmplx.Abs(Trace(Mul(c, d)) - Trace(Mul(d, c))); e > 1e-12 {
		t.Errorf("tr(cd) − tr(dc) = %g", e)
	}
	if tr := Trace(NewFrom(2, 2, []complex128{1 + 2i, 9, 9, -3i})); tr != 1-1i {
		t.Errorf("Trace = %v, want 1−1i", tr)
	}
}

func TestIsHermitianIsUnitary(t *testing.T) {
	t.Parallel()
	rng := newRNG(5)
	h := randHermitian(rng, 6)
	a := randMat(rng, 6, 6)
	u := randUnitary(rng, 6)
	nan := Identity(2)
	nan.Data[1] = complex(math.NaN(), 0)
	nan.Data[2] = complex(math.NaN(), 0)
	for _, tc := range []struct {
		name      string
		m         *Dense
		herm, uni bool
	}{
		{"identity", Identity(4), true, true},
		{"hermitian", h, true, false},
		{"general", a, false, false},
		{"unitary", u, false, true},
		{"2·I", ScaleTo(nil, 2, Identity(3)), true, false},
		{"Pauli Y", NewFrom(2, 2, []complex128{0, -1i, 1i, 0}), true, true},
		{"non-square", New(2, 3), false, false},
		{"NaN", nan, false, false},
	} {
		if got := tc.m.IsHermitian(1e-12); got != tc.herm {
			t.Errorf("%s: IsHermitian = %v", tc.name, got)
		}
		if got := tc.m.IsUnitary(1e-12); got != tc.uni {
			t.Errorf("%s: IsUnitary = %v", tc.name, got)
		}
	}
	// The tolerance is honoured.
	p := h.Clone()
	p.Data[1] += 1e-9
	if p.IsHermitian(1e-10) || !p.IsHermitian(1e-8) {
		t.Error("IsHermitian ignores its tolerance")
	}
}

func TestPanics(t *testing.T) {
	t.Parallel()
	a, b := New(2, 3), New(3, 2)
	mustPanic(t, "AddTo", func() { AddTo(nil, a, b) })
	mustPanic(t, "destination", func() { AddTo(New(3, 3), a, a) })
	mustPanic(t, "MulTo", func() { MulTo(nil, a, a) })
	mustPanic(t, "shares storage", func() { MulTo(a, a, New(3, 3)) })
	mustPanic(t, "Trace", func() { Trace(a) })
	mustPanic(t, "Inner", func() { Inner(a, b) })
	mustPanic(t, "negative", func() { New(-1, 2) })
	mustPanic(t, "values", func() { NewFrom(2, 2, make([]complex128, 3)) })
	mustPanic(t, "shares storage", func() { TransposeTo(NewFrom(3, 2, a.Data), a) })
}
