package autograd

import (
	"math"

	"github.com/quanta-qml/quanta/internal/parfor"
	"github.com/quanta-qml/quanta/tensor"
)

// Conv2d returns PyTorch's conv2d: x [N,C,H,W] cross-correlated with w
// [O,C,KH,KW], plus bias b [O] (nil for none), with stride and zero
// padding given as (height, width). The result is [N,O,OH,OW] with
// OH = ⌊(H + 2·padding[0] − KH)/stride[0]⌋ + 1. Both passes run im2col +
// GEMM per sample, samples in parallel.
func Conv2d(x, w, b *Var, stride, padding [2]int) *Var {
	f := &convFn{stride: stride, pad: padding}
	if b == nil {
		return Apply(f, x, w)
	}
	f.bias = true
	return Apply(f, x, w, b)
}

type convFn struct {
	stride, pad [2]int
	bias        bool
	x, w        *tensor.Dense
}

func (f *convFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.x, f.w = in[0], in[1]
	var b *tensor.Dense
	if f.bias {
		b = in[2]
	}
	return tensor.Conv2D(f.x, f.w, b, f.stride, f.pad)
}

func (f *convFn) VJP(g *tensor.Dense, needs []bool) []*tensor.Dense {
	needB := f.bias && needs[2]
	dx, dw, db := tensor.Conv2DGrad(f.x, f.w, g, f.stride, f.pad, needs[0], needs[1], needB)
	if f.bias {
		return grads(dx, dw, db)
	}
	return grads(dx, dw)
}

// poolGeom checks a pooling input [N,C,H,W] and returns the per-plane
// window geometry (C = 1) and the number of planes N·C. A zero stride
// means the kernel size, PyTorch's default.
func poolGeom(op string, shape []int, kernel, stride, pad [2]int) (tensor.ConvGeom, int) {
	if len(shape) != 4 {
		panicf("%s of shape %v (need [N,C,H,W])", op, shape)
	}
	if stride == [2]int{} {
		stride = kernel
	}
	if 2*pad[0] > kernel[0] || 2*pad[1] > kernel[1] {
		panicf("%s padding %v larger than half the kernel %v", op, pad, kernel)
	}
	g := tensor.ConvGeom{C: 1, H: shape[2], W: shape[3], KH: kernel[0], KW: kernel[1],
		SH: stride[0], SW: stride[1], PH: pad[0], PW: pad[1]}
	g.Validate()
	return g, shape[0] * shape[1]
}

// planeGrain is how many planes of pooling work one goroutine takes at
// least, given the work per plane.
func planeGrain(work int) int { return max(1, 1<<14/max(1, work)) }

// MaxPool2d returns PyTorch's max_pool2d over x [N,C,H,W]: the maximum of
// each kernel window, windows moved by stride (zero means the kernel) over
// x padded with −∞ by padding (at most half the kernel). NaN propagates.
// The gradient flows to the first maximal element of each window.
func MaxPool2d(x *Var, kernel, stride, padding [2]int) *Var {
	return Apply(&maxPoolFn{kernel: kernel, stride: stride, pad: padding}, x)
}

type maxPoolFn struct {
	kernel, stride, pad [2]int
	g                   tensor.ConvGeom
	in                  []int
	arg                 []int32 // per output: flat index of the maximum in its plane
}

func (f *maxPoolFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.in = in[0].Shape()
	g, planes := poolGeom("MaxPool2d", f.in, f.kernel, f.stride, f.pad)
	f.g = g
	oh, ow := g.OutH(), g.OutW()
	xs := in[0].Contiguous().Data()
	y := tensor.New(f.in[0], f.in[1], oh, ow)
	ys := y.Data()
	f.arg = make([]int32, len(ys))
	parfor.For(planes, 0, planeGrain(oh*ow*g.KH*g.KW), func(_, lo, hi int) {
		for p := lo; p < hi; p++ {
			xp := xs[p*g.H*g.W : (p+1)*g.H*g.W]
			for oy := range oh {
				for ox := range ow {
					best, arg := math.Inf(-1), int32(-1)
				window:
					for ki := range g.KH {
						iy := oy*g.SH - g.PH + ki
						if iy < 0 || iy >= g.H {
							continue
						}
						for kj := range g.KW {
							ix := ox*g.SW - g.PW + kj
							if ix < 0 || ix >= g.W {
								continue
							}
							v := xp[iy*g.W+ix]
							if v > best || arg < 0 || math.IsNaN(v) {
								best, arg = v, int32(iy*g.W+ix)
								if math.IsNaN(v) {
									break window
								}
							}
						}
					}
					o := (p*oh+oy)*ow + ox
					ys[o], f.arg[o] = best, arg
				}
			}
		}
	})
	return y
}

func (f *maxPoolFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gs := g.Contiguous().Data()
	gx := tensor.New(f.in...)
	gxs := gx.Data()
	hw, ohw := f.g.H*f.g.W, f.g.OutH()*f.g.OutW()
	parfor.For(f.in[0]*f.in[1], 0, planeGrain(ohw), func(_, lo, hi int) {
		for p := lo; p < hi; p++ {
			gp := gxs[p*hw : (p+1)*hw]
			for o := p * ohw; o < (p+1)*ohw; o++ {
				gp[f.arg[o]] += gs[o]
			}
		}
	})
	return grads(gx)
}

// AvgPool2d returns PyTorch's avg_pool2d over x [N,C,H,W] with its
// defaults count_include_pad=True and ceil_mode=False: every window sum is
// divided by KH·KW, zero padding included. A zero stride means the kernel.
func AvgPool2d(x *Var, kernel, stride, padding [2]int) *Var {
	return Apply(&avgPoolFn{kernel: kernel, stride: stride, pad: padding}, x)
}

type avgPoolFn struct {
	kernel, stride, pad [2]int
	g                   tensor.ConvGeom
	in                  []int
}

func (f *avgPoolFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.in = in[0].Shape()
	g, planes := poolGeom("AvgPool2d", f.in, f.kernel, f.stride, f.pad)
	f.g = g
	oh, ow := g.OutH(), g.OutW()
	xs := in[0].Contiguous().Data()
	y := tensor.New(f.in[0], f.in[1], oh, ow)
	ys := y.Data()
	inv := 1 / float64(g.KH*g.KW)
	parfor.For(planes, 0, planeGrain(oh*ow*g.KH*g.KW), func(_, lo, hi int) {
		for p := lo; p < hi; p++ {
			xp, yp := xs[p*g.H*g.W:(p+1)*g.H*g.W], ys[p*oh*ow:(p+1)*oh*ow]
			for oy := range oh {
				y0, y1 := max(0, oy*g.SH-g.PH), min(g.H, oy*g.SH-g.PH+g.KH)
				for ox := range ow {
					x0, x1 := max(0, ox*g.SW-g.PW), min(g.W, ox*g.SW-g.PW+g.KW)
					s := 0.0
					for iy := y0; iy < y1; iy++ {
						for _, v := range xp[iy*g.W+x0 : iy*g.W+x1] {
							s += v
						}
					}
					yp[oy*ow+ox] = s * inv
				}
			}
		}
	})
	return y
}

func (f *avgPoolFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gs := g.Contiguous().Data()
	gx := tensor.New(f.in...)
	gxs := gx.Data()
	geo := f.g
	oh, ow := geo.OutH(), geo.OutW()
	inv := 1 / float64(geo.KH*geo.KW)
	parfor.For(f.in[0]*f.in[1], 0, planeGrain(oh*ow*geo.KH*geo.KW), func(_, lo, hi int) {
		for p := lo; p < hi; p++ {
			gp, op := gxs[p*geo.H*geo.W:(p+1)*geo.H*geo.W], gs[p*oh*ow:(p+1)*oh*ow]
			for oy := range oh {
				y0, y1 := max(0, oy*geo.SH-geo.PH), min(geo.H, oy*geo.SH-geo.PH+geo.KH)
				for ox := range ow {
					x0, x1 := max(0, ox*geo.SW-geo.PW), min(geo.W, ox*geo.SW-geo.PW+geo.KW)
					v := op[oy*ow+ox] * inv
					for iy := y0; iy < y1; iy++ {
						row := gp[iy*geo.W+x0 : iy*geo.W+x1]
						for i := range row {
							row[i] += v
						}
					}
				}
			}
		}
	})
	return grads(gx)
}

// AdaptiveAvgPool2d returns PyTorch's adaptive_avg_pool2d: x [N,C,H,W] to
// [N,C,outH,outW], output cell (i, j) averaging rows ⌊iH/outH⌋ …
// ⌈(i+1)H/outH⌉−1 and the matching columns.
func AdaptiveAvgPool2d(x *Var, outH, outW int) *Var {
	return Apply(&adaptiveFn{oh: outH, ow: outW}, x)
}

type adaptiveFn struct {
	oh, ow int
	in     []int
}

// bin returns PyTorch's adaptive pooling range [start, end) of cell i of n
// over length l.
func bin(i, n, l int) (int, int) { return i * l / n, ((i+1)*l + n - 1) / n }

func (f *adaptiveFn) Forward(in []*tensor.Dense) *tensor.Dense {
	f.in = in[0].Shape()
	if len(f.in) != 4 || f.oh < 1 || f.ow < 1 {
		panicf("AdaptiveAvgPool2d of shape %v to %d×%d", f.in, f.oh, f.ow)
	}
	xs := in[0].Contiguous().Data()
	y := tensor.New(f.in[0], f.in[1], f.oh, f.ow)
	ys := y.Data()
	h, w := f.in[2], f.in[3]
	parfor.For(f.in[0]*f.in[1], 0, planeGrain(h*w), func(_, lo, hi int) {
		for p := lo; p < hi; p++ {
			xp, yp := xs[p*h*w:(p+1)*h*w], ys[p*f.oh*f.ow:(p+1)*f.oh*f.ow]
			for i := range f.oh {
				y0, y1 := bin(i, f.oh, h)
				for j := range f.ow {
					x0, x1 := bin(j, f.ow, w)
					s := 0.0
					for iy := y0; iy < y1; iy++ {
						for _, v := range xp[iy*w+x0 : iy*w+x1] {
							s += v
						}
					}
					yp[i*f.ow+j] = s / float64((y1-y0)*(x1-x0))
				}
			}
		}
	})
	return y
}

func (f *adaptiveFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense {
	gs := g.Contiguous().Data()
	gx := tensor.New(f.in...)
	gxs := gx.Data()
	h, w := f.in[2], f.in[3]
	parfor.For(f.in[0]*f.in[1], 0, planeGrain(h*w), func(_, lo, hi int) {
		for p := lo; p < hi; p++ {
			gp, op := gxs[p*h*w:(p+1)*h*w], gs[p*f.oh*f.ow:(p+1)*f.oh*f.ow]
			for i := range f.oh {
				y0, y1 := bin(i, f.oh, h)
				for j := range f.ow {
					x0, x1 := bin(j, f.ow, w)
					v := op[i*f.ow+j] / float64((y1-y0)*(x1-x0))
					for iy := y0; iy < y1; iy++ {
						row := gp[iy*w+x0 : iy*w+x1]
						for k := range row {
							row[k] += v
						}
					}
				}
			}
		}
	})
	return grads(gx)
}

// ConstantPad2d pads the last two axes of x (at least 2-d) with value:
// pad = (left, right, top, bottom), PyTorch's order. Padding must not be
// negative.
func ConstantPad2d(x *Var, pad [4]int, value float64) *Var {
	return Apply(&padFn{pad: pad, value: value}, x)
}

type padFn struct {
	pad   [4]int
	value float64
	in    []int
}

func (f *padFn) Forward(in []*tensor.Dense) *tensor.Dense {
	x := in[0]
	f.in = x.Shape()
	if x.Dims() < 2 || min(f.pad[0], f.pad[1], f.pad[2], f.pad[3]) < 0 {
		panicf("ConstantPad2d of shape %v by %v", f.in, f.pad)
	}
	shape := append([]int(nil), f.in...)
	shape[len(shape)-2] += f.pad[2] + f.pad[3]
	shape[len(shape)-1] += f.pad[0] + f.pad[1]
	y := tensor.Full(f.value, shape...)
	f.inner(y).CopyFrom(x)
	return y
}

// inner returns the view of a padded tensor that holds the input.
func (f *padFn) inner(t *tensor.Dense) *tensor.Dense {
	n := len(f.in)
	return t.Narrow(-2, f.pad[2], f.in[n-2]).Narrow(-1, f.pad[0], f.in[n-1])
}

func (f *padFn) VJP(g *tensor.Dense, _ []bool) []*tensor.Dense { return grads(f.inner(g)) }
