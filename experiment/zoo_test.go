package experiment

import (
	"context"
	"testing"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/optim"
	"github.com/quanta-qml/quanta/train"
)

// mnistHead returns the first n training and test images of the built-in
// MNIST.
func mnistHead(t *testing.T, n int) (tr, te *dataset.Set) {
	t.Helper()
	a, err := dataset.MNIST(dataset.Train)
	if err != nil {
		t.Fatal(err)
	}
	b, err := dataset.MNIST(dataset.Test)
	if err != nil {
		t.Fatal(err)
	}
	return dataset.Head(a, n), dataset.Head(b, n)
}

// TestZooTrains builds every configuration of every built-in model on
// real MNIST images through the model's own data pipeline and takes a few
// Adam steps (learning rate 5e-4, the creep paper's) on one fixed batch:
// the loss on that batch must go down.
func TestZooTrains(t *testing.T) {
	t.Parallel()
	rawTr, rawTe := mnistHead(t, 3000)
	for _, name := range Zoo() {
		spec, err := ZooSpec(name)
		if err != nil {
			t.Fatal(err)
		}
		data, err := PrepareSets(context.Background(), rawTr, rawTe, spec.Data, 200, 50)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		batch := data.Train.Subset([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
		for _, c := range spec.LevelConfigs() {
			m, err := spec.Build(c, data.Train.SampleShape(), 11, BuildOptions{})
			if err != nil {
				t.Fatalf("%s/%s: %v", name, c.Name, err)
			}
			if err := m.Fit(data.Train.X); err != nil {
				t.Fatal(err)
			}
			train.DropoutRNGs(m.Layer, 11)
			opt, err := optim.NewAdam(nn.Params(m.Layer), optim.AdamOptions{LR: 5e-4})
			if err != nil {
				t.Fatal(err)
			}
			// The loss in training mode (batch statistics, seeded dropout
			// masks) on the same batch, before the first step and after
			// the last.
			first := 0.0
			for step := range 6 {
				opt.ZeroGrad()
				l := autograd.CrossEntropy(m.Layer.Forward(autograd.Const(batch.X)), batch.Y, 0)
				if step == 0 {
					first = l.Item()
				}
				l.Backward()
				opt.Step()
			}
			last := autograd.CrossEntropy(m.Layer.Forward(autograd.Const(batch.X)), batch.Y, 0).Item()
			if !(last < first) {
				t.Errorf("%s/%s: training loss %.4f after 6 steps, %.4f before", name, c.Name, last, first)
			}
		}
	}
}
