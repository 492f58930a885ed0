package cmat

import (
	"fmt"
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
	if len(data) != r*c {
		panic(fmt.Sprintf("cmat: %d values for a %d×%d matrix", len(data), r, c))
	}
	return &Dense{Rows: r, Cols: c, Data: data}
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

// Mul returns the product a·b.
func Mul(a, b *Dense) *Dense {
	if a.Cols != b.Rows {
		panic(fmt.Sprintf("cmat: Mul of %d×%d and %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	c := New(a.Rows, b.Cols)
	for i := 0; i < a.Rows; i++ {
		ci := c.Data[i*c.Cols : (i+1)*c.Cols]
		for k := 0; k < a.Cols; k++ {
			aik := a.Data[i*a.Cols+k]
			if aik == 0 {
				continue
			}
			bk := b.Data[k*b.Cols : (k+1)*b.Cols]
			for j, bkj := range bk {
				ci[j] += aik * bkj
			}
		}
	}
	return c
}

// Kron returns the Kronecker product a⊗b.
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
func Adjoint(m *Dense) *Dense {
	c := New(m.Cols, m.Rows)
	for i := 0; i < m.Rows; i++ {
		for j := 0; j < m.Cols; j++ {
			c.Data[j*c.Cols+i] = cmplx.Conj(m.Data[i*m.Cols+j])
		}
	}
	return c
}

// MaxAbsDiff returns max |a_ij − b_ij|; it panics when the shapes differ.
func MaxAbsDiff(a, b *Dense) float64 {
	if a.Rows != b.Rows || a.Cols != b.Cols {
		panic(fmt.Sprintf("cmat: MaxAbsDiff of %d×%d and %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	d := 0.0
	for i, v := range a.Data {
		d = max(d, cmplx.Abs(v-b.Data[i]))
	}
	return d
}
