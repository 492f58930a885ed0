package sim_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
	"github.com/quanta-qml/quanta/sim"
)

// A batch of two samples through RX(x)·RY(w): ⟨Z⟩ = cos x·cos w, and the
// gradients of the sum of the outputs.
func Example() {
	b := circuit.NewBuilder(1)
	b.AddInputs(1)
	b.AddWeights(1)
	b.Append(gate.RX(), []int{0}, circuit.Input(0))
	b.Append(gate.RY(), []int{0}, circuit.Weight(0))
	c, err := b.Build()
	if err != nil {
		panic(err)
	}
	weights := []float64{math.Pi / 3}
	inputs := []float64{0, math.Pi / 2} // B = 2 rows of P = 1
	r, err := sim.Forward(c, weights, inputs, sim.ExpvalZ(0), sim.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("values %.4f\n", r.Values())
	dw, dx := r.VJP([]float64{1, 1})
	fmt.Printf("dL/dw %.4f (summed over the batch)\n", dw)
	fmt.Printf("dL/dx %.4f (per sample)\n", dx)
	// Output:
	// values [0.5000 0.0000]
	// dL/dw [-0.8660] (summed over the batch)
	// dL/dx [0.0000 -0.5000] (per sample)
}

// Compile once, then run training steps without allocating: ForwardTo
// reuses the Result's storage.
func ExamplePlan_ForwardTo() {
	b := circuit.NewBuilder(4)
	x0 := b.AddInputs(4)
	if _, err := ansatz.HEA(b, nil, []int{x0, x0 + 1, x0 + 2, x0 + 3}, 2); err != nil {
		panic(err)
	}
	c, err := b.Build()
	if err != nil {
		panic(err)
	}
	p, err := sim.Compile(c, sim.ExpvalZ(0, 1, 2, 3), sim.Options{})
	if err != nil {
		panic(err)
	}
	weights := make([]float64, c.NumWeights()) // all zero: only the encoding acts
	inputs := []float64{0, math.Pi / 2, math.Pi, 0}
	var r *sim.Result
	for step := 0; step < 3; step++ {
		if r, err = p.ForwardTo(r, weights, inputs); err != nil {
			panic(err)
		}
	}
	fmt.Printf("%.4f\n", r.Values())
	// Output:
	// [0.0000 -1.0000 0.0000 -1.0000]
}

// The parameter-shift Jacobian of ⟨Z⟩ = cos θ is −sin θ.
func ExampleParamShift() {
	b := circuit.NewBuilder(1)
	b.AddWeights(1)
	b.Append(gate.RX(), []int{0}, circuit.Weight(0))
	c, err := b.Build()
	if err != nil {
		panic(err)
	}
	jac, err := sim.ParamShift(c, []float64{math.Pi / 6}, nil, sim.ExpvalZ(0), sim.ShiftOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.4f\n", jac.Weights)
	// Output:
	// [-0.5000]
}

// Counts of a Bell pair from a seeded source: only 00 and 11 occur.
func ExampleResult_Counts() {
	b := circuit.NewBuilder(2)
	b.Append(gate.Hadamard(), []int{0})
	b.Append(gate.CNOT(), []int{0, 1})
	c, err := b.Build()
	if err != nil {
		panic(err)
	}
	r, err := sim.Forward(c, nil, nil, []sim.Output{sim.Probs()}, sim.Options{})
	if err != nil {
		panic(err)
	}
	counts, err := r.Counts(rand.New(rand.NewPCG(1, 2)), []int{0, 1}, 1000)
	if err != nil {
		panic(err)
	}
	fmt.Println(counts[1], counts[2], counts[0]+counts[3])
	// Output:
	// 0 0 1000
}
