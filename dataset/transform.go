package dataset

import (
	"fmt"
	"math"
	"slices"

	"github.com/quanta-qml/quanta/internal/parfor"
)

// Transforms are pure: each returns a new Set (fresh X, Y and Classes) and
// leaves its input untouched. Caller mistakes (a wrong rank, a negative size,
// mismatched lengths) panic with a message prefixed "dataset:".
//
// Axis 1 of X is the channel axis of an image set [N, C, H, W] and the
// feature axis of a table [N, F]; per-channel statistics are taken over it.

// grainValues is the number of values a parallel chunk of an element-wise
// transform handles at least.
const grainValues = 1 << 16

// mapChannels returns a copy of s computed by f on each (sample, channel)
// run of values: f(c, dst, src) fills dst from src, both holding the values
// of channel c of one sample. Samples are processed in parallel.
func mapChannels(s *Set, f func(c int, dst, src []float64)) *Set {
	sh := s.X.Shape()
	if len(sh) < 2 {
		panic(fmt.Sprintf("dataset: set %q has X of shape %v, want at least 2 axes", s.Name, sh))
	}
	size := s.sampleSize()
	c := sh[1]
	inner := 0
	if c > 0 {
		inner = size / c
	}
	src := s.X.Data()
	dst := make([]float64, len(src))
	parfor.For(s.Len(), 0, max(1, grainValues/max(size, 1)), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			for k := range c {
				o := i*size + k*inner
				f(k, dst[o:o+inner], src[o:o+inner])
			}
		}
	})
	return s.derive(dst, slices.Clone(sh), slices.Clone(s.Y))
}

// Scale returns a copy of s with every value multiplied by f. Scale(s, 1.0/255)
// maps raw pixel bytes to [0, 1], as torchvision's ToTensor does.
func Scale(s *Set, f float64) *Set {
	return mapChannels(s, func(_ int, dst, src []float64) {
		for i, v := range src {
			dst[i] = v * f
		}
	})
}

// Normalize returns a copy of s with (x − mean[c]) / std[c] for each channel
// (or feature) c, as torchvision's Normalize. mean and std have one value per
// channel, or a single value for all. After Scale(s, 1.0/255),
// Normalize(s, []float64{0.5}, []float64{0.5}) maps pixels to [−1, 1].
func Normalize(s *Set, mean, std []float64) *Set {
	c := s.X.Shape()[1]
	m, d := broadcast("mean", mean, c), broadcast("std", std, c)
	for i, v := range d {
		if v == 0 {
			panic(fmt.Sprintf("dataset: Normalize: std[%d] is zero", i))
		}
	}
	return mapChannels(s, func(k int, dst, src []float64) {
		mk, dk := m[k], d[k]
		for i, v := range src {
			dst[i] = (v - mk) / dk
		}
	})
}

// broadcast expands a per-channel argument of length 1 to c values.
func broadcast(what string, v []float64, c int) []float64 {
	switch len(v) {
	case c:
		return v
	case 1:
		out := make([]float64, c)
		for i := range out {
			out[i] = v[0]
		}
		return out
	}
	panic(fmt.Sprintf("dataset: %d %s values for %d channels, want 1 or %d", len(v), what, c, c))
}

// MeanStd returns the mean and the population standard deviation (divisor
// N·H·W, as numpy's default) of each channel of s (each feature of a table),
// for use with Normalize. Fit it on the training set only. It panics on an
// empty set.
func MeanStd(s *Set) (mean, std []float64) {
	sh := s.X.Shape()
	if len(sh) < 2 || s.X.Size() == 0 {
		panic(fmt.Sprintf("dataset: MeanStd of set %q with shape %v", s.Name, sh))
	}
	c := sh[1]
	size := s.sampleSize()
	inner := size / max(c, 1)
	x := s.X.Data()
	mean = make([]float64, c)
	std = make([]float64, c)
	count := float64(s.Len() * inner)
	for i, v := range x {
		mean[(i%size)/inner] += v
	}
	for k := range mean {
		mean[k] /= count
	}
	for i, v := range x {
		k := (i % size) / inner
		std[k] += (v - mean[k]) * (v - mean[k])
	}
	for k := range std {
		std[k] = math.Sqrt(std[k] / count)
	}
	return mean, std
}

// Pad returns a copy of an image set [N, C, H, W] with p zero pixels added on
// every side: [N, C, H+2p, W+2p], like torchvision's Pad(p) with fill 0 (the
// "Let the Quantum Creep In" pipeline pads MNIST 28→32 with Pad(2) before
// ToTensor and Normalize, so its border ends up at −1).
func Pad(s *Set, p int) *Set {
	n, c, h, w := imageShape(s, "Pad")
	if p < 0 {
		panic(fmt.Sprintf("dataset: Pad by %d", p))
	}
	H, W := h+2*p, w+2*p
	src := s.X.Data()
	dst := make([]float64, n*c*H*W)
	parfor.For(n*c, 0, max(1, grainValues/(H*W)), func(_, lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			for r := range h {
				copy(dst[pl*H*W+(r+p)*W+p:][:w], src[pl*h*w+r*w:][:w])
			}
		}
	})
	return s.derive(dst, []int{n, c, H, W}, slices.Clone(s.Y))
}

// imageShape returns the four dimensions of an image set or panics.
func imageShape(s *Set, op string) (n, c, h, w int) {
	sh := s.X.Shape()
	if len(sh) != 4 {
		panic(fmt.Sprintf("dataset: %s needs images [N, C, H, W], set %q has shape %v", op, s.Name, sh))
	}
	return sh[0], sh[1], sh[2], sh[3]
}

// Resize returns a copy of an image set [N, C, H, W] resized to [N, C, h, w]
// by bilinear interpolation with PyTorch's F.interpolate(mode="bilinear",
// align_corners=False, antialias=False) semantics: output pixel centres map to
// input coordinates src = (dst + 0.5)·in/out − 0.5, clamped below at 0, and
// the two nearest input pixels on each axis are blended (the upper one is
// clamped at the border).
func Resize(s *Set, h, w int) *Set {
	n, c, ih, iw := imageShape(s, "Resize")
	if h < 1 || w < 1 {
		panic(fmt.Sprintf("dataset: Resize to %d×%d", h, w))
	}
	r0, r1, rl := bilinearTaps(ih, h)
	c0, c1, cl := bilinearTaps(iw, w)
	src := s.X.Data()
	dst := make([]float64, n*c*h*w)
	parfor.For(n*c, 0, max(1, grainValues/(h*w)), func(_, lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			in := src[pl*ih*iw : (pl+1)*ih*iw]
			out := dst[pl*h*w : (pl+1)*h*w]
			for y := range h {
				a, b, ly := in[r0[y]*iw:][:iw], in[r1[y]*iw:][:iw], rl[y]
				for x := range w {
					lx := cl[x]
					top := (1-lx)*a[c0[x]] + lx*a[c1[x]]
					bot := (1-lx)*b[c0[x]] + lx*b[c1[x]]
					out[y*w+x] = (1-ly)*top + ly*bot
				}
			}
		}
	})
	return s.derive(dst, []int{n, c, h, w}, slices.Clone(s.Y))
}

// bilinearTaps returns, for each of the out positions, the two input indices
// and the weight of the second, following PyTorch's
// area_pixel_compute_source_index with align_corners=False.
func bilinearTaps(in, out int) (i0, i1 []int, lambda []float64) {
	i0, i1, lambda = make([]int, out), make([]int, out), make([]float64, out)
	scale := float64(in) / float64(out)
	for d := range out {
		src := max(scale*(float64(d)+0.5)-0.5, 0)
		k := int(src)
		i0[d] = k
		i1[d] = min(k+1, in-1)
		lambda[d] = src - float64(k)
	}
	return i0, i1, lambda
}

// Flatten returns a copy of s with each sample flattened: [N, F] with F the
// product of the sample's dimensions.
func Flatten(s *Set) *Set {
	return Reshape(s, s.sampleSize())
}

// Reshape returns a copy of s whose samples have the given shape, which must
// hold as many values as the current one (for example Reshape(digits, 1, 8, 8)
// turns the 64 features of the UCI digits into 8×8 images).
func Reshape(s *Set, sample ...int) *Set {
	n := 1
	for _, d := range sample {
		if d < 0 {
			panic(fmt.Sprintf("dataset: Reshape to %v", sample))
		}
		n *= d
	}
	if len(sample) == 0 || n != s.sampleSize() {
		panic(fmt.Sprintf("dataset: Reshape of samples %v to %v", s.SampleShape(), sample))
	}
	return s.derive(slices.Clone(s.X.Data()), append([]int{s.Len()}, sample...), slices.Clone(s.Y))
}

// FilterClasses returns the samples of s whose label is in keep, in their
// original order, relabelled by their position in keep: keep = [3, 5] maps
// label 3 to 0 and 5 to 1, and the new Classes are the old names in that
// order. FilterClasses(s, []int{0, 1, 2, 3, 4, 5, 6, 7}) keeps the digits 0–7.
// It panics if keep repeats a label or names one outside s.Classes.
func FilterClasses(s *Set, keep []int) *Set {
	relabel := make([]int, len(s.Classes))
	for i := range relabel {
		relabel[i] = -1
	}
	classes := make([]string, len(keep))
	for j, k := range keep {
		if k < 0 || k >= len(s.Classes) || relabel[k] >= 0 {
			panic(fmt.Sprintf("dataset: FilterClasses: bad or repeated class %d in %v (set %q has %d classes)", k, keep, s.Name, len(s.Classes)))
		}
		relabel[k] = j
		classes[j] = s.Classes[k]
	}
	var idx []int
	for i, y := range s.Y {
		if relabel[y] >= 0 {
			idx = append(idx, i)
		}
	}
	out := s.Subset(idx)
	for i, y := range out.Y {
		out.Y[i] = relabel[y]
	}
	out.Classes = classes
	return out
}

// MinMax is a per-feature affine scaling fitted on a training set, like
// scikit-learn's MinMaxScaler: feature j is mapped by
// x ↦ Lo + (x − Min[j])·(Hi − Lo)/(Max[j] − Min[j]), where a constant feature
// (Max = Min) uses a range of 1. Features are the values of a flattened
// sample. Values of other sets are not clipped.
type MinMax struct {
	Min, Max []float64
	Lo, Hi   float64
}

// FitMinMax returns the MinMax scaling that maps each feature of train onto
// [lo, hi]. It panics on an empty set or when lo ≥ hi.
func FitMinMax(train *Set, lo, hi float64) *MinMax {
	if train.Len() == 0 || !(lo < hi) {
		panic(fmt.Sprintf("dataset: FitMinMax on %d samples to [%g, %g]", train.Len(), lo, hi))
	}
	f := train.sampleSize()
	x := train.X.Data()
	m := &MinMax{Min: slices.Clone(x[:f]), Max: slices.Clone(x[:f]), Lo: lo, Hi: hi}
	for i := f; i < len(x); i++ {
		j := i % f
		m.Min[j] = min(m.Min[j], x[i])
		m.Max[j] = max(m.Max[j], x[i])
	}
	return m
}

// Apply returns a copy of s scaled by m. It panics if s's samples do not have
// len(m.Min) values.
func (m *MinMax) Apply(s *Set) *Set {
	f := s.sampleSize()
	if f != len(m.Min) {
		panic(fmt.Sprintf("dataset: MinMax fitted on %d features applied to samples of %d", len(m.Min), f))
	}
	scale := make([]float64, f)
	for j := range scale {
		r := m.Max[j] - m.Min[j]
		if r == 0 {
			r = 1
		}
		scale[j] = (m.Hi - m.Lo) / r
	}
	src := s.X.Data()
	dst := make([]float64, len(src))
	parfor.For(s.Len(), 0, max(1, grainValues/max(f, 1)), func(_, lo, hi int) {
		for i := lo * f; i < hi*f; i++ {
			j := i % f
			dst[i] = m.Lo + (src[i]-m.Min[j])*scale[j]
		}
	})
	return s.derive(dst, slices.Clone(s.X.Shape()), slices.Clone(s.Y))
}
