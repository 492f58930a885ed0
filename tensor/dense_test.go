package tensor

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// eachIndex calls f with every multi-index of shape in row-major order
// (once with an empty index for a 0-d shape). idx is reused between calls.
func eachIndex(shape []int, f func(idx []int)) {
	if numel(shape) == 0 {
		return
	}
	idx := make([]int, len(shape))
	for {
		f(idx)
		d := len(shape) - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// values lists t's elements in row-major order through At, an oracle
// independent of the strided iterator.
func values(t *Dense) []float64 {
	var v []float64
	eachIndex(t.Shape(), func(idx []int) { v = append(v, t.At(idx...)) })
	return v
}

// nonContiguous returns a random tensor of the given shape that is a
// permuted view of its storage (reversed axes), so that it is not
// contiguous whenever two axes are longer than 1.
func nonContiguous(r *rand.Rand, shape ...int) *Dense {
	rev := slices.Clone(shape)
	slices.Reverse(rev)
	base := RandN(r, rev...)
	perm := make([]int, len(shape))
	for i := range perm {
		perm[i] = len(shape) - 1 - i
	}
	return base.Permute(perm...)
}

// mustPanic runs f and checks it panics with a message starting "tensor:"
// and containing want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, ok := r.(string)
		if !ok || !strings.HasPrefix(msg, "tensor: ") || !strings.Contains(msg, want) {
			t.Errorf("panic = %v, want a \"tensor: \" message containing %q", r, want)
		}
	}()
	f()
}

func TestNewFromSliceShape(t *testing.T) {
	x := FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	if !slices.Equal(x.Shape(), []int{2, 3}) || x.Size() != 6 || x.Dims() != 2 || !x.IsContiguous() {
		t.Fatalf("shape %v size %d dims %d", x.Shape(), x.Size(), x.Dims())
	}
	if x.At(1, 2) != 6 || x.At(0, 1) != 2 {
		t.Errorf("At(1,2)=%v At(0,1)=%v", x.At(1, 2), x.At(0, 1))
	}
	x.Set(-1, 1, 0)
	if x.Data()[3] != -1 {
		t.Errorf("Set did not write the row-major slot: %v", x.Data())
	}
	if s := Scalar(2.5); s.Dims() != 0 || s.Size() != 1 || s.Item() != 2.5 {
		t.Errorf("Scalar: dims %d size %d item %v", s.Dims(), s.Size(), s.Item())
	}
	if z := New(0, 3); z.Size() != 0 || len(z.Data()) != 0 {
		t.Errorf("empty tensor: size %d", z.Size())
	}
}

func TestCreation(t *testing.T) {
	tests := []struct {
		name string
		got  *Dense
		want []float64
	}{
		{"Full", Full(2, 2, 2), []float64{2, 2, 2, 2}},
		{"Ones", Ones(3), []float64{1, 1, 1}},
		{"Arange", Arange(0, 1, 0.25), []float64{0, 0.25, 0.5, 0.75}},
		{"ArangeDown", Arange(3, 0, -1), []float64{3, 2, 1}},
		{"ArangeEmpty", Arange(1, 1, 1), nil},
		{"Linspace", Linspace(-1, 1, 5), []float64{-1, -0.5, 0, 0.5, 1}},
		{"Linspace1", Linspace(3, 7, 1), []float64{3}},
	}
	for _, tc := range tests {
		if got := values(tc.got); !slices.Equal(got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRandomIsSeeded(t *testing.T) {
	a, b := RandN(newRand(7), 3, 4), RandN(newRand(7), 3, 4)
	if !slices.Equal(a.Data(), b.Data()) {
		t.Error("RandN with equal seeds differs")
	}
	u := RandU(newRand(8), -2, 3, 1000)
	lo, hi := slices.Min(u.Data()), slices.Max(u.Data())
	if lo < -2 || hi >= 3 || lo > -1.9 || hi < 2.9 {
		t.Errorf("RandU(-2,3) range [%v, %v]", lo, hi)
	}
}

func TestViews(t *testing.T) {
	x := Arange(0, 24, 1).Reshape(2, 3, 4) // x[i,j,k] = 12i + 4j + k
	tests := []struct {
		name  string
		v     *Dense
		shape []int
		at    func(idx []int) float64
	}{
		{"Transpose", x.Transpose(0, 2), []int{4, 3, 2}, func(i []int) float64 { return float64(12*i[2] + 4*i[1] + i[0]) }},
		{"TransposeNeg", x.Transpose(-1, -2), []int{2, 4, 3}, func(i []int) float64 { return float64(12*i[0] + 4*i[2] + i[1]) }},
		{"Permute", x.Permute(1, 2, 0), []int{3, 4, 2}, func(i []int) float64 { return float64(12*i[2] + 4*i[0] + i[1]) }},
		{"Narrow", x.Narrow(1, 1, 2), []int{2, 2, 4}, func(i []int) float64 { return float64(12*i[0] + 4*(i[1]+1) + i[2]) }},
		{"Slice", x.Slice(2, 1, 4, 2), []int{2, 3, 2}, func(i []int) float64 { return float64(12*i[0] + 4*i[1] + 1 + 2*i[2]) }},
		{"Expand", Arange(0, 3, 1).Reshape(3, 1).Expand(2, 3, 4), []int{2, 3, 4}, func(i []int) float64 { return float64(i[1]) }},
		{"Unsqueeze", x.Unsqueeze(1), []int{2, 1, 3, 4}, func(i []int) float64 { return float64(12*i[0] + 4*i[2] + i[3]) }},
		{"UnsqueezeEnd", x.Unsqueeze(-1), []int{2, 3, 4, 1}, func(i []int) float64 { return float64(12*i[0] + 4*i[1] + i[2]) }},
		{"Squeeze", x.Narrow(1, 2, 1).Squeeze(1), []int{2, 4}, func(i []int) float64 { return float64(12*i[0] + 8 + i[1]) }},
		{"ReshapeOfView", x.Transpose(0, 2).Reshape(4, 6), []int{4, 6}, func(i []int) float64 {
			// row-major position p = 6a + b of the [4,3,2] transposed view
			p := 6*i[0] + i[1]
			k, j, n := p/6, (p/2)%3, p%2
			return float64(12*n + 4*j + k)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !slices.Equal(tc.v.Shape(), tc.shape) {
				t.Fatalf("shape %v, want %v", tc.v.Shape(), tc.shape)
			}
			eachIndex(tc.shape, func(idx []int) {
				if got, want := tc.v.At(idx...), tc.at(idx); got != want {
					t.Fatalf("At%v = %v, want %v", idx, got, want)
				}
			})
			c := tc.v.Copy()
			if !c.IsContiguous() || !slices.Equal(c.Data(), values(tc.v)) {
				t.Errorf("Copy = %v, want %v", c.Data(), values(tc.v))
			}
		})
	}
}

func TestViewsShareStorage(t *testing.T) {
	x := New(2, 3)
	x.Transpose(0, 1).Set(5, 2, 1)
	x.Reshape(6).Set(7, 0)
	x.Narrow(1, 1, 1).Fill(9)
	want := []float64{7, 9, 0, 0, 9, 5}
	if !slices.Equal(x.Data(), want) {
		t.Errorf("writes through views: %v, want %v", x.Data(), want)
	}
	if x.Transpose(0, 1).IsContiguous() {
		t.Error("a 2×3 transpose reports contiguous")
	}
	if !x.Narrow(0, 1, 1).IsContiguous() || !slices.Equal(x.Narrow(0, 1, 1).Data(), want[3:]) {
		t.Error("a row of a matrix should be contiguous with its storage")
	}
	if got := x.Reshape(-1, 2).Shape(); !slices.Equal(got, []int{3, 2}) {
		t.Errorf("Reshape(-1,2) shape %v", got)
	}
}

func TestCopyFromBroadcasts(t *testing.T) {
	x := New(2, 3).Transpose(0, 1) // non-contiguous destination [3,2]
	x.CopyFrom(FromSlice([]float64{1, 2}, 2))
	if got := values(x); !slices.Equal(got, []float64{1, 2, 1, 2, 1, 2}) {
		t.Errorf("CopyFrom = %v", got)
	}
}

func TestConcatStack(t *testing.T) {
	r := newRand(1)
	a, b := RandN(r, 2, 3), nonContiguous(r, 2, 1)
	c := Concat(1, a, b, a)
	if !slices.Equal(c.Shape(), []int{2, 7}) {
		t.Fatalf("Concat shape %v", c.Shape())
	}
	eachIndex(c.Shape(), func(i []int) {
		var want float64
		switch {
		case i[1] < 3:
			want = a.At(i[0], i[1])
		case i[1] == 3:
			want = b.At(i[0], 0)
		default:
			want = a.At(i[0], i[1]-4)
		}
		if c.At(i...) != want {
			t.Fatalf("Concat%v = %v, want %v", i, c.At(i...), want)
		}
	})
	s := Stack(-1, a, a.Copy())
	if !slices.Equal(s.Shape(), []int{2, 3, 2}) {
		t.Fatalf("Stack shape %v", s.Shape())
	}
	eachIndex(s.Shape(), func(i []int) {
		if s.At(i...) != a.At(i[0], i[1]) {
			t.Fatalf("Stack%v = %v", i, s.At(i...))
		}
	})
	s0 := Stack(0, a, b.Expand(2, 3))
	if s0.At(1, 1, 2) != b.At(1, 0) || s0.At(0, 1, 2) != a.At(1, 2) {
		t.Errorf("Stack(0) of a broadcast view wrong: %v", s0)
	}
}

func TestPanics(t *testing.T) {
	x := New(2, 3)
	tests := []struct {
		name, want string
		f          func()
	}{
		{"FromSlice", "5 values for shape [2 3]", func() { FromSlice(make([]float64, 5), 2, 3) }},
		{"At", "out of range", func() { x.At(2, 0) }},
		{"AtRank", "index [1] for shape", func() { x.At(1) }},
		{"Reshape", "cannot reshape", func() { x.Reshape(4, 2) }},
		{"Axis", "axis 2 out of range", func() { x.Transpose(0, 2) }},
		{"Data", "non-contiguous", func() { x.T().Data() }},
		{"Broadcast", "do not broadcast", func() { Add(x, New(2)) }},
		{"MatMul", "MatMul of shapes", func() { MatMul(x, x) }},
		{"Concat", "Concat of shapes", func() { Concat(0, x, New(2, 2)) }},
		{"Expand", "cannot broadcast", func() { x.Expand(3, 3) }},
		{"Conv", "Conv2D of input", func() { Conv2D(New(1, 2, 3, 3), New(1, 1, 2, 2), nil, [2]int{1, 1}, [2]int{0, 0}) }},
		{"Geom", "bad convolution geometry", func() { Conv2D(New(1, 1, 2, 2), New(1, 1, 3, 3), nil, [2]int{1, 1}, [2]int{0, 0}) }},
		{"Item", "Item of a tensor", func() { x.Item() }},
		{"Permute", "repeats an axis", func() { x.Permute(0, 0) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { mustPanic(t, tc.want, tc.f) })
	}
}

func TestAtSetDoNotAllocate(t *testing.T) {
	x := New(3, 4)
	if n := testing.AllocsPerRun(100, func() {
		x.Set(x.At(1, 2)+1, 2, 3)
	}); n != 0 {
		t.Errorf("At+Set allocate %v times per call", n)
	}
}
