package circuit_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/gate"
)

// hea builds the HEA benchmark circuit by hand: RY(x) encoding, L layers of
// RX, RY, RZ per wire and a CNOT ring.
func hea(tb testing.TB, n, layers int) *circuit.Circuit {
	b := circuit.NewBuilder(n)
	x := b.AddInputs(n)
	for i := 0; i < n; i++ {
		b.Append(gate.RY(), []int{i}, circuit.Input(x+i))
	}
	for l := 0; l < layers; l++ {
		w := b.AddWeights(3 * n)
		for i := 0; i < n; i++ {
			b.Append(gate.RX(), []int{i}, circuit.Weight(w+3*i))
			b.Append(gate.RY(), []int{i}, circuit.Weight(w+3*i+1))
			b.Append(gate.RZ(), []int{i}, circuit.Weight(w+3*i+2))
		}
		for i := 0; i < n; i++ {
			b.Append(gate.CNOT(), []int{i, (i + 1) % n})
		}
	}
	return mustBuild(tb, b)
}

// BenchmarkParams evaluates every op's parameters for one sample.
func BenchmarkParams(b *testing.B) {
	for _, n := range []int{4, 16} {
		b.Run(fmt.Sprintf("HEA/n=%d/L=4", n), func(b *testing.B) {
			c := hea(b, n, 4)
			r := rand.New(rand.NewPCG(1, 2))
			x := make([]float64, c.NumInputs())
			w := make([]float64, c.NumWeights())
			for i := range w {
				w[i] = r.Float64()
			}
			dst := make([]float64, 3)
			b.ReportAllocs()
			for b.Loop() {
				for i := 0; i < c.NumOps(); i++ {
					o := c.Op(i)
					o.Params(dst[:o.NumParams()], x, w)
				}
			}
		})
	}
}

func BenchmarkParamsVJP(b *testing.B) {
	c := hea(b, 16, 4)
	x := make([]float64, c.NumInputs())
	gx := make([]float64, c.NumInputs())
	gw := make([]float64, c.NumWeights())
	gbar := []float64{1, 2, 3}
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < c.NumOps(); i++ {
			o := c.Op(i)
			o.ParamsVJP(gx, gw, x, gbar[:o.NumParams()])
		}
	}
}

func BenchmarkParseQASM(b *testing.B) {
	c := hea(b, 16, 4)
	src, err := c.QASM(make([]float64, 16), make([]float64, c.NumWeights()))
	if err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("ops=%d", c.NumOps()), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := circuit.ParseQASM(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestParamsDoNotAllocate(t *testing.T) {
	c := hea(t, 4, 2)
	x := make([]float64, 4)
	w := make([]float64, c.NumWeights())
	dst := make([]float64, 3)
	gw := make([]float64, c.NumWeights())
	if a := testing.AllocsPerRun(10, func() {
		for i := 0; i < c.NumOps(); i++ {
			o := c.Op(i)
			o.Params(dst[:o.NumParams()], x, w)
			o.ParamsVJP(nil, gw, x, dst[:o.NumParams()])
		}
	}); a != 0 {
		t.Errorf("Params and ParamsVJP allocate %.0f times per circuit", a)
	}
}
