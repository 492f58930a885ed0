package ansatz_test

import (
	"fmt"
	"testing"

	"github.com/quanta-qml/quanta/ansatz"
	"github.com/quanta-qml/quanta/circuit"
)

// BenchmarkBuild measures building and validating template circuits (done
// once per model, not per step).
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{4, 16} {
		b.Run(fmt.Sprintf("HEA/n=%d/L=4", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bl := circuit.NewBuilder(n)
				x := bl.AddInputs(n)
				idx := make([]int, n)
				for i := range idx {
					idx[i] = x + i
				}
				if _, err := ansatz.HEA(bl, nil, idx, 4); err != nil {
					b.Fatal(err)
				}
				if _, err := bl.Build(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
