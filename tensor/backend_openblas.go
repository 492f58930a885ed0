//go:build openblas

package tensor

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/netlib/blas/netlib"
)

// The openblas build keeps all parallelism on the Go side (internal/parfor):
// OpenBLAS is pinned to one thread when the package loads, large products
// are split into row or column blocks that run as concurrent single-threaded
// calls, and the convolutions run one single-threaded GEMM per sample on
// each core. Letting OpenBLAS's own thread pool run under concurrent calls
// oversubscribes the cores (measured 2–3× slower convolution backward).
func init() { C.openblas_set_num_threads(1) }

// splitGemm tells gemm to split large products over goroutines itself.
const splitGemm = true

// impl returns the BLAS implementation of this build: OpenBLAS through
// gonum's netlib cgo bindings.
func impl() blas.Float64 { return netlib.Implementation{} }

// Backend names the BLAS implementation behind MatMul, Gemm and the
// convolutions: "gonum" (pure Go, the default) or "openblas" (build tag
// openblas).
func Backend() string { return "openblas" }
