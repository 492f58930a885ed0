package nn_test

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

func Example() {
	r := rand.New(rand.NewPCG(1, 2))
	model := nn.NewSequential(
		nn.NewLinear(r, 4, 8, true),
		nn.NewReLU(),
		nn.NewLinear(r, 8, 3, true),
	)
	x := autograd.Const(tensor.RandN(r, 5, 4)) // a batch of 5 samples
	loss := nn.CrossEntropyLoss{}.Forward(model.Forward(x), []int{0, 1, 2, 1, 0})
	loss.Backward()
	for _, p := range nn.NamedParams(model) {
		fmt.Println(p.Name, p.Var.Shape(), p.Var.Grad() != nil)
	}
	fmt.Println("parameters:", nn.NumParams(model))
	// Output:
	// 0.weight [8 4] true
	// 0.bias [8] true
	// 2.weight [3 8] true
	// 2.bias [3] true
	// parameters: 67
}

// angles is a layer from another package: it embeds nn.Base and tags its
// weights as quantum so that counts can be split.
type angles struct {
	nn.Base
	theta *autograd.Var
}

func newAngles(wires int) *angles {
	a := &angles{}
	a.theta = a.RegisterParam("theta", autograd.Param(tensor.New(wires, 3)), nn.Quantum)
	return a
}

func (a *angles) Forward(x *autograd.Var) *autograd.Var { return x } // stands for a circuit

func ExampleNumParams() {
	r := rand.New(rand.NewPCG(1, 2))
	model := nn.NewSequential(nn.NewLinear(r, 10, 4, true), newAngles(4), nn.NewLinear(r, 4, 2, true))
	fmt.Println("total", nn.NumParams(model))
	fmt.Println("classical", nn.NumParams(model, nn.Classical))
	fmt.Println("quantum", nn.NumParams(model, nn.Quantum))
	for _, m := range nn.NamedModules(model)[1:] {
		fmt.Printf("%s %T %d\n", m.Name, m.Module, nn.NumParams(m.Module))
	}
	// Output:
	// total 66
	// classical 54
	// quantum 12
	// 0 *nn.Linear 44
	// 1 *nn_test.angles 12
	// 2 *nn.Linear 10
}

func ExampleBatchNorm() {
	bn := nn.NewBatchNorm1d(1)
	// One training step on the values 1, 2, 3: batch mean 2, unbiased
	// variance 1, so the running statistics move 10% of the way.
	bn.Forward(autograd.Const(tensor.FromSlice([]float64{1, 2, 3}, 3, 1)))
	fmt.Println(bn.RunningMean.Data(), bn.RunningVar.Data(), bn.NumBatchesTracked.Item())
	nn.SetTraining(bn, false)
	y := bn.Forward(autograd.Const(tensor.FromSlice([]float64{0.2}, 1, 1)))
	fmt.Printf("%.4f\n", y.Value().Data()) // (0.2 − 0.2)/√(1 + 1e-5)
	// Output:
	// [0.2] [1] 1
	// [0.0000]
}

func ExampleLoadStateDict() {
	r := rand.New(rand.NewPCG(1, 2))
	src := nn.NewLinear(r, 3, 2, true)
	dst := nn.NewLinear(r, 3, 2, true)
	if err := nn.LoadStateDict(dst, nn.StateDict(src)); err != nil {
		fmt.Println(err)
	}
	fmt.Println(dst.Weight.Value().Data()[0] == src.Weight.Value().Data()[0])

	err := nn.LoadStateDict(nn.NewLinear(r, 3, 2, false), nn.StateDict(src))
	var se *nn.StateError
	fmt.Println(errors.As(err, &se), se.Unexpected)
	fmt.Println(err)
	// Output:
	// true
	// true [bias]
	// nn: state does not match: unexpected bias
}

func ExampleLSTMCell() {
	r := rand.New(rand.NewPCG(1, 2))
	cell := nn.NewLSTMCell(r, 3, 5, true)
	var h, c *autograd.Var // nil: the zero state
	for range 4 {          // four time steps of a batch of 2
		h, c = cell.Forward(autograd.Const(tensor.RandN(r, 2, 3)), h, c)
	}
	fmt.Println(h.Shape(), c.Shape())
	for _, p := range nn.NamedParams(cell) {
		fmt.Println(p.Name, p.Var.Shape())
	}
	// Output:
	// [2 5] [2 5]
	// weight_ih [20 3]
	// weight_hh [20 5]
	// bias_ih [20]
	// bias_hh [20]
}

func ExampleMultiheadAttention() {
	r := rand.New(rand.NewPCG(1, 2))
	attn := nn.NewMultiheadAttention(r, 8, 2, true)
	attn.Causal = true
	_, w := attn.ForwardWeights(autograd.Const(tensor.RandN(r, 1, 3, 8)))
	// With the causal mask, position 0 attends only to itself.
	fmt.Printf("%.3f\n", w.Value().Data()[:3])
	// Output:
	// [1.000 0.000 0.000]
}
