// Package tensor holds real (float64) n-dimensional dense arrays.
package tensor

import "fmt"

// Dense is a row-major float64 n-d array.
type Dense struct {
	shape []int
	data  []float64
}

// New returns a zero tensor of the given shape.
func New(shape ...int) *Dense {
	return &Dense{shape: append([]int(nil), shape...), data: make([]float64, numel(shape))}
}

// FromSlice returns a tensor of the given shape that uses data as storage.
func FromSlice(data []float64, shape ...int) *Dense {
	if len(data) != numel(shape) {
		panic(fmt.Sprintf("tensor: %d values for shape %v", len(data), shape))
	}
	return &Dense{shape: append([]int(nil), shape...), data: data}
}

// Shape returns the tensor's shape; the caller must not modify it.
func (t *Dense) Shape() []int { return t.shape }

// Data returns the row-major storage.
func (t *Dense) Data() []float64 { return t.data }

// Size returns the number of elements.
func (t *Dense) Size() int { return len(t.data) }

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
