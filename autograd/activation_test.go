package autograd

import (
	"math"
	"testing"

	"github.com/quanta-qml/quanta/tensor"
)

// TestActivationsLarge runs the element-wise activations on a tensor large
// enough to be split over goroutines and compares every element, value and
// gradient, with the textbook formulas evaluated one element at a time.
func TestActivationsLarge(t *testing.T) {
	r := newRand(12)
	n := 3*elemGrain + 17
	x := tensor.MulScalar(tensor.RandN(r, n), 3)
	g := tensor.RandN(r, n)
	erfPhi := func(v float64) float64 { return 0.5 * (1 + math.Erf(v/math.Sqrt2)) }
	tests := []struct {
		name  string
		op    func(*Var) *Var
		f, df func(v float64) float64
	}{
		{"ReLU", ReLU, func(v float64) float64 { return math.Max(v, 0) }, func(v float64) float64 {
			if v > 0 {
				return 1
			}
			return 0
		}},
		{"LeakyReLU", func(x *Var) *Var { return LeakyReLU(x, 0.2) }, func(v float64) float64 {
			if v > 0 {
				return v
			}
			return 0.2 * v
		}, func(v float64) float64 {
			if v > 0 {
				return 1
			}
			return 0.2
		}},
		{"Tanh", Tanh, math.Tanh, func(v float64) float64 { return 1 / (math.Cosh(v) * math.Cosh(v)) }},
		{"Sigmoid", Sigmoid, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) },
			func(v float64) float64 { return math.Exp(-v) / ((1 + math.Exp(-v)) * (1 + math.Exp(-v))) }},
		{"GELU", GELU, func(v float64) float64 { return v * erfPhi(v) },
			func(v float64) float64 { return erfPhi(v) + v*math.Exp(-v*v/2)/math.Sqrt(2*math.Pi) }},
		{"GELUTanh", GELUTanh, func(v float64) float64 {
			return 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v)))
		}, func(v float64) float64 {
			u := math.Sqrt(2/math.Pi) * (v + 0.044715*v*v*v)
			du := math.Sqrt(2/math.Pi) * (1 + 3*0.044715*v*v)
			return 0.5*(1+math.Tanh(u)) + 0.5*v*du/(math.Cosh(u)*math.Cosh(u))
		}},
	}
	for _, tc := range tests {
		xv := Param(x)
		y := tc.op(xv)
		y.BackwardWith(g)
		for i, v := range x.Data() {
			want, dwant := tc.f(v), g.Data()[i]*tc.df(v)
			if got := y.Value().Data()[i]; math.Abs(got-want) > 1e-13*(1+math.Abs(want)) {
				t.Fatalf("%s(%v) = %v, want %v (element %d)", tc.name, v, got, want, i)
			}
			if got := xv.Grad().Data()[i]; math.Abs(got-dwant) > 1e-12*(1+math.Abs(dwant)) {
				t.Fatalf("%s'(%v)·g = %v, want %v (element %d)", tc.name, v, got, dwant, i)
			}
		}
	}
}

func TestReLUEdges(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, math.Inf(1), math.Inf(-1), 2, -2}
	wantY := []float64{0, 0, 5e-324, 0, math.Inf(1), 0, 2, 0}
	wantG := []float64{0, 0, 1, 0, 1, 0, 1, 0}
	x := Param(tensor.FromSlice(vals, len(vals)))
	y := ReLU(x)
	y.BackwardWith(tensor.Ones(len(vals)))
	for i := range vals {
		if y.Value().Data()[i] != wantY[i] || x.Grad().Data()[i] != wantG[i] {
			t.Errorf("ReLU(%v) = %v grad %v, want %v grad %v", vals[i], y.Value().Data()[i], x.Grad().Data()[i], wantY[i], wantG[i])
		}
	}
	if v := ReLU(Const(tensor.FromSlice([]float64{math.NaN()}, 1))).Value().Data()[0]; !math.IsNaN(v) {
		t.Errorf("ReLU(NaN) = %v, want NaN", v)
	}
}
