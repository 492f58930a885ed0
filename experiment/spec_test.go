package experiment

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyModel is a small model spec used by several tests: two slots, a
// batch norm and a dropout, on 8×8 images.
const tinyModel = `name: tiny
input: [1, 8, 8]
classes: 10
data:
  transforms:
    - resize: 8
    - scale: 1/255
layers:
  - slot: A
    classical: {type: conv2d, out: 4, kernel: 3}
    quantum: [{type: flipped_quanv, out: 4}]
  - {type: batchnorm2d}
  - {type: flatten}
  - {type: dropout, p: 0.2}
  - slot: B
    classical: {type: linear, out: 10}
    quantum: [{type: hamiltonian_linear, out: 10, qubits: 4, reps: 2}]
levels:
  L0: {A: classical, B: classical}
  L1: {A: quantum}
  L2: {A: quantum, B: quantum}
`

func TestModelSpecErrors(t *testing.T) {
	t.Parallel()
	// Each case edits the tiny spec; want is the whole error message.
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"unknown key", "kernel: 3}\n    quantum", "kernal: 3}\n    quantum",
			"tiny.yaml:10:39: layers[0].classical.kernal: unknown key (want one of: type, in, out, kernel, stride, padding, bias)"},
		{"unknown key kept", "{type: batchnorm2d}", "{type: batchnorm2d, momentum: 0.1}",
			"tiny.yaml:12:25: layers[1].momentum: unknown key (want one of: type, channels)"},
		{"wrong type", "out: 4, kernel: 3}", "out: four, kernel: 3}",
			`tiny.yaml:10:36: layers[0].classical.out: want an integer, got "four"`},
		{"wrong type float", "p: 0.2}", "p: high}",
			`tiny.yaml:14:24: layers[3].p: want a finite number, got "high"`},
		{"missing required key", "{type: flipped_quanv, out: 4}", "{type: flipped_quanv}",
			"tiny.yaml:11:15: layers[0].quantum[0].out: required key missing for layer type flipped_quanv"},
		{"missing top-level key", "input: [1, 8, 8]\n", "",
			"tiny.yaml:1:1: input: required key missing"},
		{"unknown layer type", "{type: flatten}", "{type: flattn}",
			"tiny.yaml:13:12: layers[2].type: unknown layer type \"flattn\" (known: " + strings.Join(layerTypeNames(), ", ") + ")"},
		{"shape mismatch between alternatives", "{type: flipped_quanv, out: 4}", "{type: flipped_quanv, out: 5}",
			"tiny.yaml:9:5: layers[0]: slot A: quantum alternative q1 gives output [5 6 6] for input [1 8 8], but classical gives [4 6 6]"},
		{"shape mismatch inside an alternative", "qubits: 4, reps: 2}", "qubits: 3, reps: 2}",
			"tiny.yaml:17:15: layers[4].quantum[0]: slot B, quantum alternative q1: hamiltonian_linear: 3 qubits cannot hold 144 inputs (4ⁿ) and 10 outputs (2ⁿ); at most 8 qubits"},
		{"inferred size disagrees", "{type: linear, out: 10}", "{type: linear, in: 100, out: 10}",
			"tiny.yaml:16:16: layers[4].classical: slot B, classical: linear: in = 100, but the input has 144 features on its last axis"},
		{"bad level choice", "L1: {A: quantum}", "L1: {A: quantm}",
			"tiny.yaml:20:11: levels.L1.A: slot A has no alternative \"quantm\" (want classical, quantum or one of: q1)"},
		{"bad level slot", "L1: {A: quantum}", "L1: {C: quantum}",
			"tiny.yaml:20:8: levels.L1.C: no slot \"C\" in this model (slots: A, B)"},
		{"bad value", "p: 0.2}", "p: 1.5}",
			"tiny.yaml:14:5: layers[3]: dropout: p = 1.5, want 0 ≤ p < 1"},
		{"output classes", "classes: 10", "classes: 8",
			"tiny.yaml: layers: the model's output is [10] per sample, want [8] (classes)"},
		{"repeated key", "name: tiny\n", "name: tiny\nname: tiny2\n",
			"tiny.yaml:2:1: name: key repeated"},
		{"unknown transform", "- resize: 8", "- resise: 8",
			"tiny.yaml:6:7: data.transforms[0].resise: unknown transform (want one of: " + strings.Join(transformKinds(), ", ") + ")"},
		{"alias", "input: [1, 8, 8]", "input: &in [1, 8, 8]",
			"tiny.yaml:2:8: anchors and aliases are not supported; write the value in place"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := strings.Replace(tinyModel, tc.old, tc.new, 1)
			if src == tinyModel {
				t.Fatalf("the edit %q does not apply", tc.old)
			}
			_, err := ParseModelSpec("tiny.yaml", []byte(src))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			var se *SpecError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SpecError: %v", err, err)
			}
			if err.Error() != tc.want {
				t.Fatalf("error\n  %s\nwant\n  %s", err, tc.want)
			}
		})
	}
}

func TestModelSpecValid(t *testing.T) {
	t.Parallel()
	m, err := ParseModelSpec("tiny.yaml", []byte(tinyModel))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(m.Slots()); got != 2 {
		t.Fatalf("%d slots, want 2", got)
	}
	var names []string
	for _, c := range m.LevelConfigs() {
		names = append(names, c.Name)
	}
	if strings.Join(names, " ") != "L0 L1 L2" {
		t.Fatalf("levels %v", names)
	}
	// A level that leaves a slot out takes its classical layer.
	l1, _ := m.Config("L1")
	if l1.Choice[0] != 1 || l1.Choice[1] != 0 || l1.Classical() {
		t.Fatalf("L1 = %+v", l1)
	}
}

func TestConfigNames(t *testing.T) {
	t.Parallel()
	m, err := ZooSpec("hybridnet")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range m.Subsets() {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "classical A B C A+B A+C B+C A+B+C" {
		t.Fatalf("subsets %s", got)
	}
	for _, tc := range []struct {
		in, name string
		choice   []int
	}{
		{"L2", "L2", []int{1, 1, 1}},
		{"C+A", "A+C", []int{1, 0, 1}},
		{"B=q1", "B", []int{0, 1, 0}},
		{"classical", "classical", []int{0, 0, 0}},
	} {
		c, err := m.Config(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if c.Name != tc.name || !equalInts(c.Choice, tc.choice) {
			t.Errorf("%s: got %s %v, want %s %v", tc.in, c.Name, c.Choice, tc.name, tc.choice)
		}
	}
	for _, bad := range []string{"D", "A+A", "A=nope", ""} {
		if _, err := m.Config(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestExperimentSpecErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const base = `name: exp
model: hybridnet
datasets: [mnist]
configurations: levels
seeds: [1, 2]
training:
  epochs: 2
  optimizer: adam
  lr: 1e-3
output: out
`
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"unknown model", "model: hybridnet", "model: hybridnett",
			"exp.yaml:2:8: model: experiment: no built-in model \"hybridnett\" (built in: " + strings.Join(Zoo(), ", ") + ")"},
		{"unknown dataset", "datasets: [mnist]", "datasets: [mnistt]",
			"exp.yaml:3:12: datasets[0]: unknown data set \"mnistt\" (want mnist, fashion-mnist, cifar10, or a mapping with csv)"},
		{"bad configuration", "configurations: levels", "configurations: [L0, L3]",
			"exp.yaml:4:22: configurations[1]: model hybridnet: configuration \"L3\": no level or slot \"L3\" (levels: L0, L1, L2; slots: A, B, C)"},
		{"same configuration twice", "configurations: levels", "configurations: [L0, classical]",
			"exp.yaml:4:22: configurations[1]: classical is the same configuration as L0"},
		{"repeated seed", "seeds: [1, 2]", "seeds: [1, 1]",
			"exp.yaml:5:12: seeds[1]: seed 1 repeated"},
		{"wrong type", "epochs: 2", "epochs: two",
			`exp.yaml:7:11: training.epochs: want an integer, got "two"`},
		{"unknown optimizer", "optimizer: adam", "optimizer: adagrad",
			`exp.yaml:8:14: training.optimizer: unknown optimizer "adagrad" (want one of: adam, adamw, sgd, rmsprop)`},
		{"unknown training key", "lr: 1e-3", "learning_rate: 1e-3",
			"exp.yaml:9:3: training.learning_rate: unknown key (want one of: epochs, batch_size, eval_batch_size, optimizer, lr, momentum, weight_decay, schedule, clip_norm, train_size, test_size, checkpoint_every, non_unitary)"},
		{"missing model", "model: hybridnet\n", "",
			"exp.yaml:1:1: model: required key missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := strings.Replace(base, tc.old, tc.new, 1)
			if src == base {
				t.Fatalf("the edit %q does not apply", tc.old)
			}
			_, err := ParseSpec(filepath.Join(dir, "exp.yaml"), []byte(src))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if got := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)); got != tc.want {
				t.Fatalf("error\n  %s\nwant\n  %s", got, tc.want)
			}
		})
	}
	s, err := ParseSpec(filepath.Join(dir, "exp.yaml"), []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	runs := s.Runs()
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	want := "hybridnet/L0/mnist/seed=1 hybridnet/L1/mnist/seed=1 hybridnet/L2/mnist/seed=1 " +
		"hybridnet/L0/mnist/seed=2 hybridnet/L1/mnist/seed=2 hybridnet/L2/mnist/seed=2"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("runs\n  %s\nwant\n  %s", got, want)
	}
	if !runs[0].Classical || runs[1].Classical {
		t.Fatalf("classical flags %v %v", runs[0].Classical, runs[1].Classical)
	}
	if runs[0].Hash() == runs[1].Hash() || runs[0].Hash() != s.Runs()[0].Hash() {
		t.Fatal("run hashes are not a function of the run")
	}
}

func TestModelFromPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(tinyModel), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "model: tiny.yaml\nconfigurations: subsets\nseeds: [3]\ntraining: {train_size: 100, test_size: 50}\n"
	s, err := ParseSpec(filepath.Join(dir, "exp.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range s.Runs() {
		ids = append(ids, r.ID)
	}
	want := "tiny/classical/mnist[train=100,test=50]/seed=3 tiny/A/mnist[train=100,test=50]/seed=3 " +
		"tiny/B/mnist[train=100,test=50]/seed=3 tiny/A+B/mnist[train=100,test=50]/seed=3"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("runs\n  %s\nwant\n  %s", got, want)
	}
	if s.Output != "exp-results" {
		t.Fatalf("output %q", s.Output)
	}
}
