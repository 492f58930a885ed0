package sim

import (
	"fmt"
	"math/bits"

	"github.com/quanta-qml/quanta/pauli"
)

// outKind tells the measured quantity of an Output.
type outKind uint8

const (
	outExpval outKind = iota + 1
	outProbs
)

// Output is one measured quantity of a run: the expectation value of a
// Pauli sum (one value per sample) or the marginal probabilities of some
// wires (2ᵏ values per sample). Build it with Expval, ExpvalZ or Probs.
type Output struct {
	kind  outKind
	sum   pauli.Sum
	wires []int
}

// Expval returns the output ⟨ψ|H|ψ⟩ for the Pauli sum H: one value per
// sample.
func Expval(h pauli.Sum) Output {
	return Output{kind: outExpval, sum: append(pauli.Sum(nil), h...)}
}

// ExpvalZ returns one output ⟨Z_w⟩ for every given wire, in order: the
// usual readout of a variational circuit.
func ExpvalZ(wires ...int) []Output {
	outs := make([]Output, len(wires))
	for i, w := range wires {
		outs[i] = Expval(pauli.Sum{{Coeff: 1, Word: pauli.Word{Ops: []pauli.Op{pauli.Z}, Wires: []int{w}}}})
	}
	return outs
}

// Probs returns the marginal probabilities of the given wires: 2ᵏ values
// per sample, value a being the probability that the wires read a with
// wires[0] as the most significant bit (PennyLane's qml.probs). With no
// wires it is the distribution of every wire, wire 0 most significant.
func Probs(wires ...int) Output {
	return Output{kind: outProbs, wires: append([]int(nil), wires...)}
}

// width returns the number of values per sample on n wires.
func (o Output) width(n int) int {
	if o.kind == outProbs {
		if len(o.wires) == 0 {
			return 1 << uint(n)
		}
		return 1 << uint(len(o.wires))
	}
	return 1
}

// String describes the output, e.g. "expval(0.5*Z0 Z1)" or "probs[2 0]".
func (o Output) String() string {
	switch o.kind {
	case outExpval:
		return "expval(" + o.sum.String() + ")"
	case outProbs:
		return fmt.Sprintf("probs%v", o.wires)
	}
	return "invalid output"
}

// check validates the output against a circuit on n wires; it is input
// from outside, so problems are errors.
func (o Output) check(n int) error {
	switch o.kind {
	case outExpval:
		if err := o.sum.Validate(); err != nil {
			return err
		}
		if m := o.sum.MaxWire(); m >= n {
			return fmt.Errorf("Pauli sum acts on wire %d of a %d-wire circuit", m, n)
		}
		return nil
	case outProbs:
		if len(o.wires) > n {
			return fmt.Errorf("probabilities of %d wires on a %d-wire circuit", len(o.wires), n)
		}
		seen := make([]bool, n)
		for _, w := range o.wires {
			if w < 0 || w >= n {
				return fmt.Errorf("probabilities of wire %d, out of range [0, %d)", w, n)
			}
			if seen[w] {
				return fmt.Errorf("probabilities of wire %d listed twice", w)
			}
			seen[w] = true
		}
		return nil
	}
	return fmt.Errorf("zero Output value (use Expval, ExpvalZ or Probs)")
}

// term is one Pauli term of an expectation output in mask form.
type term struct {
	coeff float64
	x, z  uint64
	ny    int
	zonly bool // diagonal: no X or Y letter
	bit   int  // zonly with one Z letter: its bit position, else −1
}

// compiled is an output prepared for a circuit on n wires.
type compiled struct {
	kind  outKind
	off   int // first column in a row of values
	width int
	terms []term // expectation outputs
	wires []int  // probabilities
}

func compileOutputs(outs []Output, n int) ([]compiled, int, error) {
	cs := make([]compiled, len(outs))
	off := 0
	for i, o := range outs {
		if err := o.check(n); err != nil {
			return nil, 0, fmt.Errorf("sim: output %d (%s): %w", i, o, err)
		}
		c := compiled{kind: o.kind, off: off, width: o.width(n)}
		if o.kind == outExpval {
			for _, t := range o.sum {
				x, z, ny := t.Word.Masks(n)
				tm := term{coeff: t.Coeff, x: x, z: z, ny: ny, zonly: x == 0, bit: -1}
				if tm.zonly && bits.OnesCount64(z) == 1 {
					tm.bit = bits.TrailingZeros64(z)
				}
				c.terms = append(c.terms, tm)
			}
		} else {
			c.wires = append([]int(nil), o.wires...)
			if len(c.wires) == 0 {
				for w := 0; w < n; w++ {
					c.wires = append(c.wires, w)
				}
			}
		}
		cs[i] = c
		off += c.width
	}
	return cs, off, nil
}
