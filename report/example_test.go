package report_test

import (
	"fmt"
	"log"
	"os"

	"github.com/quanta-qml/quanta/experiment"
	"github.com/quanta-qml/quanta/report"
)

// Load merges a directory of results files (one per Slurm array task) and
// prints the terminal table.
func ExampleLoad() {
	res, err := report.Load("testdata/sweep")
	if err != nil {
		log.Fatal(err)
	}
	if err := res.WriteTable(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// hybridnet on mnist (3 configs, 3 seeds, 3 epochs, 1 unfinished run)
	// config  seeds    test acc %  best %   Δ vs classical  params (quantum)  s/epoch
	// L0 *        3  92.00 ± 2.00   92.33                —       130,394 (0)     12.2
	// L1          3  90.00 ± 1.73   90.00  −2.00 ± 1.53 pp      133,658 (24)     22.0
	// L2        2+1  94.50 ± 2.12   94.50  +2.50 ± 1.89 pp      120,048 (48)     31.0
	// unfinished: L2 seed 3 stopped after epoch 2 of 3
	//
	// tinynet on iris (2 configs, 1 seed, 1 epoch)
	// config       seeds  test acc %  best %  Δ vs classical  params (quantum)  s/epoch
	// classical *      1   80.00 ± —   80.00               —            35 (0)    0.040
	// quantum 4q       1   76.67 ± —   76.67        −3.33 pp           31 (16)     1.50
	// warning: runs come from 2 machines (Test CPU @ 2.0GHz, linux/amd64, 2 threads; Other CPU,
	//   linux/amd64, 8 threads): times per epoch are not comparable
	//
	// * classical baseline. test acc: final, mean ± sample std over seeds (— with one seed);
	// Δ: percentage points, ± standard error of the difference; seeds: finished runs (+ unfinished).
	// 1 identical duplicate line dropped.
}

// Merge combines records already in memory; Comparisons exposes the
// statistics behind the tables.
func ExampleMerge() {
	var recs []experiment.Record
	for _, r := range []struct {
		config    string
		classical bool
		seed      uint64
		acc       float64
	}{
		{"linear", true, 1, 0.90}, {"linear", true, 2, 0.92},
		{"quantum", false, 1, 0.87}, {"quantum", false, 2, 0.91},
	} {
		recs = append(recs, experiment.Record{
			Kind: experiment.KindRun, Run: fmt.Sprintf("net/%s/mnist/seed=%d", r.config, r.seed),
			Model: "net", Config: r.config, Classical: r.classical, Dataset: "mnist", Seed: r.seed,
			Epoch: 1, Epochs: 1, TestAcc: r.acc,
		})
	}
	res, err := report.Merge(report.File{Name: "memory", Records: recs})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range res.Comparisons() {
		for _, s := range c.Configs {
			vs := "(baseline)"
			if !s.Baseline {
				vs = fmt.Sprintf("Δ=%+.3f", s.Delta)
			}
			fmt.Printf("%-8s n=%d mean=%.3f std=%.4f %s\n", s.Config, s.Seeds(), s.TestAcc.Mean, s.TestAcc.Std, vs)
		}
	}
	// Output:
	// linear   n=2 mean=0.910 std=0.0141 (baseline)
	// quantum  n=2 mean=0.890 std=0.0283 Δ=-0.020
}
