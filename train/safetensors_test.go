package train

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/quanta-qml/quanta/tensor"
)

// handBuilt assembles a safetensors file from a header string and data
// bytes, as the format's specification lays it out: the header length as
// 8 little-endian bytes, the header, the data.
func handBuilt(header string, data ...byte) []byte {
	out := make([]byte, 8)
	binary.LittleEndian.PutUint64(out, uint64(len(header)))
	out = append(out, header...)
	return append(out, data...)
}

// TestDecodeHandBuilt reads a file built byte by byte from the
// specification, with values whose IEEE 754 and two's-complement
// encodings are written out by hand.
func TestDecodeHandBuilt(t *testing.T) {
	header := `{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
		`"d":{"dtype":"F64","shape":[],"data_offsets":[8,16]},"n":{"dtype":"I64","shape":[1,1],"data_offsets":[16,24]},` +
		`"i":{"dtype":"I32","shape":[2],"data_offsets":[24,32]}}`
	file := handBuilt(header,
		0x00, 0x00, 0x80, 0x3f, // F32 1.0 = 0x3f800000
		0x00, 0x00, 0x40, 0xc0, // F32 -3.0 = 0xc0400000
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xc0, // F64 -2.5 = 0xc004000000000000
		0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // I64 -2
		0x07, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f, // I32 7, 2147483647
	)
	s, err := DecodeSafetensors(file, "hand")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"format": "pt"}, s.Metadata); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
	var names []string
	for _, x := range s.Tensors {
		names = append(names, x.Name)
	}
	if want := []string{"w", "d", "n", "i"}; !slices.Equal(names, want) {
		t.Errorf("tensor order %v, want %v (data order)", names, want)
	}
	w, _ := s.Lookup("w")
	wd, err := w.Dense()
	if err != nil || !slices.Equal(wd.Data(), []float64{1, -3}) || !slices.Equal(wd.Shape(), []int{2}) {
		t.Errorf("w = %v, %v", wd, err)
	}
	d, _ := s.Lookup("d")
	dd, err := d.Dense()
	if err != nil || dd.Dims() != 0 || dd.Item() != -2.5 {
		t.Errorf("d = %v, %v", dd, err)
	}
	n, _ := s.Lookup("n")
	if v, err := n.Int64s(); err != nil || !slices.Equal(v, []int64{-2}) || !slices.Equal(n.Shape, []int{1, 1}) {
		t.Errorf("n = %v %v, %v", v, n.Shape, err)
	}
	i, _ := s.Lookup("i")
	if v, err := i.Int64s(); err != nil || !slices.Equal(v, []int64{7, math.MaxInt32}) {
		t.Errorf("i = %v, %v", v, err)
	}
	if _, err := n.Dense(); err == nil {
		t.Error("Dense of an I64 tensor: no error")
	}
}

// TestEncodeExactBytes checks the writer against a file laid out by hand:
// metadata first, tensors in order, header padded with spaces to a
// multiple of 8.
func TestEncodeExactBytes(t *testing.T) {
	s := &Safetensors{
		Metadata: map[string]string{"b": "2", "a": "1"},
		Tensors: []Tensor{
			FromDense("x", tensor.FromSlice([]float64{-2.5}, 1)),
			FromInt64s("k", nil, []int64{3}),
		},
	}
	got, err := EncodeSafetensors(s)
	if err != nil {
		t.Fatal(err)
	}
	header := `{"__metadata__":{"a":"1","b":"2"},"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"k":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}`
	for len(header)%8 != 0 {
		header += " "
	}
	want := handBuilt(header,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xc0,
		0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00)
	if !bytes.Equal(got, want) {
		t.Errorf("encoded\n%q\nwant\n%q", got, want)
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := tensor.RandN(r, 3, 4, 2)
	x.Set(math.Inf(-1), 0, 0, 0)
	x.Set(math.NaN(), 1, 2, 1)
	x.Set(math.Copysign(0, -1), 2, 3, 0)
	s := &Safetensors{
		Metadata: map[string]string{"quote\"key": "line\nbreak", "ü": "ß"},
		Tensors: []Tensor{
			FromDense("a.weight", x),
			FromDense("scalar", tensor.Scalar(math.Pi)),
			FromDense("empty", tensor.New(0, 3)),
			FromDense32("half", tensor.FromSlice([]float64{0.1, 1e30}, 2)),
			FromInt64s("counts", []int{2}, []int64{math.MinInt64, math.MaxInt64}),
			FromBytes("rng", []byte("pcg:0123456789abcdef")),
			FromDense("transposed", tensor.RandN(r, 2, 3).T()),
		},
	}
	data, err := EncodeSafetensors(s)
	if err != nil {
		t.Fatal(err)
	}
	if n := binary.LittleEndian.Uint64(data); (8+n)%8 != 0 {
		t.Errorf("data starts at %d, not 8-aligned", 8+n)
	}
	got, err := DecodeSafetensors(data, "rt")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// The values survive bit for bit (NaN, -0 and infinities included).
	back, _ := got.Tensors[0].Dense()
	for i, v := range x.Data() {
		if math.Float64bits(v) != math.Float64bits(back.Data()[i]) {
			t.Fatalf("element %d: %v became %v", i, v, back.Data()[i])
		}
	}
	h, _ := got.Lookup("half")
	hd, _ := h.Dense()
	if want := []float64{float64(float32(0.1)), float64(float32(1e30))}; !slices.Equal(hd.Data(), want) {
		t.Errorf("F32 values %v, want %v", hd.Data(), want)
	}
	tr, _ := got.Lookup("transposed")
	if trd, _ := tr.Dense(); !slices.Equal(trd.Shape(), []int{3, 2}) || trd.At(2, 1) != s.Tensors[6].denseOrZero().At(2, 1) {
		t.Errorf("transposed view was not written in row-major order")
	}
}

// denseOrZero decodes a float tensor for comparisons in tests.
func (t Tensor) denseOrZero() *tensor.Dense {
	d, err := t.Dense()
	if err != nil {
		return tensor.New(t.Shape...)
	}
	return d
}

func TestEncodeRejects(t *testing.T) {
	ok := FromDense("x", tensor.Scalar(1))
	cases := []struct {
		name string
		ts   []Tensor
		want string
	}{
		{"empty name", []Tensor{{DType: F64, Data: make([]byte, 8)}}, "empty name"},
		{"reserved", []Tensor{{Name: "__metadata__", DType: F64, Data: make([]byte, 8)}}, "reserved"},
		{"repeat", []Tensor{ok, ok}, "repeats"},
		{"dtype", []Tensor{{Name: "y", DType: "BF16", Data: make([]byte, 2)}}, "unknown dtype"},
		{"size", []Tensor{{Name: "y", DType: F64, Shape: []int{2}, Data: make([]byte, 8)}}, "data bytes"},
		{"shape", []Tensor{{Name: "y", DType: F64, Shape: []int{-1}}}, "bad shape"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := EncodeSafetensors(&Safetensors{Tensors: c.ts})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestDecodeMalformed checks that every kind of damage is rejected with a
// FormatError that names the offset where it is.
func TestDecodeMalformed(t *testing.T) {
	entry := func(name, dtype, shape string, b, e int) string {
		return `"` + name + `":{"dtype":"` + dtype + `","shape":` + shape + `,"data_offsets":[` + strconv.Itoa(b) + `,` + strconv.Itoa(e) + `]}`
	}
	valid := `{` + entry("a", "F64", "[1]", 0, 8) + `}`
	eight := make([]byte, 8)
	sixteen := make([]byte, 16)
	hugeLen := make([]byte, 16)
	binary.LittleEndian.PutUint64(hugeLen, 200_000_000)
	pastEnd := make([]byte, 16)
	binary.LittleEndian.PutUint64(pastEnd, 9)
	cases := []struct {
		name   string
		file   []byte
		offset int64
		want   string
	}{
		{"short", []byte{1, 2, 3}, 0, "too short"},
		{"header beyond file", pastEnd, 0, "exceeds the 8 bytes"},
		{"header too large", hugeLen, 0, "exceeds the limit"},
		{"not an object", handBuilt(`[1, 2]`), 8, "start with '{'"},
		{"bad utf8", handBuilt("{\"\xff\":1}"), 8, "UTF-8"},
		{"bad JSON", handBuilt(`{"a":{"dtype":"F64",}}`), 8 + 19, "header JSON"},
		{"trailing garbage", handBuilt(valid+`x`, eight...), 8 + int64(len(valid)), "after the header"},
		{"unknown dtype", handBuilt(`{"a":{"dtype":"F17","shape":[1],"data_offsets":[0,8]}}`, eight...), 8 + 5, `unknown dtype "F17"`},
		{"unknown field", handBuilt(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8],"x":1}}`, eight...), 8 + 5, "unknown field"},
		{"no dtype", handBuilt(`{"a":{"shape":[1],"data_offsets":[0,8]}}`, eight...), 8 + 5, "no dtype"},
		{"no shape", handBuilt(`{"a":{"dtype":"F64","data_offsets":[0,8]}}`, eight...), 8 + 5, "no shape"},
		{"three offsets", handBuilt(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8,9]}}`, eight...), 8 + 5, "3 values"},
		{"negative dim", handBuilt(`{"a":{"dtype":"F64","shape":[-1],"data_offsets":[0,8]}}`, eight...), 8 + 5, "bad dimension"},
		{"negative offset", handBuilt(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[-8,0]}}`, eight...), 8 + 5, "cannot unmarshal"},
		{"size mismatch", handBuilt(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}`, eight...), 8 + 5, "needs 16"},
		{"reversed offsets", handBuilt(`{"a":{"dtype":"F64","shape":[0],"data_offsets":[8,0]}}`, eight...), 8 + 5, "end before"},
		{"overflowing shape", handBuilt(`{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, eight...), 8 + 5, "too large"},
		{"repeated name", handBuilt(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}`), 8 + 53, `"a" repeats`},
		{"metadata not strings", handBuilt(`{"__metadata__":{"k":1}}`), 8 + 16, "__metadata__"},
		{"metadata repeated", handBuilt(`{"__metadata__":{"k":"1","k":"2"}}`), 8 + 16, "repeated key"},
		{"overlap", handBuilt(`{`+entry("a", "F64", "[1]", 0, 8)+`,`+entry("b", "F64", "[1]", 4, 12)+`}`, sixteen...), 0, "overlap"},
		{"hole", handBuilt(`{`+entry("a", "F64", "[1]", 8, 16)+`}`, sixteen...), 0, "hole of 8 bytes"},
		{"out of range", handBuilt(`{`+entry("a", "F64", "[2]", 0, 16)+`}`, eight...), 0, "run past the end"},
		{"extra data", handBuilt(valid, sixteen...), 0, "8 bytes after the last tensor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeSafetensors(c.file, "bad.safetensors")
			var fe *FormatError
			if !errors.As(err, &fe) || !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v, want a *FormatError", err)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `"bad.safetensors"`) {
				t.Errorf("error %q, want it to contain %q and the file name", err, c.want)
			}
			if c.offset != 0 && fe.Offset != c.offset {
				t.Errorf("offset %d, want %d (%v)", fe.Offset, c.offset, err)
			}
		})
	}
}

// TestDecodeOffsetsInData checks the offsets reported for data-layout
// errors: the file position of the offending bytes.
func TestDecodeOffsetsInData(t *testing.T) {
	header := `{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1],"data_offsets":[4,12]}}`
	file := handBuilt(header, make([]byte, 16)...)
	_, err := DecodeSafetensors(file, "x")
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Offset != int64(8+len(header)+4) {
		t.Errorf("overlap: %v, want offset %d", err, 8+len(header)+4)
	}
	header = `{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`
	file = handBuilt(header, make([]byte, 11)...)
	_, err = DecodeSafetensors(file, "x")
	if !errors.As(err, &fe) || fe.Offset != int64(8+len(header)+8) {
		t.Errorf("trailing bytes: %v, want offset %d", err, 8+len(header)+8)
	}
}

func TestWriteSafetensorsFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	first := &Safetensors{Tensors: []Tensor{FromDense("x", tensor.Scalar(1))}}
	if err := WriteSafetensorsFile(path, first); err != nil {
		t.Fatal(err)
	}
	second := &Safetensors{Tensors: []Tensor{FromDense("x", tensor.Scalar(2))}}
	if err := WriteSafetensorsFile(path, second); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSafetensorsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := got.Tensors[0].Dense(); d.Item() != 2 {
		t.Errorf("file holds %v, want the second write", d.Item())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the file (no temporary left)", len(entries))
	}
	// A failing write (bad tensor) leaves the previous file in place.
	before, _ := os.ReadFile(path)
	bad := &Safetensors{Tensors: []Tensor{{Name: "x", DType: F64, Data: []byte{1}}}}
	if err := WriteSafetensorsFile(path, bad); err == nil {
		t.Fatal("bad tensor written")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a failed write changed the file")
	}
	if _, err := ReadSafetensorsFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}

// FuzzReadSafetensors feeds arbitrary bytes to the reader: it must never
// panic, and whatever it accepts must survive a write and a read intact.
func FuzzReadSafetensors(f *testing.F) {
	valid, _ := EncodeSafetensors(&Safetensors{
		Metadata: map[string]string{"k": "v"},
		Tensors: []Tensor{
			FromDense("a", tensor.FromSlice([]float64{1, 2, 3, 4}, 2, 2)),
			FromInt64s("b", nil, []int64{5}),
			FromBytes("c", []byte{1, 2, 3}),
		},
	})
	f.Add(valid)
	f.Add(valid[:len(valid)-1])
	f.Add(valid[:12])
	f.Add(handBuilt(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1],"data_offsets":[4,12]}}`, make([]byte, 16)...))
	f.Add(handBuilt(`{"__metadata__":{"a":"b"}}`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadSafetensors(bytes.NewReader(data), "fuzz")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Offset < 0 || fe.Offset > int64(len(data)) {
				t.Fatalf("error %v is not a FormatError with an offset inside the file", err)
			}
			return
		}
		again, err := EncodeSafetensors(s)
		if err != nil {
			t.Fatalf("accepted file does not re-encode: %v", err)
		}
		back, err := DecodeSafetensors(again, "again")
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
		if len(s.Metadata) == 0 {
			s.Metadata = nil // an empty map is not written
		}
		if diff := cmp.Diff(s, back); diff != "" {
			t.Fatalf("round trip changed the content (-first +second):\n%s", diff)
		}
	})
}
