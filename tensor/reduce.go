package tensor

import (
	"fmt"
	"math"
	"slices"
)

// Sum returns the sum of t over the given axes (all axes when none are
// given; negative axes count from the end). With keepdim the reduced axes
// stay as length 1, otherwise they are removed (summing over all axes then
// gives a 0-d tensor). Elements are added in row-major order.
func Sum(t *Dense, keepdim bool, axes ...int) *Dense {
	red := reducedAxes(t, axes)
	kshape := slices.Clone(t.shape)
	for d, r := range red {
		if r {
			kshape[d] = 1
		}
	}
	out := New(kshape...)
	ost := slices.Clone(out.strides)
	for d, r := range red {
		if r {
			ost[d] = 0
		}
	}
	it := newRowIter(t.shape, 2, [3][]int{ost, t.strides}, [3]int{0, t.off})
	for it.next() {
		o, a := out.data[it.off[0]:], t.data[it.off[1]:]
		oi, ai := it.inc[0], it.inc[1]
		if oi == 0 {
			s := 0.0
			if ai == 1 {
				for _, v := range a[:it.n] {
					s += v
				}
			} else {
				for i := 0; i < it.n; i++ {
					s += a[i*ai]
				}
			}
			o[0] += s
			continue
		}
		for i := 0; i < it.n; i++ {
			o[i*oi] += a[i*ai]
		}
	}
	if keepdim {
		return out
	}
	return out.Reshape(dropAxes(t.shape, red)...)
}

// Mean returns the mean of t over the given axes (all when none); see Sum.
func Mean(t *Dense, keepdim bool, axes ...int) *Dense {
	s := Sum(t, keepdim, axes...)
	if n := s.Size(); n > 0 {
		Scale(s, float64(n)/float64(t.Size()))
	}
	return s
}

// Max returns the maximum of t along axis (NaN propagates); see Sum for
// keepdim. It panics when the axis is empty.
func Max(t *Dense, axis int, keepdim bool) *Dense {
	v, _ := maxArg(t, axis, keepdim)
	return v
}

// ArgMax returns, for every position of the other axes in row-major order,
// the index along axis of the first maximum (of the first NaN, if any).
func ArgMax(t *Dense, axis int) []int {
	_, idx := maxArg(t, axis, false)
	return idx
}

func maxArg(t *Dense, axis int, keepdim bool) (*Dense, []int) {
	axis = t.axis(axis)
	n, step := t.shape[axis], t.strides[axis]
	if n == 0 {
		panic(fmt.Sprintf("tensor: Max over empty axis %d of shape %v", axis, t.shape))
	}
	red := make([]bool, len(t.shape))
	red[axis] = true
	oshape := dropAxes(t.shape, red)
	out := New(oshape...)
	idx := make([]int, out.Size())
	ist := dropAxes(t.strides, red)
	it := newRowIter(oshape, 2, [3][]int{out.strides, ist}, [3]int{0, t.off})
	for it.next() {
		for i := 0; i < it.n; i++ {
			base := it.off[1] + i*it.inc[1]
			best, arg := t.data[base], 0
			for j := 1; j < n && !math.IsNaN(best); j++ {
				if v := t.data[base+j*step]; v > best || math.IsNaN(v) {
					best, arg = v, j
				}
			}
			o := it.off[0] + i*it.inc[0]
			out.data[o], idx[o] = best, arg
		}
	}
	if keepdim {
		kshape := slices.Clone(t.shape)
		kshape[axis] = 1
		out = out.Reshape(kshape...)
	}
	return out, idx
}

// SumTo reduces t, the broadcast of a tensor of the given shape, back to
// that shape by summing over the broadcast axes: the adjoint of
// broadcasting, used for gradients. It returns t itself when the shapes
// already agree.
func SumTo(t *Dense, shape []int) *Dense {
	if slices.Equal(t.shape, shape) {
		return t
	}
	lead := len(t.shape) - len(shape)
	if lead < 0 {
		panic(fmt.Sprintf("tensor: SumTo %v from %v", shape, t.shape))
	}
	var axes []int
	for d := range t.shape {
		switch {
		case d < lead:
			axes = append(axes, d)
		case shape[d-lead] == t.shape[d]:
		case shape[d-lead] == 1:
			axes = append(axes, d)
		default:
			panic(fmt.Sprintf("tensor: SumTo %v from %v", shape, t.shape))
		}
	}
	return Sum(t, true, axes...).Reshape(shape...)
}

// reducedAxes marks the axes to reduce (all when axes is empty).
func reducedAxes(t *Dense, axes []int) []bool {
	red := make([]bool, len(t.shape))
	if len(axes) == 0 {
		for d := range red {
			red[d] = true
		}
		return red
	}
	for _, a := range axes {
		a = t.axis(a)
		if red[a] {
			panic(fmt.Sprintf("tensor: axis %d repeated in %v", a, axes))
		}
		red[a] = true
	}
	return red
}

// dropAxes returns v without the entries whose axis is marked in red.
func dropAxes(v []int, red []bool) []int {
	out := make([]int, 0, len(v))
	for d, x := range v {
		if !red[d] {
			out = append(out, x)
		}
	}
	return out
}
