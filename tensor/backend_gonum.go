//go:build !openblas

package tensor

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// splitGemm is false: gonum's Dgemm already splits large products over
// goroutines.
const splitGemm = false

// impl returns the BLAS implementation of this build: gonum's pure-Go code.
func impl() blas.Float64 { return gonum.Implementation{} }

// Backend names the BLAS implementation behind MatMul, Gemm and the
// convolutions: "gonum" (pure Go, the default) or "openblas" (build tag
// openblas).
func Backend() string { return "gonum" }
