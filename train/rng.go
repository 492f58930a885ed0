package train

import (
	"encoding"
	"fmt"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/nn"
)

// RNGSource is a random source whose state can be saved and restored:
// math/rand/v2's *rand.PCG and *rand.ChaCha8 are.
type RNGSource interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// RNG names a random source a model draws from during training, so that
// checkpoints save its state and a resumed run continues its sequence.
type RNG struct {
	Name   string
	Source RNGSource
}

// DropoutRNGs gives every dropout of m its own random source and returns
// them for Config.RNGs: each nn.Dropout, and each nn.MultiheadAttention
// with attention dropout, gets Rand = rand.New(rand.NewPCG(seed, i)),
// where i is the module's position in nn.NamedModules(m), and the RNG
// is named "dropout." plus the module's name ("dropout.root" for m
// itself). Masks are then a function of seed and the module's place in
// the model, and the sources' states travel with checkpoints.
func DropoutRNGs(m nn.Module, seed uint64) []RNG {
	var out []RNG
	for i, nm := range nn.NamedModules(m) {
		name := nm.Name
		if name == "" {
			name = "root"
		}
		src := rand.NewPCG(seed, uint64(i))
		switch d := nm.Module.(type) {
		case *nn.Dropout:
			d.Rand = rand.New(src)
		case *nn.MultiheadAttention:
			if d.Dropout == 0 {
				continue
			}
			d.Rand = rand.New(src)
		default:
			continue
		}
		out = append(out, RNG{Name: "dropout." + name, Source: src})
	}
	return out
}

// checkRNGs rejects nameless, repeated or nil RNGs, and a model with
// active dropout but no RNG at all.
func checkRNGs(m nn.Module, rngs []RNG) error {
	seen := map[string]bool{}
	for i, r := range rngs {
		if r.Name == "" || seen[r.Name] {
			return fmt.Errorf("train: RNG %d: name %q is empty or repeats", i, r.Name)
		}
		if r.Source == nil {
			return fmt.Errorf("train: RNG %q has no source", r.Name)
		}
		seen[r.Name] = true
	}
	if len(rngs) > 0 {
		return nil
	}
	for _, nm := range nn.NamedModules(m) {
		switch d := nm.Module.(type) {
		case *nn.Dropout:
			if d.P > 0 {
				return fmt.Errorf("train: module %q is a Dropout but Config.RNGs is empty: a resumed run could not repeat its masks (use DropoutRNGs)", nm.Name)
			}
		case *nn.MultiheadAttention:
			if d.Dropout > 0 {
				return fmt.Errorf("train: module %q has attention dropout but Config.RNGs is empty: a resumed run could not repeat its masks (use DropoutRNGs)", nm.Name)
			}
		}
	}
	return nil
}
