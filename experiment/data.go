package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/optim"
	"github.com/quanta-qml/quanta/tensor"
	"github.com/quanta-qml/quanta/train"
	"go.yaml.in/yaml/v3"
)

// DataSpec is the data pipeline a model expects: an optional class filter
// (applied first, labels renumbered in the order given), then transforms
// applied in order to the training and test splits. Fitted transforms
// (standardize, pca, minmax, autoencoder) are fitted on the training split
// as it is at that point, and applied to both.
type DataSpec struct {
	Classes    []int       `json:"classes,omitempty"`
	Transforms []Transform `json:"transforms,omitempty"`
}

// Transform is one step of a data pipeline. Kind selects it and the other
// fields hold its argument:
//
//	pad: N               N zero pixels on every side (torchvision Pad)
//	pad_to: S or [H, W]  zero padding up to H×W, evenly (no-op when already that size)
//	scale: F             multiply every value (1/255 is ToTensor)
//	normalize: {mean: M, std: S}  per channel or one value for all (torchvision Normalize)
//	standardize: true    normalize with the training split's per-channel mean and std
//	resize: [H, W]       bilinear, as PyTorch's interpolate
//	flatten: true        samples to feature vectors
//	reshape: [dims]      samples to this shape
//	pca: K               the first K principal components of the training split
//	minmax: [lo, hi]     per-feature affine map of the training split onto [lo, hi]
//	autoencoder: {...}   an MLP autoencoder trained on the training split; samples become its latent codes
type Transform struct {
	Kind        string           `json:"kind"`
	N           int              `json:"n,omitempty"`
	Size        [2]int           `json:"size,omitzero"`
	Shape       []int            `json:"shape,omitempty"`
	Value       float64          `json:"value,omitempty"`
	Mean        []float64        `json:"mean,omitempty"`
	Std         []float64        `json:"std,omitempty"`
	Range       [2]float64       `json:"range,omitzero"`
	Autoencoder *AutoencoderSpec `json:"autoencoder,omitempty"`
}

// AutoencoderSpec configures the autoencoder transform: an MLP encoder
// F → Hidden… → Latent (ReLU after each hidden layer, the latent linear)
// and its mirror decoder, trained with Adam on the mean squared
// reconstruction error of the (flat) training samples. Its initialisation
// and shuffling come from Seed, not from the run's seed, so that every run
// of an experiment shares one fitted pipeline.
type AutoencoderSpec struct {
	Hidden    []int   `json:"hidden"`
	Latent    int     `json:"latent"`
	Epochs    int     `json:"epochs"`
	LR        float64 `json:"lr"`
	BatchSize int     `json:"batch_size"`
	Seed      uint64  `json:"seed"`
}

// transformKinds lists the data-pipeline steps.
func transformKinds() []string {
	return []string{"pad", "pad_to", "scale", "normalize", "standardize", "resize", "flatten", "reshape", "pca", "minmax", "autoencoder"}
}

// decodeData decodes a data section: {classes: [...], transforms: [...]}.
func (d *decoder) decodeData(n *yaml.Node, path string) DataSpec {
	var ds DataSpec
	o := d.object(n, path)
	if o == nil {
		return ds
	}
	if v, ok := o.lookup("classes"); ok {
		ds.Classes = d.ints(v, o.sub("classes"), false)
		for i, c := range ds.Classes {
			if d.err == nil && (c < 0 || slices.Contains(ds.Classes[:i], c)) {
				d.fail(v, o.sub("classes"), "class %d is negative or repeated", c)
			}
		}
	}
	if v, ok := o.lookup("transforms"); ok {
		for i, it := range d.list(v, o.sub("transforms")) {
			ds.Transforms = append(ds.Transforms, d.decodeTransform(it, fmt.Sprintf("%s.transforms[%d]", path, i)))
		}
	}
	o.finish("classes", "transforms")
	return ds
}

// decodeTransform decodes one single-key mapping such as {pad: 2}.
func (d *decoder) decodeTransform(n *yaml.Node, path string) Transform {
	o := d.object(n, path)
	if o == nil {
		return Transform{}
	}
	if len(o.keys) != 1 {
		d.fail(n, path, "want one transform per list item, e.g. {pad: 2} (kinds: %s)", strings.Join(transformKinds(), ", "))
		return Transform{}
	}
	t := Transform{Kind: o.keys[0]}
	v := o.vals[0]
	p := o.sub(t.Kind)
	o.used[0] = true
	positive := func(x int) {
		if d.err == nil && x < 1 {
			d.fail(v, p, "want a positive integer, got %d", x)
		}
	}
	switch t.Kind {
	case "pad":
		t.N = d.integer(v, p)
		positive(t.N + 1)
	case "pad_to", "resize":
		t.Size = d.pair(v, p)
	case "scale":
		t.Value = d.number(v, p)
	case "normalize":
		no := d.object(v, p)
		if mv, ok := no.required("mean"); ok {
			t.Mean = d.numbers(mv, no.sub("mean"))
		}
		if sv, ok := no.required("std"); ok {
			t.Std = d.numbers(sv, no.sub("std"))
			for _, s := range t.Std {
				if d.err == nil && s <= 0 {
					d.fail(sv, no.sub("std"), "want positive standard deviations")
				}
			}
		}
		no.finish("mean", "std")
		if d.err == nil && len(t.Mean) != len(t.Std) {
			d.fail(v, p, "mean has %d values and std %d", len(t.Mean), len(t.Std))
		}
	case "standardize", "flatten":
		if !d.boolean(v, p) && d.err == nil {
			d.fail(v, p, "write %s: true, or leave the step out", t.Kind)
		}
	case "reshape":
		t.Shape = d.ints(v, p, false)
	case "pca":
		t.N = d.integer(v, p)
		positive(t.N)
	case "minmax":
		r := d.numbers(v, p)
		if d.err == nil && (len(r) != 2 || r[0] >= r[1]) {
			d.fail(v, p, "want [lo, hi] with lo < hi")
			break
		}
		if d.err == nil {
			t.Range = [2]float64{r[0], r[1]}
		}
	case "autoencoder":
		t.Autoencoder = d.decodeAutoencoder(v, p)
	default:
		d.fail(o.node.Content[0], p, "unknown transform (want one of: %s)", strings.Join(transformKinds(), ", "))
	}
	return t
}

func (d *decoder) decodeAutoencoder(n *yaml.Node, path string) *AutoencoderSpec {
	ae := &AutoencoderSpec{Hidden: []int{256}, Latent: 64, Epochs: 5, LR: 1e-3, BatchSize: 128}
	o := d.object(n, path)
	if o == nil {
		return nil
	}
	if v, ok := o.lookup("hidden"); ok {
		ae.Hidden = d.ints(v, o.sub("hidden"), true)
	}
	for _, f := range []struct {
		key string
		dst *int
	}{{"latent", &ae.Latent}, {"epochs", &ae.Epochs}, {"batch_size", &ae.BatchSize}} {
		if v, ok := o.lookup(f.key); ok {
			*f.dst = d.integer(v, o.sub(f.key))
			if d.err == nil && *f.dst < 1 {
				d.fail(v, o.sub(f.key), "want a positive integer")
			}
		}
	}
	if v, ok := o.lookup("lr"); ok {
		ae.LR = d.number(v, o.sub("lr"))
	}
	if v, ok := o.lookup("seed"); ok {
		ae.Seed = d.uint64v(v, o.sub("seed"))
	}
	o.finish("hidden", "latent", "epochs", "lr", "batch_size", "seed")
	return ae
}

// DatasetSpec names a data set of an experiment and where to find it.
type DatasetSpec struct {
	// Name is mnist, fashion-mnist, cifar10, or any name for a CSV table.
	Name string `json:"name"`
	// Dir holds the data set's files (fashion-mnist and cifar10 need it;
	// mnist is built in unless Dir is set).
	Dir string `json:"dir,omitempty"`
	// Download fetches the official files into Dir first (verified).
	Download bool `json:"download,omitempty"`
	// CSV and TestCSV are a table's training and test files; without
	// TestCSV, a random fifth of CSV (seed 0) is the test split.
	CSV     string `json:"csv,omitempty"`
	TestCSV string `json:"test_csv,omitempty"`
}

// builtinDatasets are the names with a loader of their own.
func builtinDatasets() []string { return []string{"mnist", "fashion-mnist", "cifar10"} }

// loadRaw loads the training and test splits of ds.
func loadRaw(ctx context.Context, ds DatasetSpec) (trainSet, testSet *dataset.Set, err error) {
	if ds.Download {
		var src dataset.Source
		switch ds.Name {
		case "mnist":
			src = dataset.MNISTSource()
		case "fashion-mnist":
			src = dataset.FashionMNISTSource()
		case "cifar10":
			src = dataset.CIFAR10Source()
		default:
			return nil, nil, fmt.Errorf("dataset %s: nothing to download (only %s)", ds.Name, strings.Join(builtinDatasets(), ", "))
		}
		if ds.Dir == "" {
			return nil, nil, fmt.Errorf("dataset %s: download needs a directory", ds.Name)
		}
		if err := dataset.Download(ctx, src, ds.Dir, dataset.DownloadOptions{}); err != nil {
			return nil, nil, fmt.Errorf("dataset %s: %w", ds.Name, err)
		}
	}
	load := func(f func(dataset.Split) (*dataset.Set, error)) (*dataset.Set, *dataset.Set, error) {
		tr, err := f(dataset.Train)
		if err != nil {
			return nil, nil, err
		}
		te, err := f(dataset.Test)
		return tr, te, err
	}
	switch {
	case ds.CSV != "":
		tr, err := dataset.LoadCSV(ds.CSV, dataset.CSVOptions{})
		if err != nil {
			return nil, nil, err
		}
		if ds.TestCSV == "" {
			te, rest := dataset.RandomSplit(tr, tr.Len()/5, 0)
			return rest, te, nil
		}
		te, err := dataset.LoadCSV(ds.TestCSV, dataset.CSVOptions{})
		return tr, te, err
	case ds.Name == "mnist" && ds.Dir == "":
		return load(dataset.MNIST)
	case ds.Name == "mnist":
		return load(func(p dataset.Split) (*dataset.Set, error) { return dataset.LoadMNIST(ds.Dir, p) })
	case ds.Name == "fashion-mnist" || ds.Name == "cifar10":
		if ds.Dir == "" {
			return nil, nil, fmt.Errorf("dataset %s needs a data directory (--data-dir; --download fetches it)", ds.Name)
		}
		if ds.Name == "cifar10" {
			return load(func(p dataset.Split) (*dataset.Set, error) { return dataset.LoadCIFAR10(ds.Dir, p) })
		}
		return load(func(p dataset.Split) (*dataset.Set, error) { return dataset.LoadFashionMNIST(ds.Dir, p) })
	}
	return nil, nil, fmt.Errorf("dataset %q: unknown (want %s, or a csv table)", ds.Name, strings.Join(builtinDatasets(), ", "))
}

// Data is a prepared pair of splits.
type Data struct {
	Train, Test *dataset.Set
}

// PrepareData loads ds and prepares it with PrepareSets.
func PrepareData(ctx context.Context, ds DatasetSpec, spec DataSpec, trainSize, testSize int) (*Data, error) {
	tr, te, err := loadRaw(ctx, ds)
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	d, err := PrepareSets(ctx, tr, te, spec, trainSize, testSize)
	if err != nil {
		return nil, fmt.Errorf("experiment: dataset %s: %w", ds.Name, err)
	}
	return d, nil
}

// PrepareSets keeps the classes of spec in the raw splits tr and te, draws
// the subsets (trainSize and testSize samples when positive and smaller
// than the splits: fixed random subsets, seeds 1 and 2, the same for every
// run) and applies the transforms of spec, fitting them on the training
// split.
func PrepareSets(ctx context.Context, tr, te *dataset.Set, spec DataSpec, trainSize, testSize int) (*Data, error) {
	if len(spec.Classes) > 0 {
		for _, c := range spec.Classes {
			if c >= len(tr.Classes) {
				return nil, fmt.Errorf("%d classes; class %d does not exist", len(tr.Classes), c)
			}
		}
		tr, te = dataset.FilterClasses(tr, spec.Classes), dataset.FilterClasses(te, spec.Classes)
	}
	if trainSize > 0 && trainSize < tr.Len() {
		tr, _ = dataset.RandomSplit(tr, trainSize, 1)
	}
	if testSize > 0 && testSize < te.Len() {
		te, _ = dataset.RandomSplit(te, testSize, 2)
	}
	var err error
	for i, t := range spec.Transforms {
		if tr, te, err = t.apply(ctx, tr, te); err != nil {
			return nil, fmt.Errorf("transform %d (%s): %w", i+1, t.Kind, err)
		}
	}
	return &Data{Train: tr, Test: te}, nil
}

// apply applies the transform to both splits, fitting it on tr.
func (t Transform) apply(ctx context.Context, tr, te *dataset.Set) (*dataset.Set, *dataset.Set, error) {
	both := func(f func(*dataset.Set) *dataset.Set) (*dataset.Set, *dataset.Set, error) { return f(tr), f(te), nil }
	shape := tr.SampleShape()
	image := func() error {
		if len(shape) != 3 {
			return fmt.Errorf("samples of shape %v, want images [C, H, W]", shape)
		}
		return nil
	}
	switch t.Kind {
	case "pad":
		if err := image(); err != nil {
			return nil, nil, err
		}
		return both(func(s *dataset.Set) *dataset.Set { return dataset.Pad(s, t.N) })
	case "pad_to":
		if err := image(); err != nil {
			return nil, nil, err
		}
		dh, dw := t.Size[0]-shape[1], t.Size[1]-shape[2]
		if dh < 0 || dw < 0 || dh%2 != 0 || dh != dw {
			return nil, nil, fmt.Errorf("cannot pad %v evenly to %v", shape[1:], t.Size)
		}
		if dh == 0 {
			return tr, te, nil
		}
		return both(func(s *dataset.Set) *dataset.Set { return dataset.Pad(s, dh/2) })
	case "scale":
		return both(func(s *dataset.Set) *dataset.Set { return dataset.Scale(s, t.Value) })
	case "normalize":
		if c := shape[0]; len(t.Mean) != 1 && len(t.Mean) != c {
			return nil, nil, fmt.Errorf("%d means for %d channels", len(t.Mean), c)
		}
		return both(func(s *dataset.Set) *dataset.Set { return dataset.Normalize(s, t.Mean, t.Std) })
	case "standardize":
		mean, std := dataset.MeanStd(tr)
		for i := range std {
			if std[i] == 0 {
				std[i] = 1
			}
		}
		return both(func(s *dataset.Set) *dataset.Set { return dataset.Normalize(s, mean, std) })
	case "resize":
		if err := image(); err != nil {
			return nil, nil, err
		}
		return both(func(s *dataset.Set) *dataset.Set { return dataset.Resize(s, t.Size[0], t.Size[1]) })
	case "flatten":
		return both(dataset.Flatten)
	case "reshape":
		if numel(t.Shape) != numel(shape) {
			return nil, nil, fmt.Errorf("shape %v for samples of shape %v", t.Shape, shape)
		}
		return both(func(s *dataset.Set) *dataset.Set { return dataset.Reshape(s, t.Shape...) })
	case "pca":
		p, err := dataset.FitPCA(tr, t.N)
		if err != nil {
			return nil, nil, err
		}
		return both(p.Transform)
	case "minmax":
		m := dataset.FitMinMax(tr, t.Range[0], t.Range[1])
		return both(m.Apply)
	case "autoencoder":
		if len(shape) != 1 {
			return nil, nil, fmt.Errorf("samples of shape %v: put flatten before the autoencoder", shape)
		}
		enc, _, err := fitAutoencoder(ctx, tr, *t.Autoencoder)
		if err != nil {
			return nil, nil, err
		}
		return encode(enc, tr), encode(enc, te), nil
	}
	return nil, nil, fmt.Errorf("unknown transform %q", t.Kind)
}

// fitAutoencoder trains the autoencoder of spec on tr and returns its
// encoder and the training loss of every epoch.
func fitAutoencoder(ctx context.Context, tr *dataset.Set, spec AutoencoderSpec) (nn.Layer, []float64, error) {
	f := tr.SampleShape()[0]
	seed := spec.Seed
	rng := newStream(seed, 0)
	enc, dec := nn.NewSequential(), nn.NewSequential()
	widths := append(append([]int{f}, spec.Hidden...), spec.Latent)
	for i := 0; i+1 < len(widths); i++ {
		enc.Append(nn.NewLinear(rng, widths[i], widths[i+1], true))
		if i+2 < len(widths) {
			enc.Append(nn.NewReLU())
		}
	}
	for i := len(widths) - 1; i > 0; i-- {
		dec.Append(nn.NewLinear(rng, widths[i], widths[i-1], true))
		if i > 1 {
			dec.Append(nn.NewReLU())
		}
	}
	ae := nn.NewSequential(enc, dec)
	opt, err := optim.NewAdam(nn.Params(ae), optim.AdamOptions{LR: spec.LR})
	if err != nil {
		return nil, nil, fmt.Errorf("autoencoder: %w", err)
	}
	loop, err := train.New(train.Config{
		Model: ae, Optimizer: opt, Epochs: spec.Epochs,
		Train: &dataset.Loader{Set: tr, BatchSize: spec.BatchSize, Shuffle: true, Seed: seed},
		Loss: func(out *autograd.Var, b dataset.Batch) *autograd.Var {
			return autograd.MSELoss(out, autograd.Const(b.X))
		},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("autoencoder: %w", err)
	}
	res, err := loop.Run(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("autoencoder: %w", err)
	}
	var losses []float64
	for _, m := range res.History {
		l, _ := m.Get(train.TrainLoss)
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return nil, nil, fmt.Errorf("autoencoder: training diverged")
		}
		losses = append(losses, l)
	}
	return enc, losses, nil
}

// encode returns s mapped through the encoder, in batches.
func encode(enc nn.Layer, s *dataset.Set) *dataset.Set {
	nn.SetTraining(enc, false)
	var parts []*tensor.Dense
	const chunk = 1000
	for i := 0; i < s.Len(); i += chunk {
		n := min(chunk, s.Len()-i)
		x := s.X.Narrow(0, i, n).Contiguous()
		parts = append(parts, enc.Forward(autograd.NoGrad(x)).Value())
	}
	var x *tensor.Dense
	if len(parts) == 1 {
		x = parts[0]
	} else {
		x = tensor.Concat(0, parts...)
	}
	return &dataset.Set{X: x.Contiguous(), Y: slices.Clone(s.Y), Classes: slices.Clone(s.Classes), Name: s.Name}
}

// Label returns the data set's label in run ids and records: its name,
// with the subset sizes when the splits are cut ("mnist[train=2000,test=1000]").
func (ds DatasetSpec) Label(trainSize, testSize int) string {
	name := ds.Name
	if ds.CSV != "" && name == "" {
		name = strings.TrimSuffix(filepath.Base(ds.CSV), filepath.Ext(ds.CSV))
	}
	var parts []string
	if trainSize > 0 {
		parts = append(parts, fmt.Sprintf("train=%d", trainSize))
	}
	if testSize > 0 {
		parts = append(parts, fmt.Sprintf("test=%d", testSize))
	}
	if len(parts) == 0 {
		return name
	}
	return name + "[" + strings.Join(parts, ",") + "]"
}

// cacheKey identifies a prepared data set: equal keys give equal data.
func cacheKey(ds DatasetSpec, spec DataSpec, trainSize, testSize int) string {
	b, _ := json.Marshal(struct {
		D           DatasetSpec
		S           DataSpec
		Train, Test int
	}{ds, spec, trainSize, testSize})
	return string(b)
}
