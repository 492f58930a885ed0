// Package quanta is the root of the quanta module: hybrid quantum-classical
// neural networks in Go.
//
// # Overview
//
// The module is split into layers with a fixed dependency direction, checked
// by layering_test.go:
//
//	Q quantum core:  cmat → pauli → gate → circuit → ansatz; statevec; sim
//	M ML core:       tensor → autograd → nn, optim; dataset; train
//	B bridge:        qnn (Q + M)
//	A application:   experiment, report, cluster, cmd/quanta
//	I internal:      internal/parfor, internal/bitidx, internal/numtest
//
// The quantum core never imports the ML core and the ML core never imports
// the quantum core; only the bridge and the application see both.
// See docs/architecture.md for the design.
package quanta
