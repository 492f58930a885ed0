package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Training holds the training settings of an experiment. The zero value of
// each field means its default (see DefaultTraining).
type Training struct {
	Epochs        int     `json:"epochs"`
	BatchSize     int     `json:"batch_size"`
	EvalBatchSize int     `json:"eval_batch_size"`
	Optimizer     string  `json:"optimizer"` // adam, adamw, sgd, rmsprop
	LR            float64 `json:"lr"`
	Momentum      float64 `json:"momentum,omitempty"`     // sgd, rmsprop
	WeightDecay   float64 `json:"weight_decay,omitempty"` // L2 (adam, sgd, rmsprop) or decoupled (adamw)
	// Schedule changes the learning rate per epoch (per batch for
	// onecycle); nil keeps it constant.
	Schedule *Schedule `json:"schedule,omitempty"`
	ClipNorm float64   `json:"clip_norm,omitempty"`
	// TrainSize and TestSize cut the splits to fixed random subsets of
	// that many samples (0: all).
	TrainSize int `json:"train_size,omitempty"`
	TestSize  int `json:"test_size,omitempty"`
	// CheckpointEvery writes a checkpoint every that many steps besides
	// the one at every epoch's end (0: only at epoch ends). It does not
	// change results.
	CheckpointEvery int `json:"checkpoint_every,omitempty"`
	// NonUnitary is the complex-parameter compatibility switch of the
	// creep paper's code (see BuildOptions).
	NonUnitary bool `json:"non_unitary,omitempty"`
}

// Schedule is a learning-rate schedule (optim's schedules, PyTorch's
// names): step (StepSize, Gamma), exponential (Gamma), cosine (TMax,
// EtaMin) or onecycle (MaxLR, stepped per batch over the whole run).
type Schedule struct {
	Kind     string  `json:"kind"`
	StepSize int     `json:"step_size,omitempty"`
	Gamma    float64 `json:"gamma,omitempty"`
	TMax     int     `json:"t_max,omitempty"`
	EtaMin   float64 `json:"eta_min,omitempty"`
	MaxLR    float64 `json:"max_lr,omitempty"`
}

// DefaultTraining is what an experiment spec's training section starts
// from: 3 epochs, batch 200 (evaluation batches of 1000), Adam with
// learning rate 5e-4 (the creep paper's optimiser), full splits, a
// checkpoint every 50 steps.
func DefaultTraining() Training {
	return Training{Epochs: 3, BatchSize: 200, EvalBatchSize: 1000, Optimizer: "adam", LR: 5e-4, CheckpointEvery: 50}
}

// Spec is a parsed experiment spec: a model, the data sets, the
// configurations and seeds to run, the training settings and where the
// results go. Runs expands it into its runs.
type Spec struct {
	Name     string
	File     string
	Model    *ModelSpec
	Datasets []DatasetSpec
	Configs  []Configuration
	Seeds    []uint64
	Training Training
	// Output is the results directory (relative paths are relative to the
	// working directory).
	Output string
}

// LoadSpec reads and checks the experiment spec at path.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("experiment: spec: %w", err)
	}
	return ParseSpec(path, data)
}

// ParseSpec parses an experiment spec (file names it in errors and
// anchors relative model and data paths). Errors are *SpecErrors naming
// the file, line and key.
func ParseSpec(file string, data []byte) (*Spec, error) {
	root, err := parseYAML(file, data)
	if err != nil {
		return nil, err
	}
	d := &decoder{file: file}
	dir := filepath.Dir(file)
	s := &Spec{File: file, Seeds: []uint64{1}, Training: DefaultTraining()}
	o := d.object(root, "")
	if v, ok := o.lookup("name"); ok {
		s.Name = d.str(v, "name")
		if d.err == nil && !validName(s.Name) {
			d.fail(v, "name", "%q: use letters, digits, '-', '_' and '.'", s.Name)
		}
	} else {
		s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	if v, ok := o.required("model"); ok {
		ref := d.str(v, "model")
		if d.err == nil {
			m, err := ResolveModel(ref, dir)
			if err != nil {
				var se *SpecError
				if asSpecError(err, &se) {
					return nil, err
				}
				d.fail(v, "model", "%v", err)
			}
			s.Model = m
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if v, ok := o.lookup("datasets"); ok {
		for i, it := range d.list(v, "datasets") {
			s.Datasets = append(s.Datasets, d.decodeDataset(it, fmt.Sprintf("datasets[%d]", i), dir))
		}
		if d.err == nil && len(s.Datasets) == 0 {
			d.fail(v, "datasets", "no data set")
		}
	} else {
		s.Datasets = []DatasetSpec{{Name: s.Model.Dataset}}
	}
	cfgNode, hasCfg := o.lookup("configurations")
	if v, ok := o.lookup("seeds"); ok {
		s.Seeds = nil
		for i, it := range d.list(v, "seeds") {
			seed := d.uint64v(it, fmt.Sprintf("seeds[%d]", i))
			if d.err == nil && slices.Contains(s.Seeds, seed) {
				d.fail(it, fmt.Sprintf("seeds[%d]", i), "seed %d repeated", seed)
			}
			s.Seeds = append(s.Seeds, seed)
		}
		if d.err == nil && len(s.Seeds) == 0 {
			d.fail(v, "seeds", "no seed")
		}
	}
	if v, ok := o.lookup("training"); ok {
		d.decodeTraining(v, "training", &s.Training)
	}
	if v, ok := o.lookup("output"); ok {
		s.Output = d.str(v, "output")
	} else {
		s.Output = s.Name + "-results"
	}
	o.finish("name", "model", "datasets", "configurations", "seeds", "training", "output")
	if d.err != nil {
		return nil, d.err
	}
	var cfgs []Configuration
	if hasCfg {
		cfgs = d.decodeConfigs(s.Model, cfgNode)
	} else {
		cfgs, err = s.Model.Configurations("levels")
		if err != nil {
			d.fail(root, "configurations", "%v", err)
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	s.Configs = cfgs
	return s, nil
}

func asSpecError(err error, target **SpecError) bool {
	se, ok := err.(*SpecError)
	if ok {
		*target = se
	}
	return ok
}

// Configurations returns the configurations of a kind: "levels" (the
// spec's levels, in order) or "subsets" (every subset of the slots, see
// Subsets).
func (m *ModelSpec) Configurations(kind string) ([]Configuration, error) {
	switch kind {
	case "levels":
		if len(m.Levels) == 0 {
			return nil, fmt.Errorf("model %s has no levels; use subsets or list configurations", m.Name)
		}
		return m.LevelConfigs(), nil
	case "subsets":
		return m.Subsets(), nil
	}
	return nil, fmt.Errorf("configurations %q: want levels, subsets or a list of names", kind)
}

// decodeConfigs decodes "levels", "subsets" or a list of names, refusing
// two names for one choice.
func (d *decoder) decodeConfigs(m *ModelSpec, n *yaml.Node) []Configuration {
	var out []Configuration
	if n.Kind == yaml.ScalarNode {
		kind := d.str(n, "configurations")
		if d.err != nil {
			return nil
		}
		cfgs, err := m.Configurations(kind)
		if err != nil {
			d.fail(n, "configurations", "%v", err)
		}
		return cfgs
	}
	for i, it := range d.list(n, "configurations") {
		p := fmt.Sprintf("configurations[%d]", i)
		name := d.name(it, p)
		if d.err != nil {
			return nil
		}
		c, err := m.Config(name)
		if err != nil {
			d.fail(it, p, "%v", err)
			return nil
		}
		for _, prev := range out {
			if slices.Equal(prev.Choice, c.Choice) {
				d.fail(it, p, "%s is the same configuration as %s", name, prev.Name)
				return nil
			}
		}
		out = append(out, c)
	}
	if d.err == nil && len(out) == 0 {
		d.fail(n, "configurations", "no configuration")
	}
	return out
}

// decodeDataset decodes a data set: a name, or a mapping {name, dir,
// download, csv, test_csv}. Relative paths are taken from dir.
func (d *decoder) decodeDataset(n *yaml.Node, path, dir string) DatasetSpec {
	var ds DatasetSpec
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		a, err := filepath.Abs(filepath.Join(dir, p))
		if err != nil {
			return filepath.Join(dir, p)
		}
		return a
	}
	if n.Kind == yaml.ScalarNode {
		ds.Name = d.str(n, path)
	} else {
		o := d.object(n, path)
		if v, ok := o.lookup("name"); ok {
			ds.Name = d.str(v, o.sub("name"))
		}
		if v, ok := o.lookup("dir"); ok {
			ds.Dir = abs(d.str(v, o.sub("dir")))
		}
		if v, ok := o.lookup("download"); ok {
			ds.Download = d.boolean(v, o.sub("download"))
		}
		if v, ok := o.lookup("csv"); ok {
			ds.CSV = abs(d.str(v, o.sub("csv")))
		}
		if v, ok := o.lookup("test_csv"); ok {
			ds.TestCSV = abs(d.str(v, o.sub("test_csv")))
		}
		o.finish("name", "dir", "download", "csv", "test_csv")
		if d.err == nil && ds.CSV == "" && ds.TestCSV != "" {
			d.fail(n, o.sub("test_csv"), "test_csv without csv")
		}
		if d.err == nil && ds.CSV != "" && ds.Name == "" {
			ds.Name = strings.TrimSuffix(filepath.Base(ds.CSV), filepath.Ext(ds.CSV))
		}
	}
	if d.err == nil && ds.CSV == "" && !slices.Contains(builtinDatasets(), ds.Name) {
		d.fail(n, path, "unknown data set %q (want %s, or a mapping with csv)", ds.Name, strings.Join(builtinDatasets(), ", "))
	}
	if d.err == nil && !validName(ds.Name) {
		d.fail(n, path, "data set name %q: use letters, digits, '-', '_' and '.'", ds.Name)
	}
	return ds
}

// decodeTraining decodes the training section over t's defaults.
func (d *decoder) decodeTraining(n *yaml.Node, path string, t *Training) {
	o := d.object(n, path)
	if o == nil {
		return
	}
	ints := []struct {
		key string
		dst *int
		min int
	}{{"epochs", &t.Epochs, 1}, {"batch_size", &t.BatchSize, 1}, {"eval_batch_size", &t.EvalBatchSize, 1},
		{"train_size", &t.TrainSize, 0}, {"test_size", &t.TestSize, 0}, {"checkpoint_every", &t.CheckpointEvery, 0}}
	for _, f := range ints {
		if v, ok := o.lookup(f.key); ok {
			*f.dst = d.integer(v, o.sub(f.key))
			if d.err == nil && *f.dst < f.min {
				d.fail(v, o.sub(f.key), "want at least %d, got %d", f.min, *f.dst)
			}
		}
	}
	nums := []struct {
		key string
		dst *float64
	}{{"lr", &t.LR}, {"momentum", &t.Momentum}, {"weight_decay", &t.WeightDecay}, {"clip_norm", &t.ClipNorm}}
	for _, f := range nums {
		if v, ok := o.lookup(f.key); ok {
			*f.dst = d.number(v, o.sub(f.key))
			if d.err == nil && (*f.dst < 0 || (f.key == "lr" && *f.dst == 0)) {
				d.fail(v, o.sub(f.key), "want a positive number, got %v", *f.dst)
			}
		}
	}
	if v, ok := o.lookup("optimizer"); ok {
		t.Optimizer = d.str(v, o.sub("optimizer"))
		if opts := []string{"adam", "adamw", "sgd", "rmsprop"}; d.err == nil && !slices.Contains(opts, t.Optimizer) {
			d.fail(v, o.sub("optimizer"), "unknown optimizer %q (want one of: %s)", t.Optimizer, strings.Join(opts, ", "))
		}
	}
	if v, ok := o.lookup("non_unitary"); ok {
		t.NonUnitary = d.boolean(v, o.sub("non_unitary"))
	}
	if v, ok := o.lookup("schedule"); ok {
		t.Schedule = d.decodeSchedule(v, o.sub("schedule"))
	}
	o.finish("epochs", "batch_size", "eval_batch_size", "optimizer", "lr", "momentum", "weight_decay", "schedule",
		"clip_norm", "train_size", "test_size", "checkpoint_every", "non_unitary")
}

func (d *decoder) decodeSchedule(n *yaml.Node, path string) *Schedule {
	o := d.object(n, path)
	if o == nil {
		return nil
	}
	s := &Schedule{}
	kinds := map[string][]string{"step": {"step_size", "gamma"}, "exponential": {"gamma"}, "cosine": {"t_max", "eta_min"}, "onecycle": {"max_lr"}}
	if v, ok := o.required("kind"); ok {
		s.Kind = d.str(v, o.sub("kind"))
		if _, known := kinds[s.Kind]; d.err == nil && !known {
			d.fail(v, o.sub("kind"), "unknown schedule %q (want step, exponential, cosine or onecycle)", s.Kind)
		}
	}
	if d.err != nil {
		return nil
	}
	for _, key := range kinds[s.Kind] {
		var v *yaml.Node
		var ok bool
		if key == "eta_min" { // optional
			if v, ok = o.lookup(key); !ok {
				continue
			}
		} else if v, ok = o.required(key); !ok {
			return nil
		}
		switch key {
		case "step_size":
			s.StepSize = d.integer(v, o.sub(key))
		case "t_max":
			s.TMax = d.integer(v, o.sub(key))
		case "gamma":
			s.Gamma = d.number(v, o.sub(key))
		case "eta_min":
			s.EtaMin = d.number(v, o.sub(key))
		case "max_lr":
			s.MaxLR = d.number(v, o.sub(key))
		}
	}
	o.finish(append([]string{"kind"}, kinds[s.Kind]...)...)
	return s
}

// Run is one training run: everything needed to repeat it, without the
// spec file (the model spec's text travels with it). Its JSON form is the
// payload of a cluster plan entry and is saved in every checkpoint.
type Run struct {
	// ID is "<model>/<config>/<dataset>/seed=<seed>".
	ID          string `json:"id"`
	Model       string `json:"model"`
	ModelFile   string `json:"model_file"`
	ModelSource string `json:"model_source"`
	Config      string `json:"config"`
	Choice      []int  `json:"choice"`
	Classical   bool   `json:"classical"`
	// Dataset is the data set; DatasetLabel its name in records, with the
	// subset sizes when the splits are cut.
	Dataset      DatasetSpec `json:"dataset"`
	DatasetLabel string      `json:"dataset_label"`
	Seed         uint64      `json:"seed"`
	Training     Training    `json:"training"`
}

// Runs expands the spec into its runs, in a fixed order: for each data
// set, for each seed, every configuration (so that an interrupted sweep
// has compared all configurations of its first seeds).
func (s *Spec) Runs() []Run {
	model := s.Model.Name
	if s.Training.NonUnitary {
		model += "-nonunitary"
	}
	var out []Run
	for _, ds := range s.Datasets {
		label := ds.Label(s.Training.TrainSize, s.Training.TestSize)
		for _, seed := range s.Seeds {
			for _, c := range s.Configs {
				out = append(out, Run{
					ID:    fmt.Sprintf("%s/%s/%s/seed=%d", model, c.Name, label, seed),
					Model: model, ModelFile: s.Model.File, ModelSource: string(s.Model.Source),
					Config: c.Name, Choice: slices.Clone(c.Choice), Classical: c.Classical(),
					Dataset: ds, DatasetLabel: label, Seed: seed, Training: s.Training,
				})
			}
		}
	}
	return out
}

// Hash identifies what a run computes: the SHA-256 of its JSON form
// without the settings that do not change results (checkpoint frequency,
// download). Checkpoints carry it, so a checkpoint of another run is
// refused.
func (r Run) Hash() string {
	r.Training.CheckpointEvery = 0
	r.Dataset.Download = false
	b, _ := json.Marshal(r)
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Canonical returns a canonical encoding of the spec's runs, the input of
// cluster.HashSpec: two specs that expand to the same runs have the same
// encoding, whatever their formatting.
func (s *Spec) Canonical() []byte {
	b, _ := json.Marshal(s.Runs())
	return b
}
