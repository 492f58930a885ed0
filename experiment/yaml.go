package experiment

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SpecError is an error in a spec file: the file, the 1-based line and
// column of the offending node, the dotted key path that leads to it
// ("layers[2].classical.kernel") and what is wrong. Every error of the spec
// parsers is a *SpecError (possibly wrapped).
type SpecError struct {
	File         string
	Line, Column int
	Key          string
	Msg          string
}

// Error returns "FILE:LINE:COL: KEY: MSG".
func (e *SpecError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// decoder walks a parsed YAML document and keeps the first error, so that
// parsing code reads straight through and checks d.err once at the end.
type decoder struct {
	file string
	err  error
}

// parseYAML parses exactly one YAML document from data and returns its root
// node. Anchors and aliases are refused (a spec should say everything in
// place).
func parseYAML(file string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &SpecError{File: file, Msg: "empty document"}
		}
		return nil, yamlSyntaxError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &SpecError{File: file, Line: extra.Line, Column: extra.Column, Msg: "more than one YAML document"}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, &SpecError{File: file, Msg: "empty document"}
		}
		root = root.Content[0]
	}
	if n := findAlias(root); n != nil {
		return nil, &SpecError{File: file, Line: n.Line, Column: n.Column, Msg: "anchors and aliases are not supported; write the value in place"}
	}
	return root, nil
}

// yamlSyntaxError turns a YAML parser error ("yaml: line 3: ...") into a
// *SpecError with the line.
func yamlSyntaxError(file string, err error) *SpecError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &SpecError{File: file, Msg: msg}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				e.Line, e.Msg = n, text
			}
		}
	}
	return e
}

func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

// fail records an error at node n under key path unless one is recorded.
func (d *decoder) fail(n *yaml.Node, key, format string, args ...any) {
	if d.err != nil {
		return
	}
	e := &SpecError{File: d.file, Key: key, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.err = e
}

// describe names the kind of a node for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "nothing (null)"
		}
		return strconv.Quote(n.Value)
	}
	return "an unsupported node"
}

// object is a YAML mapping being decoded: its keys are looked up by the
// parsing code, and finish reports the keys nobody asked for.
type object struct {
	d    *decoder
	node *yaml.Node
	path string
	keys []string
	vals []*yaml.Node
	used []bool
}

// object returns the mapping at n (path names it in messages), or nil after
// recording an error when n is not a mapping or repeats a key.
func (d *decoder) object(n *yaml.Node, path string) *object {
	if d.err != nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping, got %s", describe(n))
		return nil
	}
	o := &object{d: d, node: n, path: path}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "keys must be plain names")
			return nil
		}
		for _, prev := range o.keys {
			if prev == k.Value {
				d.fail(k, o.sub(k.Value), "key repeated")
				return nil
			}
		}
		o.keys = append(o.keys, k.Value)
		o.vals = append(o.vals, n.Content[i+1])
		o.used = append(o.used, false)
	}
	return o
}

// sub returns the path of key inside o.
func (o *object) sub(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// lookup returns the value of key and marks it used.
func (o *object) lookup(key string) (*yaml.Node, bool) {
	if o == nil {
		return nil, false
	}
	for i, k := range o.keys {
		if k == key {
			o.used[i] = true
			return o.vals[i], true
		}
	}
	return nil, false
}

// has reports whether key is present, without marking it used.
func (o *object) has(key string) bool {
	if o == nil {
		return false
	}
	for _, k := range o.keys {
		if k == key {
			return true
		}
	}
	return false
}

// required returns the value of key or records a "missing" error.
func (o *object) required(key string) (*yaml.Node, bool) {
	if o == nil {
		return nil, false
	}
	n, ok := o.lookup(key)
	if !ok {
		o.d.fail(o.node, o.sub(key), "required key missing")
	}
	return n, ok
}

// finish records an error for the first key that was not looked up,
// listing the allowed keys.
func (o *object) finish(allowed ...string) {
	if o == nil {
		return
	}
	for i, k := range o.keys {
		if !o.used[i] {
			msg := "unknown key"
			if len(allowed) > 0 {
				msg += " (want one of: " + strings.Join(allowed, ", ") + ")"
			}
			o.d.fail(o.node.Content[2*i], o.sub(k), "%s", msg)
			return
		}
	}
}

// only records an error for the first key (in document order) that is
// not in allowed.
func (o *object) only(allowed ...string) {
	if o == nil {
		return
	}
	for i, k := range o.keys {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			o.d.fail(o.node.Content[2*i], o.sub(k), "unknown key (want one of: %s)", strings.Join(allowed, ", "))
			return
		}
	}
}

// scalar returns n's value if n is a non-null scalar.
func (d *decoder) scalar(n *yaml.Node, path, want string) (string, string, bool) {
	if d.err != nil {
		return "", "", false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.fail(n, path, "want %s, got %s", want, describe(n))
		return "", "", false
	}
	return n.Value, n.ShortTag(), true
}

// str decodes a string. Plain scalars that YAML would read as numbers or
// booleans are refused, so that a typo does not silently change type.
func (d *decoder) str(n *yaml.Node, path string) string {
	v, tag, ok := d.scalar(n, path, "a string")
	if !ok {
		return ""
	}
	if tag != "!!str" {
		d.fail(n, path, "want a string, got %s (quote it to make it a string)", describe(n))
		return ""
	}
	return v
}

// name decodes a name: a string, or a plain scalar of digits (class
// labels, seeds written as keys) kept as written.
func (d *decoder) name(n *yaml.Node, path string) string {
	v, tag, ok := d.scalar(n, path, "a name")
	if !ok {
		return ""
	}
	if tag != "!!str" && tag != "!!int" {
		d.fail(n, path, "want a name, got %s", describe(n))
		return ""
	}
	return v
}

// integer decodes an integer.
func (d *decoder) integer(n *yaml.Node, path string) int {
	v, tag, ok := d.scalar(n, path, "an integer")
	if !ok {
		return 0
	}
	if tag != "!!int" {
		d.fail(n, path, "want an integer, got %s", describe(n))
		return 0
	}
	i, err := strconv.ParseInt(v, 0, 64)
	if err != nil || i > math.MaxInt32 || i < math.MinInt32 {
		d.fail(n, path, "integer %s out of range", v)
		return 0
	}
	return int(i)
}

// uint64v decodes a non-negative integer of up to 64 bits (seeds).
func (d *decoder) uint64v(n *yaml.Node, path string) uint64 {
	v, tag, ok := d.scalar(n, path, "a non-negative integer")
	if !ok {
		return 0
	}
	if tag != "!!int" {
		d.fail(n, path, "want a non-negative integer, got %s", describe(n))
		return 0
	}
	u, err := strconv.ParseUint(v, 0, 64)
	if err != nil {
		d.fail(n, path, "want a non-negative integer, got %s", describe(n))
		return 0
	}
	return u
}

// number decodes a finite real number: an integer, a float, or a fraction
// written as a string "a/b" (so that 1/255 can be written exactly as it is
// meant).
func (d *decoder) number(n *yaml.Node, path string) float64 {
	v, tag, ok := d.scalar(n, path, "a number")
	if !ok {
		return 0
	}
	var x float64
	var err error
	switch tag {
	case "!!int", "!!float":
		x, err = strconv.ParseFloat(v, 64)
	case "!!str":
		num, den, isFrac := strings.Cut(v, "/")
		if !isFrac {
			err = errors.New("not a number")
			break
		}
		var a, b float64
		a, err = strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err == nil {
			b, err = strconv.ParseFloat(strings.TrimSpace(den), 64)
		}
		if err == nil && b == 0 {
			err = errors.New("division by zero")
		}
		x = a / b
	default:
		err = errors.New("not a number")
	}
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		d.fail(n, path, "want a finite number, got %s", describe(n))
		return 0
	}
	return x
}

// boolean decodes true or false.
func (d *decoder) boolean(n *yaml.Node, path string) bool {
	v, tag, ok := d.scalar(n, path, "true or false")
	if !ok {
		return false
	}
	if tag != "!!bool" {
		d.fail(n, path, "want true or false, got %s", describe(n))
		return false
	}
	return v == "true" || v == "True" || v == "TRUE"
}

// list returns the items of a sequence node.
func (d *decoder) list(n *yaml.Node, path string) []*yaml.Node {
	if d.err != nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "want a list, got %s", describe(n))
		return nil
	}
	return n.Content
}

// ints decodes a list of integers; a single integer is a list of one when
// scalarOK.
func (d *decoder) ints(n *yaml.Node, path string, scalarOK bool) []int {
	return listOf(d, n, path, scalarOK, d.integer)
}

// numbers decodes a list of numbers; a single number is a list of one.
func (d *decoder) numbers(n *yaml.Node, path string) []float64 {
	return listOf(d, n, path, true, d.number)
}

// strs decodes a list of strings; a single string is a list of one.
func (d *decoder) strs(n *yaml.Node, path string) []string {
	return listOf(d, n, path, true, d.str)
}

// listOf decodes a list whose elements one decodes, naming each by its
// index in errors; a scalar is a list of one when scalarOK.
func listOf[T any](d *decoder, n *yaml.Node, path string, scalarOK bool, one func(*yaml.Node, string) T) []T {
	if scalarOK && n.Kind == yaml.ScalarNode {
		return []T{one(n, path)}
	}
	var out []T
	for i, c := range d.list(n, path) {
		out = append(out, one(c, fmt.Sprintf("%s[%d]", path, i)))
	}
	return out
}

// pair decodes an int or a list of two ints (kernel sizes, strides).
func (d *decoder) pair(n *yaml.Node, path string) [2]int {
	v := d.ints(n, path, true)
	switch len(v) {
	case 1:
		return [2]int{v[0], v[0]}
	case 2:
		return [2]int{v[0], v[1]}
	}
	d.fail(n, path, "want an integer or a list of two integers")
	return [2]int{}
}
