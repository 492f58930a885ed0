package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyModelSpec is a small model on 8×8 images with two slots.
const tinyModelSpec = `name: tiny
input: [1, 8, 8]
classes: 10
data:
  transforms: [{resize: 8}, {scale: 1/255}]
layers:
  - slot: A
    classical: {type: conv2d, out: 4, kernel: 3}
    quantum: [{type: flipped_quanv, out: 4}]
  - {type: flatten}
  - slot: B
    classical: {type: linear, out: 10}
    quantum: [{type: hamiltonian_linear, out: 10, qubits: 4, reps: 2}]
`

// writeTinySpec writes the tiny model and an experiment over every subset
// of its slots (two seeds) into dir and returns the experiment's path.
func writeTinySpec(t *testing.T, dir string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "tiny.yaml"), []byte(tinyModelSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	exp := `name: tinyexp
model: tiny.yaml
configurations: subsets
seeds: [1, 2]
training: {epochs: 2, batch_size: 30, train_size: 120, test_size: 60, lr: 0.003}
output: results
`
	path := filepath.Join(dir, "exp.yaml")
	if err := os.WriteFile(path, []byte(exp), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTrainEvalReport(t *testing.T) {
	dir := t.TempDir()
	spec := writeTinySpec(t, dir)
	out := filepath.Join(dir, "out")
	code, table, errOut := runCLI(t, "train", spec, "--out", out, "--quiet", "--threads", "2")
	if code != exitOK {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	golden(t, "train.golden", maskTable(table))

	// quanta report prints the same table from the results.
	code, rep, errOut := runCLI(t, "report", out, "--out", filepath.Join(dir, "rep"), "--title", "quanta train tinyexp: tiny")
	if code != exitOK || rep != table {
		t.Fatalf("report: exit %d (%s):\n%s\nwant\n%s", code, errOut, rep, table)
	}
	for _, f := range []string{"report.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, "rep", f)); err != nil {
			t.Fatal(err)
		}
	}

	// quanta eval of a finished run's checkpoint gives the accuracy and
	// loss of its run record (the runner's own evaluation is the oracle).
	ckpt := filepath.Join(out, "checkpoints", "tiny", "A+B", "mnist[train=120,test=60]", "seed=2.safetensors")
	code, ev, errOut := runCLI(t, "eval", ckpt)
	if code != exitOK {
		t.Fatalf("eval: exit %d: %s", code, errOut)
	}
	golden(t, "eval.golden", ev)
	code, js, _ := runCLI(t, "eval", ckpt, "--json")
	var got evalJSON
	if code != exitOK || json.Unmarshal([]byte(js), &got) != nil {
		t.Fatalf("eval --json: exit %d: %s", code, js)
	}
	var final *struct{ acc, loss float64 }
	for _, r := range stripRecords(t, filepath.Join(out, "results.jsonl")) {
		if r.Kind == "run" && r.Run == "tiny/A+B/mnist[train=120,test=60]/seed=2" {
			final = &struct{ acc, loss float64 }{r.TestAcc, r.TestLoss}
		}
	}
	if final == nil || got.Accuracy != final.acc || math.Abs(got.Loss-final.loss) > 1e-12 || got.Samples != 60 || len(got.Classes) != 10 {
		t.Fatalf("eval %+v, run record %+v", got, final)
	}

	// Errors: a spec that does not parse, a checkpoint that does not exist.
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("model: tiny.yaml\nseeds: [1, x]\n"), 0o644)
	if code, _, errOut := runCLI(t, "train", bad); code != exitError || !strings.Contains(errOut, "bad.yaml:2:12: seeds[1]: want a non-negative integer") {
		t.Errorf("bad spec: exit %d: %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "eval", filepath.Join(dir, "none.safetensors")); code != exitError {
		t.Errorf("missing checkpoint: exit %d", code)
	}
	if code, _, _ := runCLI(t, "train"); code != exitUsage {
		t.Errorf("train without a spec: exit %d", code)
	}
}

func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	line := `{"kind":"run","run":"m/c/d/seed=1","model":"m","config":"c","classical":true,"dataset":"d","seed":1,"epoch":1,"epochs":1,` +
		`"train_loss":1,"train_acc":0.5,"test_loss":1,"test_acc":%s,"params":{"classical":1,"quantum":0,"total":1},` +
		`"epoch_seconds":1,"wall_seconds":1,"provenance":{"version":"v","commit":"c","go_version":"g","os":"o","cpu":"c","threads":1},"time":"t"}` + "\n"
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	os.WriteFile(a, []byte(strings.Replace(line, "%s", "0.5", 1)), 0o644)
	os.WriteFile(b, []byte(strings.Replace(line, "%s", "0.6", 1)), 0o644)
	if code, _, errOut := runCLI(t, "report", a, b); code != exitError || !strings.Contains(errOut, "duplicate record") {
		t.Errorf("conflicting runs: exit %d: %s", code, errOut)
	}
	// A torn last line (a killed writer) is left out.
	torn := filepath.Join(dir, "torn")
	os.Mkdir(torn, 0o755)
	os.WriteFile(filepath.Join(torn, "r.jsonl"), []byte(strings.Replace(line, "%s", "0.5", 1)+line[:50]), 0o644)
	if code, out, errOut := runCLI(t, "report", torn); code != exitOK || !strings.Contains(out, "50.00") {
		t.Errorf("torn line: exit %d: %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "report", t.TempDir()); code != exitError || !strings.Contains(errOut, "no results") {
		t.Errorf("empty directory: exit %d: %s", code, errOut)
	}
}
