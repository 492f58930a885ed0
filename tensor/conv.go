package tensor

import (
	"fmt"

	"github.com/quanta-qml/quanta/internal/parfor"
)

// Convolution by im2col: unrolling every window into a column turns a
// convolution into one matrix product, weight [O, C·KH·KW] times columns
// [C·KH·KW, OH·OW] (Chellapilla, Puri and Simard, "High Performance
// Convolutional Neural Networks for Document Processing", 2006; the same
// scheme as PyTorch's CPU slow_conv2d, which float64 uses). The backward
// pass needs two more products: the weight gradient gy·colsᵀ and the column
// gradient Wᵀ·gy, which Col2Im folds back into the image (overlapping
// windows add up).

// ConvGeom is the geometry of a 2-d convolution or pooling window sliding
// over one C×H×W image (PyTorch's NCHW layout without the batch axis).
// Output positions are PyTorch's: OutH = ⌊(H + 2·PH − KH)/SH⌋ + 1.
type ConvGeom struct {
	C, H, W int // input channels, height and width
	KH, KW  int // window height and width
	SH, SW  int // strides (at least 1)
	PH, PW  int // zero padding added above/below and left/right
}

// OutH returns the number of output rows.
func (g ConvGeom) OutH() int { return (g.H+2*g.PH-g.KH)/g.SH + 1 }

// OutW returns the number of output columns.
func (g ConvGeom) OutW() int { return (g.W+2*g.PW-g.KW)/g.SW + 1 }

// Validate panics when the geometry is not usable: non-positive sizes or
// strides, negative padding, or a window larger than the padded image.
func (g ConvGeom) Validate() {
	if g.C < 1 || g.H < 1 || g.W < 1 || g.KH < 1 || g.KW < 1 || g.SH < 1 || g.SW < 1 || g.PH < 0 || g.PW < 0 ||
		g.H+2*g.PH < g.KH || g.W+2*g.PW < g.KW {
		panic(fmt.Sprintf("tensor: bad convolution geometry %+v", g))
	}
}

// pointwise reports whether the window is 1×1 with stride 1 and no padding,
// where the image itself is its column matrix.
func (g ConvGeom) pointwise() bool {
	return g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0
}

// Im2Col writes the windows of one image x (C×H×W, row-major) into cols, a
// row-major (C·KH·KW)×(OutH·OutW) matrix: row (c·KH + i)·KW + j holds the
// pixel at window offset (i, j) of channel c for every output position,
// and 0 where the window lies in the padding.
func Im2Col(cols, x []float64, g ConvGeom) {
	g.Validate()
	oh, ow := g.OutH(), g.OutW()
	l := oh * ow
	if len(x) != g.C*g.H*g.W || len(cols) != g.C*g.KH*g.KW*l {
		panic(fmt.Sprintf("tensor: Im2Col with %d inputs and %d columns for %+v", len(x), len(cols), g))
	}
	for c := range g.C {
		xc := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := range g.KH {
			for kj := range g.KW {
				row := cols[((c*g.KH+ki)*g.KW+kj)*l:][:l]
				lo, hi := validRange(ow, g.SW, kj-g.PW, g.W)
				for oy := range oh {
					dst := row[oy*ow : (oy+1)*ow]
					iy := oy*g.SH - g.PH + ki
					if iy < 0 || iy >= g.H {
						clear(dst)
						continue
					}
					src := xc[iy*g.W : (iy+1)*g.W]
					clear(dst[:lo])
					clear(dst[hi:])
					if g.SW == 1 {
						copy(dst[lo:hi], src[lo+kj-g.PW:])
						continue
					}
					for ox := lo; ox < hi; ox++ {
						dst[ox] = src[ox*g.SW+kj-g.PW]
					}
				}
			}
		}
	}
}

// Col2Im adds the column matrix cols back into the image dx (C×H×W): the
// adjoint of Im2Col, so overlapping windows sum. dx is accumulated into,
// not overwritten.
func Col2Im(dx, cols []float64, g ConvGeom) {
	g.Validate()
	oh, ow := g.OutH(), g.OutW()
	l := oh * ow
	if len(dx) != g.C*g.H*g.W || len(cols) != g.C*g.KH*g.KW*l {
		panic(fmt.Sprintf("tensor: Col2Im with %d outputs and %d columns for %+v", len(dx), len(cols), g))
	}
	for c := range g.C {
		xc := dx[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := range g.KH {
			for kj := range g.KW {
				row := cols[((c*g.KH+ki)*g.KW+kj)*l:][:l]
				lo, hi := validRange(ow, g.SW, kj-g.PW, g.W)
				for oy := range oh {
					iy := oy*g.SH - g.PH + ki
					if iy < 0 || iy >= g.H || lo >= hi {
						continue
					}
					src := row[oy*ow : (oy+1)*ow]
					dst := xc[iy*g.W : (iy+1)*g.W]
					if g.SW == 1 {
						d := dst[lo+kj-g.PW : hi+kj-g.PW]
						for i, v := range src[lo:hi] {
							d[i] += v
						}
						continue
					}
					for ox := lo; ox < hi; ox++ {
						dst[ox*g.SW+kj-g.PW] += src[ox]
					}
				}
			}
		}
	}
}

// validRange returns the output columns [lo, hi) whose input column
// ox·s + b lies in [0, w).
func validRange(ow, s, b, w int) (lo, hi int) {
	if b < 0 {
		lo = min(ow, (-b+s-1)/s)
	}
	if w-b > 0 {
		hi = min(ow, (w-b-1)/s+1)
	}
	return lo, max(lo, hi)
}

// convShapes checks the operands of a convolution and returns the image
// geometry, the batch size and the number of output channels.
func convShapes(x, w, b *Dense, stride, pad [2]int) (ConvGeom, int, int) {
	if len(x.shape) != 4 || len(w.shape) != 4 || x.shape[1] != w.shape[1] {
		panic(fmt.Sprintf("tensor: Conv2D of input %v with weight %v (need [N,C,H,W] and [O,C,KH,KW])", x.shape, w.shape))
	}
	if b != nil && (len(b.shape) != 1 || b.shape[0] != w.shape[0]) {
		panic(fmt.Sprintf("tensor: Conv2D bias of shape %v for %d output channels", b.shape, w.shape[0]))
	}
	g := ConvGeom{C: x.shape[1], H: x.shape[2], W: x.shape[3], KH: w.shape[2], KW: w.shape[3],
		SH: stride[0], SW: stride[1], PH: pad[0], PW: pad[1]}
	g.Validate()
	return g, x.shape[0], w.shape[0]
}

// Conv2D returns the cross-correlation of x [N,C,H,W] with w [O,C,KH,KW]
// plus the bias b [O] (nil for none): out [N,O,OutH,OutW], PyTorch's
// conv2d with the given stride and zero padding (height, width). Samples
// run in parallel, each as Im2Col and one GEMM.
func Conv2D(x, w, b *Dense, stride, pad [2]int) *Dense {
	g, n, o := convShapes(x, w, b, stride, pad)
	xd, wd := x.Contiguous().Data(), w.Contiguous().Data()
	var bd []float64
	if b != nil {
		bd = b.Contiguous().Data()
	}
	k, l, img := g.C*g.KH*g.KW, g.OutH()*g.OutW(), g.C*g.H*g.W
	out := New(n, o, g.OutH(), g.OutW())
	parfor.For(n, 0, 1, func(_, lo, hi int) {
		var cols []float64
		if !g.pointwise() {
			cols = make([]float64, k*l)
		}
		for s := lo; s < hi; s++ {
			xs := xd[s*img : (s+1)*img]
			if g.pointwise() {
				cols = xs
			} else {
				Im2Col(cols, xs, g)
			}
			os := out.data[s*o*l : (s+1)*o*l]
			beta := 0.0
			if bd != nil {
				for c, v := range bd {
					row := os[c*l : (c+1)*l]
					for i := range row {
						row[i] = v
					}
				}
				beta = 1
			}
			gemmSerial(false, false, o, l, k, 1, wd, k, cols, l, beta, os, l)
		}
	})
	return out
}

// Conv2DGrad returns the gradients of Conv2D with respect to x, w and the
// bias given gy, the gradient of its output; each is computed only when
// its flag is set (nil otherwise). Samples run in parallel; the weight and
// bias gradients are summed per chunk of samples and the chunks are added
// in order, so results are reproducible for a given GOMAXPROCS.
func Conv2DGrad(x, w, gy *Dense, stride, pad [2]int, needX, needW, needB bool) (dx, dw, db *Dense) {
	g, n, o := convShapes(x, w, nil, stride, pad)
	oh, ow := g.OutH(), g.OutW()
	if len(gy.shape) != 4 || gy.shape[0] != n || gy.shape[1] != o || gy.shape[2] != oh || gy.shape[3] != ow {
		panic(fmt.Sprintf("tensor: Conv2DGrad output gradient %v for output [%d %d %d %d]", gy.shape, n, o, oh, ow))
	}
	xd, wd, gd := x.Contiguous().Data(), w.Contiguous().Data(), gy.Contiguous().Data()
	k, l, img := g.C*g.KH*g.KW, oh*ow, g.C*g.H*g.W
	if needX {
		dx = New(x.shape...)
	}
	// With stride 1 the input gradient is itself a convolution: gy padded by
	// K−1−P, correlated with the kernel rotated by 180° with its channel
	// axes swapped (wf). When gy's column matrix is no larger than the
	// column gradient, this replaces the GEMM with inner dimension O and
	// Col2Im's scatter-add by Im2Col and a GEMM with inner dimension O·KH·KW
	// (about 20% faster on the 32→16 channel layer of the MNIST CNN).
	flip := needX && !g.pointwise() && g.SH == 1 && g.SW == 1 && g.PH < g.KH && g.PW < g.KW &&
		o*g.H*g.W <= g.C*l
	var wf []float64
	gg := ConvGeom{C: o, H: oh, W: ow, KH: g.KH, KW: g.KW, SH: 1, SW: 1, PH: g.KH - 1 - g.PH, PW: g.KW - 1 - g.PW}
	kf, hw := o*g.KH*g.KW, g.H*g.W
	if flip {
		wf = make([]float64, g.C*kf)
		for oc := range o {
			for c := range g.C {
				for i := range g.KH {
					for j := range g.KW {
						wf[c*kf+(oc*g.KH+g.KH-1-i)*g.KW+g.KW-1-j] = wd[((oc*g.C+c)*g.KH+i)*g.KW+j]
					}
				}
			}
		}
	}
	chunks := parfor.NumChunks(n, 0, 1)
	dws := make([][]float64, chunks)
	dbs := make([][]float64, chunks)
	parfor.For(n, 0, 1, func(ch, lo, hi int) {
		var cols, dcols, dwk, dbk []float64
		if !g.pointwise() {
			if needW {
				cols = make([]float64, k*l)
			}
			if flip {
				dcols = make([]float64, kf*hw)
			} else if needX {
				dcols = make([]float64, k*l)
			}
		}
		if needW {
			dwk = make([]float64, o*k)
			dws[ch] = dwk
		}
		if needB {
			dbk = make([]float64, o)
			dbs[ch] = dbk
		}
		for s := lo; s < hi; s++ {
			xs, gs := xd[s*img:(s+1)*img], gd[s*o*l:(s+1)*o*l]
			if needW {
				if g.pointwise() {
					cols = xs
				} else {
					Im2Col(cols, xs, g)
				}
				gemmSerial(false, true, o, k, l, 1, gs, l, cols, l, 1, dwk, k)
			}
			if needX {
				dxs := dx.data[s*img : (s+1)*img]
				switch {
				case g.pointwise():
					gemmSerial(true, false, k, l, o, 1, wd, k, gs, l, 0, dxs, l)
				case flip:
					Im2Col(dcols, gs, gg)
					gemmSerial(false, false, g.C, hw, kf, 1, wf, kf, dcols, hw, 0, dxs, hw)
				default:
					gemmSerial(true, false, k, l, o, 1, wd, k, gs, l, 0, dcols, l)
					Col2Im(dxs, dcols, g)
				}
			}
			if needB {
				for c := range o {
					sum := 0.0
					for _, v := range gs[c*l : (c+1)*l] {
						sum += v
					}
					dbk[c] += sum
				}
			}
		}
	})
	if needW {
		dw = New(w.shape...)
		for _, p := range dws {
			axpyRow(1, dw.data, 1, p, 1, len(p))
		}
	}
	if needB {
		db = New(o)
		for _, p := range dbs {
			axpyRow(1, db.data, 1, p, 1, len(p))
		}
	}
	return dx, dw, db
}
