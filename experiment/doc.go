// Package experiment runs the creep experiments: model specs with slots
// that classical or quantum layers fill, the built-in models of the papers
// quanta reproduces, experiment specs, the runner over configurations ×
// seeds × data sets, and the results, one JSON line per epoch and per
// finished run.
//
// # Overview
//
// A model spec (YAML) lists layers. A layer is fixed ({type: flatten}) or
// a slot: a classical layer (or sequence) and one or more quantum
// alternatives with the same input and output shapes. Levels name a
// choice for every slot. The spec also declares the sample shape it
// expects and its data pipeline. HybridNet of "Let the Quantum Creep In"
// (arXiv:2409.17583), built in as "hybridnet":
//
//	name: hybridnet
//	input: [1, 32, 32]
//	classes: 10
//	data:
//	  transforms: [{pad_to: 32}, {scale: 1/255}, {normalize: {mean: 0.5, std: 0.5}}]
//	layers:
//	  - slot: A
//	    classical: {type: conv2d, out: 32, kernel: 3}
//	    quantum: [{type: flipped_quanv, out: 32}]
//	  - slot: B
//	    classical: {type: conv2d, in: 32, out: 16, kernel: 3}
//	    quantum: [{type: flipped_quanv, in: 32, out: 16}]
//	  - type: flatten
//	  - slot: C
//	    classical: {type: linear, in: 12544, out: 10}
//	    quantum: [{type: hamiltonian_linear, in: 12544, out: 10, qubits: 7, reps: 10, time: 0.1}]
//	levels:
//	  L0: {A: classical, B: classical, C: classical}
//	  L1: {A: quantum, B: quantum, C: classical}
//	  L2: {A: quantum, B: quantum, C: quantum}
//
// Top-level keys: name and input (required), description, paper, classes
// (the number of outputs, checked), dataset (the default data set, mnist),
// data ({classes: [...], transforms: [...]}, see Transform), layers
// (required) and levels. A slot alternative is one layer mapping, a list of
// layers, or {name: …, layers: [...]}; quantum alternatives are named by
// their name key or q1, q2, … by position. A level maps slot names to
// classical (or c), quantum (or q: the first alternative) or an
// alternative's name; a slot it leaves out is classical.
//
// The layer factory (LayerTypes lists it with every key) is an explicit
// table from type names to constructors. Classical: conv2d, linear,
// flatten, reshape, identity, relu, tanh, sigmoid, gelu, leaky_relu,
// softmax, log_softmax, dropout, batchnorm1d, batchnorm2d, layernorm,
// maxpool2d, avgpool2d, adaptive_avgpool2d, constant_pad2d, and the fitted
// layers pca and minmax, which are fitted on the training inputs before
// training (Model.Fit) and must precede every layer with parameters.
// Quantum (package qnn): flipped_quanv, hamiltonian_linear,
// hamiltonian_reupload, qdense, parallel (preset hqnn_parallel or a
// circuit), quanv2d, qcnn and interleaved. The circuit layers take
// embedding {kind: angle|amplitude|iqp|reupload|zz, …}, ansatz {kind:
// basic_entangler|strongly_entangling|ryrz|hardware_efficient|
// efficient_su2|h_cnot_chain|none, layers, …} and readout {kind:
// z|y|probs|pauli, wires, observables}. Sizes that follow from the input
// (a first layer's in, batch-norm features) may be left out.
//
// Built-in models (Zoo, ZooSpec, Build): hybridnet (levels L0, L1, L2),
// hybridcnn (classical, hybrid), hqnn-parallel and hqnn-quanv (classical,
// quantum), hamembed (linear, L10, L20, qcnn), transfer (classical,
// hybrid), adversarial (linear, quantum) and vqc (mlp, vqc). Their files
// in zoo/ say where each comes from and what stands in for what the papers
// do not give.
//
// # Configurations
//
// An experiment runs configurations of its model: the levels, every
// subset of the slots (2ᵏ for k slots), or a list. A subset is named by
// its quantum slots in spec order joined with "+" ("A", "A+C"; "A=name"
// when a slot takes an alternative other than its first), and the empty
// subset "classical". A configuration whose slots are all classical is the
// classical baseline (Record.Classical) the others are compared with.
//
// # Experiment specs
//
// An experiment spec names the model (a built-in name or a path to a
// model spec, relative to the experiment spec), the data sets (mnist,
// fashion-mnist or cifar10, optionally {name, dir, download}, or {csv,
// test_csv}), the configurations (levels, the default; subsets; or a list
// of names), the seeds ([1] by default), the training settings (see
// Training and DefaultTraining) and the output directory:
//
//	model: hybridnet
//	datasets: [mnist]
//	configurations: subsets
//	seeds: [1, 2, 3]
//	training: {epochs: 50, batch_size: 200, optimizer: adam, lr: 5e-4}
//	output: results/creep
//
// Both spec kinds are decoded strictly: an unknown key, a value of the
// wrong type, a missing required key, an unknown layer type, a level
// choice that does not exist and a shape that does not fit are errors
// (*SpecError) that name the file, the line and column, and the key path
// ("layers[3].quantum[0].out").
//
// # Runs, records and resumption
//
// Spec.Runs expands an experiment into runs, for each data set, for each
// seed, every configuration, with ids "<model>/<config>/<dataset>/seed=<seed>"
// (the data set's label carries the subset sizes when the splits are cut,
// "mnist[train=2000,test=1000]"). A Run carries everything it needs,
// the model spec's text included, so it is the payload of a cluster plan
// and of every checkpoint.
//
// The Runner trains runs with package train and appends to a results file
// one Record per epoch and one per finished run, with the parameter counts
// (complex parameters of the compatibility mode counted once in Quantum,
// the papers' convention; their imaginary parts in QuantumImag), the wall
// time per epoch (training and evaluation), the seed and the provenance
// (CurrentProvenance). Each run's checkpoint is written before each
// epoch's record, so a killed run resumes where it stopped and a record
// lost between the two writes is written from the checkpoint; finished
// runs are skipped. With the same seed and thread count (GOMAXPROCS) the
// records of a resumed run equal an uninterrupted run's except for wall
// times. A diverged run (a non-finite loss or gradient, train's Guard) is
// not recorded as numbers: it gets no run record, and the runner lists it
// in its failures file. A deadline stops the runner cleanly after the
// current step, leaving a resumable state.
//
// # Conventions
//
// Models are built from a seed: each layer of the layer list (and each
// slot alternative) draws from its own PCG stream, so configurations that
// share a layer initialise it identically. Data subsets and fitted
// pipelines (autoencoder, pca, minmax, standardize) depend on the data
// alone, never on the run's seed, and are shared by the runs of an
// experiment. Errors from outside (spec files, data, numerics) are
// returned, wrapped with %w; caller mistakes in the layers panic in the
// packages that detect them. No map is iterated in numeric or
// serialization paths.
package experiment
