package dataset

import (
	"fmt"
	"strconv"

	"github.com/quanta-qml/quanta/tensor"
)

// Split selects the training or the test part of a data set that ships with
// a fixed split (MNIST, Fashion-MNIST, CIFAR-10).
type Split int

const (
	// Train is the training part.
	Train Split = iota
	// Test is the test part (MNIST's "t10k" files, CIFAR-10's test_batch).
	Test
)

// String returns "train" or "test".
func (p Split) String() string {
	switch p {
	case Train:
		return "train"
	case Test:
		return "test"
	}
	return "Split(" + strconv.Itoa(int(p)) + ")"
}

// Set is an in-memory labelled data set.
//
// X holds the samples along its first axis: [N, C, H, W] for images (channels
// first, as PyTorch) or [N, F] for tables. Y[i] is the label of sample i, an
// index into Classes. X must be contiguous (its Data valid), as every tensor
// made by New or FromSlice is. A Set built by this package is never modified
// by it afterwards: transforms return new sets.
type Set struct {
	X       *tensor.Dense
	Y       []int
	Classes []string
	Name    string
}

// Len returns the number of samples.
func (s *Set) Len() int { return len(s.Y) }

// SampleShape returns the shape of one sample (X's shape without its first
// axis), as a new slice.
func (s *Set) SampleShape() []int {
	return append([]int(nil), s.X.Shape()[1:]...)
}

// sampleSize returns the number of values per sample.
func (s *Set) sampleSize() int {
	n := 1
	for _, d := range s.X.Shape()[1:] {
		n *= d
	}
	return n
}

// Validate checks that the set is consistent: X has at least two axes, its
// first axis matches len(Y), and every label indexes Classes.
func (s *Set) Validate() error {
	if s.X == nil {
		return fmt.Errorf("dataset: set %q has no X", s.Name)
	}
	sh := s.X.Shape()
	if len(sh) < 2 {
		return fmt.Errorf("dataset: set %q: X has shape %v, want [N, ...] with at least 2 axes", s.Name, sh)
	}
	if sh[0] != len(s.Y) {
		return fmt.Errorf("dataset: set %q: X has %d samples but Y has %d labels", s.Name, sh[0], len(s.Y))
	}
	for i, y := range s.Y {
		if y < 0 || y >= len(s.Classes) {
			return fmt.Errorf("dataset: set %q: label %d of sample %d is outside [0, %d)", s.Name, y, i, len(s.Classes))
		}
	}
	return nil
}

// ClassCounts returns how many samples carry each label.
func (s *Set) ClassCounts() []int {
	c := make([]int, len(s.Classes))
	for _, y := range s.Y {
		c[y]++
	}
	return c
}

// Subset returns a new set holding copies of the samples at the given
// indices, in that order (an index may repeat). It panics if an index is out
// of range.
func (s *Set) Subset(idx []int) *Set {
	n, size := s.Len(), s.sampleSize()
	src := s.X.Data()
	x := make([]float64, len(idx)*size)
	y := make([]int, len(idx))
	for k, i := range idx {
		if i < 0 || i >= n {
			panic(fmt.Sprintf("dataset: Subset index %d out of range [0, %d)", i, n))
		}
		copy(x[k*size:(k+1)*size], src[i*size:(i+1)*size])
		y[k] = s.Y[i]
	}
	return s.derive(x, append([]int{len(idx)}, s.X.Shape()[1:]...), y)
}

// derive returns a set with new values and labels and s's classes and name.
func (s *Set) derive(x []float64, shape []int, y []int) *Set {
	return &Set{
		X:       tensor.FromSlice(x, shape...),
		Y:       y,
		Classes: append([]string(nil), s.Classes...),
		Name:    s.Name,
	}
}

// Shuffle returns a copy of s with its samples in the order Perm(s.Len(),
// seed, 0).
func Shuffle(s *Set, seed uint64) *Set {
	return s.Subset(Perm(s.Len(), seed, 0))
}

// RandomSplit shuffles s with seed and returns its first n samples and the
// remaining ones, like PyTorch's random_split. The permutation is Perm(s.Len(),
// seed, SplitStream), so it is independent of the epoch permutations of a
// Loader with the same seed. It panics unless 0 ≤ n ≤ s.Len().
func RandomSplit(s *Set, n int, seed uint64) (first, rest *Set) {
	if n < 0 || n > s.Len() {
		panic(fmt.Sprintf("dataset: RandomSplit of %d samples from a set of %d", n, s.Len()))
	}
	p := Perm(s.Len(), seed, SplitStream)
	return s.Subset(p[:n]), s.Subset(p[n:])
}

// Head returns a copy of the first n samples (all of them if n ≥ s.Len()).
func Head(s *Set, n int) *Set {
	n = max(0, min(n, s.Len()))
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return s.Subset(idx)
}

// defaultClasses returns the names "0", "1", …, "k-1".
func defaultClasses(k int) []string {
	c := make([]string, k)
	for i := range c {
		c[i] = strconv.Itoa(i)
	}
	return c
}
