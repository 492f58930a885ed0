package numtest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
)

//go:embed testdata/pennylane.json
var pennylaneJSON []byte

// Array is an n-d array from the golden file: real (Data) or complex (Re, Im),
// row-major.
type Array struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
	Re    []float64 `json:"re"`
	Im    []float64 `json:"im"`
}

// Complex returns the array's values as complex numbers (real arrays get a
// zero imaginary part).
func (a Array) Complex() []complex128 {
	if a.Re == nil {
		out := make([]complex128, len(a.Data))
		for i, v := range a.Data {
			out[i] = complex(v, 0)
		}
		return out
	}
	out := make([]complex128, len(a.Re))
	for i := range a.Re {
		out[i] = complex(a.Re[i], a.Im[i])
	}
	return out
}

// Op is one operation of a case, with symbolic ("theta[2]", "x[b,0]") or
// numeric parameters.
type Op struct {
	Gate   string            `json:"gate"`
	Wires  []int             `json:"wires"`
	Params []json.RawMessage `json:"params"`
}

// Case is one golden case; see testdata/README.md for the meaning of each
// field by group.
type Case struct {
	Name        string                     `json:"name"`
	Group       string                     `json:"group"`
	NWires      int                        `json:"n_wires"`
	Description string                     `json:"description"`
	Gate        map[string]json.RawMessage `json:"gate"`
	Template    map[string]json.RawMessage `json:"template"`
	Measurement map[string]json.RawMessage `json:"measurement"`
	HEA         map[string]json.RawMessage `json:"hea"`
	Ops         []Op                       `json:"ops"`
	OpsExpanded []Op                       `json:"ops_expanded"`
	Observables []string                   `json:"observables"`
	Inputs      map[string]Array           `json:"inputs"`
	Weights     map[string]Array           `json:"weights"`
	Outputs     map[string]Array           `json:"outputs"`
	Gradients   struct {
		Of  string           `json:"of"`
		Wrt map[string]Array `json:"wrt"`
	} `json:"gradients"`
}

type goldenFile struct {
	Format string `json:"format"`
	Seed   int    `json:"seed"`
	NCases int    `json:"n_cases"`
	Cases  []Case `json:"cases"`
}

var (
	goldenOnce  sync.Once
	goldenCases []Case
	goldenErr   error
)

// PennyLane returns the golden cases computed by PennyLane (see
// testdata/README.md for their provenance and conventions).
func PennyLane() ([]Case, error) {
	goldenOnce.Do(func() {
		var f goldenFile
		if err := json.Unmarshal(pennylaneJSON, &f); err != nil {
			goldenErr = fmt.Errorf("numtest: golden file: %w", err)
			return
		}
		if f.Format != "pennylane-golden/1" || len(f.Cases) != f.NCases {
			goldenErr = fmt.Errorf("numtest: golden file: format %q with %d of %d cases", f.Format, len(f.Cases), f.NCases)
			return
		}
		goldenCases = f.Cases
	})
	return goldenCases, goldenErr
}

// PennyLaneCase returns the golden case with the given name.
func PennyLaneCase(name string) (Case, error) {
	cases, err := PennyLane()
	if err != nil {
		return Case{}, err
	}
	for _, c := range cases {
		if c.Name == name {
			return c, nil
		}
	}
	return Case{}, fmt.Errorf("numtest: no golden case %q", name)
}
