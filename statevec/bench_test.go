package statevec

import (
	"fmt"
	"testing"
)

// Benchmarks report Mamp/s: amplitudes of the state (2ⁿ per sample) times
// gate applications, per second. Unless the name says otherwise they run on
// one worker, so the figure is per thread. q is the target wire; wire n−1 is
// bit 0 (adjacent pairs), wire 0 the most significant bit.

func reportAmps(b *testing.B, ampsPerOp float64) {
	b.ReportMetric(ampsPerOp*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mamp/s")
}

// benchBatch returns a seeded random batch on the given worker count.
func benchBatch(n, size, workers int) *Batch {
	s := randBatch(newRNG(uint64(n*1000+size)), n, size)
	s.Workers = workers
	return s
}

func BenchmarkApply1Q(b *testing.B) {
	u := randUnitary(newRNG(1), 2)
	for _, n := range []int{16, 20, 24} {
		s := benchBatch(n, 1, 1)
		b.Run(fmt.Sprintf("n=%d/q=all", n), func(b *testing.B) {
			b.ReportAllocs()
			w := []int{0}
			for b.Loop() {
				for q := 0; q < n; q++ {
					w[0] = q
					s.Apply(w, u)
				}
			}
			reportAmps(b, float64(n)*float64(s.dim))
		})
		for _, q := range []int{0, n / 2, n - 7, n - 4, n - 3, n - 2, n - 1} {
			b.Run(fmt.Sprintf("n=%d/q=%d", n, q), func(b *testing.B) {
				b.ReportAllocs()
				w := []int{q}
				for b.Loop() {
					s.Apply(w, u)
				}
				reportAmps(b, float64(s.dim))
			})
		}
	}
}

// BenchmarkApply1QKinds covers the specialised matrix structures at n = 20,
// averaged over the target wire.
func BenchmarkApply1QKinds(b *testing.B) {
	const n = 20
	rng := newRNG(2)
	kinds := []struct {
		name string
		m    []complex128
	}{
		{"dense", randUnitary(rng, 2)},
		{"real", randOrthogonal(rng, 2)},
		{"diag", diagMatrix(randPhases(rng, 2))},
		{"phase", []complex128{1, 0, 0, 1i}},
		{"X", []complex128{0, 1, 1, 0}},
	}
	s := benchBatch(n, 1, 1)
	for _, k := range kinds {
		b.Run(fmt.Sprintf("n=%d/kind=%s/q=all", n, k.name), func(b *testing.B) {
			b.ReportAllocs()
			w := []int{0}
			for b.Loop() {
				for q := 0; q < n; q++ {
					w[0] = q
					s.Apply(w, k.m)
				}
			}
			reportAmps(b, float64(n)*float64(s.dim))
		})
	}
}

// BenchmarkApply1QWorkers measures the parallel speed-up of one large state
// (split inside the state) on 1 and 2 workers.
func BenchmarkApply1QWorkers(b *testing.B) {
	u := randUnitary(newRNG(1), 2)
	for _, n := range []int{14, 15, 16, 17, 18, 20} {
		s := benchBatch(n, 1, 1)
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("n=%d/workers=%d", n, w), func(b *testing.B) {
				s.Workers = w
				wires := []int{0}
				for b.Loop() {
					for q := 0; q < n; q++ {
						wires[0] = q
						s.Apply(wires, u)
					}
				}
				reportAmps(b, float64(n)*float64(s.dim))
			})
		}
	}
}

func BenchmarkCNOT(b *testing.B) {
	for _, n := range []int{16, 20, 24} {
		s := benchBatch(n, 1, 1)
		// The ring (q, q+1 mod n) covers every control and target bit.
		b.Run(fmt.Sprintf("n=%d/pair=ring", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for q := 0; q < n; q++ {
					s.ApplyCNOT(q, (q+1)%n)
				}
			}
			reportAmps(b, float64(n)*float64(s.dim))
		})
		for _, p := range [][2]int{{0, 1}, {n / 2, 0}, {n - 2, n - 1}, {n - 1, n - 2}, {n - 1, 0}} {
			b.Run(fmt.Sprintf("n=%d/c=%d/t=%d", n, p[0], p[1]), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					s.ApplyCNOT(p[0], p[1])
				}
				reportAmps(b, float64(s.dim))
			})
		}
	}
}

// BenchmarkCNOTRingGates times each gate of the CNOT ring alone, named by
// its control and target bits: the ring's figure is their harmonic mean.
// Gates with both bits at 2 or above move whole cache lines and touch
// half of them; a control or target at bit 0 or 1 touches every line.
func BenchmarkCNOTRingGates(b *testing.B) {
	for _, n := range []int{20, 24} {
		s := benchBatch(n, 1, 1)
		for q := 0; q < n; q++ {
			c, t := q, (q+1)%n
			b.Run(fmt.Sprintf("n=%d/cbit=%d/tbit=%d", n, n-1-c, n-1-t), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					s.ApplyCNOT(c, t)
				}
				reportAmps(b, float64(s.dim))
			})
		}
	}
}

// BenchmarkStream is the memory reference for the kernels on large
// states: copying one state of 2ⁿ amplitudes into another (a read and a
// write stream, as a gate that touches every cache line), in Mamp/s.
func BenchmarkStream(b *testing.B) {
	for _, n := range []int{20, 24} {
		src := make([]complex128, 1<<n)
		dst := make([]complex128, 1<<n)
		b.Run(fmt.Sprintf("n=%d/op=copy", n), func(b *testing.B) {
			for b.Loop() {
				copy(dst, src)
			}
			reportAmps(b, float64(len(src)))
		})
	}
}

func BenchmarkApply2Q(b *testing.B) {
	u := randUnitary(newRNG(3), 4)
	const n = 20
	s := benchBatch(n, 1, 1)
	for _, w := range [][]int{{0, 1}, {n - 1, n / 2}, {n - 2, n - 1}} {
		b.Run(fmt.Sprintf("n=%d/wires=%d,%d", n, w[0], w[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Apply(w, u)
			}
			reportAmps(b, float64(s.dim))
		})
	}
}

// BenchmarkBatched applies a layer (one gate on every wire, or a CNOT ring)
// to batches of small states.
func BenchmarkBatched(b *testing.B) {
	u := randUnitary(newRNG(4), 2)
	for _, n := range []int{4, 8, 12} {
		for _, size := range []int{32, 256} {
			s := benchBatch(n, size, 1)
			amps := float64(n) * float64(size) * float64(s.dim)
			b.Run(fmt.Sprintf("Apply1Q/n=%d/B=%d", n, size), func(b *testing.B) {
				b.ReportAllocs()
				w := []int{0}
				for b.Loop() {
					for q := 0; q < n; q++ {
						w[0] = q
						s.Apply(w, u)
					}
				}
				reportAmps(b, amps)
			})
			b.Run(fmt.Sprintf("CNOT/n=%d/B=%d", n, size), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					for q := 0; q < n; q++ {
						s.ApplyCNOT(q, (q+1)%n)
					}
				}
				reportAmps(b, amps)
			})
		}
	}
}

func BenchmarkExpectPauli(b *testing.B) {
	for _, c := range []struct{ n, size int }{{20, 1}, {8, 256}} {
		s := benchBatch(c.n, c.size, 1)
		dst := make([]float64, c.size)
		for _, word := range []struct {
			name string
			x, z uint64
			ny   int
		}{
			{"Z0", 0, 1 << (c.n - 1), 0},
			{"ZZZ", 0, 0b10101, 0},
			{"XYZ", 0b110, 0b011, 1},
		} {
			b.Run(fmt.Sprintf("n=%d/B=%d/P=%s", c.n, c.size, word.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					s.ExpectPauli(word.x, word.z, word.ny, dst)
				}
				reportAmps(b, float64(c.size)*float64(s.dim))
			})
		}
	}
}

func BenchmarkReducedOuter(b *testing.B) {
	for _, c := range []struct{ n, size int }{{20, 1}, {8, 256}} {
		lam := benchBatch(c.n, c.size, 1)
		phi := randBatch(newRNG(99), c.n, c.size)
		phi.Workers = 1
		for _, w := range [][]int{{c.n - 1}, {0}, {c.n - 2, 1}} {
			dst := make([]complex128, 1<<(2*len(w)))
			b.Run(fmt.Sprintf("n=%d/B=%d/wires=%v", c.n, c.size, w), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					ReducedOuter(lam, phi, w, dst)
				}
				reportAmps(b, float64(c.size)*float64(lam.dim))
			})
		}
	}
}

// BenchmarkAdjointStep compares the fused backward step (uncompute φ,
// reduced outer product, uncompute λ) with the same three steps through
// Apply and ReducedOuter, for a shared matrix summed over the batch.
func BenchmarkAdjointStep(b *testing.B) {
	for _, c := range []struct{ n, size int }{{20, 1}, {8, 256}} {
		lam := benchBatch(c.n, c.size, 1)
		phi := randBatch(newRNG(98), c.n, c.size)
		phi.Workers = 1
		for _, w := range [][]int{{c.n - 1}, {0}, {c.n - 2, 1}, {0, c.n - 1}, {1, 2, 0}} {
			K := 1 << len(w)
			m := randUnitary(newRNG(97), K)
			mh := make([]complex128, K*K)
			for r := 0; r < K; r++ {
				for col := 0; col < K; col++ {
					mh[r*K+col] = complex(real(m[col*K+r]), -imag(m[col*K+r]))
				}
			}
			dst := make([]complex128, K*K)
			b.Run(fmt.Sprintf("n=%d/B=%d/wires=%v/fused", c.n, c.size, w), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					AdjointStep(lam, phi, w, m, dst, true)
				}
				reportAmps(b, float64(c.size)*float64(lam.dim))
			})
			b.Run(fmt.Sprintf("n=%d/B=%d/wires=%v/separate", c.n, c.size, w), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					phi.Apply(w, mh)
					ReducedOuter(lam, phi, w, dst)
					lam.Apply(w, mh)
				}
				reportAmps(b, float64(c.size)*float64(lam.dim))
			})
		}
	}
}

func BenchmarkProbabilities(b *testing.B) {
	for _, c := range []struct{ n, size int }{{20, 1}, {8, 256}} {
		s := benchBatch(c.n, c.size, 1)
		for _, w := range [][]int{{0}, {c.n - 1, 0}, {2, 0, 1}} {
			dst := make([]float64, c.size<<len(w))
			b.Run(fmt.Sprintf("n=%d/B=%d/wires=%v", c.n, c.size, w), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					s.Probabilities(w, dst)
				}
				reportAmps(b, float64(c.size)*float64(s.dim))
			})
		}
	}
}

// BenchmarkCallOverhead measures the fixed cost of one kernel call on a
// tiny state: validation, matrix classification and dispatch.
func BenchmarkCallOverhead(b *testing.B) {
	rng := newRNG(5)
	u1, u2 := randUnitary(rng, 2), randUnitary(rng, 4)
	s := benchBatch(2, 1, 1)
	b.Run("Apply1Q", func(b *testing.B) {
		b.ReportAllocs()
		w := []int{1}
		for b.Loop() {
			s.Apply(w, u1)
		}
	})
	b.Run("Apply2Q", func(b *testing.B) {
		b.ReportAllocs()
		w := []int{1, 0}
		for b.Loop() {
			s.Apply(w, u2)
		}
	})
	b.Run("CNOT", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s.ApplyCNOT(0, 1)
		}
	})
	b.Run("ExpectPauli", func(b *testing.B) {
		b.ReportAllocs()
		dst := make([]float64, 1)
		for b.Loop() {
			s.ExpectPauli(0, 1, 0, dst)
		}
	})
}

// BenchmarkApplyEach applies one per-sample real rotation (an input
// encoding) on every wire of a batch.
func BenchmarkApplyEach(b *testing.B) {
	for _, n := range []int{4, 8, 12} {
		const size = 256
		s := benchBatch(n, size, 1)
		rng := newRNG(6)
		ms := make([]complex128, 0, 4*size)
		for range size {
			ms = append(ms, randOrthogonal(rng, 2)...)
		}
		b.Run(fmt.Sprintf("n=%d/B=%d", n, size), func(b *testing.B) {
			b.ReportAllocs()
			w := []int{0}
			for b.Loop() {
				for q := 0; q < n; q++ {
					w[0] = q
					s.ApplyEach(w, ms)
				}
			}
			reportAmps(b, float64(n)*size*float64(s.dim))
		})
	}
}

// BenchmarkCNOTTarget sweeps the target bit of a CNOT whose control is
// wire 0 (the most significant bit).
func BenchmarkCNOTTarget(b *testing.B) {
	for _, n := range []int{20, 24} {
		s := benchBatch(n, 1, 1)
		for _, t := range []int{n - 1, n - 2, n - 3, n - 5, n - 7, n - 9, n - 11, n / 2} {
			b.Run(fmt.Sprintf("n=%d/c=0/t=%d", n, t), func(b *testing.B) {
				for b.Loop() {
					s.ApplyCNOT(0, t)
				}
				reportAmps(b, float64(s.dim))
			})
		}
	}
}
