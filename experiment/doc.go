// Package experiment runs the creep experiments: model specs, the registry
// of models by name, the runner over configurations × seeds × datasets, and
// the results, one JSON line per epoch and per finished run.
package experiment
