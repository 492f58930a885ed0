package pauli

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/quanta-qml/quanta/cmat"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d)) }

// randWord returns a word with up to n letters (identity letters included)
// on distinct random wires below n, in random order.
func randWord(rng *rand.Rand, n int) Word {
	perm := rng.Perm(n)
	k := rng.IntN(n + 1)
	w := Word{}
	for _, wire := range perm[:k] {
		w.Ops = append(w.Ops, Op(rng.IntN(4)))
		w.Wires = append(w.Wires, wire)
	}
	return w
}

// maskMatrix builds the 2ⁿ×2ⁿ matrix of the mask form: column j has
// i^ny·(−1)^popcount(j&z) in row j⊕x.
func maskMatrix(n int, x, z uint64, ny int) *cmat.Dense {
	d := 1 << n
	m := cmat.New(d, d)
	phase := []complex128{1, 1i, -1, -1i}[ny%4]
	for j := 0; j < d; j++ {
		v := phase
		par := 0
		for b := uint64(j) & z; b != 0; b &= b - 1 {
			par ^= 1
		}
		if par == 1 {
			v = -v
		}
		m.Set(j^int(x), j, v)
	}
	return m
}

// mustPanic checks that f panics with a message that starts with "pauli: "
// and contains want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		msg, ok := recover().(string)
		if !ok || !strings.HasPrefix(msg, "pauli: ") || !strings.Contains(msg, want) {
			t.Fatalf("panic %q, want prefix \"pauli: \" and %q", msg, want)
		}
	}()
	f()
}
