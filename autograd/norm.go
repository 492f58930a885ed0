package autograd

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/quanta-qml/quanta/internal/parfor"
	"github.com/quanta-qml/quanta/tensor"
)

// BatchNorm normalises x [N,C] or [N,C,*] (BatchNorm1d/2d) per channel with
// the batch statistics, as PyTorch's batch_norm in training mode:
// y = (x − mean)/√(var + eps)·gamma + beta, where var is the biased
// variance over N and the spatial axes. gamma and beta [C] may be nil (no
// affine transform). It also returns the batch mean and biased variance
// [C] so that a module can update its running statistics (PyTorch's
// running_var uses the unbiased variance, var·m/(m−1) for m values per
// channel).
func BatchNorm(x, gamma, beta *Var, eps float64) (y *Var, mean, variance *tensor.Dense) {
	f := &batchNormFn{eps: eps}
	in := []*Var{x}
	if gamma != nil {
		f.hasGamma = true
		in = append(in, gamma)
	}
	if beta != nil {
		f.hasBeta = true
		in = append(in, beta)
	}
	y = Apply(f, in...)
	return y, f.mean, f.variance
}

type batchNormFn struct {
	eps               float64
	hasGamma, hasBeta bool
	n, c, s           int // batch, channels, spatial size
	xhat              []float64
	gamma             []float64
	invstd            []float64
	mean, variance    *tensor.Dense
}

// affine returns the optional gamma and beta among in (after x).
func affine(in []*tensor.Dense, hasGamma, hasBeta bool) (gamma, beta *tensor.Dense) {
	i := 1
	if hasGamma {
		gamma, i = in[i], i+1
	}
	if hasBeta {
		beta = in[i]
	}
	return gamma, beta
}

func (f *batchNormFn) Forward(in []*tensor.Dense) *tensor.Dense {
	x := in[0]
	shape := x.Shape()
	if len(shape) < 2 {
		panicf("BatchNorm of shape %v (need [N,C,...])", shape)
	}
	f.n, f.c, f.s = shape[0], shape[1], x.Size()/max(1, shape[0]*shape[1])
	gt, bt := affine(in, f.hasGamma, f.hasBeta)
	var bs []float64
	if gt != nil {
		mustShape("BatchNorm gamma", gt.Shape(), []int{f.c})
		f.gamma = gt.Contiguous().Data()
	}
	if bt != nil {
		mustShape("BatchNorm beta", bt.Shape(), []int{f.c})
		bs = bt.Contiguous().Data()
	}
	xs, y, ys := unaryBuf(x)
	f.xhat = make([]float64, len(xs))
	f.mean, f.variance = tensor.New(f.c), tensor.New(f.c)
	f.invstd = make([]float64, f.c)
	ms, vs := f.mean.Data(), f.variance.Data()
	m := float64(f.n * f.s)
	n, c, s := f.n, f.c, f.s
	parfor.For(c, 0, max(1, 1<<14/max(1, n*s)), func(_, lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			sum := 0.0
			for i := range n {
				for _, v := range xs[(i*c+ch)*s : (i*c+ch+1)*s] {
					sum += v
				}
			}
			mu := sum / m
			ss := 0.0
			for i := range n {
				for _, v := range xs[(i*c+ch)*s : (i*c+ch+1)*s] {
					ss += (v - mu) * (v - mu)
				}
			}
			ms[ch], vs[ch] = mu, ss/m
			inv := 1 / math.Sqrt(vs[ch]+f.eps)
			f.invstd[ch] = inv
			gm, bb := 1.0, 0.0
			if f.gamma != nil {
				gm = f.gamma[ch]
			}
			if bs != nil {
				bb = bs[ch]
			}
			for i := range n {
				off := (i*c + ch) * s
				for k, v := range xs[off : off+s] {
					h := (v - mu) * inv
					f.xhat[off+k] = h
					ys[off+k] = h*gm + bb
				}
			}
		}
	})
	return y
}

// VJP (Ioffe and Szegedy, "Batch Normalization", 2015, with the batch
// statistics differentiated too): with ĝ = gamma·g,
// g_x = inv/m·(m·ĝ − Σĝ − x̂·Σĝx̂) per channel, where the sums run over the m
// values of the channel; g_gamma = Σ g·x̂ and g_beta = Σ g. The two sums are
// the gradients through the mean and the variance.
func (f *batchNormFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	gs := g.Contiguous().Data()
	n, c, s := f.n, f.c, f.s
	m := float64(n * s)
	var gx *tensor.Dense
	var gxs []float64
	if needs[0] {
		gx = tensor.New(g.Shape()...)
		gxs = gx.Data()
	}
	ggamma, gbeta := tensor.New(c), tensor.New(c)
	gg, gb := ggamma.Data(), gbeta.Data()
	parfor.For(c, 0, max(1, 1<<14/max(1, n*s)), func(_, lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			sg, sgx := 0.0, 0.0
			for i := range n {
				off := (i*c + ch) * s
				for k, v := range gs[off : off+s] {
					sg += v
					sgx += v * f.xhat[off+k]
				}
			}
			gg[ch], gb[ch] = sgx, sg
			if gxs == nil {
				continue
			}
			gm := 1.0
			if f.gamma != nil {
				gm = f.gamma[ch]
			}
			k0 := gm * f.invstd[ch] / m
			for i := range n {
				off := (i*c + ch) * s
				for k, v := range gs[off : off+s] {
					gxs[off+k] = k0 * (m*v - sg - f.xhat[off+k]*sgx)
				}
			}
		}
	})
	out := []*tensor.Dense{gx}
	if f.hasGamma {
		out = append(out, ggamma)
	}
	if f.hasBeta {
		out = append(out, gbeta)
	}
	return out
}

// LayerNorm normalises x over its trailing axes (Ba, Kiros and Hinton,
// "Layer Normalization", 2016) given by normalizedShape
// as PyTorch's layer_norm: each slice of that shape is shifted to mean 0
// and scaled by 1/√(var + eps) (biased variance), then multiplied by gamma
// and shifted by beta, both of shape normalizedShape or nil.
func LayerNorm(x *Var, normalizedShape []int, gamma, beta *Var, eps float64) *Var {
	f := &layerNormFn{shape: slices.Clone(normalizedShape), eps: eps}
	in := []*Var{x}
	if gamma != nil {
		f.hasGamma = true
		in = append(in, gamma)
	}
	if beta != nil {
		f.hasBeta = true
		in = append(in, beta)
	}
	return Apply(f, in...)
}

type layerNormFn struct {
	shape             []int
	eps               float64
	hasGamma, hasBeta bool
	rows, d           int
	xhat, invstd      []float64
	gamma             []float64
}

func (f *layerNormFn) Forward(in []*tensor.Dense) *tensor.Dense {
	x := in[0]
	xsh := x.Shape()
	k := len(f.shape)
	if k == 0 || k > len(xsh) || !slices.Equal(xsh[len(xsh)-k:], f.shape) {
		panicf("LayerNorm over %v of shape %v", f.shape, xsh)
	}
	f.d = 1
	for _, v := range f.shape {
		f.d *= v
	}
	f.rows = x.Size() / max(1, f.d)
	gt, bt := affine(in, f.hasGamma, f.hasBeta)
	var bs []float64
	if gt != nil {
		mustShape("LayerNorm gamma", gt.Shape(), f.shape)
		f.gamma = gt.Contiguous().Data()
	}
	if bt != nil {
		mustShape("LayerNorm beta", bt.Shape(), f.shape)
		bs = bt.Contiguous().Data()
	}
	xs, y, ys := unaryBuf(x)
	f.xhat, f.invstd = make([]float64, len(xs)), make([]float64, f.rows)
	d := f.d
	for r := range f.rows {
		row := xs[r*d : (r+1)*d]
		mu := 0.0
		for _, v := range row {
			mu += v
		}
		mu /= float64(d)
		ss := 0.0
		for _, v := range row {
			ss += (v - mu) * (v - mu)
		}
		inv := 1 / math.Sqrt(ss/float64(d)+f.eps)
		f.invstd[r] = inv
		hr, yr := f.xhat[r*d:(r+1)*d], ys[r*d:(r+1)*d]
		for i, v := range row {
			h := (v - mu) * inv
			hr[i] = h
			if f.gamma != nil {
				h *= f.gamma[i]
			}
			if bs != nil {
				h += bs[i]
			}
			yr[i] = h
		}
	}
	return y
}

// VJP: with ĝ = gamma·g, g_x = inv/d·(d·ĝ − Σĝ − x̂·Σĝx̂) per slice;
// g_gamma and g_beta sum g·x̂ and g over the slices.
func (f *layerNormFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	gs := g.Contiguous().Data()
	d := f.d
	ggamma, gbeta := tensor.New(f.shape...), tensor.New(f.shape...)
	gg, gb := ggamma.Data(), gbeta.Data()
	var gx *tensor.Dense
	if needs[0] {
		gx = tensor.New(g.Shape()...)
	}
	gh := make([]float64, d)
	for r := range f.rows {
		grow, hr := gs[r*d:(r+1)*d], f.xhat[r*d:(r+1)*d]
		s1, s2 := 0.0, 0.0
		for i, v := range grow {
			gg[i] += v * hr[i]
			gb[i] += v
			if f.gamma != nil {
				v *= f.gamma[i]
			}
			gh[i] = v
			s1 += v
			s2 += v * hr[i]
		}
		if gx == nil {
			continue
		}
		k0 := f.invstd[r] / float64(d)
		xr := gx.Data()[r*d : (r+1)*d]
		for i, v := range gh {
			xr[i] = k0 * (float64(d)*v - s1 - hr[i]*s2)
		}
	}
	out := []*tensor.Dense{gx}
	if f.hasGamma {
		out = append(out, ggamma)
	}
	if f.hasBeta {
		out = append(out, gbeta)
	}
	return out
}

// Dropout zeroes each element of x with probability p and scales the rest
// by 1/(1−p) (inverted dropout, PyTorch's training-mode dropout). The mask
// is drawn from r in row-major order, one r.Float64() per element. p = 0
// returns x itself; p = 1 gives zeros. Evaluation mode (no dropout) is
// the caller's choice: do not call Dropout.
func Dropout(x *Var, p float64, r *rand.Rand) *Var {
	if p < 0 || p > 1 || math.IsNaN(p) {
		panicf("Dropout probability %v outside [0, 1]", p)
	}
	if p == 0 {
		return x
	}
	return Apply(&dropoutFn{p: p, r: r}, x)
}

type dropoutFn struct {
	p    float64
	r    *rand.Rand
	mask []float64
}

func (f *dropoutFn) Forward(in []*tensor.Dense) *tensor.Dense {
	xs, y, ys := unaryBuf(in[0])
	scale := 0.0
	if f.p < 1 {
		scale = 1 / (1 - f.p)
	}
	f.mask = make([]float64, len(xs))
	for i, v := range xs {
		if f.r.Float64() >= f.p {
			f.mask[i] = scale
			ys[i] = v * scale
		}
	}
	return y
}

func (f *dropoutFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gs, gx, gxs := unaryBuf(g)
	for i, v := range gs {
		gxs[i] = v * f.mask[i]
	}
	return grads(gx)
}
