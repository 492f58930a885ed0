package train

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/quanta-qml/quanta/tensor"
)

// DType is the element type of a safetensors tensor, spelled as in the
// format's header ("F64", "F32", …).
type DType string

// The element types this package reads and writes. All are little-endian.
const (
	F64 DType = "F64" // IEEE 754 binary64
	F32 DType = "F32" // IEEE 754 binary32
	I64 DType = "I64" // two's-complement int64
	I32 DType = "I32" // two's-complement int32
	U8  DType = "U8"  // bytes (random-generator states)
)

// Size returns the number of bytes of one element, or 0 for a type this
// package does not know.
func (d DType) Size() int {
	switch d {
	case F64, I64:
		return 8
	case F32, I32:
		return 4
	case U8:
		return 1
	}
	return 0
}

// Tensor is one entry of a safetensors file: a name, an element type, a
// shape and the raw little-endian bytes of the elements in row-major
// order (len(Data) = Numel()·DType.Size()).
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// Numel returns the number of elements (1 for a 0-d tensor).
func (t Tensor) Numel() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// FromDense returns t as an F64 tensor named name (t may be any view).
func FromDense(name string, t *tensor.Dense) Tensor {
	c := t.Contiguous().Data()
	b := make([]byte, 8*len(c))
	for i, v := range c {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return Tensor{Name: name, DType: F64, Shape: append([]int{}, t.Shape()...), Data: b}
}

// FromDense32 returns t rounded to float32 as an F32 tensor named name,
// the usual dtype of exported PyTorch weights.
func FromDense32(name string, t *tensor.Dense) Tensor {
	c := t.Contiguous().Data()
	b := make([]byte, 4*len(c))
	for i, v := range c {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(v)))
	}
	return Tensor{Name: name, DType: F32, Shape: append([]int{}, t.Shape()...), Data: b}
}

// FromInt64s returns v as an I64 tensor of the given shape (nil shape
// means a 1-d tensor of len(v) elements). It panics when the shape does
// not hold len(v) elements.
func FromInt64s(name string, shape []int, v []int64) Tensor {
	if shape == nil {
		shape = []int{len(v)}
	}
	t := Tensor{Name: name, DType: I64, Shape: append([]int{}, shape...)}
	if t.Numel() != len(v) {
		panic(fmt.Sprintf("train: FromInt64s: %d values for shape %v", len(v), shape))
	}
	t.Data = make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(t.Data[8*i:], uint64(x))
	}
	return t
}

// FromBytes returns a copy of b as a 1-d U8 tensor.
func FromBytes(name string, b []byte) Tensor {
	return Tensor{Name: name, DType: U8, Shape: []int{len(b)}, Data: slices.Clone(b)}
}

// Dense decodes an F64 or F32 tensor into a new float64 tensor.Dense
// (F32 values widen exactly).
func (t Tensor) Dense() (*tensor.Dense, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	out := tensor.New(t.Shape...)
	d := out.Data()
	switch t.DType {
	case F64:
		for i := range d {
			d[i] = math.Float64frombits(binary.LittleEndian.Uint64(t.Data[8*i:]))
		}
	case F32:
		for i := range d {
			d[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:])))
		}
	default:
		return nil, fmt.Errorf("train: tensor %q has dtype %s, want F64 or F32", t.Name, t.DType)
	}
	return out, nil
}

// Int64s decodes an I64, I32 or U8 tensor into int64 values in row-major
// order.
func (t Tensor) Int64s() ([]int64, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	out := make([]int64, t.Numel())
	switch t.DType {
	case I64:
		for i := range out {
			out[i] = int64(binary.LittleEndian.Uint64(t.Data[8*i:]))
		}
	case I32:
		for i := range out {
			out[i] = int64(int32(binary.LittleEndian.Uint32(t.Data[4*i:])))
		}
	case U8:
		for i := range out {
			out[i] = int64(t.Data[i])
		}
	default:
		return nil, fmt.Errorf("train: tensor %q has dtype %s, want I64, I32 or U8", t.Name, t.DType)
	}
	return out, nil
}

// check reports an inconsistent Tensor value (built by hand).
func (t Tensor) check() error {
	if t.DType.Size() == 0 {
		return fmt.Errorf("train: tensor %q: unknown dtype %q", t.Name, string(t.DType))
	}
	n, ok := numel(t.Shape)
	if !ok {
		return fmt.Errorf("train: tensor %q: bad shape %v", t.Name, t.Shape)
	}
	if want := n * uint64(t.DType.Size()); uint64(len(t.Data)) != want {
		return fmt.Errorf("train: tensor %q: %d data bytes for %s shape %v (want %d)", t.Name, len(t.Data), t.DType, t.Shape, want)
	}
	return nil
}

// numel returns the number of elements of shape, false for a negative
// dimension or a count that does not fit comfortably in memory (2⁴⁸).
func numel(shape []int) (uint64, bool) {
	n := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d != 0 && n > (1<<48)/uint64(d) {
			return 0, false
		}
		n *= uint64(d)
	}
	return n, true
}

// Safetensors is the content of a safetensors file
// (https://huggingface.co/docs/safetensors): tensors and an optional
// string-to-string metadata map (the header's "__metadata__").
type Safetensors struct {
	Tensors  []Tensor
	Metadata map[string]string
}

// Lookup returns the tensor named name.
func (s *Safetensors) Lookup(name string) (Tensor, bool) {
	for _, t := range s.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return Tensor{}, false
}

// ErrFormat is wrapped by every error about a malformed safetensors file.
var ErrFormat = errors.New("malformed safetensors file")

// FormatError reports a malformed safetensors file: its name, the byte
// offset in the file where the problem is, and what is wrong.
type FormatError struct {
	Name   string // file name as given to the reader
	Offset int64  // byte offset from the start of the file
	Msg    string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("train: safetensors %q at byte %d: %s", e.Name, e.Offset, e.Msg)
}

// Unwrap returns ErrFormat.
func (e *FormatError) Unwrap() error { return ErrFormat }

// maxHeader is the largest header accepted, the limit of the reference
// implementation (100 MB).
const maxHeader = 100_000_000

// metadataKey is the reserved header key of the metadata map.
const metadataKey = "__metadata__"

// EncodeSafetensors returns s in the safetensors format: the 8-byte
// little-endian header length, the JSON header (metadata first, keys
// sorted; then the tensors in the order of s.Tensors, each with dtype,
// shape and data_offsets), padded with spaces to a multiple of 8 bytes,
// then the tensors' bytes back to back in the same order. It returns an
// error for an empty, repeated or reserved name or an inconsistent
// tensor.
func EncodeSafetensors(s *Safetensors) ([]byte, error) {
	var h bytes.Buffer
	h.WriteByte('{')
	if len(s.Metadata) > 0 {
		keys := make([]string, 0, len(s.Metadata))
		for k := range s.Metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the header is written in a fixed order
		h.WriteString(`"__metadata__":{`)
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			writeJSONString(&h, k)
			h.WriteByte(':')
			writeJSONString(&h, s.Metadata[k])
		}
		h.WriteByte('}')
	}
	seen := make(map[string]bool, len(s.Tensors))
	var off uint64
	for i, t := range s.Tensors {
		switch {
		case t.Name == "":
			return nil, fmt.Errorf("train: safetensors: tensor %d has an empty name", i)
		case t.Name == metadataKey:
			return nil, fmt.Errorf("train: safetensors: tensor name %q is reserved", t.Name)
		case seen[t.Name]:
			return nil, fmt.Errorf("train: safetensors: tensor name %q repeats", t.Name)
		}
		seen[t.Name] = true
		if err := t.check(); err != nil {
			return nil, err
		}
		if i > 0 || len(s.Metadata) > 0 {
			h.WriteByte(',')
		}
		writeJSONString(&h, t.Name)
		h.WriteString(`:{"dtype":"`)
		h.WriteString(string(t.DType))
		h.WriteString(`","shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				h.WriteByte(',')
			}
			h.WriteString(strconv.Itoa(d))
		}
		end := off + uint64(len(t.Data))
		fmt.Fprintf(&h, `],"data_offsets":[%d,%d]}`, off, end)
		off = end
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	out := make([]byte, 8, 8+h.Len()+int(off))
	binary.LittleEndian.PutUint64(out, uint64(h.Len()))
	out = append(out, h.Bytes()...)
	for _, t := range s.Tensors {
		out = append(out, t.Data...)
	}
	return out, nil
}

// writeJSONString writes s as a JSON string literal.
func writeJSONString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s) // a string always marshals
	b.Write(q)
}

// DecodeSafetensors parses a safetensors file held in data; name is used
// in errors. It checks everything the format requires and returns a
// *FormatError (wrapping ErrFormat) naming the byte offset of the first
// problem: a header length beyond the file or above 100 MB, a header
// that is not a UTF-8 JSON object of tensor entries (dtype, shape,
// data_offsets, nothing else) and an optional string map "__metadata__",
// a repeated name, an unknown dtype, a negative or overflowing shape,
// data offsets whose span does not match the shape and dtype, and offsets
// that overlap, leave a hole, or do not end exactly at the end of the
// file. The tensors are returned in the order of their data in the file;
// their Data slices alias data.
func DecodeSafetensors(data []byte, name string) (*Safetensors, error) {
	bad := func(off int64, format string, args ...any) error {
		return &FormatError{Name: name, Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) < 8 {
		return nil, bad(0, "file has %d bytes, too short for the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if n > maxHeader {
		return nil, bad(0, "header length %d exceeds the limit of %d bytes", n, maxHeader)
	}
	if n > uint64(len(data)-8) {
		return nil, bad(0, "header length %d exceeds the %d bytes that follow", n, len(data)-8)
	}
	header, buf := data[8:8+n], data[8+n:]
	if !utf8.Valid(header) {
		return nil, bad(8, "header is not valid UTF-8")
	}
	if len(header) == 0 || header[0] != '{' {
		return nil, bad(8, "header does not start with '{'")
	}
	entries, meta, err := parseHeader(header, func(off int64, format string, args ...any) error {
		return bad(8+off, format, args...)
	})
	if err != nil {
		return nil, err
	}
	base := int64(8 + n)
	// Data offsets must tile the byte buffer exactly, in some order.
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmpUint64(entries[a].begin, entries[b].begin)
	})
	var pos uint64
	prev := ""
	out := &Safetensors{Metadata: meta, Tensors: make([]Tensor, 0, len(entries))}
	for _, i := range order {
		e := entries[i]
		switch {
		case e.begin < pos:
			return nil, bad(base+int64(e.begin), "tensor %q: data_offsets [%d, %d] overlap tensor %q, which ends at %d", e.name, e.begin, e.end, prev, pos)
		case e.begin > pos:
			return nil, bad(base+int64(pos), "tensor %q: data_offsets [%d, %d] leave a hole of %d bytes before them", e.name, e.begin, e.end, e.begin-pos)
		case e.end > uint64(len(buf)):
			return nil, bad(base+int64(e.begin), "tensor %q: data_offsets [%d, %d] run past the end of the data (%d bytes)", e.name, e.begin, e.end, len(buf))
		}
		out.Tensors = append(out.Tensors, Tensor{Name: e.name, DType: e.dtype, Shape: e.shape, Data: buf[e.begin:e.end:e.end]})
		pos, prev = e.end, e.name
	}
	if pos != uint64(len(buf)) {
		return nil, bad(base+int64(pos), "%d bytes after the last tensor's data", uint64(len(buf))-pos)
	}
	return out, nil
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// headerEntry is one tensor entry of a parsed header.
type headerEntry struct {
	name       string
	dtype      DType
	shape      []int
	begin, end uint64
}

// rawEntry is the JSON form of a tensor entry.
type rawEntry struct {
	DType       *string  `json:"dtype"`
	Shape       []int64  `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// parseHeader parses the JSON header; bad builds an error at an offset
// within the header.
func parseHeader(header []byte, bad func(int64, string, ...any) error) ([]headerEntry, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.UseNumber()
	jsonErr := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return bad(se.Offset, "header JSON: %v", err)
		}
		return bad(dec.InputOffset(), "header JSON: %v", err)
	}
	if _, err := dec.Token(); err != nil { // '{', checked by the caller
		return nil, nil, jsonErr(err)
	}
	var entries []headerEntry
	var meta map[string]string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, jsonErr(err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, nil, bad(dec.InputOffset(), "header key is %v, not a string", tok)
		}
		at := dec.InputOffset() - int64(len(strconv.Quote(key))) // approximately where the key starts
		if seen[key] {
			return nil, nil, bad(at, "key %q repeats", key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, jsonErr(err)
		}
		at = dec.InputOffset() - int64(len(raw)) // where the value starts
		if key == metadataKey {
			if meta, err = parseMetadata(raw); err != nil {
				return nil, nil, bad(at, "%s: %v", metadataKey, err)
			}
			continue
		}
		e, err := parseEntry(key, raw)
		if err != nil {
			return nil, nil, bad(at, "tensor %q: %v", key, err)
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, nil, jsonErr(err)
	}
	rest := header[dec.InputOffset():]
	if i := bytes.IndexFunc(rest, func(r rune) bool { return r != ' ' && r != '\t' && r != '\n' && r != '\r' }); i >= 0 {
		return nil, nil, bad(dec.InputOffset()+int64(i), "unexpected data after the header object")
	}
	return entries, meta, nil
}

// parseMetadata decodes the metadata object: strings only, no repeats.
func parseMetadata(raw json.RawMessage) (map[string]string, error) {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, fmt.Errorf("null, want an object")
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	// encoding/json keeps the last of repeated keys; count them.
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	n := 0
	for dec.More() {
		if _, err := dec.Token(); err != nil { // key
			return nil, err
		}
		if _, err := dec.Token(); err != nil { // string value
			return nil, err
		}
		n++
	}
	if n != len(m) {
		return nil, fmt.Errorf("repeated key")
	}
	return m, nil
}

// parseEntry decodes and checks one tensor entry.
func parseEntry(name string, raw json.RawMessage) (headerEntry, error) {
	var r rawEntry
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return headerEntry{}, err
	}
	switch {
	case r.DType == nil:
		return headerEntry{}, fmt.Errorf("no dtype")
	case r.Shape == nil:
		return headerEntry{}, fmt.Errorf("no shape")
	case len(r.DataOffsets) != 2:
		return headerEntry{}, fmt.Errorf("data_offsets has %d values, want 2", len(r.DataOffsets))
	}
	dt := DType(*r.DType)
	if dt.Size() == 0 {
		return headerEntry{}, fmt.Errorf("unknown dtype %q", *r.DType)
	}
	shape := make([]int, len(r.Shape))
	for i, d := range r.Shape {
		if d < 0 || d > 1<<48 {
			return headerEntry{}, fmt.Errorf("bad dimension %d in shape %v", d, r.Shape)
		}
		shape[i] = int(d)
	}
	n, ok := numel(shape)
	if !ok {
		return headerEntry{}, fmt.Errorf("shape %v is too large", r.Shape)
	}
	b, e := r.DataOffsets[0], r.DataOffsets[1]
	if e < b {
		return headerEntry{}, fmt.Errorf("data_offsets [%d, %d] end before they begin", b, e)
	}
	if want := n * uint64(dt.Size()); e-b != want {
		return headerEntry{}, fmt.Errorf("data_offsets [%d, %d] span %d bytes, but %s shape %v needs %d", b, e, e-b, dt, shape, want)
	}
	return headerEntry{name: name, dtype: dt, shape: shape, begin: b, end: e}, nil
}

// ReadSafetensors reads a whole safetensors file from r and decodes it;
// name is used in errors.
func ReadSafetensors(r io.Reader, name string) (*Safetensors, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("train: reading safetensors %q: %w", name, err)
	}
	return DecodeSafetensors(data, name)
}

// ReadSafetensorsFile reads and decodes the safetensors file at path.
func ReadSafetensorsFile(path string) (*Safetensors, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return DecodeSafetensors(data, path)
}

// WriteSafetensors encodes s and writes it to w.
func WriteSafetensors(w io.Writer, s *Safetensors) error {
	data, err := EncodeSafetensors(s)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("train: writing safetensors: %w", err)
	}
	return nil
}

// WriteSafetensorsFile writes s to path atomically: into a temporary file
// in the same directory, synced to disk, then renamed over path (and the
// directory synced), so that path holds either its previous content or
// the complete new file, never a partial one.
func WriteSafetensorsFile(path string, s *Safetensors) error {
	data, err := EncodeSafetensors(s)
	if err != nil {
		return err
	}
	return writeAtomic(path, data)
}

// writeAtomic replaces path with data through a synced temporary file and
// a rename.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("train: writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("train: writing %s: %w", tmp, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("train: syncing %s: %w", tmp, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("train: closing %s: %w", tmp, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("train: renaming %s to %s: %w", tmp, path, err)
	}
	// Make the rename itself durable. Directories cannot be synced on
	// every system; the file is complete either way.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
