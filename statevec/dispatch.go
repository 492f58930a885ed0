package statevec

import (
	"sync"

	"github.com/quanta-qml/quanta/internal/parfor"
)

// Parallel policy. Work is measured in amplitude updates. A kernel's units
// (rest indices of its layout, or amplitudes) are flattened over all samples,
// sample-major, and cut into contiguous chunks by parfor. A batch of small
// states is thus split between samples and a single large state inside
// itself, by one rule.
const (
	// minChunkAmps is the least work worth a goroutine of its own: 2¹⁷
	// amplitude updates, about 150 µs on one core. Measured on the
	// development machine (2 shared vCPUs), a one-qubit gate on a single
	// state gained nothing from 2 workers up to n = 17 and 23 % at n = 18,
	// 70 % at n = 20 (BenchmarkApply1QWorkers): waking a parked worker costs
	// tens of microseconds there.
	minChunkLog  = 17
	minChunkAmps = 1 << minChunkLog
	// blockAmps is the work of one reduction block. Reductions sum fixed
	// blocks (a function of the shape only, never of the worker count) and
	// combine the block sums in block order, so results are bit-for-bit
	// the same for every worker count.
	blockLog  = 15
	blockAmps = 1 << blockLog
)

// unitKernel processes the flattened units [lo, hi) (unit r of sample b is
// b·units + r). c is the chunk index, below the chunk count, for kernels
// that need per-goroutine scratch space.
type unitKernel interface {
	run(c, lo, hi int)
}

// piece splits the flattened range [lo, hi) at the first sample boundary:
// it returns the sample b, its unit range [r, e) and where the rest starts.
// units = 2^ulog.
func piece(lo, hi, ulog int) (b, r, e, next int) {
	b = lo >> uint(ulog)
	base := b << uint(ulog)
	r = lo - base
	e = min(hi-base, 1<<uint(ulog))
	return b, r, e, base + e
}

// chunkLog returns log2 of the least work per goroutine: minChunkLog, or
// the batch's test override.
func (s *Batch) chunkLog() int {
	if s.chunkLogOverride > 0 {
		return s.chunkLogOverride
	}
	return minChunkLog
}

// grainFor returns how many units make up the least work per goroutine
// when one unit costs 2^costLog amplitude updates.
func (s *Batch) grainFor(costLog int) int {
	if costLog >= s.chunkLog() {
		return 1
	}
	return 1 << uint(s.chunkLog()-costLog)
}

// blockGrain returns how many reduction blocks make up the least work per
// goroutine.
func (s *Batch) blockGrain() int {
	return max(1, 1<<uint(s.chunkLog())/blockAmps)
}

// sequential reports whether parfor.For(total, workers, grain) would run a
// single chunk on the calling goroutine.
func sequential(total, workers, grain int) bool {
	return workers <= 1 || total < 2*grain
}

// numChunks returns the number of chunks forUnits uses for a kernel, so
// that kernels can size per-chunk scratch space beforehand.
func (s *Batch) numChunks(units, costLog int) int {
	total, grain := s.size*units, s.grainFor(costLog)
	if sequential(total, s.workers(), grain) {
		return 1
	}
	return parfor.NumChunks(total, s.workers(), grain)
}

// forUnits runs k over every unit of every sample. The sequential path does
// not let k escape, so it does not allocate.
func forUnits[K unitKernel](s *Batch, units, costLog int, k K) {
	total, grain := s.size*units, s.grainFor(costLog)
	if sequential(total, s.workers(), grain) {
		k.run(0, 0, total)
		return
	}
	forUnitsPar(s.workers(), total, grain, k)
}

func forUnitsPar[K unitKernel](workers, total, grain int, k K) {
	parfor.For(total, workers, grain, func(c, lo, hi int) { k.run(c, lo, hi) })
}

// elem is the element type of reduction results.
type elem interface{ float64 | complex128 }

// reducer adds the contribution of units [lo, hi) of sample b to acc.
type reducer[E elem] interface {
	accum(b, lo, hi int, acc []E)
}

// blockUnits returns the number of units in one reduction block when a unit
// costs 2^costLog amplitude updates.
func blockUnits(costLog int) int {
	if costLog >= blockLog {
		return 1
	}
	return blockAmps >> uint(costLog)
}

// Scratch space for sequential reductions comes from package-owned pools,
// so that repeated calls do not allocate.
var (
	floatPool   sync.Pool
	complexPool sync.Pool
)

// getScratch returns a zeroed slice of length p from the pool and the
// handle to give back with putScratch.
func getScratch[E elem](p int) (*[]E, []E) {
	var pool *sync.Pool
	var zero E
	if _, ok := any(zero).(float64); ok {
		pool = &floatPool
	} else {
		pool = &complexPool
	}
	bp, _ := pool.Get().(*[]E)
	if bp == nil {
		bp = new([]E)
	}
	if cap(*bp) < p {
		*bp = make([]E, p)
	}
	buf := (*bp)[:p]
	clear(buf)
	return bp, buf
}

func putScratch[E elem](bp *[]E) {
	var zero E
	if _, ok := any(zero).(float64); ok {
		floatPool.Put(bp)
	} else {
		complexPool.Put(bp)
	}
}

// reduceEach sets dst[b·p:(b+1)·p] to the reduction of sample b over its
// units, a power of two. A sample larger than one block is split into
// blocks whose sums are added in block order.
func reduceEach[E elem, K reducer[E]](s *Batch, units, costLog, p int, k K, dst []E) {
	L := min(blockUnits(costLog), units)
	nb := units / L
	w := s.workers()
	if nb == 1 {
		grain := max(1, (1<<uint(s.chunkLog()))/(units<<uint(costLog)))
		if sequential(s.size, w, grain) {
			for b := 0; b < s.size; b++ {
				seg := dst[b*p : (b+1)*p]
				clear(seg)
				k.accum(b, 0, units, seg)
			}
			return
		}
		reduceEachPar(w, s.size, grain, units, p, k, dst)
		return
	}
	bgrain := s.blockGrain()
	if sequential(s.size*nb, w, bgrain) {
		bp, tmp := getScratch[E](p)
		for b := 0; b < s.size; b++ {
			seg := dst[b*p : (b+1)*p]
			clear(seg)
			for j := 0; j < nb; j++ {
				clear(tmp)
				k.accum(b, j*L, (j+1)*L, tmp)
				for e, v := range tmp {
					seg[e] += v
				}
			}
		}
		putScratch(bp)
		return
	}
	reduceBlocksPar(w, s.size, nb, L, bgrain, p, k, dst)
}

func reduceEachPar[E elem, K reducer[E]](w, size, grain, units, p int, k K, dst []E) {
	parfor.For(size, w, grain, func(_, lo, hi int) {
		for b := lo; b < hi; b++ {
			seg := dst[b*p : (b+1)*p]
			clear(seg)
			k.accum(b, 0, units, seg)
		}
	})
}

func reduceBlocksPar[E elem, K reducer[E]](w, size, nb, L, grain, p int, k K, dst []E) {
	part := make([]E, size*nb*p)
	parfor.For(size*nb, w, grain, func(_, lo, hi int) {
		for t := lo; t < hi; t++ {
			b, j := t/nb, t%nb
			k.accum(b, j*L, (j+1)*L, part[t*p:(t+1)*p])
		}
	})
	for b := 0; b < size; b++ {
		seg := dst[b*p : (b+1)*p]
		clear(seg)
		for j := 0; j < nb; j++ {
			for e, v := range part[(b*nb+j)*p : (b*nb+j+1)*p] {
				seg[e] += v
			}
		}
	}
}

// reduceSum adds to dst[0:p] the reduction over every unit of every sample.
// The flattened units of all samples are cut into fixed blocks; each block
// is summed from zero and the block sums are added to dst in order.
func reduceSum[E elem, K reducer[E]](s *Batch, units, costLog, p int, k K, dst []E) {
	ulog := log2(units)
	total := s.size * units
	L := blockUnits(costLog)
	nb := (total + L - 1) / L
	bgrain := s.blockGrain()
	if sequential(nb, s.workers(), bgrain) {
		bp, tmp := getScratch[E](p)
		for j := 0; j < nb; j++ {
			clear(tmp)
			accumRange(k, ulog, j*L, min((j+1)*L, total), tmp)
			for e, v := range tmp {
				dst[e] += v
			}
		}
		putScratch(bp)
		return
	}
	reduceSumPar(s.workers(), total, ulog, nb, L, bgrain, p, k, dst)
}

func reduceSumPar[E elem, K reducer[E]](w, total, ulog, nb, L, grain, p int, k K, dst []E) {
	part := make([]E, nb*p)
	parfor.For(nb, w, grain, func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			accumRange(k, ulog, j*L, min((j+1)*L, total), part[j*p:(j+1)*p])
		}
	})
	for j := 0; j < nb; j++ {
		for e, v := range part[j*p : (j+1)*p] {
			dst[e] += v
		}
	}
}

// accumRange accumulates the flattened units [lo, hi), split at sample
// boundaries.
func accumRange[E elem, K reducer[E]](k K, ulog, lo, hi int, acc []E) {
	for lo < hi {
		b, r, e, next := piece(lo, hi, ulog)
		k.accum(b, r, e, acc)
		lo = next
	}
}
