package experiment

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Record kinds: one "epoch" line after every finished epoch of a run and one
// "run" line when the run is finished.
const (
	KindEpoch = "epoch"
	KindRun   = "run"
)

// Record is one line of a results file (JSON Lines). Epoch records carry the
// metrics of that epoch; the run record repeats the final epoch's metrics and
// closes the run.
type Record struct {
	Kind string `json:"kind"`
	// Run identifies the run uniquely within a sweep:
	// "<model>/<config>/<dataset>/seed=<seed>".
	Run string `json:"run"`
	// Model is the model family (e.g. "hybridnet"), Config the configuration
	// within it (e.g. "L0", "L2", or "A=quanv B=conv C=linear").
	Model  string `json:"model"`
	Config string `json:"config"`
	// Classical marks the classical baseline that quantum configurations of
	// the same model are compared with.
	Classical bool   `json:"classical"`
	Dataset   string `json:"dataset"`
	Seed      uint64 `json:"seed"`
	// Epoch is 1-based; Epochs is the number planned for the run.
	Epoch  int `json:"epoch"`
	Epochs int `json:"epochs"`

	TrainLoss float64 `json:"train_loss"`
	TrainAcc  float64 `json:"train_acc"`
	TestLoss  float64 `json:"test_loss"`
	TestAcc   float64 `json:"test_acc"`

	Params ParamCount `json:"params"`
	// EpochSeconds is the wall time of this epoch (training and evaluation);
	// WallSeconds the run's total so far.
	EpochSeconds float64 `json:"epoch_seconds"`
	WallSeconds  float64 `json:"wall_seconds"`

	Provenance Provenance `json:"provenance"`
	// Time is when the record was written, RFC 3339 in UTC.
	Time string `json:"time"`
}

// ParamCount counts a model's parameters by kind. Quantum counts circuit
// parameters; a complex parameter, which only the non-unitary
// compatibility mode creates, counts once there (the papers' convention),
// and its imaginary part is counted separately in QuantumImag (so the
// number of real values an optimiser updates is Total + QuantumImag).
// Total is Classical + Quantum.
type ParamCount struct {
	Classical   int `json:"classical"`
	Quantum     int `json:"quantum"`
	QuantumImag int `json:"quantum_imag,omitempty"`
	Total       int `json:"total"`
}

// Provenance says which build, on which machine, produced a record.
type Provenance struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	CPU       string `json:"cpu"`
	Threads   int    `json:"threads"`
}

// ReadRecords reads a JSON Lines results stream. Blank lines are skipped;
// any malformed line is an error that names its line number. name is used
// in error messages (typically the file name).
func ReadRecords(r io.Reader, name string) ([]Record, error) {
	var out []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		var rec Record
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if rec.Kind != KindEpoch && rec.Kind != KindRun {
			return nil, fmt.Errorf("%s:%d: unknown record kind %q", name, line, rec.Kind)
		}
		if rec.Run == "" {
			return nil, fmt.Errorf("%s:%d: record without a run id", name, line)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: line %d: %w", name, line+1, err)
	}
	return out, nil
}
