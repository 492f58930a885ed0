package statevec

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/quanta-qml/quanta/internal/parfor"
)

// MaxQubits is the largest number of qubits a Batch may have.
const MaxQubits = 30

// Batch is a batch of n-qubit state vectors, one per sample, stored
// sample-major: sample b's 2ⁿ amplitudes are contiguous. A Batch is not safe
// for concurrent use; its kernels parallelise internally.
type Batch struct {
	// Workers is the number of goroutines a kernel may use. Zero (the
	// default) means GOMAXPROCS. Results do not depend on it: every
	// reduction combines fixed blocks in a fixed order.
	Workers int

	// chunkLogOverride, when positive, replaces minChunkLog so that tests
	// can cut small states into many chunks.
	chunkLogOverride int
	// pureGo makes the kernels use the pure-Go loops even where the
	// vector kernels are available, so that tests cover both.
	pureGo bool

	n    int          // qubits
	size int          // samples
	dim  int          // 2^n
	amp  []complex128 // size·dim amplitudes, sample-major
}

// New returns a batch of size samples, each the n-qubit state |0…0⟩. It
// panics unless 0 ≤ n ≤ MaxQubits and size ≥ 1.
func New(n, size int) *Batch {
	if n < 0 || n > MaxQubits {
		panic(fmt.Sprintf("statevec: %d qubits out of range [0, %d]", n, MaxQubits))
	}
	if size < 1 {
		panic(fmt.Sprintf("statevec: batch size %d, want ≥ 1", size))
	}
	dim := 1 << uint(n)
	s := &Batch{n: n, size: size, dim: dim, amp: make([]complex128, size*dim)}
	s.Reset()
	return s
}

// Slice returns the samples [lo, hi) of s as a batch that shares s's
// storage: gates applied to the slice change those samples of s. It lets a
// caller run a few samples through a whole circuit while their states stay
// in cache, one slice per goroutine. The slice inherits s.Workers.
func (s *Batch) Slice(lo, hi int) *Batch {
	if lo < 0 || hi > s.size || lo >= hi {
		panic(fmt.Sprintf("statevec: Slice [%d, %d) of a batch of %d samples", lo, hi, s.size))
	}
	return &Batch{Workers: s.Workers, chunkLogOverride: s.chunkLogOverride, pureGo: s.pureGo,
		n: s.n, size: hi - lo, dim: s.dim, amp: s.amp[lo*s.dim : hi*s.dim : hi*s.dim]}
}

// NumQubits returns n.
func (s *Batch) NumQubits() int { return s.n }

// Len returns the number of samples.
func (s *Batch) Len() int { return s.size }

// Dim returns 2ⁿ, the number of amplitudes per sample.
func (s *Batch) Dim() int { return s.dim }

// Sample returns sample b's amplitudes, amplitude j at index j (wire 0 is
// the most significant bit of j). The slice is a view into the batch:
// writing to it changes the state, and it stays valid for the batch's
// lifetime.
func (s *Batch) Sample(b int) []complex128 {
	s.checkSample(b)
	return s.amp[b*s.dim : (b+1)*s.dim : (b+1)*s.dim]
}

// Amplitudes returns the amplitudes of every sample, sample-major: sample
// b's amplitude j is at index b·Dim() + j. Like [Batch.Sample] it is a view
// into the batch, valid for its lifetime: writing to it changes the
// states. It serves the kernels on flat arrays ([Apply1], [Back1], [CNOT]),
// which treat a batch as one long array where a gate's pair structure
// repeats every 2ⁿ amplitudes.
func (s *Batch) Amplitudes() []complex128 { return s.amp[:len(s.amp):len(s.amp)] }

// SetSample copies amps, which must have 2ⁿ entries, into sample b. It does
// not normalise.
func (s *Batch) SetSample(b int, amps []complex128) {
	s.checkSample(b)
	s.checkLen("SetSample", "amps", len(amps), s.dim)
	copy(s.amp[b*s.dim:(b+1)*s.dim], amps)
}

// SetBasis sets sample b to the computational basis state |j⟩.
func (s *Batch) SetBasis(b, j int) {
	s.checkSample(b)
	if j < 0 || j >= s.dim {
		panic(fmt.Sprintf("statevec: basis index %d out of range [0, %d)", j, s.dim))
	}
	a := s.amp[b*s.dim : (b+1)*s.dim]
	clear(a)
	a[j] = 1
}

// Reset sets every sample to |0…0⟩.
func (s *Batch) Reset() {
	clear(s.amp)
	for b := 0; b < s.size; b++ {
		s.amp[b*s.dim] = 1
	}
}

// Zero sets every amplitude to zero, for example before accumulating an
// adjoint start state with [Batch.AddPauli] or [Batch.ScaleByMarginal].
func (s *Batch) Zero() { clear(s.amp) }

// CopyFrom copies src, which must have the same shape, into s.
func (s *Batch) CopyFrom(src *Batch) {
	s.checkSame("CopyFrom", src)
	copy(s.amp, src.amp)
}

// Clone returns a deep copy of s with the same Workers setting.
func (s *Batch) Clone() *Batch {
	c := *s
	c.amp = slices.Clone(s.amp)
	return &c
}

// Scale multiplies sample b by c[b]; len(c) must be Len().
func (s *Batch) Scale(c []complex128) {
	s.checkLen("Scale", "factors", len(c), s.size)
	forUnits(s, s.dim, 0, axpyK{dst: s.amp, nlog: s.n, f: c})
}

// AddScaled adds c[b]·src_b to sample b of s; src must have the same shape
// and len(c) must be Len(). src may be s.
func (s *Batch) AddScaled(src *Batch, c []complex128) {
	s.checkSame("AddScaled", src)
	s.checkLen("AddScaled", "factors", len(c), s.size)
	forUnits(s, s.dim, 0, axpyK{dst: s.amp, src: src.amp, nlog: s.n, f: c})
}

// axpyK sets dst_b = f[b]·dst_b, or adds f[b]·src_b to dst_b when src is
// set, one amplitude per unit.
type axpyK struct {
	dst, src []complex128
	nlog     int
	f        []complex128
}

func (k axpyK) run(_, lo, hi int) {
	for lo < hi {
		b, r, e, next := piece(lo, hi, k.nlog)
		lo = next
		base := b << uint(k.nlog)
		d, f := k.dst[base+r:base+e], k.f[b]
		if k.src == nil {
			scaleRun(d, f)
			continue
		}
		if f == 0 {
			continue
		}
		x := k.src[base+r : base+e]
		x = x[:len(d)]
		for j := range d {
			d[j] += f * x[j]
		}
	}
}

// WireMask returns the basis-index mask with a one at the bit of every given
// wire (bit n−1−w for wire w), the form [Batch.ExpectPauli] takes. It panics
// on a wire out of range or repeated.
func (s *Batch) WireMask(wires ...int) uint64 {
	var pos [MaxQubits]int
	_, m := s.positions(&pos, wires, "WireMask")
	return m
}

// workers returns the effective goroutine count.
func (s *Batch) workers() int {
	if s.Workers > 0 {
		return s.Workers
	}
	return parfor.Workers()
}

// asm reports whether the kernels may use the vector kernels.
func (s *Batch) asm() bool { return haveAVX && !s.pureGo }

// positions converts wires to bit positions (n−1−w) in dst, checking range
// and repetition, and returns them with their mask.
func (s *Batch) positions(dst *[MaxQubits]int, wires []int, what string) ([]int, uint64) {
	if len(wires) > s.n {
		panic(fmt.Sprintf("statevec: %s: %d wires on %d qubits", what, len(wires), s.n))
	}
	var m uint64
	for i, w := range wires {
		if w < 0 || w >= s.n {
			panic(fmt.Sprintf("statevec: %s: wire %d out of range [0, %d)", what, w, s.n))
		}
		p := s.n - 1 - w
		if m>>uint(p)&1 != 0 {
			panic(fmt.Sprintf("statevec: %s: wire %d repeated", what, w))
		}
		m |= 1 << uint(p)
		dst[i] = p
	}
	return dst[:len(wires)], m
}

// checkMask panics if a Pauli mask has bits at or above n.
func (s *Batch) checkMask(what, name string, m uint64) {
	if m>>uint(s.n) != 0 {
		panic(fmt.Sprintf("statevec: %s %s: mask %#x has bits beyond %d qubits", what, name, m, s.n))
	}
}

func (s *Batch) checkSample(b int) {
	if b < 0 || b >= s.size {
		panic(fmt.Sprintf("statevec: sample %d out of range [0, %d)", b, s.size))
	}
}

// checkLen panics unless the argument name of method what has length want.
// The two strings are joined only on failure, so checks do not allocate.
func (s *Batch) checkLen(what, name string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("statevec: %s %s has length %d, want %d", what, name, got, want))
	}
}

func (s *Batch) checkSame(what string, o *Batch) {
	if o.n != s.n || o.size != s.size {
		panic(fmt.Sprintf("statevec: %s: batch of %d×%d qubits, want %d×%d", what, o.size, o.n, s.size, s.n))
	}
}

// log2 returns log2(x) for a power of two x.
func log2(x int) int { return bits.TrailingZeros64(uint64(x)) }

// isZero reports whether c is exactly zero (either sign).
func isZero(c complex128) bool { return real(c) == 0 && imag(c) == 0 }

// isOne reports whether c is exactly 1.
func isOne(c complex128) bool { return real(c) == 1 && imag(c) == 0 }

// ipow returns i^k exactly.
func ipow(k int) complex128 {
	switch k & 3 {
	case 0:
		return 1
	case 1:
		return 1i
	case 2:
		return -1
	}
	return -1i
}
