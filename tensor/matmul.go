package tensor

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/quanta-qml/quanta/internal/parfor"
)

// MatMul returns the matrix product over the last two axes of a [..., m, k]
// and b [..., k, n], broadcasting the leading (batch) axes like NumPy's
// matmul. Both must have at least two axes. Operands whose last two axes
// are a row-major matrix or the transpose of one (for example a Transpose
// view) go to BLAS without a copy; other views are copied first.
func MatMul(a, b *Dense) *Dense { return matmul(a, b) }

// MatMulNT returns a·bᵀ over the last two axes (bᵀ swaps b's last two axes)
// without copying b.
func MatMulNT(a, b *Dense) *Dense {
	mustMatrix("MatMulNT", b)
	return matmul(a, b.Transpose(-2, -1))
}

// MatMulTN returns aᵀ·b over the last two axes without copying a.
func MatMulTN(a, b *Dense) *Dense {
	mustMatrix("MatMulTN", a)
	return matmul(a.Transpose(-2, -1), b)
}

func mustMatrix(op string, t *Dense) {
	if len(t.shape) < 2 {
		panic(fmt.Sprintf("tensor: %s of a %d-d tensor (need at least 2 axes)", op, len(t.shape)))
	}
}

// mat is a matrix operand in BLAS terms: whether the row-major storage
// from its first element holds the matrix or its transpose, and the
// leading dimension (row stride) of that storage.
type mat struct {
	trans bool
	ld    int
}

// blasLayout tells how a rows×cols matrix with strides (s0, s1) maps to a
// BLAS operand, or ok=false when it needs a copy first.
func blasLayout(rows, cols, s0, s1 int) (m mat, ok bool) {
	if s1 == 1 || cols == 1 {
		ld := s0
		if rows == 1 {
			ld = max(cols, 1)
		}
		if ld >= max(cols, 1) {
			return mat{ld: ld}, true
		}
	}
	if s0 == 1 || rows == 1 {
		ld := s1
		if cols == 1 {
			ld = max(rows, 1)
		}
		if ld >= max(rows, 1) {
			return mat{trans: true, ld: ld}, true
		}
	}
	return mat{}, false
}

// asMatrix returns t (or a contiguous copy when its last two axes are not
// BLAS-compatible) and the BLAS layout of its matrices.
func asMatrix(t *Dense) (*Dense, mat) {
	n := len(t.shape)
	r, c := t.shape[n-2], t.shape[n-1]
	if m, ok := blasLayout(r, c, t.strides[n-2], t.strides[n-1]); ok {
		return t, m
	}
	t = t.Copy()
	m, _ := blasLayout(r, c, t.strides[n-2], t.strides[n-1])
	return t, m
}

// minGemmWork is the least m·n·k a batch chunk should hold before MatMul
// runs chunks on several goroutines.
const minGemmWork = 1 << 18

func matmul(a, b *Dense) *Dense {
	mustMatrix("MatMul", a)
	mustMatrix("MatMul", b)
	na, nb := len(a.shape), len(b.shape)
	m, k, k2, n := a.shape[na-2], a.shape[na-1], b.shape[nb-2], b.shape[nb-1]
	if k != k2 {
		panic(fmt.Sprintf("tensor: MatMul of shapes %v and %v", a.shape, b.shape))
	}
	batch := BroadcastShape(a.shape[:na-2], b.shape[:nb-2])
	out := New(append(batch, m, n)...)
	if out.Size() == 0 || k == 0 {
		return out
	}
	a, ma := asMatrix(a)
	b, mb := asMatrix(b)
	nbat := numel(batch)
	if nbat == 1 {
		gemm(ma.trans, mb.trans, m, n, k, 1, a.data[a.off:], ma.ld, b.data[b.off:], mb.ld, 0, out.data, max(n, 1))
		return out
	}
	// Per-batch offsets: walk the batch axes with broadcast strides.
	offA, offB := make([]int, nbat), make([]int, nbat)
	bsa := batchStrides(a, batch)
	bsb := batchStrides(b, batch)
	it := newRowIter(batch, 2, [3][]int{bsa, bsb}, [3]int{a.off, b.off})
	for p := 0; it.next(); {
		for i := 0; i < it.n; i++ {
			offA[p], offB[p] = it.off[0]+i*it.inc[0], it.off[1]+i*it.inc[1]
			p++
		}
	}
	grain := max(1, minGemmWork/max(1, m*n*k))
	if parfor.NumChunks(nbat, 0, grain) == 1 {
		for p := range nbat {
			gemm(ma.trans, mb.trans, m, n, k, 1, a.data[offA[p]:], ma.ld, b.data[offB[p]:], mb.ld,
				0, out.data[p*m*n:], max(n, 1))
		}
		return out
	}
	parfor.For(nbat, 0, grain, func(_, lo, hi int) {
		for p := lo; p < hi; p++ {
			gemmSerial(ma.trans, mb.trans, m, n, k, 1, a.data[offA[p]:], ma.ld, b.data[offB[p]:], mb.ld,
				0, out.data[p*m*n:], max(n, 1))
		}
	})
	return out
}

// batchStrides returns t's strides over the leading (batch) axes read as
// the broadcast batch shape.
func batchStrides(t *Dense, batch []int) []int {
	n := len(t.shape)
	lead := &Dense{shape: t.shape[:n-2], strides: t.strides[:n-2]}
	return broadcastStrides(lead, batch)
}

// Gemm computes c = alpha·op(a)·op(b) + beta·c for 2-d tensors, where op
// transposes when the flag is set. a and b may be any views (transposed
// views cost no copy); c must have unit stride along its second axis (a
// contiguous tensor or a Narrow view of one). With beta = 0, c's previous
// contents are ignored, NaN included.
func Gemm(transA, transB bool, alpha float64, a, b *Dense, beta float64, c *Dense) {
	if len(a.shape) != 2 || len(b.shape) != 2 || len(c.shape) != 2 {
		panic(fmt.Sprintf("tensor: Gemm of shapes %v, %v into %v (need 2-d)", a.shape, b.shape, c.shape))
	}
	if transA {
		a = a.T()
	}
	if transB {
		b = b.T()
	}
	m, k, k2, n := a.shape[0], a.shape[1], b.shape[0], b.shape[1]
	if k != k2 || c.shape[0] != m || c.shape[1] != n {
		panic(fmt.Sprintf("tensor: Gemm of shapes %v·%v into %v", a.shape, b.shape, c.shape))
	}
	ldc := max(n, 1)
	if m > 1 {
		ldc = c.strides[0]
	}
	if (n > 1 && c.strides[1] != 1) || ldc < max(n, 1) {
		panic(fmt.Sprintf("tensor: Gemm destination with strides %v is not row-major", c.strides))
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		gemm(false, false, m, n, 0, alpha, nil, 1, nil, 1, beta, c.data[c.off:], ldc)
		return
	}
	a, ma := asMatrix(a)
	b, mb := asMatrix(b)
	gemm(ma.trans, mb.trans, m, n, k, alpha, a.data[a.off:], ma.ld, b.data[b.off:], mb.ld, beta, c.data[c.off:], ldc)
}

// minSplitWork is the least m·n·k for which gemm splits a product into
// blocks on several goroutines (splitGemm builds), and the least work per
// block.
const minSplitWork = 1 << 19

// gemm computes c = alpha·op(a)·op(b) + beta·c on row-major storage. In
// builds whose BLAS runs single-threaded (splitGemm) a large product is
// split into blocks that run in parallel.
func gemm(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int,
	beta float64, c []float64, ldc int) {
	if splitGemm {
		gemmSplit(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemmSerial(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmSplit is gemm as blocks of rows (or, when c is wide, columns) of c
// on several goroutines, each one serial BLAS call.
func gemmSplit(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int,
	beta float64, c []float64, ldc int) {
	if m*n*k < 2*minSplitWork || parfor.Workers() == 1 {
		gemmSerial(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m >= n {
		grain := max(1, minSplitWork/(n*k))
		parfor.For(m, 0, grain, func(_, lo, hi int) {
			ao := lo * lda
			if ta {
				ao = lo
			}
			gemmSerial(ta, tb, hi-lo, n, k, alpha, a[ao:], lda, b, ldb, beta, c[lo*ldc:], ldc)
		})
		return
	}
	grain := max(1, minSplitWork/(m*k))
	parfor.For(n, 0, grain, func(_, lo, hi int) {
		bo := lo
		if tb {
			bo = lo * ldb
		}
		gemmSerial(ta, tb, m, hi-lo, k, alpha, a, lda, b[bo:], ldb, beta, c[lo:], ldc)
	})
}

// gemmSerial makes one BLAS call, handling the empty cases that BLAS
// implementations treat differently.
func gemmSerial(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int,
	beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				if beta == 0 {
					row[j] = 0
				} else {
					row[j] *= beta
				}
			}
		}
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if ta {
		tA = blas.Trans
	}
	if tb {
		tB = blas.Trans
	}
	impl().Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
