package sim

import (
	"math"
	"testing"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/internal/numtest"
)

// Analytic states: Bell and GHZ probabilities, and ⟨Z⟩ = cos θ after RX(θ)
// with derivative −sin θ.

func TestBellAndGHZ(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 3, 5, 9} {
		b := circuit.NewBuilder(n)
		b.Append(gate.Hadamard(), []int{0})
		for w := 0; w+1 < n; w++ {
			b.Append(gate.CNOT(), []int{w, w + 1})
		}
		c, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		r, err := Forward(c, nil, nil, []Output{Probs(), Probs(n-1, 0)}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := make([]float64, 1<<uint(n)+4)
		want[0], want[1<<uint(n)-1] = 0.5, 0.5
		want[1<<uint(n)], want[1<<uint(n)+3] = 0.5, 0.5
		if d := numtest.MaxDiff(r.Values(), want); d > 1e-15 {
			t.Errorf("n=%d: probabilities %v, want %v", n, r.Values(), want)
		}
	}
}

func TestRXExpectation(t *testing.T) {
	t.Parallel()
	for _, theta := range []float64{-2.5, -1, 0, 0.3, math.Pi / 2, 2, math.Pi} {
		// θ as a weight and, on a second wire, as an input.
		b := circuit.NewBuilder(2)
		b.AddInputs(1)
		b.AddWeights(1)
		b.Append(gate.RX(), []int{0}, circuit.Weight(0))
		b.Append(gate.RX(), []int{1}, circuit.Input(0))
		c, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		r, err := Forward(c, []float64{theta}, []float64{theta}, ExpvalZ(0, 1), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range r.Values() {
			if math.Abs(v-math.Cos(theta)) > 1e-15 {
				t.Errorf("θ=%g: ⟨Z_%d⟩ = %.17g, want cos θ = %.17g", theta, i, v, math.Cos(theta))
			}
		}
		dw, dx := r.VJP([]float64{1, 0})
		if math.Abs(dw[0]+math.Sin(theta)) > 1e-15 || math.Abs(dx[0]) > 1e-15 {
			t.Errorf("θ=%g: d⟨Z_0⟩/dθ = %.17g (input %g), want −sin θ = %.17g", theta, dw[0], dx[0], -math.Sin(theta))
		}
		dw, dx = r.VJP([]float64{0, 1})
		if math.Abs(dx[0]+math.Sin(theta)) > 1e-15 || math.Abs(dw[0]) > 1e-15 {
			t.Errorf("θ=%g: d⟨Z_1⟩/dx = %.17g (weight %g), want −sin θ", theta, dx[0], dw[0])
		}
	}
}
