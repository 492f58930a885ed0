// Package nn builds neural networks from autograd operations as
// PyTorch-like modules: layers with named parameters and buffers,
// train/eval mode, PyTorch's default initialisers, losses, and state
// dicts for checkpoints.
//
// # Overview
//
// A Module is any type that embeds Base. Base records, in registration
// order, the module's parameters (RegisterParam, each tagged with a Kind),
// buffers (RegisterBuffer: saved, not trained) and child modules
// (RegisterModule), and its mode. A Layer is a Module with a single-input
// Forward, which Sequential chains. Layers defined in other packages (the
// quantum layers) join by embedding Base, registering their parameters
// with Kind Quantum, and implementing Forward.
//
// Functions walk the tree in a fixed order, PyTorch's: a module's own
// parameters (then buffers), then each child's, recursively, with dotted
// names ("0.weight", "conv1.bias", "bn.running_mean"):
//
//   - NamedParams, Params, NamedBuffers, NamedModules list them;
//   - NumParams and NumTrainable count parameter elements, optionally by
//     Kind (classical versus quantum), for the whole model or, on each
//     entry of NamedModules, per module;
//   - SetTraining switches a module and its descendants between training
//     and evaluation mode (Dropout, BatchNorm and attention dropout read
//     it);
//   - StateDict and LoadStateDict save and restore every parameter and
//     buffer as named float64 tensors, failing with a *StateError that
//     lists missing, unexpected and mis-shaped entries.
//
// # Conventions
//
// Names, shapes, defaults and equations follow PyTorch 1.13: layouts are
// NCHW, weights [out, in], RNN gate orders (i, f, g, o) and (r, z, n),
// batch_first attention. Initialisation follows each PyTorch layer's
// reset_parameters (kaiming_uniform_ with a = √5 for Linear and Conv2d
// weights, U(−1/√fan_in, 1/√fan_in) for their biases, U(−1/√H, 1/√H) for
// RNN cells, xavier_uniform_ for attention's input projection, ones and
// zeros for normalisation layers), drawn from a *rand.Rand passed to the
// constructor; the helpers (Uniform, Normal, XavierUniform, KaimingNormal,
// …) are exported for other layers. Values therefore come from the same
// distributions as in PyTorch, not the same numbers. No function uses
// global random state; Dropout owns the *rand.Rand that draws its masks.
//
// Caller mistakes (bad sizes, wrong input shapes, duplicate member names)
// panic with a message prefixed "nn:" (or "autograd:"/"tensor:" when those
// packages detect them); a state that does not fit a model is an error.
// Modules are not safe for concurrent Forward calls in training mode
// (BatchNorm updates its running statistics, Dropout draws from its
// source); in evaluation mode Forward only reads the module.
package nn
