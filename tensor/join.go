package tensor

import (
	"fmt"
	"slices"
)

// Concat joins tensors along an existing axis (negative counts from the
// end). All other axes must agree.
func Concat(axis int, ts ...*Dense) *Dense {
	if len(ts) == 0 {
		panic("tensor: Concat of no tensors")
	}
	axis = ts[0].axis(axis)
	shape := slices.Clone(ts[0].shape)
	shape[axis] = 0
	for _, t := range ts {
		if len(t.shape) != len(shape) {
			panic(fmt.Sprintf("tensor: Concat of shapes %v and %v", ts[0].shape, t.shape))
		}
		for d := range shape {
			if d != axis && t.shape[d] != shape[d] {
				panic(fmt.Sprintf("tensor: Concat of shapes %v and %v along axis %d", ts[0].shape, t.shape, axis))
			}
		}
		shape[axis] += t.shape[axis]
	}
	out := New(shape...)
	pos := 0
	for _, t := range ts {
		copyInto(out.Narrow(axis, pos, t.shape[axis]), t)
		pos += t.shape[axis]
	}
	return out
}

// Stack joins tensors of equal shape along a new axis inserted at position
// axis (0 … Dims(); negative counts from the end, -1 appends).
func Stack(axis int, ts ...*Dense) *Dense {
	if len(ts) == 0 {
		panic("tensor: Stack of no tensors")
	}
	us := make([]*Dense, len(ts))
	for i, t := range ts {
		if !slices.Equal(t.shape, ts[0].shape) {
			panic(fmt.Sprintf("tensor: Stack of shapes %v and %v", ts[0].shape, t.shape))
		}
		us[i] = t.Unsqueeze(axis)
	}
	n := len(ts[0].shape)
	if axis < 0 {
		axis += n + 1
	}
	return Concat(axis, us...)
}
