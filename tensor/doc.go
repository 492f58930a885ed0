// Package tensor holds real (float64) n-dimensional arrays for the ML core:
// creation, views, NumPy broadcasting, reductions, matrix products through
// BLAS and the im2col convolution kernels.
//
// # Overview
//
// A Dense is a shape, per-axis strides (in elements) and an offset into a
// []float64. Layout conventions:
//
//   - Row-major: the last axis varies fastest. New, FromSlice and every
//     function that returns a fresh result (Add, Sum, MatMul, Copy, …)
//     give contiguous tensors, for which Data returns the row-major storage.
//   - Views share storage and cost no copy: Reshape (of a contiguous
//     tensor), Transpose, T, Permute, Narrow, Slice, Expand, Unsqueeze,
//     Squeeze. Transpose, Permute, Slice and Expand views are in general not
//     contiguous; IsContiguous tells, Contiguous makes a copy only when
//     needed, and Data panics on a non-contiguous view. Writing through a
//     view writes to its source. Expand views (stride 0) are read-only.
//   - A 0-d tensor (shape []) holds one value; summing over all axes
//     returns one.
//   - Negative axes count from the end, as in NumPy and PyTorch.
//
// Element-wise binary operations broadcast like NumPy: shapes align to the
// right and an axis of length 1 repeats. Reductions (Sum, Mean, Max) take
// keepdim like PyTorch. SumTo is the adjoint of broadcasting.
//
// # Matrix products and BLAS
//
// MatMul multiplies over the last two axes and broadcasts leading (batch)
// axes; MatMulNT (a·bᵀ) and MatMulTN (aᵀ·b) read the transposed operand in
// place, and Gemm accumulates into an existing destination. All go through
// gonum's BLAS interface (blas.Float64): gonum's pure-Go implementation by
// default, OpenBLAS through gonum.org/v1/netlib with the build tag
// openblas (cgo; links -lopenblas, about 3–7× faster). Backend reports
// which one is active. Parallelism stays on the Go side in both builds:
// gonum splits large products over goroutines itself; the openblas build
// pins OpenBLAS to one thread when the package loads (process-wide, so
// OPENBLAS_NUM_THREADS has no effect) and splits large products into
// blocks run by internal/parfor, because OpenBLAS's own thread pool
// oversubscribes the cores when called from several goroutines at once.
//
// # Convolutions
//
// Conv2D and Conv2DGrad implement PyTorch's conv2d (NCHW, weight
// [O,C,KH,KW], stride and zero padding per axis) by Im2Col and one GEMM
// per sample, with samples spread over goroutines by internal/parfor.
// Reductions over the batch combine per-chunk results in chunk order, so
// results are reproducible for a given GOMAXPROCS.
//
// # Errors
//
// Caller mistakes (shape mismatch, axis or index out of range) panic with a
// message prefixed "tensor:". Nothing here reads outside input, so there
// are no error returns. Functions that sample take a *rand.Rand; the
// package holds no global state and is safe for concurrent use on distinct
// destinations.
package tensor
