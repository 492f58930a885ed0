package circuit

import (
	"math"
	"strconv"
	"strings"
)

// Param is one gate parameter as a function of a sample's inputs x and the
// trainable weights w:
//
//	value = A·(x[In] + Off)·f + B·w[W] + C,  f = x[In2] + Off2 if Prod, else 1.
//
// A zero A means no input term (In, Off, Prod, In2, Off2 are then
// ignored) and a zero B no weight term, so the zero Param is the constant
// 0. The common forms are Const(c), Input(i), Weight(j) and
// a·x[i] + b·w[j] + c (angle, interleaved and scaled encodings); the product
// form covers IQP's x_i·x_j and Qiskit's (π − x_i)(π − x_j)
// (A = 1, Off = Off2 = −π). Every form has an exact gradient (AddGrad).
type Param struct {
	A    float64 // coefficient of the input term; 0: no input term
	In   int     // index of the input
	Off  float64 // offset added to x[In]
	Prod bool    // the input term is multiplied by x[In2] + Off2
	In2  int     // index of the second input of a product
	Off2 float64 // offset added to x[In2]
	B    float64 // coefficient of the weight; 0: no weight term
	W    int     // index of the weight
	C    float64 // constant
}

// Const returns the constant parameter c.
func Const(c float64) Param { return Param{C: c} }

// Input returns the parameter x[i].
func Input(i int) Param { return Param{A: 1, In: i} }

// Weight returns the parameter w[j].
func Weight(j int) Param { return Param{B: 1, W: j} }

// Affine returns a·x[i] + b·w[j] + c.
func Affine(a float64, i int, b float64, j int, c float64) Param {
	return Param{A: a, In: i, B: b, W: j, C: c}
}

// Product returns a·(x[i] + off1)·(x[k] + off2).
func Product(a float64, i int, off1 float64, k int, off2 float64) Param {
	return Param{A: a, In: i, Off: off1, Prod: true, In2: k, Off2: off2}
}

// UsesInput reports whether the value depends on the inputs.
func (p Param) UsesInput() bool { return p.A != 0 }

// UsesWeight reports whether the value depends on the weights.
func (p Param) UsesWeight() bool { return p.B != 0 }

// Value evaluates the parameter. It panics (as any slice access) when an
// index it uses is out of range; a built circuit has checked them against
// its input and weight counts.
func (p Param) Value(inputs, weights []float64) float64 {
	v := p.C
	if p.A != 0 {
		t := p.A * (inputs[p.In] + p.Off)
		if p.Prod {
			t *= inputs[p.In2] + p.Off2
		}
		v += t
	}
	if p.B != 0 {
		v += p.B * weights[p.W]
	}
	return v
}

// AddGrad adds g·∂value/∂x to inGrad and g·∂value/∂w to wGrad; either may
// be nil to skip it.
func (p Param) AddGrad(inGrad, wGrad []float64, inputs []float64, g float64) {
	if p.A != 0 && inGrad != nil {
		if p.Prod {
			inGrad[p.In] += g * p.A * (inputs[p.In2] + p.Off2)
			inGrad[p.In2] += g * p.A * (inputs[p.In] + p.Off)
		} else {
			inGrad[p.In] += g * p.A
		}
	}
	if p.B != 0 && wGrad != nil {
		wGrad[p.W] += g * p.B
	}
}

// finite reports whether every coefficient is finite.
func (p Param) finite() bool {
	for _, v := range []float64{p.A, p.Off, p.Off2, p.B, p.C} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// String writes the parameter as an expression such as "2*x[0] + w[3]",
// "2*(x[0] - 3.14)*(x[1] - 3.14)" or "0.5".
func (p Param) String() string {
	var terms []string
	if p.A != 0 {
		t := factor("x", p.In, p.Off)
		if p.Prod {
			t += "*" + factor("x", p.In2, p.Off2)
		}
		if p.A != 1 {
			t = num(p.A) + "*" + t
		}
		terms = append(terms, t)
	}
	if p.B != 0 {
		t := "w[" + strconv.Itoa(p.W) + "]"
		if p.B != 1 {
			t = num(p.B) + "*" + t
		}
		terms = append(terms, t)
	}
	if p.C != 0 || len(terms) == 0 {
		terms = append(terms, num(p.C))
	}
	return strings.Join(terms, " + ")
}

func factor(name string, i int, off float64) string {
	s := name + "[" + strconv.Itoa(i) + "]"
	switch {
	case off > 0:
		s = "(" + s + " + " + num(off) + ")"
	case off < 0:
		s = "(" + s + " - " + num(-off) + ")"
	}
	return s
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
