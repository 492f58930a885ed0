package dataset

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/quanta-qml/quanta/tensor"
)

// imgSet returns a set of images with the given values.
func imgSet(x []float64, shape ...int) *Set {
	y := make([]int, shape[0])
	return &Set{X: tensor.FromSlice(x, shape...), Y: y, Classes: []string{"c"}, Name: "img"}
}

// approx compares float slices with an absolute tolerance.
func approx(tol float64) cmp.Option {
	return cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= tol })
}

func TestPad(t *testing.T) {
	t.Parallel()
	s := imgSet([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 1, 2, 2, 3)
	got := Pad(s, 1)
	want := []float64{
		0, 0, 0, 0, 0,
		0, 1, 2, 3, 0,
		0, 4, 5, 6, 0,
		0, 0, 0, 0, 0,

		0, 0, 0, 0, 0,
		0, 7, 8, 9, 0,
		0, 10, 11, 12, 0,
		0, 0, 0, 0, 0,
	}
	if diff := cmp.Diff([]int{1, 2, 4, 5}, got.X.Shape()); diff != "" {
		t.Errorf("shape (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got.X.Data()); diff != "" {
		t.Errorf("Pad(1) (-want +got):\n%s", diff)
	}
	if p0 := Pad(s, 0); !slices.Equal(p0.X.Data(), s.X.Data()) {
		t.Error("Pad(0) changed the values")
	}
}

// TestMNISTCreepPipeline runs the "Let the Quantum Creep In" preprocessing on
// the real MNIST: Pad(2), ToTensor, Normalize(0.5, 0.5).
func TestMNISTCreepPipeline(t *testing.T) {
	t.Parallel()
	_, test := loadMNIST(t)
	s := Normalize(Scale(Pad(Head(test, 50), 2), 1.0/255), []float64{0.5}, []float64{0.5})
	if diff := cmp.Diff([]int{50, 1, 32, 32}, s.X.Shape()); diff != "" {
		t.Fatalf("shape (-want +got):\n%s", diff)
	}
	x := s.X.Data()
	lo, hi := slices.Min(x), slices.Max(x)
	if lo != -1 || hi != 1 {
		t.Errorf("range [%g, %g], want [-1, 1]", lo, hi)
	}
	// The padded border is −1; the interior is the original pixel p as 2p/255−1.
	orig := test.X.Data()
	for _, c := range []struct{ y, x int }{{0, 0}, {1, 31}, {31, 15}, {14, 0}} {
		if v := x[c.y*32+c.x]; v != -1 {
			t.Errorf("border pixel (%d,%d) = %g, want -1", c.y, c.x, v)
		}
	}
	for r := range 28 {
		for c := range 28 {
			want := (orig[r*28+c]/255 - 0.5) / 0.5
			if got := x[(r+2)*32+c+2]; math.Abs(got-want) > 1e-15 {
				t.Fatalf("pixel (%d,%d) = %g, want %g", r, c, got, want)
			}
		}
	}
}

func TestScaleNormalize(t *testing.T) {
	t.Parallel()
	s := imgSet([]float64{0, 51, 255, 102}, 1, 1, 2, 2)
	u := Scale(s, 1.0/255)
	if diff := cmp.Diff([]float64{0, 0.2, 1, 0.4}, u.X.Data(), approx(1e-15)); diff != "" {
		t.Errorf("Scale (-want +got):\n%s", diff)
	}
	n := Normalize(u, []float64{0.5}, []float64{0.5})
	if diff := cmp.Diff([]float64{-1, -0.6, 1, -0.2}, n.X.Data(), approx(1e-15)); diff != "" {
		t.Errorf("Normalize (-want +got):\n%s", diff)
	}
	// Two channels with their own statistics; two samples.
	two := imgSet([]float64{1, 3, 10, 30, 5, 7, 50, 70}, 2, 2, 1, 2)
	got := Normalize(two, []float64{1, 10}, []float64{2, 20})
	if diff := cmp.Diff([]float64{0, 1, 0, 1, 2, 3, 2, 3}, got.X.Data()); diff != "" {
		t.Errorf("per-channel Normalize (-want +got):\n%s", diff)
	}
	mean, std := MeanStd(two)
	// Channel 0 holds 1, 3, 5, 7: mean 4, population variance 5.
	// Channel 1 holds 10, 30, 50, 70: mean 40, population variance 500.
	if diff := cmp.Diff([]float64{4, 40}, mean, approx(1e-12)); diff != "" {
		t.Errorf("mean (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{math.Sqrt(5), math.Sqrt(500)}, std, approx(1e-12)); diff != "" {
		t.Errorf("std (-want +got):\n%s", diff)
	}
	// Normalising with the fitted statistics gives mean 0 and std 1.
	m2, s2 := MeanStd(Normalize(two, mean, std))
	if diff := cmp.Diff([]float64{0, 0, 1, 1}, append(m2, s2...), approx(1e-12)); diff != "" {
		t.Errorf("normalised statistics (-want +got):\n%s", diff)
	}
	// Tables normalise per feature.
	tab := &Set{X: tensor.FromSlice([]float64{1, 100, 3, 300}, 2, 2), Y: []int{0, 0}, Classes: []string{"a"}}
	if diff := cmp.Diff([]float64{0, 0, 1, 1}, Normalize(tab, []float64{1, 100}, []float64{2, 200}).X.Data()); diff != "" {
		t.Errorf("table Normalize (-want +got):\n%s", diff)
	}
}

func TestResizeHand(t *testing.T) {
	t.Parallel()
	// f(y, x) = 2y + x on a 2×2 grid. Bilinear interpolation reproduces a
	// linear function exactly, so each output is f at its source coordinate.
	// Upsampling 2→4 with align_corners=False: src = (d+0.5)/2 − 0.5,
	// clamped to [0, 1]: 0, 0.25, 0.75, 1.
	s := imgSet([]float64{0, 1, 2, 3}, 1, 1, 2, 2)
	c := []float64{0, 0.25, 0.75, 1}
	var want []float64
	for y := range 4 {
		for x := range 4 {
			want = append(want, 2*c[y]+c[x])
		}
	}
	if diff := cmp.Diff(want, Resize(s, 4, 4).X.Data(), approx(1e-15)); diff != "" {
		t.Errorf("2×2 → 4×4 (-want +got):\n%s", diff)
	}
	// Downsampling 4→2: src = 2(d+0.5) − 0.5 = 0.5 and 2.5, on f = 4y + x.
	var in []float64
	for y := range 4 {
		for x := range 4 {
			in = append(in, float64(4*y+x))
		}
	}
	want = []float64{4*0.5 + 0.5, 4*0.5 + 2.5, 4*2.5 + 0.5, 4*2.5 + 2.5}
	if diff := cmp.Diff(want, Resize(imgSet(in, 1, 1, 4, 4), 2, 2).X.Data(), approx(1e-15)); diff != "" {
		t.Errorf("4×4 → 2×2 (-want +got):\n%s", diff)
	}
	if got := Resize(imgSet(in, 1, 1, 4, 4), 4, 4).X.Data(); !slices.Equal(got, in) {
		t.Errorf("resize to the same size changed the image: %v", got)
	}
}

// TestResizeTorch compares with PyTorch's F.interpolate(mode="bilinear",
// align_corners=False) values in testdata/resize_bilinear.json.
func TestResizeTorch(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "resize_bilinear.json"))
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Cases []struct {
			Shape  []int
			Size   []int
			Input  []float64
			Output []float64
		}
	}
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden.Cases) < 5 {
		t.Fatalf("%d golden cases", len(golden.Cases))
	}
	for _, c := range golden.Cases {
		t.Run(fmt.Sprintf("%v_to_%v", c.Shape, c.Size), func(t *testing.T) {
			got := Resize(imgSet(c.Input, c.Shape...), c.Size[0], c.Size[1])
			want := []int{c.Shape[0], c.Shape[1], c.Size[0], c.Size[1]}
			if diff := cmp.Diff(want, got.X.Shape()); diff != "" {
				t.Fatalf("shape (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.Output, got.X.Data(), approx(1e-12)); diff != "" {
				t.Errorf("values (-torch +got):\n%s", diff)
			}
		})
	}
}

func TestFlattenReshape(t *testing.T) {
	t.Parallel()
	s := rampSet(4, 2)
	f := Flatten(s)
	if diff := cmp.Diff([]int{4, 6}, f.X.Shape()); diff != "" {
		t.Errorf("Flatten shape (-want +got):\n%s", diff)
	}
	if !slices.Equal(f.X.Data(), s.X.Data()) || !slices.Equal(f.Y, s.Y) {
		t.Error("Flatten changed values or labels")
	}
	r := Reshape(f, 1, 3, 2)
	if diff := cmp.Diff([]int{4, 1, 3, 2}, r.X.Shape()); diff != "" {
		t.Errorf("Reshape shape (-want +got):\n%s", diff)
	}
	f.X.Data()[0] = -5
	if s.X.Data()[0] != 0 || r.X.Data()[0] != 0 {
		t.Error("Flatten shares storage")
	}
}

func TestFilterClasses(t *testing.T) {
	t.Parallel()
	s := rampSet(10, 3) // labels 0 1 2 0 1 2 0 1 2 0
	got := FilterClasses(s, []int{2, 0})
	if diff := cmp.Diff([]int{1, 0, 1, 0, 1, 0, 1}, got.Y); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2", "0"}, got.Classes); diff != "" {
		t.Errorf("classes (-want +got):\n%s", diff)
	}
	var samples []int
	for i := range got.Len() {
		samples = append(samples, int(got.X.Data()[i*6])/100)
	}
	if diff := cmp.Diff([]int{0, 2, 3, 5, 6, 8, 9}, samples); diff != "" {
		t.Errorf("kept samples (-want +got):\n%s", diff)
	}
	// The creep protocol's MNIST 0–7.
	train, _ := loadMNIST(t)
	keep := []int{0, 1, 2, 3, 4, 5, 6, 7}
	small := FilterClasses(Head(train, 1000), keep)
	want := 0
	for _, y := range train.Y[:1000] {
		if y < 8 {
			want++
		}
	}
	if small.Len() != want || len(small.Classes) != 8 || slices.Max(small.Y) != 7 {
		t.Errorf("MNIST 0–7 of 1000: %d samples (want %d), %d classes", small.Len(), want, len(small.Classes))
	}
}

func TestMinMax(t *testing.T) {
	t.Parallel()
	train := &Set{X: tensor.FromSlice([]float64{1, 2, 3, 2, 5, 2}, 3, 2), Y: []int{0, 0, 0}, Classes: []string{"a"}}
	m := FitMinMax(train, -1, 1)
	if diff := cmp.Diff(&MinMax{Min: []float64{1, 2}, Max: []float64{5, 2}, Lo: -1, Hi: 1}, m); diff != "" {
		t.Errorf("fit (-want +got):\n%s", diff)
	}
	// Feature 0: −1 + (x−1)·2/4. Feature 1 is constant: range 1, so −1 + (x−2)·2.
	if diff := cmp.Diff([]float64{-1, -1, 0, -1, 1, -1}, m.Apply(train).X.Data()); diff != "" {
		t.Errorf("train (-want +got):\n%s", diff)
	}
	test := &Set{X: tensor.FromSlice([]float64{7, 5, 0, 2}, 2, 2), Y: []int{0, 0}, Classes: []string{"a"}}
	if diff := cmp.Diff([]float64{2, 5, -1.5, -1}, m.Apply(test).X.Data()); diff != "" {
		t.Errorf("test, not clipped (-want +got):\n%s", diff)
	}
}

// TestTransformsPure checks that no transform modifies its input.
func TestTransformsPure(t *testing.T) {
	t.Parallel()
	s := imgSet([]float64{1, 2, 3, 4, 5, 6, 7, 8}, 2, 1, 2, 2)
	s.Classes = []string{"a", "b"}
	s.Y = []int{1, 0}
	x0, y0 := slices.Clone(s.X.Data()), slices.Clone(s.Y)
	outs := []*Set{
		Pad(s, 1), Scale(s, 2), Normalize(s, []float64{1}, []float64{2}), Resize(s, 3, 3),
		Flatten(s), Reshape(s, 4), FilterClasses(s, []int{1, 0}), FitMinMax(s, 0, 1).Apply(s),
	}
	for i, o := range outs {
		if &o.X.Data()[0] == &s.X.Data()[0] || &o.Y[0] == &s.Y[0] {
			t.Errorf("transform %d shares storage with its input", i)
		}
		o.X.Data()[0], o.Y[0] = 99, 99
	}
	if !slices.Equal(x0, s.X.Data()) || !slices.Equal(y0, s.Y) {
		t.Error("a transform modified its input")
	}
}

func TestTransformPanics(t *testing.T) {
	t.Parallel()
	tab := &Set{X: tensor.New(2, 3), Y: []int{0, 0}, Classes: []string{"a"}, Name: "tab"}
	img := imgSet(make([]float64, 8), 2, 1, 2, 2)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Pad of a table", func() { Pad(tab, 1) }},
		{"negative Pad", func() { Pad(img, -1) }},
		{"Resize to 0", func() { Resize(img, 0, 2) }},
		{"Normalize length", func() { Normalize(tab, []float64{1, 2}, []float64{1}) }},
		{"Normalize zero std", func() { Normalize(tab, []float64{0}, []float64{0}) }},
		{"Reshape size", func() { Reshape(tab, 2, 2) }},
		{"FilterClasses repeat", func() { FilterClasses(img, []int{0, 0}) }},
		{"FilterClasses range", func() { FilterClasses(img, []int{1}) }},
		{"MinMax features", func() { FitMinMax(tab, 0, 1).Apply(img) }},
		{"MinMax range", func() { FitMinMax(tab, 1, 1) }},
		{"MeanStd of nothing", func() { MeanStd(&Set{X: tensor.New(0, 2), Name: "empty"}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "dataset: ") {
					t.Errorf("recovered %v, want a dataset: panic", r)
				}
			}()
			c.f()
		})
	}
}
