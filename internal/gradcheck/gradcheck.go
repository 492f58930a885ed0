// Package gradcheck compares the gradients autograd computes with central
// finite differences, for the tests of the packages that build on it.
package gradcheck

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/internal/numtest"
	"github.com/quanta-qml/quanta/tensor"
)

// Check compares the analytic gradient of L = Σ w ⊙ f(), w a fixed random
// tensor of f's output shape (so that every output element counts), with
// central finite differences of L (step h) for every element of every Var
// in wrt (inputs and parameters, perturbed in place). An element passes
// when |analytic − numeric| ≤ tol·(|numeric| + max|numeric| over its Var).
// A Var whose numeric gradient vanishes everywhere fails: the check must
// never be vacuous.
func Check(t testing.TB, name string, wrt []*autograd.Var, f func() *autograd.Var, h, tol float64) {
	t.Helper()
	autograd.ZeroGrad(wrt...)
	out := f()
	w := tensor.RandN(rand.New(rand.NewPCG(99, 0x9e3779b97f4a7c15)), out.Shape()...)
	out.BackwardWith(w)
	loss := func([]float64) float64 {
		y := f().Value().Contiguous().Data()
		s := 0.0
		for i, v := range w.Data() {
			s += v * y[i]
		}
		return s
	}
	for k, v := range wrt {
		num := numtest.FiniteDiff(loss, v.Value().Data(), h)
		scale := 0.0
		for _, g := range num {
			scale = max(scale, math.Abs(g))
		}
		if scale == 0 {
			t.Errorf("%s: Var %d %v has a zero numeric gradient (vacuous check)", name, k, v.Shape())
			continue
		}
		if v.Grad() == nil {
			t.Errorf("%s: Var %d %v got no gradient", name, k, v.Shape())
			continue
		}
		ana := v.Grad().Data()
		for i := range num {
			if math.Abs(ana[i]-num[i]) > tol*(math.Abs(num[i])+scale) {
				t.Errorf("%s: Var %d %v: gradient differs from finite differences:%s",
					name, k, v.Shape(), numtest.Report(ana, num, tol*scale))
				break
			}
		}
	}
}
