// Package dataset loads real data sets in their published formats, turns them
// into labelled in-memory sets, transforms them, and iterates over them in
// deterministic mini-batches.
//
// # Overview
//
// MNIST is built into every binary: MNIST(Train) and MNIST(Test) decode the
// official IDX files embedded with go:embed (see mnist/README.md for their
// provenance, licence and SHA-256 sums, which are checked on every load).
// Other data sets are read from any directory in their standard formats:
//
//   - IDX files, gzip-compressed or not: ReadIDX, LoadIDX, and the MNIST and
//     Fashion-MNIST file layouts, LoadMNIST and LoadFashionMNIST;
//   - CIFAR-10 binary batches (cifar-10-batches-bin): LoadCIFAR10;
//   - CSV tables of features and an integer label, with an optional
//     "n,F,class names…" header: LoadCSV.
//
// Download fetches MNIST, Fashion-MNIST or CIFAR-10 from their official
// locations, verifies them (SHA-256, or the published MD5 where that is all
// there is), resumes interrupted transfers and completes files atomically.
//
// # Conventions
//
//   - A Set holds X as a tensor.Dense with the samples along axis 0: images
//     are [N, C, H, W] (channels first, as PyTorch), tables [N, F]. Y holds
//     integer labels indexing Classes.
//   - Loaders keep raw values: pixels are the bytes 0–255 as float64. Scale
//     and Normalize reproduce torchvision's ToTensor and Normalize.
//   - Transforms (Pad, Scale, Normalize, Resize, Flatten, Reshape,
//     FilterClasses, MinMax, PCA) never modify their input; each returns a
//     new Set. Statistics (MeanStd, FitMinMax, FitPCA) are fitted on a
//     training set and applied to every split.
//   - Randomness comes only from explicit uint64 seeds: Perm(n, seed, stream)
//     is a pure function, and a Loader's permutation of epoch e is
//     Perm(N, seed, e), so a resumed run sees the same batches, and
//     Loader.Epoch can start an epoch at any batch. There is no global random
//     state.
//   - Batches are iter.Seq2[Batch, error]. The iterator owns the batch
//     buffers and reuses them: a Batch is valid only until the loop body
//     returns.
//   - Input from outside (files, network) that is malformed returns an error
//     naming the file and the byte offset or line (*FormatError); checksum
//     failures wrap ErrChecksum. Caller mistakes (a transform applied to the
//     wrong shape, an index out of range) panic with a message prefixed
//     "dataset:".
//   - Parallel loops go through internal/parfor; results do not depend on the
//     number of workers.
package dataset
