package train

import (
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
)

// Names of the metrics the loop and the built-in hooks record.
const (
	TrainLoss    = "train_loss"    // mean loss over the epoch's training samples
	TrainAcc     = "train_acc"     // fraction of training samples classified right
	EvalLoss     = "val_loss"      // mean loss on the evaluation set (Eval hook)
	EvalAcc      = "val_acc"       // accuracy on the evaluation set (Eval hook)
	EpochSeconds = "epoch_seconds" // wall time of the epoch's training steps
)

// Metrics are the named values recorded for one epoch, in the order they
// were first set. The loop records TrainLoss, TrainAcc (for classifiers)
// and EpochSeconds; hooks add their own (the Eval hook adds EvalLoss and
// EvalAcc) with Set.
type Metrics struct {
	Epoch  int // 0-based epoch the values belong to
	names  []string
	values []float64
}

// Set records v under name, replacing an earlier value of that name.
func (m *Metrics) Set(name string, v float64) {
	if i := slices.Index(m.names, name); i >= 0 {
		m.values[i] = v
		return
	}
	m.names = append(m.names, name)
	m.values = append(m.values, v)
}

// Get returns the value recorded under name.
func (m *Metrics) Get(name string) (float64, bool) {
	if i := slices.Index(m.names, name); i >= 0 {
		return m.values[i], true
	}
	return 0, false
}

// Len returns the number of recorded values.
func (m *Metrics) Len() int { return len(m.names) }

// All yields the recorded names and values in recording order.
func (m *Metrics) All() iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		for i, n := range m.names {
			if !yield(n, m.values[i]) {
				return
			}
		}
	}
}

// String formats the metrics as "name=value" pairs in recording order,
// with four significant digits.
func (m *Metrics) String() string {
	var b strings.Builder
	for i, n := range m.names {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%.4g", n, m.values[i])
	}
	return b.String()
}

// clone returns an independent copy of m.
func (m *Metrics) clone() *Metrics {
	return &Metrics{Epoch: m.Epoch, names: slices.Clone(m.names), values: slices.Clone(m.values)}
}

// historyJSON is the checkpoint form of one epoch's metrics: values as
// strings of the shortest decimal that round-trips (so NaN and ±Inf
// survive JSON).
type historyJSON struct {
	Epoch   int         `json:"epoch"`
	Metrics [][2]string `json:"metrics"`
}

// encodeHistory returns the JSON form of a metrics history.
func encodeHistory(h []*Metrics) string {
	out := make([]historyJSON, len(h))
	for i, m := range h {
		out[i].Epoch = m.Epoch
		out[i].Metrics = make([][2]string, len(m.names))
		for j, n := range m.names {
			out[i].Metrics[j] = [2]string{n, strconv.FormatFloat(m.values[j], 'g', -1, 64)}
		}
	}
	b, _ := json.Marshal(out) // strings and ints always marshal
	return string(b)
}

// decodeHistory parses the JSON form of a metrics history.
func decodeHistory(s string) ([]*Metrics, error) {
	var in []historyJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, err
	}
	out := make([]*Metrics, len(in))
	for i, e := range in {
		if e.Epoch != i {
			return nil, fmt.Errorf("entry %d is for epoch %d", i, e.Epoch)
		}
		m := &Metrics{Epoch: e.Epoch}
		for _, kv := range e.Metrics {
			v, err := strconv.ParseFloat(kv[1], 64)
			if err != nil {
				return nil, fmt.Errorf("epoch %d, metric %q: %w", e.Epoch, kv[0], err)
			}
			m.Set(kv[0], v)
		}
		out[i] = m
	}
	return out, nil
}
