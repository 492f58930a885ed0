package cmat

import (
	"fmt"
	"math"
	"math/cmplx"
)

// Dense is a dense complex matrix stored row-major: element (i, j) is
// Data[i*Cols+j]. The fields are exported so that hot loops in other
// packages can read the storage directly.
type Dense struct {
	Rows, Cols int
	Data       []complex128
}

// New returns a zero r×c matrix.
func New(r, c int) *Dense {
	if r < 0 || c < 0 {
		panic(fmt.Sprintf("cmat: negative dimension %d×%d", r, c))
	}
	return &Dense{Rows: r, Cols: c, Data: make([]complex128, r*c)}
}

// NewFrom returns an r×c matrix that uses data (row-major) as its storage.
func NewFrom(r, c int, data []complex128) *Dense {
	if r < 0 || c < 0 || len(data) != r*c {
		panic(fmt.Sprintf("cmat: %d values for a %d×%d matrix", len(data), r, c))
	}
	return &Dense{Rows: r, Cols: c, Data: data}
}

// NewReal returns an r×c complex matrix with the real row-major values x.
func NewReal(r, c int, x []float64) *Dense {
	if r < 0 || c < 0 || len(x) != r*c {
		panic(fmt.Sprintf("cmat: %d values for a %d×%d matrix", len(x), r, c))
	}
	m := New(r, c)
	for i, v := range x {
		m.Data[i] = complex(v, 0)
	}
	return m
}

// Identity returns the n×n identity matrix.
func Identity(n int) *Dense {
	m := New(n, n)
	for i := 0; i < n; i++ {
		m.Data[i*n+i] = 1
	}
	return m
}

// At returns element (i, j).
func (m *Dense) At(i, j int) complex128 { return m.Data[i*m.Cols+j] }

// Set sets element (i, j) to v.
func (m *Dense) Set(i, j int, v complex128) { m.Data[i*m.Cols+j] = v }

// Clone returns a deep copy of m.
func (m *Dense) Clone() *Dense {
	c := New(m.Rows, m.Cols)
	copy(c.Data, m.Data)
	return c
}

// Zero sets every element of m to 0.
func (m *Dense) Zero() { clear(m.Data) }

// CopyTo copies src into dst and returns dst. A nil dst allocates; otherwise
// the shapes must match.
func CopyTo(dst, src *Dense) *Dense {
	dst = prepare(dst, src.Rows, src.Cols, "CopyTo")
	copy(dst.Data, src.Data)
	return dst
}

// Kron returns the Kronecker product a⊗b: element (i·b.Rows+k, j·b.Cols+l)
// is a_ij·b_kl, so the first factor holds the most significant index bits.
func Kron(a, b *Dense) *Dense {
	c := New(a.Rows*b.Rows, a.Cols*b.Cols)
	for i := 0; i < a.Rows; i++ {
		for j := 0; j < a.Cols; j++ {
			aij := a.Data[i*a.Cols+j]
			for k := 0; k < b.Rows; k++ {
				row := (i*b.Rows + k) * c.Cols
				for l := 0; l < b.Cols; l++ {
					c.Data[row+j*b.Cols+l] = aij * b.Data[k*b.Cols+l]
				}
			}
		}
	}
	return c
}

// Adjoint returns the conjugate transpose of m.
func Adjoint(m *Dense) *Dense { return AdjointTo(nil, m) }

// AdjointTo sets dst to the conjugate transpose a† and returns dst. A nil
// dst allocates. dst may be a itself when a is square; otherwise dst must
// not overlap a.
func AdjointTo(dst, a *Dense) *Dense { return transposeTo(dst, a, true, "AdjointTo") }

// TransposeTo sets dst to the transpose aᵀ and returns dst. A nil dst
// allocates. dst may be a itself when a is square; otherwise dst must not
// overlap a.
func TransposeTo(dst, a *Dense) *Dense { return transposeTo(dst, a, false, "TransposeTo") }

func transposeTo(dst, a *Dense, conj bool, op string) *Dense {
	if dst == a && a.Rows == a.Cols {
		n := a.Rows
		d := a.Data
		for i := 0; i < n; i++ {
			if conj {
				d[i*n+i] = cmplx.Conj(d[i*n+i])
			}
			for j := i + 1; j < n; j++ {
				x, y := d[i*n+j], d[j*n+i]
				if conj {
					x, y = cmplx.Conj(x), cmplx.Conj(y)
				}
				d[i*n+j], d[j*n+i] = y, x
			}
		}
		return dst
	}
	dst = prepare(dst, a.Cols, a.Rows, op)
	noOverlap(dst, a, op)
	r, c := a.Rows, a.Cols
	for i := 0; i < r; i++ {
		row := a.Data[i*c : (i+1)*c]
		for j, v := range row {
			if conj {
				v = cmplx.Conj(v)
			}
			dst.Data[j*r+i] = v
		}
	}
	return dst
}

// ConjTo sets dst to the element-wise complex conjugate of a and returns
// dst. A nil dst allocates; dst may be a.
func ConjTo(dst, a *Dense) *Dense {
	dst = prepare(dst, a.Rows, a.Cols, "ConjTo")
	for i, v := range a.Data {
		dst.Data[i] = cmplx.Conj(v)
	}
	return dst
}

// AddTo sets dst = a + b and returns dst. A nil dst allocates; dst may be a
// or b.
func AddTo(dst, a, b *Dense) *Dense {
	sameShape(a, b, "AddTo")
	dst = prepare(dst, a.Rows, a.Cols, "AddTo")
	bd := b.Data[:len(a.Data)]
	d := dst.Data[:len(a.Data)]
	for i, v := range a.Data {
		d[i] = v + bd[i]
	}
	return dst
}

// SubTo sets dst = a − b and returns dst. A nil dst allocates; dst may be a
// or b.
func SubTo(dst, a, b *Dense) *Dense {
	sameShape(a, b, "SubTo")
	dst = prepare(dst, a.Rows, a.Cols, "SubTo")
	bd := b.Data[:len(a.Data)]
	d := dst.Data[:len(a.Data)]
	for i, v := range a.Data {
		d[i] = v - bd[i]
	}
	return dst
}

// ScaleTo sets dst = s·a and returns dst. A nil dst allocates; dst may be a.
func ScaleTo(dst *Dense, s complex128, a *Dense) *Dense {
	dst = prepare(dst, a.Rows, a.Cols, "ScaleTo")
	d := dst.Data[:len(a.Data)]
	for i, v := range a.Data {
		d[i] = s * v
	}
	return dst
}

// AddScaledTo sets dst = a + s·b and returns dst. A nil dst allocates; dst
// may be a or b.
func AddScaledTo(dst, a *Dense, s complex128, b *Dense) *Dense {
	sameShape(a, b, "AddScaledTo")
	dst = prepare(dst, a.Rows, a.Cols, "AddScaledTo")
	bd := b.Data[:len(a.Data)]
	d := dst.Data[:len(a.Data)]
	for i, v := range a.Data {
		d[i] = v + s*bd[i]
	}
	return dst
}

// Trace returns the sum of the diagonal of the square matrix a.
func Trace(a *Dense) complex128 {
	square(a, "Trace")
	var t complex128
	for i := 0; i < a.Rows; i++ {
		t += a.Data[i*a.Cols+i]
	}
	return t
}

// Inner returns the Frobenius inner product ⟨a, b⟩ = Σ_ij conj(a_ij)·b_ij =
// tr(a†b). It is conjugate-linear in a.
func Inner(a, b *Dense) complex128 {
	sameShape(a, b, "Inner")
	var re, im float64
	bd := b.Data[:len(a.Data)]
	for i, x := range a.Data {
		y := bd[i]
		re += real(x)*real(y) + imag(x)*imag(y)
		im += real(x)*imag(y) - imag(x)*real(y)
	}
	return complex(re, im)
}

// MaxAbs returns max |a_ij| (0 for an empty matrix).
func MaxAbs(a *Dense) float64 {
	d := 0.0
	for _, v := range a.Data {
		d = max(d, cmplx.Abs(v))
	}
	return d
}

// MaxAbsDiff returns max |a_ij − b_ij|; it panics when the shapes differ.
func MaxAbsDiff(a, b *Dense) float64 {
	sameShape(a, b, "MaxAbsDiff")
	d := 0.0
	for i, v := range a.Data {
		d = max(d, cmplx.Abs(v-b.Data[i]))
	}
	return d
}

// IsHermitian reports whether a is square and |a_ij − conj(a_ji)| ≤ tol for
// all i, j. NaN elements make it false.
func (m *Dense) IsHermitian(tol float64) bool {
	if m.Rows != m.Cols {
		return false
	}
	return hermitianDefect(m) <= tol
}

// hermitianDefect returns max |a_ij − conj(a_ji)|, or +Inf when an element
// is NaN.
func hermitianDefect(m *Dense) float64 {
	n := m.Rows
	d := 0.0
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			e := cmplx.Abs(m.Data[i*n+j] - cmplx.Conj(m.Data[j*n+i]))
			if math.IsNaN(e) {
				return math.Inf(1)
			}
			d = max(d, e)
		}
	}
	return d
}

// IsUnitary reports whether a is square and |(a†a − I)_ij| ≤ tol for all
// i, j. It allocates one n×n matrix.
func (m *Dense) IsUnitary(tol float64) bool {
	if m.Rows != m.Cols {
		return false
	}
	p := AdjMulTo(nil, m, m)
	n := m.Rows
	for i := 0; i < n; i++ {
		p.Data[i*n+i]--
	}
	for _, v := range p.Data {
		if !(cmplx.Abs(v) <= tol) {
			return false
		}
	}
	return true
}

// prepare returns dst, or a new r×c matrix when dst is nil; it panics when
// dst has another shape.
func prepare(dst *Dense, r, c int, op string) *Dense {
	if dst == nil {
		return New(r, c)
	}
	if dst.Rows != r || dst.Cols != c || len(dst.Data) != r*c {
		panic(fmt.Sprintf("cmat: %s: destination is %d×%d, want %d×%d", op, dst.Rows, dst.Cols, r, c))
	}
	return dst
}

func sameShape(a, b *Dense, op string) {
	if a.Rows != b.Rows || a.Cols != b.Cols || len(a.Data) != len(b.Data) {
		panic(fmt.Sprintf("cmat: %s of %d×%d and %d×%d", op, a.Rows, a.Cols, b.Rows, b.Cols))
	}
}

func square(a *Dense, op string) {
	if a.Rows != a.Cols {
		panic(fmt.Sprintf("cmat: %s of a non-square %d×%d matrix", op, a.Rows, a.Cols))
	}
}

// noOverlap panics when dst and a are the same matrix or start at the same
// element (the aliasing mistakes that happen in practice; partial overlaps
// of sub-slices are not detected).
func noOverlap(dst, a *Dense, op string) {
	if dst == a || (len(dst.Data) > 0 && len(a.Data) > 0 && &dst.Data[0] == &a.Data[0]) {
		panic(fmt.Sprintf("cmat: %s: destination shares storage with an operand", op))
	}
}
