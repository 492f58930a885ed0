package nn

import (
	"github.com/quanta-qml/quanta/autograd"
)

// The losses mirror PyTorch's loss modules with reduction="mean". They
// hold only settings, so their zero values are PyTorch's defaults, and
// each returns a 0-d Var to call Backward on.

// CrossEntropyLoss is torch.nn.CrossEntropyLoss: the mean over samples of
// −(1−ε)·log_softmax(logits)[target] − (ε/C)·Σ_c log_softmax(logits)[c]
// with ε = LabelSmoothing (0 is plain cross-entropy).
type CrossEntropyLoss struct {
	LabelSmoothing float64
}

// Forward returns the loss of logits [N, C] against class indices
// targets (N values in [0, C)).
func (l CrossEntropyLoss) Forward(logits *autograd.Var, targets []int) *autograd.Var {
	return autograd.CrossEntropy(logits, targets, l.LabelSmoothing)
}

// NLLLoss is torch.nn.NLLLoss: −mean_i logp[i, target[i]] for
// log-probabilities (the output of LogSoftmax).
type NLLLoss struct{}

// Forward returns the loss of logp [N, C] against class indices targets.
func (NLLLoss) Forward(logp *autograd.Var, targets []int) *autograd.Var {
	return autograd.NLLLoss(logp, targets)
}

// MSELoss is torch.nn.MSELoss: mean((pred − target)²).
type MSELoss struct{}

// Forward returns the mean squared error; pred and target have the same
// shape.
func (MSELoss) Forward(pred, target *autograd.Var) *autograd.Var {
	return autograd.MSELoss(pred, target)
}

// BCEWithLogitsLoss is torch.nn.BCEWithLogitsLoss: the mean binary
// cross-entropy of sigmoid(logits) against targets in [0, 1], computed
// stably from the logits.
type BCEWithLogitsLoss struct{}

// Forward returns the loss; logits and targets have the same shape.
func (BCEWithLogitsLoss) Forward(logits, targets *autograd.Var) *autograd.Var {
	return autograd.BCEWithLogitsLoss(logits, targets)
}
