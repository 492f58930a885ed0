// Package mnistsum records where the embedded MNIST files come from and their
// SHA-256 sums.
//
// # Overview
//
// It is shared by package dataset, which verifies the embedded bytes, and by
// the generator dataset/internal/mnistgen, which re-copies the files from the
// pinned Go module and verifies the copies, so the two can never disagree.
// The table is returned by a function, not held in a variable, so it cannot
// be modified.
package mnistsum
