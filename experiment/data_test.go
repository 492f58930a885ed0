package experiment

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/dataset"
)

// TestHybridNetPipeline checks the creep pipeline against torchvision's
// steps composed by hand with package dataset: Pad(2), ToTensor,
// Normalize(0.5, 0.5).
func TestHybridNetPipeline(t *testing.T) {
	t.Parallel()
	tr, te := mnistHead(t, 300)
	spec, _ := ZooSpec("hybridnet")
	d, err := PrepareSets(context.Background(), tr, te, spec.Data, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := dataset.Normalize(dataset.Scale(dataset.Pad(tr, 2), 1.0/255), []float64{0.5}, []float64{0.5})
	if !slices.Equal(d.Train.SampleShape(), []int{1, 32, 32}) || !slices.Equal(d.Train.X.Data(), want.X.Data()) {
		t.Fatal("the hybridnet pipeline differs from Pad(2), Scale(1/255), Normalize(0.5, 0.5)")
	}
	if lo, hi := slices.Min(d.Test.X.Data()), slices.Max(d.Test.X.Data()); lo != -1 || hi > 1 {
		t.Fatalf("test values in [%v, %v], want [-1, 1]", lo, hi)
	}
	// pad_to leaves images of the target size alone (CIFAR-10's 32×32).
	rgb := &dataset.Set{X: dataset.Pad(tr, 2).X, Y: tr.Y, Classes: tr.Classes}
	d2, err := PrepareSets(context.Background(), rgb, rgb, DataSpec{Transforms: []Transform{{Kind: "pad_to", Size: [2]int{32, 32}}}}, 0, 0)
	if err != nil || d2.Train != rgb {
		t.Fatalf("pad_to 32 on 32×32 images: %v", err)
	}
}

func TestClassesAndSubsets(t *testing.T) {
	t.Parallel()
	tr, te := mnistHead(t, 1000)
	d, err := PrepareSets(context.Background(), tr, te, DataSpec{Classes: []int{5, 3}}, 50, 20)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 50 || d.Test.Len() != 20 || !slices.Equal(d.Train.Classes, []string{"5", "3"}) {
		t.Fatalf("sizes %d/%d, classes %v", d.Train.Len(), d.Test.Len(), d.Train.Classes)
	}
	for _, y := range append(slices.Clone(d.Train.Y), d.Test.Y...) {
		if y != 0 && y != 1 {
			t.Fatalf("label %d after keeping two classes", y)
		}
	}
	// The subset is a function of the data alone: the same every time.
	d2, _ := PrepareSets(context.Background(), tr, te, DataSpec{Classes: []int{5, 3}}, 50, 20)
	if !slices.Equal(d.Train.X.Data(), d2.Train.X.Data()) {
		t.Fatal("the training subset is not reproducible")
	}
}

func TestFittedTransforms(t *testing.T) {
	t.Parallel()
	tr, te := mnistHead(t, 400)
	spec := DataSpec{Transforms: []Transform{{Kind: "scale", Value: 1.0 / 255}, {Kind: "standardize"}}}
	d, err := PrepareSets(context.Background(), tr, te, spec, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	mean, std := dataset.MeanStd(d.Train)
	if math.Abs(mean[0]) > 1e-9 || math.Abs(std[0]-1) > 1e-9 {
		t.Fatalf("standardized training split: mean %v std %v", mean, std)
	}
	ae := &AutoencoderSpec{Hidden: []int{32}, Latent: 6, Epochs: 4, LR: 3e-3, BatchSize: 50, Seed: 3}
	flat := dataset.Flatten(dataset.Scale(tr, 1.0/255))
	_, losses, err := fitAutoencoder(context.Background(), flat, *ae)
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) != 4 || !(losses[3] < losses[0]) {
		t.Fatalf("reconstruction losses %v do not go down", losses)
	}
	spec = DataSpec{Transforms: []Transform{{Kind: "scale", Value: 1.0 / 255}, {Kind: "flatten"}, {Kind: "autoencoder", Autoencoder: ae},
		{Kind: "pca", N: 3}, {Kind: "minmax", Range: [2]float64{0, math.Pi}}}}
	d, err = PrepareSets(context.Background(), tr, te, spec, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Test.SampleShape(), []int{3}) {
		t.Fatalf("shape %v after pca 3", d.Test.SampleShape())
	}
	if lo, hi := slices.Min(d.Train.X.Data()), slices.Max(d.Train.X.Data()); math.Abs(lo) > 1e-12 || math.Abs(hi-math.Pi) > 1e-12 {
		t.Fatalf("minmax of the training split spans [%v, %v]", lo, hi)
	}
	for _, bad := range []struct {
		spec DataSpec
		want string
	}{
		{DataSpec{Transforms: []Transform{{Kind: "pad_to", Size: [2]int{31, 31}}}}, "cannot pad [28 28] evenly to [31 31]"},
		{DataSpec{Transforms: []Transform{{Kind: "autoencoder", Autoencoder: ae}}}, "put flatten before the autoencoder"},
		{DataSpec{Classes: []int{12}}, "class 12 does not exist"},
	} {
		if _, err := PrepareSets(context.Background(), tr, te, bad.spec, 0, 0); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: error %v, want %q", bad.spec, err, bad.want)
		}
	}
}
