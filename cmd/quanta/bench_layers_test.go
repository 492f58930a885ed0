package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchLayersTinyGrid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "layers.json")
	code, out, errOut := runCLI(t, "bench", "layers", "--models", "hybridnet,vqc", "--threads", "1", "--batch", "2",
		"--repeats", "2", "--json", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"median ms", "hybridnet      L2         fwdbwd", "vqc            vqc        step", "estimated full MNIST epoch"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep layersBenchReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Points) != 3*2+2 || len(rep.Estimates) != 3 {
		t.Fatalf("%d points and %d estimates, want 8 and 3", len(rep.Points), len(rep.Estimates))
	}
	for _, p := range rep.Points {
		if p.Reps != 2 || p.Batch != 2 || p.Threads != 1 || !(p.MinMS > 0 && p.MinMS <= p.MedianMS && p.MedianMS <= p.MaxMS) {
			t.Errorf("inconsistent point %+v", p)
		}
	}
	// The estimate is 30,000 steps of 2 images and 5,000 evaluation
	// batches at the medians.
	var step, eval float64
	for _, p := range rep.Points {
		if p.Model == "hybridnet" && p.Config == "L0" {
			if p.Kind == "fwdbwd" {
				step = p.MedianMS
			} else {
				eval = p.MedianMS
			}
		}
	}
	if e := rep.Estimates[0]; e.Config != "L0" || !near(e.Seconds, (30000*step+5000*eval)/1000) {
		t.Errorf("estimate %+v from step %v ms and eval %v ms", e, step, eval)
	}
	for _, args := range [][]string{
		{"bench", "layers", "--models", "nope"},
		{"bench", "layers", "--threads", "0"},
		{"bench", "layers", "--batch", "0"},
	} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9*b && b-a < 1e-9*b }
