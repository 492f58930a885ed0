package tensor

import "slices"

type binOp int

const (
	opAdd binOp = iota
	opSub
	opMul
	opDiv
	opMax
	opMin
)

// Add returns a + b with broadcasting.
func Add(a, b *Dense) *Dense { return binary(opAdd, a, b) }

// Sub returns a − b with broadcasting.
func Sub(a, b *Dense) *Dense { return binary(opSub, a, b) }

// Mul returns the element-wise product a ⊙ b with broadcasting.
func Mul(a, b *Dense) *Dense { return binary(opMul, a, b) }

// Div returns the element-wise quotient a / b with broadcasting.
func Div(a, b *Dense) *Dense { return binary(opDiv, a, b) }

// Maximum returns the element-wise maximum of a and b with broadcasting
// (NumPy's maximum; see Max for the reduction). NaN propagates.
func Maximum(a, b *Dense) *Dense { return binary(opMax, a, b) }

// Minimum returns the element-wise minimum of a and b with broadcasting.
// NaN propagates.
func Minimum(a, b *Dense) *Dense { return binary(opMin, a, b) }

func binary(op binOp, a, b *Dense) *Dense {
	shape := BroadcastShape(a.shape, b.shape)
	out := New(shape...)
	if slices.Equal(a.shape, b.shape) && a.IsContiguous() && b.IsContiguous() {
		binRow(op, out.data, a.data[a.off:], 1, b.data[b.off:], 1)
		return out
	}
	it := newRowIter(shape, 3, [3][]int{out.strides, broadcastStrides(a, shape), broadcastStrides(b, shape)},
		[3]int{0, a.off, b.off})
	for it.next() {
		binRow(op, out.data[it.off[0]:it.off[0]+it.n], a.data[it.off[1]:], it.inc[1], b.data[it.off[2]:], it.inc[2])
	}
	return out
}

// binRow sets d[i] = a[i·ai] op b[i·bi] for i < len(d).
func binRow(op binOp, d, a []float64, ai int, b []float64, bi int) {
	n := len(d)
	if ai == 1 && bi == 1 {
		a, b = a[:n], b[:n]
		switch op {
		case opAdd:
			for i := range d {
				d[i] = a[i] + b[i]
			}
		case opSub:
			for i := range d {
				d[i] = a[i] - b[i]
			}
		case opMul:
			for i := range d {
				d[i] = a[i] * b[i]
			}
		case opDiv:
			for i := range d {
				d[i] = a[i] / b[i]
			}
		case opMax:
			for i := range d {
				d[i] = max(a[i], b[i])
			}
		case opMin:
			for i := range d {
				d[i] = min(a[i], b[i])
			}
		}
		return
	}
	switch op {
	case opAdd:
		for i := range d {
			d[i] = a[i*ai] + b[i*bi]
		}
	case opSub:
		for i := range d {
			d[i] = a[i*ai] - b[i*bi]
		}
	case opMul:
		for i := range d {
			d[i] = a[i*ai] * b[i*bi]
		}
	case opDiv:
		for i := range d {
			d[i] = a[i*ai] / b[i*bi]
		}
	case opMax:
		for i := range d {
			d[i] = max(a[i*ai], b[i*bi])
		}
	case opMin:
		for i := range d {
			d[i] = min(a[i*ai], b[i*bi])
		}
	}
}

// Apply returns a new contiguous tensor with f applied to every element of
// a. It calls f once per element; hot paths use dedicated loops instead.
func Apply(a *Dense, f func(float64) float64) *Dense {
	out := a.Copy()
	for i, v := range out.data {
		out.data[i] = f(v)
	}
	return out
}

// AddScalar returns a + s.
func AddScalar(a *Dense, s float64) *Dense {
	out := a.Copy()
	for i := range out.data {
		out.data[i] += s
	}
	return out
}

// MulScalar returns s·a.
func MulScalar(a *Dense, s float64) *Dense {
	out := a.Copy()
	for i := range out.data {
		out.data[i] *= s
	}
	return out
}

// AddTo adds src, broadcast to dst's shape, into dst in place. dst must not
// be an Expand view.
func AddTo(dst, src *Dense) { Axpy(1, src, dst) }

// Axpy computes y += alpha·x in place, x broadcast to y's shape. y must
// not be an Expand view.
func Axpy(alpha float64, x, y *Dense) {
	if slices.Equal(x.shape, y.shape) && x.IsContiguous() && y.IsContiguous() {
		axpyRow(alpha, y.data[y.off:], 1, x.data[x.off:], 1, y.Size())
		return
	}
	it := newRowIter(y.shape, 2, [3][]int{y.strides, broadcastStrides(x, y.shape)}, [3]int{y.off, x.off})
	for it.next() {
		axpyRow(alpha, y.data[it.off[0]:], it.inc[0], x.data[it.off[1]:], it.inc[1], it.n)
	}
}

// axpyRow computes y[i·yi] += alpha·x[i·xi] for i < n.
func axpyRow(alpha float64, y []float64, yi int, x []float64, xi int, n int) {
	switch {
	case yi == 1 && xi == 1:
		y, x = y[:n], x[:n]
		if alpha == 1 {
			for i := range y {
				y[i] += x[i]
			}
			return
		}
		for i := range y {
			y[i] += alpha * x[i]
		}
	case yi == 1 && xi == 0:
		s := alpha * x[0]
		y = y[:n]
		for i := range y {
			y[i] += s
		}
	default:
		for i := 0; i < n; i++ {
			y[i*yi] += alpha * x[i*xi]
		}
	}
}

// Scale multiplies every element of t by s in place.
func Scale(t *Dense, s float64) {
	it := newRowIter(t.shape, 1, [3][]int{t.strides}, [3]int{t.off})
	for it.next() {
		d, inc := t.data[it.off[0]:], it.inc[0]
		for i := 0; i < it.n; i++ {
			d[i*inc] *= s
		}
	}
}
