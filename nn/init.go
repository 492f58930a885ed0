package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/quanta-qml/quanta/tensor"
)

// Initialisers fill a contiguous tensor in place, drawing from r in
// row-major order, and return it. They follow torch.nn.init (PyTorch
// 1.13): names, fan computations and gains are the same, so a layer
// initialised here has the distribution of its PyTorch counterpart. None
// of them touches global random state.

// FanMode selects which fan Kaiming initialisation scales by.
type FanMode int

const (
	// FanIn preserves the variance of activations in the forward pass
	// (PyTorch's default mode="fan_in").
	FanIn FanMode = iota
	// FanOut preserves the variance of gradients in the backward pass.
	FanOut
)

// Fans returns the fan-in and fan-out of a weight of the given shape, as
// torch.nn.init._calculate_fan_in_and_fan_out: for [out, in, k1, k2, …]
// the receptive field k1·k2·… multiplies both, so a Conv2d weight [O, C,
// KH, KW] has fan-in C·KH·KW and fan-out O·KH·KW. It panics for fewer
// than two axes.
func Fans(shape []int) (fanIn, fanOut int) {
	if len(shape) < 2 {
		panic(fmt.Sprintf("nn: fans of a tensor of shape %v (need at least 2 axes)", shape))
	}
	rf := 1
	for _, d := range shape[2:] {
		rf *= d
	}
	return shape[1] * rf, shape[0] * rf
}

// CalculateGain returns the recommended gain for a nonlinearity, as
// torch.nn.init.calculate_gain: 1 for "linear", "conv1d", "conv2d",
// "conv3d", "conv_transpose1d/2d/3d" and "sigmoid"; 5/3 for "tanh"; √2 for
// "relu"; √(2/(1+slope²)) for "leaky_relu" with param the negative slope
// (PyTorch's default when it is omitted is 0.01; pass it explicitly);
// 3/4 for "selu". It panics for any other name.
func CalculateGain(nonlinearity string, param float64) float64 {
	switch nonlinearity {
	case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid":
		return 1
	case "tanh":
		return 5.0 / 3
	case "relu":
		return math.Sqrt(2)
	case "leaky_relu":
		return math.Sqrt(2 / (1 + param*param))
	case "selu":
		return 3.0 / 4
	}
	panic(fmt.Sprintf("nn: unknown nonlinearity %q", nonlinearity))
}

// Uniform fills t with values drawn uniformly from [lo, hi).
func Uniform(r *rand.Rand, t *tensor.Dense, lo, hi float64) *tensor.Dense {
	d := t.Data()
	for i := range d {
		d[i] = lo + (hi-lo)*r.Float64()
	}
	return t
}

// Normal fills t with normal samples of the given mean and standard
// deviation.
func Normal(r *rand.Rand, t *tensor.Dense, mean, std float64) *tensor.Dense {
	d := t.Data()
	for i := range d {
		d[i] = mean + std*r.NormFloat64()
	}
	return t
}

// Constant fills t with v.
func Constant(t *tensor.Dense, v float64) *tensor.Dense {
	t.Fill(v)
	return t
}

// Zeros fills t with 0.
func Zeros(t *tensor.Dense) *tensor.Dense { return Constant(t, 0) }

// Ones fills t with 1.
func Ones(t *tensor.Dense) *tensor.Dense { return Constant(t, 1) }

// XavierUniform fills t from U(−a, a) with a = gain·√(6/(fan_in+fan_out))
// (Glorot and Bengio, "Understanding the difficulty of training deep
// feedforward neural networks", 2010), torch.nn.init.xavier_uniform_.
func XavierUniform(r *rand.Rand, t *tensor.Dense, gain float64) *tensor.Dense {
	fi, fo := Fans(t.Shape())
	a := math.Sqrt(3) * gain * math.Sqrt(2/float64(fi+fo))
	return Uniform(r, t, -a, a)
}

// XavierNormal fills t from N(0, std²) with std = gain·√(2/(fan_in+fan_out)),
// torch.nn.init.xavier_normal_.
func XavierNormal(r *rand.Rand, t *tensor.Dense, gain float64) *tensor.Dense {
	fi, fo := Fans(t.Shape())
	return Normal(r, t, 0, gain*math.Sqrt(2/float64(fi+fo)))
}

// kaimingStd returns gain/√fan for Kaiming initialisation.
func kaimingStd(shape []int, a float64, mode FanMode, nonlinearity string) float64 {
	fi, fo := Fans(shape)
	fan := fi
	if mode == FanOut {
		fan = fo
	}
	if fan == 0 {
		panic(fmt.Sprintf("nn: Kaiming initialisation of an empty tensor of shape %v", shape))
	}
	return CalculateGain(nonlinearity, a) / math.Sqrt(float64(fan))
}

// KaimingUniform fills t from U(−b, b) with b = √3·gain/√fan (He et al.,
// "Delving Deep into Rectifiers", 2015), torch.nn.init.kaiming_uniform_:
// gain = CalculateGain(nonlinearity, a), fan by mode. PyTorch's Linear and
// Conv2d weights use a = √5, FanIn, "leaky_relu", which gives
// b = 1/√fan_in.
func KaimingUniform(r *rand.Rand, t *tensor.Dense, a float64, mode FanMode, nonlinearity string) *tensor.Dense {
	b := math.Sqrt(3) * kaimingStd(t.Shape(), a, mode, nonlinearity)
	return Uniform(r, t, -b, b)
}

// KaimingNormal fills t from N(0, std²) with std = gain/√fan,
// torch.nn.init.kaiming_normal_.
func KaimingNormal(r *rand.Rand, t *tensor.Dense, a float64, mode FanMode, nonlinearity string) *tensor.Dense {
	return Normal(r, t, 0, kaimingStd(t.Shape(), a, mode, nonlinearity))
}

// initLinear draws a Linear or Conv weight and its bias (nil for none)
// like PyTorch's reset_parameters: kaiming_uniform_(a=√5) for the weight,
// U(−1/√fan_in, 1/√fan_in) for the bias.
func initLinear(r *rand.Rand, w, b *tensor.Dense) {
	KaimingUniform(r, w, math.Sqrt(5), FanIn, "leaky_relu")
	if b == nil {
		return
	}
	fi, _ := Fans(w.Shape())
	bound := 0.0
	if fi > 0 {
		bound = 1 / math.Sqrt(float64(fi))
	}
	Uniform(r, b, -bound, bound)
}
