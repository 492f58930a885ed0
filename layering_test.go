package quanta

import (
	"bufio"
	"bytes"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/quanta-qml/quanta"

// testModule may be imported by any package's tests.
const testModule = "github.com/google/go-cmp"

// allowed lists, for every package of the module, the module packages and the
// third-party module prefixes it may import directly (tests included). The
// table is the executable form of the dependency rules in DESIGN section 2: a
// new package must be added here, which makes its place in the layering an
// explicit decision.
var allowed = map[string][]string{
	// I: low-level helpers, used from below.
	"internal/parfor":    nil,
	"internal/bitidx":    nil,
	"internal/numtest":   nil,
	"internal/gradcheck": {"tensor", "autograd", "internal/numtest"},
	// A dense reference simulator (Kronecker products), the oracle for sim.
	"internal/densesim": {"cmat", "pauli", "gate", "circuit"},

	// Q: the quantum core. cmat → pauli → gate → circuit → ansatz; statevec; sim.
	"cmat":     {"internal/parfor", "gonum.org/v1/gonum"},
	"pauli":    {"cmat", "internal/bitidx"},
	"gate":     {"cmat", "pauli"},
	"circuit":  {"cmat", "pauli", "gate"},
	"ansatz":   {"cmat", "pauli", "gate", "circuit"},
	"statevec": {"cmat", "pauli", "internal/parfor", "internal/bitidx"},
	"sim":      {"cmat", "pauli", "gate", "circuit", "ansatz", "statevec", "internal/parfor", "internal/bitidx"},

	// M: the ML core. tensor → autograd → nn, optim; dataset; train.
	"tensor":   {"internal/parfor", "gonum.org/v1/gonum", "gonum.org/v1/netlib"},
	"autograd": {"tensor", "internal/parfor"},
	"nn":       {"tensor", "autograd", "internal/parfor"},
	"optim":    {"tensor", "autograd", "nn"},
	"dataset":  {"tensor", "internal/parfor", "gonum.org/v1/gonum"},
	"train":    {"tensor", "autograd", "nn", "optim", "dataset", "github.com/schollz/progressbar/v3"},

	// B: the bridge.
	"qnn": {"Q", "M", "internal/parfor"},

	// A: the application.
	"experiment": {"Q", "M", "qnn", "go.yaml.in/yaml/v3"},
	"report":     {"experiment", "gonum.org/v1/plot", "gonum.org/v1/gonum"},
	"cluster":    {"experiment", "internal/parfor"},
	"cmd/quanta": {"Q", "M", "qnn", "experiment", "report", "cluster", "github.com/spf13/cobra"},
}

var groups = map[string][]string{
	"Q": {"cmat", "pauli", "gate", "circuit", "ansatz", "statevec", "sim"},
	"M": {"tensor", "autograd", "nn", "optim", "dataset", "train"},
}

// testOnly packages may be imported only from _test.go files and from one
// another.
var testOnly = map[string]bool{"internal/numtest": true, "internal/densesim": true, "internal/gradcheck": true}

func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f",
		"{{.ImportPath}}|{{join .Imports \" \"}}|{{join .TestImports \" \"}} {{join .XTestImports \" \"}}",
		module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	std := standardPackages(t)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "|")
		if len(parts) != 3 {
			t.Fatalf("unexpected go list line %q", sc.Text())
		}
		pkg := strings.TrimPrefix(strings.TrimPrefix(parts[0], module), "/")
		if pkg == "" {
			continue // the root holds only this test
		}
		key := tableKey(pkg)
		rules, ok := allowed[key]
		if !ok {
			t.Errorf("package %s is not in the layering table; add it to layering_test.go", pkg)
			continue
		}
		ok2 := expand(rules)
		check := func(list string, inTest bool) {
			for _, imp := range strings.Fields(list) {
				if std[imp] {
					continue
				}
				if rel, internal := strings.CutPrefix(imp, module+"/"); internal {
					relKey := tableKey(rel)
					if relKey == key {
						continue // a package's own subpackages and its external test
					}
					if testOnly[relKey] && !inTest && !testOnly[key] {
						t.Errorf("%s imports the test-only package %s outside tests", pkg, rel)
						continue
					}
					if testOnly[relKey] && inTest {
						continue
					}
					if !ok2[relKey] {
						t.Errorf("%s imports %s: not allowed by the layering rules", pkg, rel)
					}
					continue
				}
				if inTest && (imp == testModule || strings.HasPrefix(imp, testModule+"/")) {
					continue
				}
				if !thirdPartyAllowed(imp, rules) {
					t.Errorf("%s imports third-party %s: not in its allowed list", pkg, imp)
				}
			}
		}
		check(parts[1], false)
		check(parts[2], true)
	}
}

// tableKey maps a package to its row: a subpackage (dataset/x) shares the
// row of its longest listed parent.
func tableKey(pkg string) string {
	best := ""
	for k := range allowed {
		if (pkg == k || strings.HasPrefix(pkg, k+"/")) && len(k) > len(best) {
			best = k
		}
	}
	if best == "" {
		return pkg
	}
	return best
}

func expand(rules []string) map[string]bool {
	m := map[string]bool{}
	for _, r := range rules {
		if g, ok := groups[r]; ok {
			for _, p := range g {
				m[p] = true
			}
			continue
		}
		m[r] = true
	}
	return m
}

func thirdPartyAllowed(imp string, rules []string) bool {
	for _, r := range rules {
		if strings.Contains(r, ".") && (imp == r || strings.HasPrefix(imp, r+"/")) {
			return true
		}
	}
	return false
}

func standardPackages(t *testing.T) map[string]bool {
	out, err := exec.Command("go", "list", "std").Output()
	if err != nil {
		t.Fatalf("go list std: %v", err)
	}
	m := map[string]bool{"C": true}
	for _, p := range strings.Fields(string(out)) {
		m[p] = true
	}
	return m
}

// TestLayeringTableIsConsistent checks the table itself: the Q and M groups
// never reach into each other.
func TestLayeringTableIsConsistent(t *testing.T) {
	for _, g := range [][2]string{{"Q", "M"}, {"M", "Q"}} {
		for _, p := range groups[g[0]] {
			reach := expand(allowed[p])
			var bad []string
			for _, q := range groups[g[1]] {
				if reach[q] {
					bad = append(bad, q)
				}
			}
			sort.Strings(bad)
			if len(bad) > 0 {
				t.Errorf("%s package %s may import %s packages %v", g[0], p, g[1], bad)
			}
		}
	}
}
