package sim

// DefaultFuseMax is the largest block, in wires, that gate fusion forms when
// Options.FuseMax is zero. Blocks grow only where the cost model (see
// fuse.go) says one pass over the state is cheaper than several, so most
// fused blocks of layered circuits stay on one wire.
const DefaultFuseMax = 2

// groupAmps is the number of amplitudes of one sample group when
// Options.Group is zero: 2¹⁴ amplitudes, 256 KiB per state vector, so that
// the two vectors of the backward pass (the state and the adjoint state)
// stay in a 1 MiB L2 cache together with the gate matrices.
const groupAmps = 1 << 14

// minGroups is the least number of groups a batch is cut into when it has
// that many samples, so that two or more workers have work whatever n is.
const minGroups = 4

// Options tunes a simulation. The zero value is ready to use. No option
// changes the values computed, only the order of floating-point operations
// (results are identical bit for bit for any Workers; see the package
// documentation).
type Options struct {
	// Workers is the number of goroutines. Zero means GOMAXPROCS.
	Workers int

	// FuseMax is the largest number of wires of a fused block. Zero means
	// DefaultFuseMax; a negative value turns fusion off (every op is its
	// own block). Ops on the same wires are multiplied into one matrix when
	// that saves work, also across ops on other wires that commute with
	// them; gradients stay exact (see the package documentation).
	FuseMax int

	// Group is the number of samples that run through the whole circuit
	// together (forward, and backward in VJP) while their states are in
	// cache. Zero chooses it from the state size (about 2¹⁴ amplitudes per
	// group, at least 4 groups when the batch allows). A value at least the
	// batch size runs the circuit gate by gate over the whole batch.
	Group int

	// NoProductStart turns off the product-state start: by default the
	// leading one-wire blocks (those that act first on their wire, such as
	// an angle embedding) are not applied as gates but build the state as a
	// Kronecker product of one-qubit states, and their gradients come from
	// contractions of the adjoint state. Turning it off applies them as
	// gates; it exists to measure the gain.
	NoProductStart bool
}

// fuseMax returns the effective fusion limit: 0 for no fusion.
func (o Options) fuseMax() int {
	switch {
	case o.FuseMax < 0:
		return 0
	case o.FuseMax == 0:
		return DefaultFuseMax
	}
	return o.FuseMax
}

// groupSize returns the number of samples per group for a batch of size
// samples of n qubits. It depends on the shape and Options.Group only,
// never on the worker count, so that results do not either.
func (o Options) groupSize(n, size int) int {
	if o.Group > 0 {
		return min(o.Group, size)
	}
	g := 1
	if n < 14 {
		g = groupAmps >> uint(n)
	}
	if size >= minGroups {
		g = min(g, (size+minGroups-1)/minGroups)
	}
	return max(1, min(g, size))
}
