package experiment

import (
	"context"
	"fmt"

	"github.com/quanta-qml/quanta/autograd"
	"github.com/quanta-qml/quanta/dataset"
	"github.com/quanta-qml/quanta/nn"
	"github.com/quanta-qml/quanta/tensor"
	"github.com/quanta-qml/quanta/train"
)

// Evaluation is the model of a checkpoint evaluated on its run's test
// split.
type Evaluation struct {
	Run Run
	// Epoch is the number of finished epochs in the checkpoint and Step
	// the steps done in the next one (0 at an epoch's end).
	Epoch, Step int
	// Loss is the mean cross-entropy and Accuracy the fraction of samples
	// classified right, over N samples.
	Loss, Accuracy float64
	N              int
	// Classes names the classes; Correct[c] of Count[c] samples of class c
	// were classified right.
	Classes        []string
	Correct, Count []int
}

// EvaluateCheckpoint rebuilds the run of a checkpoint written by the
// Runner (its data pipeline, fitted on the training split, and its model
// with the checkpoint's parameters and buffers) and evaluates it on the
// test split.
func EvaluateCheckpoint(ctx context.Context, path string) (*Evaluation, error) {
	c, err := train.ReadCheckpoint(path)
	if err != nil {
		return nil, err
	}
	run, err := RunFromCheckpoint(c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	spec, err := ParseModelSpec(run.ModelFile, []byte(run.ModelSource))
	if err != nil {
		return nil, err
	}
	data, err := PrepareData(ctx, run.Dataset, spec.Data, run.Training.TrainSize, run.Training.TestSize)
	if err != nil {
		return nil, err
	}
	model, err := spec.Build(Configuration{Name: run.Config, Choice: run.Choice}, data.Train.SampleShape(), run.Seed,
		BuildOptions{NonUnitary: run.Training.NonUnitary})
	if err != nil {
		return nil, err
	}
	if err := nn.LoadStateDict(model.Layer, c.Model); err != nil {
		return nil, fmt.Errorf("experiment: %s: %w", path, err)
	}
	ev, err := Evaluate(model.Layer, data.Test, run.Training.EvalBatchSize)
	if err != nil {
		return nil, err
	}
	ev.Run, ev.Epoch, ev.Step = run, c.Epoch, c.Step
	return ev, nil
}

// Evaluate runs a classifier over a set in evaluation mode without
// recording gradients and returns its mean cross-entropy, accuracy and
// per-class accuracy.
func Evaluate(model nn.Layer, s *dataset.Set, batch int) (*Evaluation, error) {
	if batch < 1 {
		batch = 1000
	}
	was := nn.IsTraining(model)
	nn.SetTraining(model, false)
	defer nn.SetTraining(model, was)
	ev := &Evaluation{Classes: s.Classes, Correct: make([]int, len(s.Classes)), Count: make([]int, len(s.Classes))}
	loader := &dataset.Loader{Set: s, BatchSize: batch}
	sum := 0.0
	for b, err := range loader.Epoch(0, 0) {
		if err != nil {
			return nil, fmt.Errorf("experiment: evaluation: %w", err)
		}
		out := model.Forward(autograd.NoGrad(b.X))
		sum += autograd.CrossEntropy(out, b.Y, 0).Item() * float64(len(b.Y))
		pred := tensor.ArgMax(out.Value(), 1)
		for i, y := range b.Y {
			ev.Count[y]++
			if pred[i] == y {
				ev.Correct[y]++
			}
		}
		ev.N += len(b.Y)
	}
	if ev.N == 0 {
		return nil, fmt.Errorf("experiment: evaluation: empty test set")
	}
	correct := 0
	for _, c := range ev.Correct {
		correct += c
	}
	ev.Loss = sum / float64(ev.N)
	ev.Accuracy = float64(correct) / float64(ev.N)
	return ev, nil
}
