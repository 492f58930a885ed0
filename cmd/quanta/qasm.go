package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/quanta-qml/quanta/circuit"
	"github.com/quanta-qml/quanta/experiment"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/qnn"
	"github.com/quanta-qml/quanta/sim"
	"github.com/spf13/cobra"
)

func newQASMCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "qasm",
		Short: "Export a model's circuit to OpenQASM 2.0, or import and run a QASM file",
		Example: `  quanta qasm export vqc -o vqc.qasm
  quanta qasm import vqc.qasm --run`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newQASMExportCmd(), newQASMImportCmd())
	return cmd
}

// qasmExportOptions are the flags of "qasm export".
type qasmExportOptions struct {
	config  string
	layer   int
	copyIdx int
	seed    uint64
	input   []float64
	out     string
}

// circuitLayer is a layer backed by a circuit (qnn.QDense, Parallel,
// Quanv2D, QCNN, InterleavedClassifier).
type circuitLayer interface {
	nn.Layer
	Circuit() *circuit.Circuit
}

func newQASMExportCmd() *cobra.Command {
	var o qasmExportOptions
	cmd := &cobra.Command{
		Use:   "export MODEL",
		Short: "Write the circuit of a model's quantum layer as OpenQASM 2.0",
		Long: `Builds a configuration of MODEL (a built-in model or a model spec file) from
--seed, takes its --layer-th circuit-backed quantum layer (qdense, parallel,
quanv2d, qcnn, interleaved) and writes that circuit as an OpenQASM 2.0
program, with the layer's initial weights and the sample --input (zeros by
default) substituted. Wire w is q[w] (wire 0 the most significant bit of a
basis index; Qiskit orders bits the other way round).

Amplitude embeddings, SU(N) blocks and Hamiltonian evolutions have no
OpenQASM 2.0 form: exporting a circuit with one is an error that names the
operation (flipped_quanv and the hamiltonian layers are not circuits of
gates at all).`,
		Example: `  quanta qasm export hqnn-parallel > slice.qasm
  quanta qasm export vqc --input 0.1,0.2,0.3,0.4,0.5 -o vqc.qasm
  quanta qasm export my-model.yaml --config A --layer 0 --seed 3`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, desc, err := exportQASM(args[0], o)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), desc)
			if o.out == "" {
				_, err = io.WriteString(cmd.OutOrStdout(), src)
				return err
			}
			return writeFileAtomic(o.out, []byte(src))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.config, "config", "", "configuration (default: the model's first level with a quantum slot)")
	f.IntVar(&o.layer, "layer", 0, "which circuit-backed layer of the configuration, counting from 0")
	f.IntVar(&o.copyIdx, "copy", 0, "for a parallel layer, which of its circuits (their weights differ)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the model's initial weights")
	f.Float64SliceVar(&o.input, "input", nil, "the sample's input features (default zeros)")
	f.StringVarP(&o.out, "output", "o", "", "write the program to this file instead of standard output")
	return cmd
}

// exportQASM returns the QASM program and a one-line description of what
// it is.
func exportQASM(ref string, o qasmExportOptions) (string, string, error) {
	spec, err := experiment.ResolveModel(ref, "")
	if err != nil {
		return "", "", err
	}
	var cfg experiment.Configuration
	if o.config != "" {
		if cfg, err = spec.Config(o.config); err != nil {
			return "", "", err
		}
	} else {
		cfgs := append(spec.LevelConfigs(), spec.Subsets()...)
		k := slices.IndexFunc(cfgs, func(c experiment.Configuration) bool { return !c.Classical() })
		if k < 0 {
			k = 0 // a model without slots
		}
		cfg = cfgs[k]
	}
	model, err := spec.Build(cfg, nil, rand.New(rand.NewPCG(o.seed, 0)).Uint64(), experiment.BuildOptions{})
	if err != nil {
		return "", "", err
	}
	var layers []circuitLayer
	var positions []int
	for i := range model.Layer.Len() {
		if cl, ok := model.Layer.At(i).(circuitLayer); ok {
			layers = append(layers, cl)
			positions = append(positions, i)
		}
	}
	if len(layers) == 0 {
		return "", "", fmt.Errorf("%s/%s has no circuit-backed layer (qdense, parallel, quanv2d, qcnn, interleaved)", spec.Name, cfg.Name)
	}
	if o.layer < 0 || o.layer >= len(layers) {
		return "", "", usageError{fmt.Errorf("--layer %d: %s/%s has %d circuit-backed layers", o.layer, spec.Name, cfg.Name, len(layers))}
	}
	l := layers[o.layer]
	c := l.Circuit()
	var weights []float64
	for _, p := range nn.NamedParams(l) {
		if p.Kind == nn.Quantum && !strings.Contains(p.Name, ".") {
			weights = append(weights, p.Var.Value().Contiguous().Data()...)
		}
	}
	what := strings.TrimPrefix(fmt.Sprintf("%T", l), "*")
	if par, ok := l.(*qnn.Parallel); ok {
		if o.copyIdx < 0 || o.copyIdx >= par.Circuits {
			return "", "", usageError{fmt.Errorf("--copy %d: the parallel layer has %d circuits", o.copyIdx, par.Circuits)}
		}
		w := c.NumWeights()
		weights = weights[o.copyIdx*w : (o.copyIdx+1)*w]
		what = fmt.Sprintf("%s, circuit %d of %d", what, o.copyIdx, par.Circuits)
	}
	if len(weights) != c.NumWeights() {
		return "", "", fmt.Errorf("layer %s has %d quantum weights for a circuit of %d", what, len(weights), c.NumWeights())
	}
	inputs := o.input
	if inputs == nil {
		inputs = make([]float64, c.NumInputs())
	}
	if len(inputs) != c.NumInputs() {
		return "", "", usageError{fmt.Errorf("--input has %d values; the circuit reads %d", len(inputs), c.NumInputs())}
	}
	src, err := c.QASM(inputs, weights)
	if err != nil {
		return "", "", fmt.Errorf("%s/%s, layer %d (%s): %w", spec.Name, cfg.Name, positions[o.layer], what, err)
	}
	desc := fmt.Sprintf("%s/%s, layer %d (%s): %d qubits, %d ops, %d inputs, %d weights (seed %d)",
		spec.Name, cfg.Name, positions[o.layer], what, c.NumWires(), c.NumOps(), c.NumInputs(), c.NumWeights(), o.seed)
	return src, desc, nil
}

func newQASMImportCmd() *cobra.Command {
	var runIt bool
	var all bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Read an OpenQASM 2.0 program: print a summary, or run it and print the probabilities",
		Long: `Parses an OpenQASM 2.0 program (qelib1.inc gates; see the circuit package
for the supported subset) and prints its size and gate counts. With --run
it simulates the circuit from |0…0⟩ and prints the probability of every
basis state above 1e-12 (all of them with --all), wire 0 (q[0]) the
leftmost bit.`,
		Example: `  quanta qasm import bell.qasm
  quanta qasm export hqnn-parallel | quanta qasm import - --run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var data []byte
			var err error
			if args[0] == "-" {
				data, err = io.ReadAll(cmd.InOrStdin())
			} else {
				data, err = os.ReadFile(args[0])
			}
			if err != nil {
				return err
			}
			c, err := circuit.ParseQASM(string(data))
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			w := cmd.OutOrStdout()
			writeQASMSummary(w, c)
			if !runIt {
				return nil
			}
			if c.NumWires() > 24 {
				return fmt.Errorf("%s: %d qubits: too many to print every probability (at most 24)", args[0], c.NumWires())
			}
			r, err := sim.Forward(c, nil, nil, []sim.Output{sim.Probs()}, sim.Options{})
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			n := c.NumWires()
			for i, p := range r.Values() {
				if p > 1e-12 || all {
					bits := strconv.FormatInt(int64(i), 2)
					fmt.Fprintf(w, "|%s%s⟩  %.10f\n", strings.Repeat("0", n-len(bits)), bits, p)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&runIt, "run", false, "simulate the circuit and print the basis-state probabilities")
	cmd.Flags().BoolVar(&all, "all", false, "with --run, print every basis state, zeros included")
	return cmd
}

// writeQASMSummary prints the circuit's size and its gates by count.
func writeQASMSummary(w io.Writer, c *circuit.Circuit) {
	type count struct {
		name string
		n    int
	}
	var counts []count
	for i := range c.NumOps() {
		name := c.Op(i).Name()
		k := slices.IndexFunc(counts, func(x count) bool { return x.name == name })
		if k < 0 {
			counts = append(counts, count{name, 0})
			k = len(counts) - 1
		}
		counts[k].n++
	}
	slices.SortStableFunc(counts, func(a, b count) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.name, b.name)
	})
	var parts []string
	for _, x := range counts {
		parts = append(parts, fmt.Sprintf("%s %d", x.name, x.n))
	}
	fmt.Fprintf(w, "%d qubits, %d ops: %s\n", c.NumWires(), c.NumOps(), strings.Join(parts, ", "))
}
