package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Dense is a float64 n-d array: a shape, per-axis strides (in elements) and
// an offset into a storage slice. Tensors made by New, FromSlice and every
// function that returns a fresh result are contiguous (row-major, offset
// arbitrary); views made by Transpose, Permute, Narrow, Slice, Expand,
// Unsqueeze and Squeeze share storage with their source and may not be.
type Dense struct {
	shape   []int
	strides []int
	off     int
	data    []float64
}

// New returns a contiguous zero tensor of the given shape. No dimensions
// means a 0-d tensor holding one value.
func New(shape ...int) *Dense {
	return &Dense{shape: slices.Clone(shape), strides: rowMajor(shape), data: make([]float64, numel(shape))}
}

// FromSlice returns a contiguous tensor of the given shape that uses data as
// its storage (no copy). It panics if len(data) does not match the shape.
func FromSlice(data []float64, shape ...int) *Dense {
	if len(data) != numel(shape) {
		panic(fmt.Sprintf("tensor: %d values for shape %v", len(data), shape))
	}
	return &Dense{shape: slices.Clone(shape), strides: rowMajor(shape), data: data}
}

// Scalar returns a 0-d tensor holding v.
func Scalar(v float64) *Dense { return FromSlice([]float64{v}) }

// Full returns a contiguous tensor of the given shape filled with v.
func Full(v float64, shape ...int) *Dense {
	t := New(shape...)
	for i := range t.data {
		t.data[i] = v
	}
	return t
}

// Ones returns a contiguous tensor of the given shape filled with 1.
func Ones(shape ...int) *Dense { return Full(1, shape...) }

// Arange returns the 1-d tensor start, start+step, … up to but excluding
// stop, like numpy.arange. It panics if step is 0.
func Arange(start, stop, step float64) *Dense {
	if step == 0 {
		panic("tensor: Arange with step 0")
	}
	t := New(max(0, int(math.Ceil((stop-start)/step))))
	for i := range t.data {
		t.data[i] = start + float64(i)*step
	}
	return t
}

// Linspace returns n evenly spaced values from start to stop inclusive.
func Linspace(start, stop float64, n int) *Dense {
	t := New(n)
	for i := range t.data {
		if n == 1 {
			t.data[i] = start
			break
		}
		t.data[i] = start + (stop-start)*float64(i)/float64(n-1)
	}
	return t
}

// RandN returns a tensor of standard normal samples drawn from r in
// row-major order.
func RandN(r *rand.Rand, shape ...int) *Dense {
	t := New(shape...)
	for i := range t.data {
		t.data[i] = r.NormFloat64()
	}
	return t
}

// RandU returns a tensor of samples uniform on [lo, hi) drawn from r in
// row-major order.
func RandU(r *rand.Rand, lo, hi float64, shape ...int) *Dense {
	t := New(shape...)
	for i := range t.data {
		t.data[i] = lo + (hi-lo)*r.Float64()
	}
	return t
}

// Shape returns the tensor's shape; the caller must not modify it.
func (t *Dense) Shape() []int { return t.shape }

// Strides returns the per-axis strides in elements; the caller must not
// modify them. A stride of 0 marks a broadcast (Expand) axis.
func (t *Dense) Strides() []int { return t.strides }

// Dims returns the number of axes.
func (t *Dense) Dims() int { return len(t.shape) }

// Size returns the number of elements.
func (t *Dense) Size() int { return numel(t.shape) }

// Dim returns the length of axis i; negative i counts from the end.
func (t *Dense) Dim(i int) int { return t.shape[t.axis(i)] }

// IsContiguous reports whether the elements are laid out row-major without
// gaps, so that Data is valid. Axes of length 1 may have any stride.
func (t *Dense) IsContiguous() bool {
	want := 1
	for i := len(t.shape) - 1; i >= 0; i-- {
		if t.shape[i] == 1 {
			continue
		}
		if t.strides[i] != want {
			return false
		}
		want *= t.shape[i]
	}
	return true
}

// Data returns the row-major storage of a contiguous tensor: writing to it
// writes to the tensor (and to every view sharing it). It panics for a
// non-contiguous view; call Contiguous first.
func (t *Dense) Data() []float64 {
	if !t.IsContiguous() {
		panic(fmt.Sprintf("tensor: Data of a non-contiguous tensor (shape %v, strides %v); call Contiguous first", t.shape, t.strides))
	}
	return t.data[t.off : t.off+t.Size()]
}

// Contiguous returns t itself when it is contiguous and a contiguous copy
// otherwise.
func (t *Dense) Contiguous() *Dense {
	if t.IsContiguous() {
		return t
	}
	return t.Copy()
}

// Copy returns a contiguous deep copy of t.
func (t *Dense) Copy() *Dense {
	c := New(t.shape...)
	copyInto(c, t)
	return c
}

// CopyFrom overwrites t's elements with src broadcast to t's shape. t must
// not be an Expand view (several elements sharing one storage slot).
func (t *Dense) CopyFrom(src *Dense) { copyInto(t, src) }

// Fill sets every element of t to v.
func (t *Dense) Fill(v float64) {
	it := newRowIter(t.shape, 1, [3][]int{t.strides}, [3]int{t.off})
	for it.next() {
		d, inc := t.data[it.off[0]:], it.inc[0]
		for i := 0; i < it.n; i++ {
			d[i*inc] = v
		}
	}
}

// At returns the element at the given index (one entry per axis).
func (t *Dense) At(idx ...int) float64 { return t.data[t.offset(idx)] }

// Set stores v at the given index (one entry per axis).
func (t *Dense) Set(v float64, idx ...int) { t.data[t.offset(idx)] = v }

// Item returns the value of a one-element tensor.
func (t *Dense) Item() float64 {
	if t.Size() != 1 {
		panic(fmt.Sprintf("tensor: Item of a tensor of shape %v", t.shape))
	}
	return t.data[t.off]
}

// offset returns the storage position of idx. It copies idx before
// formatting a panic message so that idx does not escape, keeping At and
// Set free of allocations.
func (t *Dense) offset(idx []int) int {
	if len(idx) != len(t.shape) {
		panic(fmt.Sprintf("tensor: index %v for shape %v", slices.Clone(idx), t.shape))
	}
	o := t.off
	for i, k := range idx {
		if k < 0 || k >= t.shape[i] {
			panic(fmt.Sprintf("tensor: index %v out of range for shape %v", slices.Clone(idx), t.shape))
		}
		o += k * t.strides[i]
	}
	return o
}

// Reshape returns a tensor with the same elements in row-major order and a
// new shape; one dimension may be -1 and is inferred. A contiguous t shares
// its storage with the result; otherwise the result is a copy.
func (t *Dense) Reshape(shape ...int) *Dense {
	shape = slices.Clone(shape)
	infer, n := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(fmt.Sprintf("tensor: bad Reshape shape %v", shape))
		default:
			n *= d
		}
	}
	size := t.Size()
	if infer >= 0 {
		if n == 0 || size%n != 0 {
			panic(fmt.Sprintf("tensor: cannot reshape %v into %v", t.shape, shape))
		}
		shape[infer] = size / n
		n = size
	}
	if n != size {
		panic(fmt.Sprintf("tensor: cannot reshape %v into %v", t.shape, shape))
	}
	src := t.Contiguous()
	return &Dense{shape: shape, strides: rowMajor(shape), off: src.off, data: src.data}
}

// Transpose returns a view with axes a and b swapped (negative axes count
// from the end).
func (t *Dense) Transpose(a, b int) *Dense {
	a, b = t.axis(a), t.axis(b)
	v := t.view()
	v.shape[a], v.shape[b] = v.shape[b], v.shape[a]
	v.strides[a], v.strides[b] = v.strides[b], v.strides[a]
	return v
}

// T returns the transpose view of a 2-d tensor.
func (t *Dense) T() *Dense {
	if len(t.shape) != 2 {
		panic(fmt.Sprintf("tensor: T of a %d-d tensor", len(t.shape)))
	}
	return t.Transpose(0, 1)
}

// Permute returns a view whose axis i is t's axis perm[i].
func (t *Dense) Permute(perm ...int) *Dense {
	if len(perm) != len(t.shape) {
		panic(fmt.Sprintf("tensor: permutation %v for shape %v", perm, t.shape))
	}
	seen := make([]bool, len(perm))
	v := &Dense{shape: make([]int, len(perm)), strides: make([]int, len(perm)), off: t.off, data: t.data}
	for i, p := range perm {
		p = t.axis(p)
		if seen[p] {
			panic(fmt.Sprintf("tensor: permutation %v repeats an axis", perm))
		}
		seen[p] = true
		v.shape[i], v.strides[i] = t.shape[p], t.strides[p]
	}
	return v
}

// Narrow returns the view of elements start … start+length−1 along axis.
func (t *Dense) Narrow(axis, start, length int) *Dense {
	return t.Slice(axis, start, start+length, 1)
}

// Slice returns the view of elements start, start+step, … < end along axis
// (step ≥ 1).
func (t *Dense) Slice(axis, start, end, step int) *Dense {
	axis = t.axis(axis)
	if step < 1 || start < 0 || end > t.shape[axis] || start > end {
		panic(fmt.Sprintf("tensor: slice [%d:%d:%d] of axis %d with length %d", start, end, step, axis, t.shape[axis]))
	}
	v := t.view()
	v.shape[axis] = (end - start + step - 1) / step
	v.strides[axis] *= step
	if v.shape[axis] > 0 {
		v.off += start * t.strides[axis]
	}
	return v
}

// Expand returns a read-only broadcast view of t with the given shape
// (NumPy rules: t's axes align to the right; axes of length 1 repeat with
// stride 0).
func (t *Dense) Expand(shape ...int) *Dense {
	return &Dense{shape: slices.Clone(shape), strides: broadcastStrides(t, shape), off: t.off, data: t.data}
}

// Unsqueeze returns a view with a new axis of length 1 inserted at position
// axis (0 … Dims(); negative counts from the end, -1 appends).
func (t *Dense) Unsqueeze(axis int) *Dense {
	n := len(t.shape)
	if axis < 0 {
		axis += n + 1
	}
	if axis < 0 || axis > n {
		panic(fmt.Sprintf("tensor: Unsqueeze axis %d for shape %v", axis, t.shape))
	}
	st := 1
	if axis < n {
		st = t.strides[axis] * t.shape[axis]
	}
	return &Dense{shape: slices.Insert(slices.Clone(t.shape), axis, 1),
		strides: slices.Insert(slices.Clone(t.strides), axis, st), off: t.off, data: t.data}
}

// Squeeze returns a view without axis, which must have length 1.
func (t *Dense) Squeeze(axis int) *Dense {
	axis = t.axis(axis)
	if t.shape[axis] != 1 {
		panic(fmt.Sprintf("tensor: Squeeze of axis %d with length %d", axis, t.shape[axis]))
	}
	return &Dense{shape: slices.Delete(slices.Clone(t.shape), axis, axis+1),
		strides: slices.Delete(slices.Clone(t.strides), axis, axis+1), off: t.off, data: t.data}
}

// String formats the shape and, for small tensors, the values in row-major
// order.
func (t *Dense) String() string {
	if t.Size() > 64 {
		return fmt.Sprintf("Dense%v", t.shape)
	}
	return fmt.Sprintf("Dense%v%v", t.shape, t.Copy().data)
}

func (t *Dense) view() *Dense {
	return &Dense{shape: slices.Clone(t.shape), strides: slices.Clone(t.strides), off: t.off, data: t.data}
}

// axis maps a possibly negative axis to 0 … Dims()−1, panicking when out of
// range.
func (t *Dense) axis(a int) int {
	n, i := len(t.shape), a
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		panic(fmt.Sprintf("tensor: axis %d out of range for shape %v", a, t.shape))
	}
	return i
}

// SameShape reports whether a and b have equal shapes.
func SameShape(a, b []int) bool { return slices.Equal(a, b) }

func rowMajor(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}
