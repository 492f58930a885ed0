package tensor

import (
	"fmt"
	"slices"
)

// rowIter walks a shape shared by up to three strided operands one
// innermost row at a time, so that kernels run a plain loop per row instead
// of a callback per element. Axes of length 1 are dropped and adjacent axes
// that are contiguous for every operand are merged first, so a contiguous
// walk is a single row.
//
//	it := newRowIter(shape, 2, [3][]int{dstStrides, srcStrides}, [3]int{dstOff, srcOff})
//	for it.next() {
//		// it.n elements; operand k starts at it.off[k] and steps it.inc[k]
//	}
type rowIter struct {
	n     int    // row length
	inc   [3]int // per-operand stride along the row
	off   [3]int // per-operand offset of the current row
	nops  int
	shape []int    // outer axes (without the row axis)
	st    [3][]int // per-operand strides of the outer axes
	idx   []int
	left  int // rows not yet returned
	begun bool
}

func newRowIter(shape []int, nops int, strides [3][]int, offs [3]int) rowIter {
	it := rowIter{nops: nops, off: offs}
	var sh []int
	var st [3][]int
	for d, n := range shape {
		if n == 0 {
			return it // no rows
		}
		if n == 1 {
			continue
		}
		if last := len(sh) - 1; last >= 0 && mergeable(st, strides, nops, last, d, n) {
			sh[last] *= n
			for k := 0; k < nops; k++ {
				st[k][last] = strides[k][d]
			}
			continue
		}
		sh = append(sh, n)
		for k := 0; k < nops; k++ {
			st[k] = append(st[k], strides[k][d])
		}
	}
	it.left = 1
	if len(sh) == 0 {
		it.n = 1
		return it
	}
	last := len(sh) - 1
	it.n = sh[last]
	for k := 0; k < nops; k++ {
		it.inc[k] = st[k][last]
		it.st[k] = st[k][:last]
	}
	it.shape = sh[:last]
	it.idx = make([]int, last)
	for _, n := range it.shape {
		it.left *= n
	}
	return it
}

// mergeable reports whether collapsed axis last can absorb axis d (length
// n) for every operand.
func mergeable(st, strides [3][]int, nops, last, d, n int) bool {
	for k := 0; k < nops; k++ {
		if st[k][last] != strides[k][d]*n {
			return false
		}
	}
	return true
}

// next advances to the next row, returning false when there is none.
func (it *rowIter) next() bool {
	if it.left == 0 {
		return false
	}
	it.left--
	if !it.begun {
		it.begun = true
		return true
	}
	for d := len(it.shape) - 1; d >= 0; d-- {
		it.idx[d]++
		for k := 0; k < it.nops; k++ {
			it.off[k] += it.st[k][d]
		}
		if it.idx[d] < it.shape[d] {
			break
		}
		for k := 0; k < it.nops; k++ {
			it.off[k] -= it.st[k][d] * it.shape[d]
		}
		it.idx[d] = 0
	}
	return true
}

// BroadcastShape returns the NumPy broadcast of shapes a and b: they align
// to the right and each pair of lengths must be equal or contain a 1. It
// panics when they do not broadcast.
func BroadcastShape(a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := i - (n - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (n - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			panic(fmt.Sprintf("tensor: shapes %v and %v do not broadcast", a, b))
		}
	}
	return out
}

// broadcastStrides returns t's strides for reading it as the given shape
// (stride 0 along repeated axes).
func broadcastStrides(t *Dense, shape []int) []int {
	if len(t.shape) > len(shape) {
		panic(fmt.Sprintf("tensor: cannot broadcast shape %v to %v", t.shape, shape))
	}
	st := make([]int, len(shape))
	lead := len(shape) - len(t.shape)
	for i, d := range t.shape {
		switch d {
		case shape[lead+i]:
			st[lead+i] = t.strides[i]
		case 1:
			st[lead+i] = 0
		default:
			panic(fmt.Sprintf("tensor: cannot broadcast shape %v to %v", t.shape, shape))
		}
	}
	return st
}

// copyInto sets dst's elements to src broadcast to dst's shape.
func copyInto(dst, src *Dense) {
	if slices.Equal(dst.shape, src.shape) && dst.IsContiguous() && src.IsContiguous() {
		copy(dst.data[dst.off:dst.off+dst.Size()], src.data[src.off:src.off+src.Size()])
		return
	}
	it := newRowIter(dst.shape, 2, [3][]int{dst.strides, broadcastStrides(src, dst.shape)}, [3]int{dst.off, src.off})
	for it.next() {
		d, s := dst.data[it.off[0]:], src.data[it.off[1]:]
		di, si := it.inc[0], it.inc[1]
		if di == 1 && si == 1 {
			copy(d[:it.n], s[:it.n])
			continue
		}
		for i := 0; i < it.n; i++ {
			d[i*di] = s[i*si]
		}
	}
}
