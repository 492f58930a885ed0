package optim_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/optim"
	"github.com/quanta-qml/quanta/tensor"
)

func Example() {
	r := rand.New(rand.NewPCG(1, 2))
	model := nn.NewSequential(nn.NewLinear(r, 2, 8, true), nn.NewTanh(), nn.NewLinear(r, 8, 2, true))
	opt, err := optim.NewAdam(nn.Params(model), optim.AdamOptions{LR: 0.05})
	if err != nil {
		panic(err)
	}
	sched, err := optim.NewScheduler(opt, optim.StepLR{StepSize: 100, Gamma: 0.5})
	if err != nil {
		panic(err)
	}
	x := autograd.Const(tensor.FromSlice([]float64{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2))
	y := []int{0, 1, 1, 0} // XOR
	for range 300 {
		opt.ZeroGrad()
		loss := nn.CrossEntropyLoss{}.Forward(model.Forward(x), y)
		loss.Backward()
		if _, err := optim.ClipGradNorm(opt.Params(), 1, 2); err != nil {
			panic(err)
		}
		opt.Step()
		sched.Step()
	}
	fmt.Println(tensor.ArgMax(model.Forward(autograd.NoGrad(x.Value())).Value(), 1), opt.LR())
	// Output:
	// [0 1 1 0] 0.00625
}

func ExampleSGD() {
	// Minimise (p − 3)² with momentum: the gradient is 2(p − 3).
	p := autograd.Param(tensor.FromSlice([]float64{0}, 1))
	opt, _ := optim.NewSGD([]*autograd.Var{p}, optim.SGDOptions{LR: 0.1, Momentum: 0.5})
	for range 50 {
		opt.ZeroGrad()
		d := autograd.AddScalar(p, -3)
		autograd.Sum(autograd.Mul(d, d), false).Backward()
		opt.Step()
	}
	fmt.Printf("%.6f\n", p.Value().Data()[0])
	// Output:
	// 3.000000
}

func ExampleOneCycleLR() {
	p := autograd.Param(tensor.New(1))
	opt, _ := optim.NewSGD([]*autograd.Var{p}, optim.SGDOptions{LR: 0.1, Momentum: 0.9})
	sched, _ := optim.NewScheduler(opt, optim.OneCycleLR{MaxLR: 1, TotalSteps: 10})
	for range 4 {
		fmt.Printf("lr %.4f momentum %.4f\n", opt.LR(), opt.Momentum())
		sched.Step() // once per batch
	}
	// Output:
	// lr 0.0400 momentum 0.9500
	// lr 0.5200 momentum 0.9000
	// lr 1.0000 momentum 0.8500
	// lr 0.9505 momentum 0.8550
}

func ExampleAdam_State() {
	p := autograd.Param(tensor.FromSlice([]float64{1, 2}, 2))
	opt, _ := optim.NewAdam([]*autograd.Var{p}, optim.AdamOptions{})
	p.BackwardWith(tensor.FromSlice([]float64{0.5, -0.5}, 2))
	opt.Step()
	for _, e := range opt.State() {
		fmt.Println(e.Name, e.Value.Shape())
	}
	// Output:
	// lr []
	// beta1 []
	// 0.step []
	// 0.exp_avg [2]
	// 0.exp_avg_sq [2]
}
