package autograd_test

import (
	"fmt"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/tensor"
)

func Example() {
	// loss = Σ (x·wᵀ + b)² for one sample: d loss/dw = 2(x·wᵀ + b)·x.
	x := autograd.Const(tensor.FromSlice([]float64{3, 4}, 1, 2))
	w := autograd.Param(tensor.FromSlice([]float64{1, 2}, 1, 2))
	b := autograd.Param(tensor.FromSlice([]float64{-1}, 1))
	y := autograd.Linear(x, w, b) // [[10]]
	loss := autograd.Sum(autograd.Mul(y, y), false)
	loss.Backward()
	fmt.Println(loss.Item(), w.Grad().Data(), b.Grad().Data())
	// Output:
	// 100 [60 80] [20]
}

// cube is a custom operation: y = x³ on a whole batch.
type cube struct{ x *tensor.Dense }

func (c *cube) Forward(in []*tensor.Dense) *tensor.Dense {
	c.x = in[0]
	return tensor.Apply(in[0], func(v float64) float64 { return v * v * v })
}

func (c *cube) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	d := tensor.Apply(c.x, func(v float64) float64 { return 3 * v * v })
	return []*tensor.Dense{tensor.Mul(g, d)}
}

func ExampleApply() {
	x := autograd.Param(tensor.FromSlice([]float64{1, 2}, 2))
	autograd.Sum(autograd.Apply(&cube{}, x), false).Backward()
	fmt.Println(x.Grad().Data())
	// Output:
	// [3 12]
}

func ExampleNoGrad() {
	w := autograd.Param(tensor.FromSlice([]float64{2}, 1, 1))
	// Inference: the NoGrad input keeps the whole forward pass off the graph.
	y := autograd.Linear(autograd.NoGrad(tensor.FromSlice([]float64{5}, 1, 1)), w, nil)
	fmt.Println(y.Value().Data(), y.RequiresGrad())
	// Output:
	// [10] false
}

func ExampleCrossEntropy() {
	logits := autograd.Param(tensor.FromSlice([]float64{2, 0, 0, 0, 2, 0}, 2, 3))
	loss := autograd.CrossEntropy(logits, []int{0, 1}, 0.1)
	fmt.Printf("%.6f\n", loss.Item()) // PyTorch: F.cross_entropy(..., label_smoothing=0.1)
	// Output:
	// 0.372878
}
