// Package train runs the training loop of any nn model (classical,
// quantum or hybrid): epochs × batches with ordered, named hooks,
// metrics, evaluation, early stopping, a NaN/Inf guard, progress bars,
// logging, and checkpoints in the safetensors format from which a killed
// run resumes with bit-identical results.
//
// # Overview
//
// A Config names the model (an nn.Layer: quantum layers are ordinary
// modules), the optimiser (and optionally a scheduler), the loss, the
// training loader and the number of epochs. New checks it and Run trains:
//
//	loop, err := train.New(train.Config{Model: m, Optimizer: opt, Train: loader, Epochs: 5,
//		Hooks: []train.Hook{train.NewEval(test), train.NewCheckpointer(path, 100), train.NewProgress(os.Stderr)}})
//	if _, err := loop.Resume(path); err != nil { … } // continue a killed run, if any
//	res, err := loop.Run(ctx)
//
// Each step zeroes the gradients, runs the model on the batch, computes
// the loss, calls Backward, fires EventBatch (the Guard checks the loss and
// the gradient norm there, before the weights change), optionally clips
// the gradients, steps the optimiser (and a per-batch scheduler), adds the
// batch to the epoch's running loss and accuracy and fires EventStep. At
// an epoch's end a per-epoch scheduler steps, the epoch's Metrics
// (TrainLoss, TrainAcc, EpochSeconds) join the history and EventEpoch
// fires (Eval adds EvalLoss and EvalAcc). EventBegin and EventEnd frame
// the run.
//
// # Hooks
//
// A Hook has a name and an order; hooks run in ascending order at every
// event. The built-ins and their orders: Guard (100), Eval (200),
// EarlyStopping (300), Checkpointer (400), Logger (500, log/slog) and
// Progress (600, github.com/schollz/progressbar/v3 on a caller-given
// writer). HookFunc wraps a function. A hook returns ErrStop to end the
// run gracefully and any other error to abort it; a StatefulHook has its
// state saved in checkpoints.
//
// # Checkpoints and resumption
//
// A Checkpoint holds nn.StateDict(model) (parameters and buffers, such as
// BatchNorm's running statistics), the optimiser's and scheduler's State,
// the position (epoch, step within the epoch, global step), the running
// sums of the epoch in progress, the metrics history, the states of the
// stateful hooks and of the model's random sources, and metadata (config
// hash, Go version, BLAS backend, worker count, Config.Metadata).
// Shuffling needs no saved state: the loader's order of epoch e is a pure
// function of (seed, e), and the loop restarts at the saved batch.
// Dropout is the random state that must be saved: its masks come from the
// layer's *rand.Rand, whose source cannot be read back, so the caller
// registers the sources themselves (Config.RNGs; DropoutRNGs installs one
// PCG per dropout layer and lists them). New refuses a model with active
// dropout and no registered source.
//
// Files follow the safetensors format (8-byte little-endian header
// length, JSON header with dtype, shape and data_offsets and an optional
// "__metadata__" string map, then the raw little-endian data), read and
// written by this package (F64, F32, I64, I32, U8). Writes are atomic:
// a temporary file in the same directory, fsync, rename. The reader
// rejects malformed files with a *FormatError naming the byte offset.
//
// With the same seed, data and worker count (GOMAXPROCS; the convolution
// kernels split batch reductions by worker), a run resumed from any
// checkpoint, mid-epoch included, ends with the same weights, bit for bit,
// as an uninterrupted one.
//
// # Conventions
//
// Epochs and steps count from 0 in the API (State, Checkpoint, Metrics)
// and from 1 in messages, logs and the progress bar. Errors from outside
// (files, non-finite numerics, hooks) are returned, wrapped with %w and
// prefixed "train:"; a non-finite loss or gradient norm is a
// *NonFiniteError (wrapping ErrNonFinite) that names the epoch and step.
// Caller mistakes in the model (shape mismatches) panic in the packages
// that detect them. The loop runs on the calling goroutine; parallelism
// lives in the tensor kernels.
package train
