package tensor

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// naiveMatMul multiplies 2-d a [m,k] and b [k,n] with three loops, reading
// through At: the oracle for MatMul and Gemm.
func naiveMatMul(a, b *Dense) *Dense {
	m, k, n := a.Shape()[0], a.Shape()[1], b.Shape()[1]
	ad, bd := values(a), values(b)
	c := New(m, n)
	for i := range m {
		for j := range n {
			s := 0.0
			for p := range k {
				s += ad[i*k+p] * bd[p*n+j]
			}
			c.Data()[i*n+j] = s
		}
	}
	return c
}

func closeAll(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*(1+math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestMatMul2D(t *testing.T) {
	r := newRand(6)
	// layouts of an operand: row-major, transposed view, strided (copied).
	layouts := []struct {
		name string
		make func(rows, cols int) *Dense
	}{
		{"rowmajor", func(rows, cols int) *Dense { return RandN(r, rows, cols) }},
		{"transposed", func(rows, cols int) *Dense { return RandN(r, cols, rows).T() }},
		{"narrowed", func(rows, cols int) *Dense { return RandN(r, rows, cols+3).Narrow(1, 2, cols) }},
		{"strided", func(rows, cols int) *Dense { return RandN(r, rows, 2*cols).Slice(1, 0, 2*cols, 2) }},
	}
	sizes := [][3]int{{1, 1, 1}, {1, 5, 3}, {4, 1, 6}, {7, 5, 1}, {17, 33, 9}, {64, 64, 64}, {3, 0, 2}}
	for _, sz := range sizes {
		m, k, n := sz[0], sz[1], sz[2]
		for _, la := range layouts {
			for _, lb := range layouts {
				a, b := la.make(m, k), lb.make(k, n)
				name := fmt.Sprintf("m=%d/k=%d/n=%d/%s·%s", m, k, n, la.name, lb.name)
				want := naiveMatMul(a, b)
				got := MatMul(a, b)
				if !slices.Equal(got.Shape(), []int{m, n}) {
					t.Fatalf("%s: shape %v", name, got.Shape())
				}
				closeAll(t, name, got.Data(), want.Data(), 1e-12)
				closeAll(t, name+" NT", MatMulNT(a, b.T().Copy()).Data(), want.Data(), 1e-12)
				closeAll(t, name+" TN", MatMulTN(a.T().Copy(), b).Data(), want.Data(), 1e-12)
			}
		}
	}
}

func TestMatMulBatched(t *testing.T) {
	r := newRand(7)
	tests := []struct{ a, b, out []int }{
		{[]int{3, 4, 5}, []int{3, 5, 2}, []int{3, 4, 2}},
		{[]int{3, 4, 5}, []int{5, 2}, []int{3, 4, 2}},
		{[]int{4, 5}, []int{2, 3, 5, 6}, []int{2, 3, 4, 6}},
		{[]int{2, 1, 4, 5}, []int{3, 5, 2}, []int{2, 3, 4, 2}},
		{[]int{40, 8, 8}, []int{40, 8, 8}, []int{40, 8, 8}}, // several parallel chunks
	}
	for _, tc := range tests {
		for _, contig := range []bool{true, false} {
			var a, b *Dense
			if contig {
				a, b = RandN(r, tc.a...), RandN(r, tc.b...)
			} else {
				a, b = nonContiguous(r, tc.a...), nonContiguous(r, tc.b...)
			}
			got := MatMul(a, b)
			if !slices.Equal(got.Shape(), tc.out) {
				t.Fatalf("MatMul %v·%v: shape %v, want %v", tc.a, tc.b, got.Shape(), tc.out)
			}
			batch := tc.out[:len(tc.out)-2]
			eachIndex(batch, func(idx []int) {
				// Select the broadcast batch element of each operand.
				am, bm := selectBatch(a, idx), selectBatch(b, idx)
				want := naiveMatMul(am, bm)
				gm := got
				for _, i := range idx {
					gm = gm.Narrow(0, i, 1).Squeeze(0)
				}
				closeAll(t, fmt.Sprintf("MatMul %v·%v batch %v", tc.a, tc.b, idx), values(gm), want.Data(), 1e-12)
			})
		}
	}
}

// selectBatch returns the matrix of t at the broadcast batch index idx.
func selectBatch(t *Dense, idx []int) *Dense {
	nd := t.Dims() - 2
	lead := len(idx) - nd
	for d := range nd {
		i := 0
		if t.Shape()[0] != 1 {
			i = idx[lead+d]
		}
		t = t.Narrow(0, i, 1).Squeeze(0)
	}
	return t
}

// TestGemmSplit checks the block-parallel product used by the openblas
// build (in every build) for all four transpose combinations.
func TestGemmSplit(t *testing.T) {
	r := newRand(11)
	for _, sz := range [][3]int{{300, 40, 200}, {20, 300, 400}} {
		m, k, n := sz[0], sz[1], sz[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				a, b := RandN(r, m, k), RandN(r, k, n)
				c0 := RandN(r, m, n)
				want := Add(MulScalar(naiveMatMul(a, b), 1.5), MulScalar(c0, -1))
				sa, lda := a.Data(), k
				if ta {
					sa, lda = a.T().Copy().Data(), m
				}
				sb, ldb := b.Data(), n
				if tb {
					sb, ldb = b.T().Copy().Data(), k
				}
				c := c0.Copy()
				gemmSplit(ta, tb, m, n, k, 1.5, sa, lda, sb, ldb, -1, c.Data(), n)
				closeAll(t, fmt.Sprintf("gemmSplit m=%d k=%d n=%d ta=%v tb=%v", m, k, n, ta, tb), c.Data(), want.Data(), 1e-12)
			}
		}
	}
}

func TestGemmAccumulates(t *testing.T) {
	r := newRand(8)
	a, b := RandN(r, 6, 4), RandN(r, 5, 6)
	c0 := RandN(r, 4, 5)
	// c = 0.5·aᵀ·bᵀ + 2·c0, with c a column block of a wider matrix.
	wide := New(4, 9)
	c := wide.Narrow(1, 2, 5)
	c.CopyFrom(c0)
	Gemm(true, true, 0.5, a, b, 2, c)
	want := Add(MulScalar(naiveMatMul(a.T(), b.T()), 0.5), MulScalar(c0, 2))
	closeAll(t, "Gemm", values(c), want.Data(), 1e-12)
	if wide.At(0, 0) != 0 || wide.At(3, 8) != 0 {
		t.Error("Gemm wrote outside its destination view")
	}
	// beta = 0 overwrites even NaN.
	d := Full(math.NaN(), 4, 5)
	Gemm(true, true, 1, a, b, 0, d)
	closeAll(t, "Gemm beta=0", d.Data(), naiveMatMul(a.T(), b.T()).Data(), 1e-12)
	mustPanic(t, "not row-major", func() { Gemm(false, false, 1, a, New(4, 2), 0, New(2, 6).T()) })
}

func TestBackendName(t *testing.T) {
	if b := Backend(); b != "gonum" && b != "openblas" {
		t.Errorf("Backend() = %q", b)
	}
}
