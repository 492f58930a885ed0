package sim

import (
	"testing"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
)

// Steady-state Forward and VJP on one worker allocate nothing: every
// buffer lives in the Plan's Result and its workers.
func TestSteadyStateDoesNotAllocate(t *testing.T) {
	b := circuit.NewBuilder(5)
	x0 := b.AddInputs(5)
	x := []int{x0, x0 + 1, x0 + 2, x0 + 3, x0 + 4}
	if _, err := ansatz.HEA(b, nil, x, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := ansatz.StronglyEntanglingLayers(b, nil, 1, ansatz.StrongOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := ansatz.IQPEmbedding(b, []int{4, 1, 2}, x[:3], ansatz.IQPOptions{Repeats: 1}); err != nil {
		t.Fatal(err)
	}
	c, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	rng := newRNG(11)
	outs := append(ExpvalZ(0, 3), randOutputs(rng, 5)...)
	p, err := Compile(c, outs, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	w, in := randValues(rng, c.NumWeights()), randValues(rng, 7*5)
	r, err := p.Forward(w, in)
	if err != nil {
		t.Fatal(err)
	}
	cot := randValues(rng, 7*p.Width())
	dw, dx := r.VJP(cot)
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := p.ForwardTo(r, w, in); err != nil {
			t.Fatal(err)
		}
		r.VJPTo(dw, dx, cot)
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per Forward+VJP, want 0", allocs)
	}
}
