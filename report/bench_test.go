package report

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/quanta-qml/quanta/experiment"
)

// benchFile builds a sweep of configs × seeds runs with epochs epochs
// each, accuracies drawn from a seeded generator.
func benchFile(configs, seeds, epochs int) File {
	rng := rand.New(rand.NewPCG(1, 2))
	var recs []experiment.Record
	for c := range configs {
		for s := range seeds {
			for e := 1; e <= epochs; e++ {
				r := experiment.Record{
					Kind: experiment.KindEpoch, Run: fmt.Sprintf("net/L%d/mnist/seed=%d", c, s),
					Model: "net", Config: fmt.Sprintf("L%d", c), Classical: c == 0, Dataset: "mnist",
					Seed: uint64(s), Epoch: e, Epochs: epochs,
					TestAcc: 0.5 + 0.4*float64(e)/float64(epochs) + 0.02*rng.Float64(), TestLoss: rng.Float64(),
					Params:       experiment.ParamCount{Classical: 1000, Quantum: 10 * c, Total: 1000 + 10*c},
					EpochSeconds: 10 + rng.Float64(),
				}
				recs = append(recs, r)
				if e == epochs {
					r.Kind = experiment.KindRun
					recs = append(recs, r)
				}
			}
		}
	}
	return File{Name: "bench", Records: recs}
}

var benchSizes = []struct{ configs, seeds, epochs int }{
	{4, 3, 10},
	{10, 10, 50},
	{40, 25, 20},
}

func BenchmarkMerge(b *testing.B) {
	for _, sz := range benchSizes {
		f := benchFile(sz.configs, sz.seeds, sz.epochs)
		b.Run(fmt.Sprintf("runs=%d/epochs=%d", sz.configs*sz.seeds, sz.epochs), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Merge(f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteTable(b *testing.B) {
	for _, sz := range benchSizes {
		res, err := Merge(benchFile(sz.configs, sz.seeds, sz.epochs))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("runs=%d/epochs=%d", sz.configs*sz.seeds, sz.epochs), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := res.WriteTable(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRender renders every plot, the Markdown and the HTML page in
// memory (no files).
func BenchmarkRender(b *testing.B) {
	for _, sz := range benchSizes {
		res, err := Merge(benchFile(sz.configs, sz.seeds, sz.epochs))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("runs=%d/epochs=%d", sz.configs*sz.seeds, sz.epochs), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				secs, err := res.sections()
				if err != nil {
					b.Fatal(err)
				}
				res.markdown(secs)
				if _, err := res.html(secs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
