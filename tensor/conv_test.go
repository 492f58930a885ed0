package tensor

import (
	"fmt"
	"math"
	"testing"
)

type convCase struct {
	n, c, h, w, o, kh, kw int
	stride, pad           [2]int
}

var convCases = []convCase{
	{2, 3, 7, 6, 4, 3, 2, [2]int{2, 1}, [2]int{1, 2}},
	{3, 1, 8, 8, 5, 3, 3, [2]int{1, 1}, [2]int{0, 0}},
	{1, 2, 5, 9, 3, 2, 4, [2]int{3, 2}, [2]int{0, 1}},
	{2, 4, 4, 4, 2, 1, 1, [2]int{1, 1}, [2]int{0, 0}}, // pointwise: no im2col
	{5, 2, 3, 3, 2, 3, 3, [2]int{1, 1}, [2]int{1, 1}}, // batch over several chunks
	{1, 1, 2, 2, 1, 3, 3, [2]int{2, 2}, [2]int{1, 1}}, // window wider than the image
	{2, 4, 6, 5, 2, 3, 2, [2]int{1, 1}, [2]int{1, 1}}, // input gradient as a flipped convolution
	{1, 3, 5, 5, 1, 3, 3, [2]int{1, 1}, [2]int{2, 2}}, // flipped, padding K−1
}

func (c convCase) String() string {
	return fmt.Sprintf("x=[%d,%d,%d,%d]/w=[%d,%d,%d,%d]/s=%v/p=%v", c.n, c.c, c.h, c.w, c.o, c.c, c.kh, c.kw, c.stride, c.pad)
}

func (c convCase) geom() ConvGeom {
	return ConvGeom{C: c.c, H: c.h, W: c.w, KH: c.kh, KW: c.kw, SH: c.stride[0], SW: c.stride[1], PH: c.pad[0], PW: c.pad[1]}
}

// naiveConv is the direct definition of PyTorch's conv2d, seven loops with
// bounds checks for the padding.
func naiveConv(x, w, b *Dense, cs convCase) *Dense {
	g := cs.geom()
	out := New(cs.n, cs.o, g.OutH(), g.OutW())
	eachIndex(out.Shape(), func(i []int) {
		s := 0.0
		if b != nil {
			s = b.At(i[1])
		}
		for c := range cs.c {
			for ki := range cs.kh {
				for kj := range cs.kw {
					y, xx := i[2]*g.SH-g.PH+ki, i[3]*g.SW-g.PW+kj
					if y >= 0 && y < cs.h && xx >= 0 && xx < cs.w {
						s += x.At(i[0], c, y, xx) * w.At(i[1], c, ki, kj)
					}
				}
			}
		}
		out.Set(s, i...)
	})
	return out
}

// naiveConvGrad scatters every output gradient back along the direct
// definition: the oracle for Conv2DGrad.
func naiveConvGrad(x, w, gy *Dense, cs convCase) (dx, dw, db *Dense) {
	g := cs.geom()
	dx, dw, db = New(x.Shape()...), New(w.Shape()...), New(cs.o)
	eachIndex(gy.Shape(), func(i []int) {
		gv := gy.At(i...)
		db.Set(db.At(i[1])+gv, i[1])
		for c := range cs.c {
			for ki := range cs.kh {
				for kj := range cs.kw {
					y, xx := i[2]*g.SH-g.PH+ki, i[3]*g.SW-g.PW+kj
					if y >= 0 && y < cs.h && xx >= 0 && xx < cs.w {
						dx.Set(dx.At(i[0], c, y, xx)+gv*w.At(i[1], c, ki, kj), i[0], c, y, xx)
						dw.Set(dw.At(i[1], c, ki, kj)+gv*x.At(i[0], c, y, xx), i[1], c, ki, kj)
					}
				}
			}
		}
	})
	return dx, dw, db
}

func TestConv2D(t *testing.T) {
	r := newRand(9)
	for _, cs := range convCases {
		t.Run(cs.String(), func(t *testing.T) {
			x := nonContiguous(r, cs.n, cs.c, cs.h, cs.w)
			w, b := RandN(r, cs.o, cs.c, cs.kh, cs.kw), RandN(r, cs.o)
			for _, bias := range []*Dense{b, nil} {
				got := Conv2D(x, w, bias, cs.stride, cs.pad)
				closeAll(t, "Conv2D", got.Data(), naiveConv(x, w, bias, cs).Data(), 1e-12)
			}
			gy := RandN(r, cs.n, cs.o, cs.geom().OutH(), cs.geom().OutW())
			dx, dw, db := Conv2DGrad(x, w, gy, cs.stride, cs.pad, true, true, true)
			wx, ww, wb := naiveConvGrad(x, w, gy, cs)
			closeAll(t, "dx", dx.Data(), wx.Data(), 1e-12)
			closeAll(t, "dw", dw.Data(), ww.Data(), 1e-12)
			closeAll(t, "db", db.Data(), wb.Data(), 1e-12)
			dx2, dw2, db2 := Conv2DGrad(x, w, gy, cs.stride, cs.pad, false, true, false)
			if dx2 != nil || db2 != nil || dw2 == nil {
				t.Errorf("Conv2DGrad computed unrequested gradients")
			}
		})
	}
}

func TestIm2ColAdjoint(t *testing.T) {
	r := newRand(10)
	for _, cs := range convCases {
		g := cs.geom()
		x := RandN(r, cs.c, cs.h, cs.w).Data()
		k, l := cs.c*cs.kh*cs.kw, g.OutH()*g.OutW()
		cols := make([]float64, k*l)
		Im2Col(cols, x, g)
		// Each column is the window at one output position.
		for c := range cs.c {
			for ki := range cs.kh {
				for kj := range cs.kw {
					for oy := range g.OutH() {
						for ox := range g.OutW() {
							y, xx := oy*g.SH-g.PH+ki, ox*g.SW-g.PW+kj
							want := 0.0
							if y >= 0 && y < cs.h && xx >= 0 && xx < cs.w {
								want = x[(c*cs.h+y)*cs.w+xx]
							}
							if got := cols[((c*cs.kh+ki)*cs.kw+kj)*l+oy*g.OutW()+ox]; got != want {
								t.Fatalf("%v: Im2Col entry (%d,%d,%d,%d,%d) = %v, want %v", cs, c, ki, kj, oy, ox, got, want)
							}
						}
					}
				}
			}
		}
		// <Im2Col(x), y> = <x, Col2Im(y)>.
		y := RandN(r, k*l).Data()
		back := make([]float64, len(x))
		Col2Im(back, y, g)
		lhs, rhs := 0.0, 0.0
		for i := range cols {
			lhs += cols[i] * y[i]
		}
		for i := range x {
			rhs += x[i] * back[i]
		}
		if math.Abs(lhs-rhs) > 1e-12*(1+math.Abs(lhs)) {
			t.Errorf("%v: Col2Im is not the adjoint of Im2Col: %v vs %v", cs, lhs, rhs)
		}
	}
}
