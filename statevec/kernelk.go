package statevec

// Kernels for k ≥ 2 targets and for diagonal matrices of any size. A unit is
// one group of 2ᵏ amplitudes, at base + off[a] for the local index a.

// maxStackK is the largest target count whose offset table and gather
// buffers live inline in the kernel (2^6 = 64 entries).
const maxStackK = 6

// mref addresses the matrix of sample b without copying it: element (r, c)
// is ms[b·stride + off + r·ld + c]. A shared matrix has stride 0. Peeling a
// control off a matrix moves off to its lower-right block. A diagonal given
// as a vector has ld = 0 and is read only on the diagonal.
type mref struct {
	ms     []complex128
	stride int
	off    int
	ld     int
}

func (m *mref) at(b, r, c int) complex128 { return m.ms[b*m.stride+m.off+r*m.ld+c] }

// offsets holds the local-index offsets of a group.
type offsets struct {
	inline [1 << maxStackK]int
	heap   []int
}

func (o *offsets) get(k int) []int {
	if o.heap != nil {
		return o.heap
	}
	return o.inline[:1<<uint(k)]
}

// k2 applies a dense two-target matrix with any controls.
type k2 struct {
	amp        []complex128
	ulog, nlog int
	l          layout
	o1, o2, o3 int // offsets of local indices 1, 2, 3
	m          mref
}

func (k k2) run(_, lo, hi int) {
	var u [16]complex128
	if k.m.stride == 0 {
		k.mat(&u, 0)
		k.segments(k.amp, &u, lo, hi)
		return
	}
	for lo < hi {
		b, r, e, next := piece(lo, hi, k.ulog)
		k.mat(&u, b)
		k.segments(k.amp[b<<uint(k.nlog):(b+1)<<uint(k.nlog)], &u, r, e)
		lo = next
	}
}

// mat copies sample b's matrix into u.
func (k *k2) mat(u *[16]complex128, b int) {
	for i := range 4 {
		for j := range 4 {
			u[4*i+j] = k.m.at(b, i, j)
		}
	}
}

func (k *k2) segments(a []complex128, u *[16]complex128, lo, hi int) {
	step := 1 << uint(k.l.stepLog)
	o1, o2, o3 := k.o1, k.o2, k.o3
	for r := lo; r < hi; {
		i0, cnt := k.l.seg(r, hi)
		r += cnt
		if step == 1 {
			dense2Run(a[i0:i0+cnt], a[i0+o1:i0+o1+cnt], a[i0+o2:i0+o2+cnt], a[i0+o3:i0+o3+cnt], u)
			continue
		}
		for j := i0; j < i0+cnt*step; j += step {
			v0, v1, v2, v3 := a[j], a[j+o1], a[j+o2], a[j+o3]
			a[j] = u[0]*v0 + u[1]*v1 + u[2]*v2 + u[3]*v3
			a[j+o1] = u[4]*v0 + u[5]*v1 + u[6]*v2 + u[7]*v3
			a[j+o2] = u[8]*v0 + u[9]*v1 + u[10]*v2 + u[11]*v3
			a[j+o3] = u[12]*v0 + u[13]*v1 + u[14]*v2 + u[15]*v3
		}
	}
}

// dense2Run applies u to the quadruples (x0[i], x1[i], x2[i], x3[i]).
func dense2Run(x0, x1, x2, x3 []complex128, u *[16]complex128) {
	x1, x2, x3 = x1[:len(x0)], x2[:len(x0)], x3[:len(x0)]
	for i := range x0 {
		v0, v1, v2, v3 := x0[i], x1[i], x2[i], x3[i]
		x0[i] = u[0]*v0 + u[1]*v1 + u[2]*v2 + u[3]*v3
		x1[i] = u[4]*v0 + u[5]*v1 + u[6]*v2 + u[7]*v3
		x2[i] = u[8]*v0 + u[9]*v1 + u[10]*v2 + u[11]*v3
		x3[i] = u[12]*v0 + u[13]*v1 + u[14]*v2 + u[15]*v3
	}
}

// kk applies a dense matrix on k ≥ 3 targets with any controls: per group it
// gathers the 2ᵏ amplitudes, multiplies and scatters back.
type kk struct {
	amp        []complex128
	ulog, nlog int
	k          int
	l          layout
	off        offsets
	m          mref
	scratch    []complex128 // 2·2ᵏ per chunk when k > maxStackK
}

func (k kk) run(c, lo, hi int) {
	K := 1 << uint(k.k)
	var inline [2 << maxStackK]complex128
	var buf []complex128
	if k.k <= maxStackK {
		buf = inline[:2*K]
	} else {
		buf = k.scratch[c*2*K : (c+1)*2*K]
	}
	if k.m.stride == 0 {
		k.groups(k.amp, k.m.ms[k.m.off:], buf, lo, hi)
		return
	}
	for lo < hi {
		b, r, e, next := piece(lo, hi, k.ulog)
		k.groups(k.amp[b<<uint(k.nlog):(b+1)<<uint(k.nlog)], k.m.ms[b*k.m.stride+k.m.off:], buf, r, e)
		lo = next
	}
}

// groups applies the matrix mb (rows k.m.ld apart) to the groups [lo, hi)
// of a, using buf (2·2ᵏ) to hold a group before and after.
func (k *kk) groups(a, mb, buf []complex128, lo, hi int) {
	K := 1 << uint(k.k)
	v, w := buf[:K], buf[K:2*K]
	off := k.off.get(k.k)
	step := 1 << uint(k.l.stepLog)
	for r := lo; r < hi; {
		i0, cnt := k.l.seg(r, hi)
		r += cnt
		for j := i0; j < i0+cnt*step; j += step {
			for x, o := range off {
				v[x] = a[j+o]
			}
			for x := range w {
				row := mb[x*k.m.ld : x*k.m.ld+K]
				var s complex128
				for y, m := range row {
					s += m * v[y]
				}
				w[x] = s
			}
			for x, o := range off {
				a[j+o] = w[x]
			}
		}
	}
}

// kdiag multiplies each group's amplitudes by a diagonal: amplitude a of the
// group by d(b, a) = ms[b·stride + off + a·dstep].
type kdiag struct {
	amp        []complex128
	ulog, nlog int
	k          int
	l          layout
	off        offsets
	ms         []complex128
	stride     int
	doff       int
	dstep      int
}

func (k kdiag) run(_, lo, hi int) {
	if k.stride == 0 {
		k.groups(k.amp, k.ms[k.doff:], lo, hi)
		return
	}
	for lo < hi {
		b, r, e, next := piece(lo, hi, k.ulog)
		k.groups(k.amp[b<<uint(k.nlog):(b+1)<<uint(k.nlog)], k.ms[b*k.stride+k.doff:], r, e)
		lo = next
	}
}

// groups scales the groups [lo, hi) of a by the diagonal d (entries dstep
// apart).
func (k *kdiag) groups(a, d []complex128, lo, hi int) {
	off := k.off.get(k.k)
	step := 1 << uint(k.l.stepLog)
	for r := lo; r < hi; {
		i0, cnt := k.l.seg(r, hi)
		r += cnt
		for x, o := range off {
			f := d[x*k.dstep]
			if isOne(f) {
				continue
			}
			base := i0 + o
			if step == 1 {
				scaleRun(a[base:base+cnt], f)
				continue
			}
			for j := base; j < base+cnt*step; j += step {
				a[j] *= f
			}
		}
	}
}
