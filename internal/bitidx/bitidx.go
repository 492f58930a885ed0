package bitidx

import (
	"fmt"
	"math/bits"
	"slices"
)

// MaxPositions is the largest number of positions an [Inserter] holds and
// the largest bit position (exclusive) any function accepts.
const MaxPositions = 63

// Inserter inserts zero bits at a fixed set of bit positions. The zero value
// inserts nothing. It is a plain value (no pointers), safe to copy and to
// share between goroutines.
type Inserter struct {
	n   int
	pos [MaxPositions]uint8 // the positions, ascending
}

// NewInserter returns an Inserter for the given distinct positions, in any
// order. It panics if a position is outside [0, MaxPositions) or repeated.
func NewInserter(positions ...int) Inserter {
	var in Inserter
	var sorted [MaxPositions]int
	in.n = len(positions)
	if in.n > MaxPositions {
		panic(fmt.Sprintf("bitidx: %d positions, at most %d", in.n, MaxPositions))
	}
	copy(sorted[:], positions)
	checkPositions(positions)
	s := sorted[:in.n]
	slices.Sort(s)
	for t, q := range s {
		in.pos[t] = uint8(q)
	}
	return in
}

// Len returns the number of inserted positions.
func (in *Inserter) Len() int { return in.n }

// Position returns the t-th inserted position in ascending order.
func (in *Inserter) Position(t int) int {
	if t < 0 || t >= in.n {
		panic(fmt.Sprintf("bitidx: position index %d out of range [0, %d)", t, in.n))
	}
	return int(in.pos[t])
}

// Insert spreads the bits of r apart so that every inserted position holds a
// zero: the result's other bits, read from low to high, are the bits of r.
// The positions are processed in ascending order, each moving the bits at and
// above it up by one.
func (in *Inserter) Insert(r uint64) uint64 {
	for _, q := range in.pos[:in.n] {
		m := uint64(1)<<q - 1
		r = r&m | (r&^m)<<1
	}
	return r
}

// Mask returns the mask with a one at every given position. It panics if a
// position is outside [0, MaxPositions) or repeated.
func Mask(positions ...int) uint64 {
	return checkPositions(positions)
}

// checkPositions validates positions and returns their mask.
func checkPositions(positions []int) uint64 {
	var m uint64
	for _, q := range positions {
		if q < 0 || q >= MaxPositions {
			panic(fmt.Sprintf("bitidx: position %d out of range [0, %d)", q, MaxPositions))
		}
		b := uint64(1) << uint(q)
		if m&b != 0 {
			panic(fmt.Sprintf("bitidx: position %d repeated", q))
		}
		m |= b
	}
	return m
}

// Deposit scatters the low len(positions) bits of a to the given positions:
// bit len(positions)−1−t of a goes to positions[t], so positions[0] receives
// the most significant bit. Higher bits of a are ignored.
func Deposit(a uint64, positions []int) uint64 {
	k := len(positions)
	var x uint64
	for t, q := range positions {
		x |= (a >> uint(k-1-t) & 1) << uint(q)
	}
	return x
}

// Extract gathers the bits of x at the given positions into a
// len(positions)-bit integer, positions[0] giving the most significant bit.
// It is the inverse of [Deposit] on the bits that Deposit sets.
func Extract(x uint64, positions []int) uint64 {
	k := len(positions)
	var a uint64
	for t, q := range positions {
		a |= (x >> uint(q) & 1) << uint(k-1-t)
	}
	return a
}

// Offsets fills dst, whose length must be 2^len(positions), with
// dst[a] = Deposit(a, positions): the index offset, relative to a group's
// base index, of the amplitude with local index a. It panics on a wrong dst
// length or invalid positions.
func Offsets(dst []int, positions []int) {
	checkPositions(positions)
	k := len(positions)
	if k >= 31 || len(dst) != 1<<uint(k) {
		panic(fmt.Sprintf("bitidx: Offsets dst has length %d, want 2^%d", len(dst), k))
	}
	// Build by doubling: the table for the first t+1 positions is the table
	// for the first t positions, each entry followed by itself plus the new
	// bit. Entry a then has positions[0] as its most significant bit.
	dst[0] = 0
	size := 1
	for _, q := range positions {
		b := 1 << uint(q)
		for a := size - 1; a >= 0; a-- {
			v := dst[a]
			dst[2*a] = v
			dst[2*a+1] = v | b
		}
		size *= 2
	}
}

// Parity returns the parity of the number of ones in x: 0 or 1.
func Parity(x uint64) int { return bits.OnesCount64(x) & 1 }

// LowRun describes how the rest indices of an [Inserter] map to contiguous
// runs of indices. Consecutive rest indices r, r+1, … within one run map to
// indices Insert(r) + t·2^StepLog for t = 0, 1, …; a run holds 2^RunLog rest
// indices and starts where r is a multiple of 2^RunLog. width is the total
// number of bits of the indices (n qubits); the inserted positions must lie
// below it.
//
// StepLog is the number of inserted positions 0, 1, …, c−1 that form an
// unbroken run from bit 0, and RunLog is the number of free bits between
// them and the next inserted position (or the top).
func (in *Inserter) LowRun(width int) (stepLog, runLog int) {
	c := 0
	for c < in.n && in.Position(c) == c {
		c++
	}
	if c < in.n {
		return c, in.Position(c) - c
	}
	return c, width - in.n
}
