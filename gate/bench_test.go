package gate_test

import (
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/cmat"
	"github.com/quanta-qml/quanta/gate"
)

func benchGates(b *testing.B) []struct {
	name string
	g    gate.Gate
} {
	b.Helper()
	return []struct {
		name string
		g    gate.Gate
	}{
		{"RX/k=1", gate.RX()},
		{"Rot/k=1", gate.Rot()},
		{"CRot/k=2", gate.CRot()},
		{"IsingXX/k=2", gate.IsingXX()},
		{"MultiRZ/k=4", gate.MultiRZ(4)},
		{"SpecialUnitary/k=2", gate.SpecialUnitary(2)},
		{"SpecialUnitary/k=5", gate.SpecialUnitary(5)},
		{"SpecialUnitary/k=7", gate.SpecialUnitary(7)},
		{"EvolveImage/k=5/L=1024", gate.EvolveImage(5, 1024)},
		{"EvolveImage/k=7/L=16384", gate.EvolveImage(7, 16384)},
	}
}

func BenchmarkMatrixTo(b *testing.B) {
	for _, bc := range benchGates(b) {
		b.Run(bc.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			p := randomParams(r, bc.g.NumParams())
			d := 1 << bc.g.NumWires()
			m := cmat.New(d, d)
			b.ReportAllocs()
			for b.Loop() {
				bc.g.MatrixTo(m, p)
			}
		})
	}
}

func BenchmarkVJP(b *testing.B) {
	for _, bc := range benchGates(b) {
		b.Run(bc.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(3, 4))
			p := randomParams(r, bc.g.NumParams())
			ubar := randomMatrix(r, 1<<bc.g.NumWires())
			grad := make([]float64, len(p))
			b.ReportAllocs()
			for b.Loop() {
				bc.g.VJP(p, ubar, grad)
			}
		})
	}
}
