// Package optim updates model parameters from their gradients: the
// optimisers SGD, Adam, AdamW and RMSprop, learning-rate schedules, and
// gradient clipping, all following PyTorch 1.13.
//
// # Overview
//
// An Optimizer holds a list of parameters (usually nn.Params(model)) and,
// on Step, updates every parameter whose gradient has been accumulated by
// Backward, using the update formulas of torch.optim element for element
// (each type's documentation gives them). A training step is
//
//	opt.ZeroGrad()
//	loss := lossFn(model.Forward(x))
//	loss.Backward()
//	optim.ClipGradNorm(opt.Params(), 1, 2) // optional
//	opt.Step()
//	sched.Step() // per batch (OneCycleLR) or per epoch (the others)
//
// A Scheduler composes a Schedule (StepLR, ExponentialLR,
// CosineAnnealingLR, CosineAnnealingWarmRestarts, OneCycleLR, or any
// type with an LR(base, t) method) with an optimiser: it sets the
// optimiser's learning rate, and for OneCycleLR its momentum (β₁ for
// Adam), from t, the number of Scheduler.Step calls.
//
// # State and resumption
//
// Optimizer.State and Scheduler.State export everything a killed run
// needs to continue with identical results as named float64 tensors
// (nn.NamedTensor, the type of model state dicts): learning rate and
// momentum, and per parameter the step count and moment buffers, named
// "<index>.<buffer>" with PyTorch's buffer names (exp_avg, exp_avg_sq,
// max_exp_avg_sq, square_avg, grad_avg, momentum_buffer, step). Index is
// the parameter's position in the optimiser's list, which nn.Params keeps
// stable. LoadState checks names and shapes and changes nothing when they
// do not fit.
//
// # Conventions
//
// Hyperparameters come from configuration, so constructors return an
// error wrapping ErrConfig for invalid ones rather than panicking.
// Options structs are usable at their zero value where PyTorch has a
// default, and document each default. Step allocates only the first time
// a parameter is updated (its state buffers). Updates run on the calling
// goroutine; an optimiser is not safe for concurrent use.
package optim
