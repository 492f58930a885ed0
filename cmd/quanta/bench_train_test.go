package main

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
)

// runBenchTrain runs the subcommand on its own, as "quanta bench train"
// would.
func runBenchTrain(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := newBenchTrainCmd()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err = cmd.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

// TestBenchModels checks the architectures against their parameter
// counts worked out by hand from the PyTorch definitions, and their
// output shapes on the prepared inputs.
func TestBenchModels(t *testing.T) {
	want := map[string]struct {
		params int
		input  []int
	}{
		"mlp":       {784*256 + 256 + 256*10 + 10, []int{2, 1, 28, 28}},
		"cnn":       {(16*9 + 16) + 2*16 + (32*16*9 + 32) + 2*32 + (32*7*7*10 + 10), []int{2, 1, 28, 28}},
		"simplenet": {(32*9 + 32) + (16*32*9 + 16) + (12544*10 + 10), []int{2, 1, 32, 32}},
	}
	for _, m := range benchModels() {
		w := want[m.name]
		model := m.build(rand.New(rand.NewPCG(1, 1)))
		if got := nn.NumParams(model); got != w.params {
			t.Errorf("%s: %d parameters, want %d", m.name, got, w.params)
		}
		x := tensor.RandN(rand.New(rand.NewPCG(2, 2)), w.input...)
		if got := model.Forward(autograd.Const(x)).Shape(); !slices.Equal(got, []int{2, 10}) {
			t.Errorf("%s: output %v, want [2 10]", m.name, got)
		}
	}
}

func TestBenchTrainSpeedTable(t *testing.T) {
	out, _, err := runBenchTrain(t, "--limit", "120", "--epochs", "2", "--threads", "1", "--torch=false",
		"--models", "mlp,simplenet", "--batch", "simplenet=60", "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"mlp | 128", "simplenet | 60"} {
		re := regexp.MustCompile(`\| ` + regexp.QuoteMeta(m) + ` \| 1 \| quanta float64 \(\w+\) \| [0-9.]+, [0-9.]+ \| \d+ \| — \| [0-9.]+ MiB, [0-9.]+ MiB \|`)
		if !re.MatchString(out) {
			t.Errorf("no row for %s in\n%s", m, out)
		}
	}
	if !strings.Contains(out, "120 images, 2 epochs per run") {
		t.Errorf("header missing:\n%s", out)
	}
}

// TestBenchTrainBaselinesSmall runs the baselines on a sliver of MNIST:
// far below target, so the command fails after printing its table; run
// again with the same checkpoint directory it resumes instead of
// training.
func TestBenchTrainBaselinesSmall(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--baselines", "--limit", "256", "--test-limit", "100", "--epochs", "1", "--models", "mlp", "--checkpoint-dir", dir}
	out, _, err := runBenchTrain(t, append(args, "--quiet")...)
	if err == nil || !strings.Contains(err.Error(), "baselines below target: mlp") {
		t.Fatalf("error %v, want a miss of the target", err)
	}
	if !strings.Contains(out, "| MLP 784-256-10 (ReLU) | 203530 | 128 | 0.001 |") || !strings.Contains(out, "| 97.5 | NO |") {
		t.Errorf("table:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "mlp.safetensors")); err != nil {
		t.Fatal(err)
	}
	out2, errOut, _ := runBenchTrain(t, args...)
	if !strings.Contains(errOut, "mlp: resuming at epoch 2, step 0") {
		t.Errorf("second run did not resume: %s", errOut)
	}
	if out2 != out {
		t.Errorf("resumed run reports\n%s\nwant\n%s", out2, out)
	}
}

func TestBenchTrainBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--models", "resnet"},
		{"--batch", "mlp=0"},
		{"--batch", "cnn=64"}, // not selected
		{"--threads", "0"},
		{"--epochs", "-1"},
	} {
		_, _, err := runBenchTrain(t, args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: error %v, want a usage error", args, err)
		}
	}
}

// TestTorchReference runs the PyTorch script next to quanta on a few
// batches. It starts Python (10–30 s), so it runs only when QUANTA_PYTHON
// names a Python with torch.
func TestTorchReference(t *testing.T) {
	python := os.Getenv("QUANTA_PYTHON")
	if python == "" || testing.Short() {
		t.Skip("set QUANTA_PYTHON to a Python with torch to run it")
	}
	if err := exec.Command(python, "-c", "import torch, numpy").Run(); err != nil {
		t.Skipf("%s has no torch: %v", python, err)
	}
	out, errOut, err := runBenchTrain(t, "--limit", "200", "--epochs", "1", "--threads", "1", "--python", python, "--models", "mlp,simplenet", "--quiet")
	if err != nil {
		t.Fatal(err, errOut)
	}
	for _, row := range []string{"| mlp | 128 | 1 | PyTorch float64 |", "| mlp | 128 | 1 | PyTorch float32 |", "| simplenet | 200 | 1 | PyTorch float64 |"} {
		if !strings.Contains(out, row) {
			t.Errorf("no row %q in\n%s", row, out)
		}
	}
}
