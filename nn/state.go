package nn

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quanta-qml/quanta/tensor"
)

// NamedTensor is one named float64 tensor of a saved state: a parameter
// or buffer of a model (StateDict) or a piece of optimiser state.
type NamedTensor struct {
	Name  string
	Value *tensor.Dense
}

// StateDict returns copies of all parameters and buffers of m, as PyTorch's
// state_dict orders them: for each module in pre-order, its own parameters
// in registration order, then its own buffers. A parameter shared by
// several modules appears under each name. The copies are contiguous and
// independent of the model, so they can be written out while training
// goes on.
func StateDict(m Module) []NamedTensor {
	var out []NamedTensor
	walk("", m, func(prefix string, b *Base) {
		for _, p := range b.params {
			out = append(out, NamedTensor{prefix + p.name, p.v.Value().Copy()})
		}
		for _, t := range b.buffers {
			out = append(out, NamedTensor{prefix + t.name, t.t.Copy()})
		}
	})
	return out
}

// StateError reports why a state does not fit a module or optimiser:
// entries it lacks, entries nobody expects, entries of the wrong shape.
// Nothing is loaded when it is returned.
type StateError struct {
	Missing    []string // expected names absent from the state
	Unexpected []string // names in the state that are not expected (or repeated)
	Mismatched []string // "name: shape [..], want [..]"
}

func (e *StateError) Error() string {
	var parts []string
	add := func(what string, names []string) {
		if len(names) > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", what, strings.Join(names, ", ")))
		}
	}
	add("missing", e.Missing)
	add("unexpected", e.Unexpected)
	add("shape mismatch", e.Mismatched)
	return "nn: state does not match: " + strings.Join(parts, "; ")
}

// Target is a destination of LoadState: the tensor a named entry is
// copied into. Optional targets may be absent from the state.
type Target struct {
	Name     string
	Value    *tensor.Dense
	Optional bool
}

// LoadStateDict copies the tensors of sd into the parameters and buffers
// of m, in place (the registered tensors stay the live ones). The names
// and shapes must match StateDict(m) exactly, in any order; otherwise it
// returns a *StateError listing every missing, unexpected and mismatched
// entry, and m is left unchanged.
func LoadStateDict(m Module, sd []NamedTensor) error {
	var targets []Target
	walk("", m, func(prefix string, b *Base) {
		for _, p := range b.params {
			targets = append(targets, Target{Name: prefix + p.name, Value: p.v.Value()})
		}
		for _, t := range b.buffers {
			targets = append(targets, Target{Name: prefix + t.name, Value: t.t})
		}
	})
	_, err := LoadState(targets, sd)
	return err
}

// LoadState checks sd against targets and, when every required name is
// present exactly once with the target's shape and no other name occurs,
// copies each entry into its target and reports which targets were
// present (loaded[i] for targets[i]; optional ones may be absent).
// Otherwise it returns a *StateError and changes nothing. It is the
// strict loader behind LoadStateDict, exported for other state holders
// (optimisers).
func LoadState(targets []Target, sd []NamedTensor) (loaded []bool, err error) {
	want := make(map[string]int, len(targets))
	for i, t := range targets {
		want[t.Name] = i
	}
	src := make([]*tensor.Dense, len(targets))
	e := &StateError{}
	seen := make(map[string]bool, len(sd))
	for _, nt := range sd {
		i, ok := want[nt.Name]
		if !ok || seen[nt.Name] {
			e.Unexpected = append(e.Unexpected, nt.Name)
			continue
		}
		seen[nt.Name] = true
		if nt.Value == nil {
			e.Mismatched = append(e.Mismatched, nt.Name+": nil tensor")
			continue
		}
		if ws := targets[i].Value.Shape(); !slices.Equal(nt.Value.Shape(), ws) {
			e.Mismatched = append(e.Mismatched, fmt.Sprintf("%s: shape %v, want %v", nt.Name, nt.Value.Shape(), ws))
			continue
		}
		src[i] = nt.Value
	}
	for i, t := range targets {
		if !seen[t.Name] && !t.Optional {
			e.Missing = append(e.Missing, targets[i].Name)
		}
	}
	if len(e.Missing)+len(e.Unexpected)+len(e.Mismatched) > 0 {
		return nil, e
	}
	loaded = make([]bool, len(targets))
	for i, t := range targets {
		if src[i] != nil {
			t.Value.CopyFrom(src[i])
			loaded[i] = true
		}
	}
	return loaded, nil
}
