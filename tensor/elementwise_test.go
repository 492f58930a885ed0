package tensor

import (
	"math"
	"slices"
	"testing"
)

// bcastAt reads t at the index idx of a broadcast shape (NumPy rules),
// computed from the index alone: the oracle for broadcasting.
func bcastAt(t *Dense, idx []int) float64 {
	lead := len(idx) - t.Dims()
	own := make([]int, t.Dims())
	for d := range own {
		if t.Shape()[d] != 1 {
			own[d] = idx[lead+d]
		}
	}
	return t.At(own...)
}

func TestBinaryBroadcast(t *testing.T) {
	r := newRand(2)
	shapes := []struct{ a, b, out []int }{
		{[]int{3, 4}, []int{3, 4}, []int{3, 4}},
		{[]int{3, 4}, []int{4}, []int{3, 4}},
		{[]int{3, 1}, []int{1, 4}, []int{3, 4}},
		{[]int{2, 3, 1, 5}, []int{3, 4, 1}, []int{2, 3, 4, 5}},
		{[]int{}, []int{2, 3}, []int{2, 3}},
		{[]int{1}, []int{1}, []int{1}},
		{[]int{0, 3}, []int{3}, []int{0, 3}},
	}
	ops := []struct {
		name string
		f    func(a, b *Dense) *Dense
		op   func(x, y float64) float64
	}{
		{"Add", Add, func(x, y float64) float64 { return x + y }},
		{"Sub", Sub, func(x, y float64) float64 { return x - y }},
		{"Mul", Mul, func(x, y float64) float64 { return x * y }},
		{"Div", Div, func(x, y float64) float64 { return x / y }},
		{"Maximum", Maximum, math.Max},
		{"Minimum", Minimum, math.Min},
	}
	for _, sh := range shapes {
		for _, contig := range []bool{true, false} {
			var a, b *Dense
			if contig {
				a, b = RandN(r, sh.a...), RandN(r, sh.b...)
			} else {
				a, b = nonContiguous(r, sh.a...), nonContiguous(r, sh.b...)
			}
			for _, op := range ops {
				got := op.f(a, b)
				if !slices.Equal(got.Shape(), sh.out) || !got.IsContiguous() {
					t.Fatalf("%s%v%v: shape %v contiguous %v", op.name, sh.a, sh.b, got.Shape(), got.IsContiguous())
				}
				eachIndex(sh.out, func(idx []int) {
					want := op.op(bcastAt(a, idx), bcastAt(b, idx))
					if g := got.At(idx...); g != want {
						t.Fatalf("%s%v%v contiguous=%v at %v: %v, want %v", op.name, sh.a, sh.b, contig, idx, g, want)
					}
				})
			}
		}
	}
}

func TestMaximumNaN(t *testing.T) {
	got := Maximum(FromSlice([]float64{math.NaN(), 1}, 2), FromSlice([]float64{0, 2}, 2))
	if !math.IsNaN(got.At(0)) || got.At(1) != 2 {
		t.Errorf("Maximum with NaN = %v", got)
	}
}

func TestInPlace(t *testing.T) {
	r := newRand(3)
	for _, contig := range []bool{true, false} {
		var y *Dense
		if contig {
			y = RandN(r, 3, 4, 5)
		} else {
			y = nonContiguous(r, 3, 4, 5)
		}
		x := nonContiguous(r, 4, 1)
		before := values(y)
		Axpy(-2.5, x, y)
		i := 0
		eachIndex(y.Shape(), func(idx []int) {
			want := before[i] - 2.5*x.At(idx[1], 0)
			if got := y.At(idx...); math.Abs(got-want) > 1e-15 {
				t.Fatalf("Axpy at %v: %v, want %v", idx, got, want)
			}
			i++
		})
		before = values(y)
		AddTo(y, Scalar(1))
		Scale(y, 3)
		for i, v := range values(y) {
			if want := 3 * (before[i] + 1); math.Abs(v-want) > 1e-14 {
				t.Fatalf("AddTo+Scale [%d] = %v, want %v", i, v, want)
			}
		}
	}
	a := nonContiguous(r, 2, 3)
	for i, v := range values(AddScalar(a, 2)) {
		if v != values(a)[i]+2 {
			t.Fatalf("AddScalar[%d]", i)
		}
	}
	for i, v := range values(MulScalar(a, -3)) {
		if v != -3*values(a)[i] {
			t.Fatalf("MulScalar[%d]", i)
		}
	}
	for i, v := range values(Apply(a, math.Exp)) {
		if v != math.Exp(values(a)[i]) {
			t.Fatalf("Apply[%d]", i)
		}
	}
}

func TestSumMean(t *testing.T) {
	r := newRand(4)
	x := nonContiguous(r, 2, 3, 4)
	tests := []struct {
		axes []int
		keep bool
		out  []int
	}{
		{nil, false, []int{}},
		{nil, true, []int{1, 1, 1}},
		{[]int{0}, false, []int{3, 4}},
		{[]int{1}, true, []int{2, 1, 4}},
		{[]int{-1}, false, []int{2, 3}},
		{[]int{0, 2}, true, []int{1, 3, 1}},
		{[]int{2, 0}, false, []int{3}},
	}
	for _, tc := range tests {
		red := make([]bool, 3)
		if tc.axes == nil {
			red = []bool{true, true, true}
		}
		for _, a := range tc.axes {
			red[(a+3)%3] = true
		}
		// Oracle: accumulate every element into its reduced position.
		want := map[[3]int]float64{}
		count := 0
		eachIndex(x.Shape(), func(idx []int) {
			var k [3]int
			for d := range 3 {
				if !red[d] {
					k[d] = idx[d]
				}
			}
			want[k] += x.At(idx...)
			if k == [3]int{} {
				count++
			}
		})
		s, m := Sum(x, tc.keep, tc.axes...), Mean(x, tc.keep, tc.axes...)
		if !slices.Equal(s.Shape(), tc.out) || !slices.Equal(m.Shape(), tc.out) {
			t.Fatalf("Sum%v keep=%v shape %v, want %v", tc.axes, tc.keep, s.Shape(), tc.out)
		}
		full := s.Reshape(keepShape(x.Shape(), red)...)
		mfull := m.Reshape(keepShape(x.Shape(), red)...)
		eachIndex(full.Shape(), func(idx []int) {
			k := [3]int{idx[0], idx[1], idx[2]}
			if got := full.At(idx...); math.Abs(got-want[k]) > 1e-13 {
				t.Fatalf("Sum%v at %v = %v, want %v", tc.axes, idx, got, want[k])
			}
			if got := mfull.At(idx...); math.Abs(got-want[k]/float64(count)) > 1e-13 {
				t.Fatalf("Mean%v at %v = %v, want %v", tc.axes, idx, got, want[k]/float64(count))
			}
		})
	}
}

func keepShape(shape []int, red []bool) []int {
	out := slices.Clone(shape)
	for d, r := range red {
		if r {
			out[d] = 1
		}
	}
	return out
}

func TestMaxArgMax(t *testing.T) {
	x := FromSlice([]float64{
		1, 5, 3,
		7, 2, 7,
		-1, -4, -2,
		0, 0, 9,
	}, 2, 2, 3)
	tests := []struct {
		axis int
		keep bool
		vals []float64
		args []int
		out  []int
	}{
		{2, false, []float64{5, 7, -1, 9}, []int{1, 0, 0, 2}, []int{2, 2}},
		{1, true, []float64{7, 5, 7, 0, 0, 9}, []int{1, 0, 1, 1, 1, 1}, []int{2, 1, 3}},
		{0, false, []float64{1, 5, 3, 7, 2, 9}, []int{0, 0, 0, 0, 0, 1}, []int{2, 3}},
	}
	for _, tc := range tests {
		for _, v := range []*Dense{x, x.Permute(2, 0, 1).Permute(1, 2, 0)} {
			m := Max(v, tc.axis, tc.keep)
			if !slices.Equal(m.Shape(), tc.out) || !slices.Equal(values(m), tc.vals) {
				t.Errorf("Max(axis %d) = %v %v, want %v %v", tc.axis, m.Shape(), values(m), tc.out, tc.vals)
			}
			if got := ArgMax(v, tc.axis); !slices.Equal(got, tc.args) {
				t.Errorf("ArgMax(axis %d) = %v, want %v", tc.axis, got, tc.args)
			}
		}
	}
	n := FromSlice([]float64{1, math.NaN(), 3}, 3)
	if !math.IsNaN(Max(n, 0, false).Item()) || ArgMax(n, 0)[0] != 1 {
		t.Error("Max does not propagate NaN")
	}
}

func TestSumTo(t *testing.T) {
	r := newRand(5)
	g := RandN(r, 2, 3, 4)
	tests := []struct {
		shape []int
		axes  []int
	}{
		{[]int{2, 3, 4}, nil},
		{[]int{3, 4}, []int{0}},
		{[]int{1, 4}, []int{0, 1}},
		{[]int{3, 1}, []int{0, 2}},
		{[]int{}, []int{0, 1, 2}},
	}
	for _, tc := range tests {
		got := SumTo(g, tc.shape)
		if !slices.Equal(got.Shape(), tc.shape) {
			t.Fatalf("SumTo %v: shape %v", tc.shape, got.Shape())
		}
		want := g
		if tc.axes != nil {
			want = Sum(g, true, tc.axes...).Reshape(tc.shape...)
		}
		if !slices.Equal(values(got), values(want)) {
			t.Errorf("SumTo %v = %v, want %v", tc.shape, values(got), values(want))
		}
		// Adjoint identity: <SumTo(g), y> = <g, broadcast(y)>.
		y := RandN(r, tc.shape...)
		lhs := Sum(Mul(got, y), false).Item()
		rhs := Sum(Mul(g, y.Expand(g.Shape()...)), false).Item()
		if math.Abs(lhs-rhs) > 1e-12*(1+math.Abs(rhs)) {
			t.Errorf("SumTo %v not the adjoint of Expand: %v vs %v", tc.shape, lhs, rhs)
		}
	}
}
