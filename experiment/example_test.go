package experiment_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/experiment"
)

// The creep paper's HybridNet at its three replacement levels, with the
// parameter counts of its table.
func ExampleBuild() {
	for _, level := range []string{"L0", "L1", "L2"} {
		m, err := experiment.Build("hybridnet", level, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %d parameters (%d classical, %d quantum)\n", level, m.Params.Total, m.Params.Classical, m.Params.Quantum)
	}
	// Output:
	// L0: 130394 parameters (130394 classical, 0 quantum)
	// L1: 133658 parameters (125498 classical, 8160 quantum)
	// L2: 172048 parameters (58 classical, 171990 quantum)
}

// A model spec with one slot; every subset of its slots is a
// configuration.
func ExampleParseModelSpec() {
	src := `name: small
input: [4]
layers:
  - slot: head
    classical: {type: linear, out: 2}
    quantum: [{type: qdense, out: 2, qubits: 4}]
`
	m, err := experiment.ParseModelSpec("small.yaml", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range m.Subsets() {
		model, err := m.Build(c, nil, 1, experiment.BuildOptions{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: output %v, %+v\n", c.Name, model.Output, model.Params)
	}
	// A spec error names the file, line, column and key.
	_, err = experiment.ParseModelSpec("small.yaml", []byte("name: small\ninput: [4]\nlayers:\n  - {type: linear, out: two}\n"))
	fmt.Println(err)
	// Output:
	// classical: output [2], {Classical:10 Quantum:0 QuantumImag:0 Total:10}
	// head: output [2], {Classical:10 Quantum:4 QuantumImag:0 Total:14}
	// small.yaml:4:25: layers[0].out: want an integer, got "two"
}
