package nn

import (
	"strconv"

	"github.com/quanta-qml/quanta/autograd"
)

// Sequential is torch.nn.Sequential: layers applied in order, registered
// as children "0", "1", … so that their parameters are named "0.weight",
// "1.bias" and so on.
type Sequential struct {
	Base
	layers []Layer
}

// NewSequential returns a Sequential of the given layers.
func NewSequential(layers ...Layer) *Sequential {
	s := &Sequential{}
	for _, l := range layers {
		s.Append(l)
	}
	return s
}

// Append adds l as the next layer, named by its position.
func (s *Sequential) Append(l Layer) {
	s.RegisterModule(strconv.Itoa(len(s.layers)), l)
	s.layers = append(s.layers, l)
}

// Len returns the number of layers.
func (s *Sequential) Len() int { return len(s.layers) }

// At returns layer i.
func (s *Sequential) At(i int) Layer { return s.layers[i] }

// Forward passes x through every layer in order.
func (s *Sequential) Forward(x *autograd.Var) *autograd.Var {
	for _, l := range s.layers {
		x = l.Forward(x)
	}
	return x
}
