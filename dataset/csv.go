package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/quanta-qml/quanta/tensor"
)

// HeaderMode says whether a CSV table starts with a header line.
type HeaderMode int

const (
	// HeaderAuto treats the first line as a header when one of its fields is
	// not a number or when it has a different number of fields from the
	// second line. A header with only numeric class names and as many fields
	// as a row needs HeaderPresent.
	HeaderAuto HeaderMode = iota
	// HeaderPresent requires the header line.
	HeaderPresent
	// HeaderAbsent reads every line as a row.
	HeaderAbsent
)

// maxCSVClasses bounds the labels of a table without a header, whose class
// count is the largest label plus one.
const maxCSVClasses = 1 << 16

// CSVOptions configures ReadCSV and LoadCSV. The zero value detects the
// header.
type CSVOptions struct {
	// Header says whether the first line is a header (default: detect).
	Header HeaderMode
}

// LoadCSV reads a labelled table from the file at path, gzip-compressed or
// not (detected from the content). See ReadCSV for the format. The set's
// name is the file name without its extensions.
func LoadCSV(path string, opt CSVOptions) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	s, err := ReadCSV(f, path, opt)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(path)
	if i := strings.IndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	s.Name = base
	return s, nil
}

// ReadCSV reads a labelled table: comma-separated rows of F numeric features
// followed by an integer label. An optional header line
// "n,F,name_0,name_1,…" gives the row count, the feature count and the class
// names (as in the UCI tables shipped with scikit-learn); without it, the
// classes are named "0" … "K-1" where K-1 is the largest label. X is [n, F].
//
// A ragged row, a field that is not a finite number, a label that is not an
// integer in range, or a row count that differs from the header's is a
// *FormatError naming the line. Input may be gzip-compressed.
func ReadCSV(r io.Reader, name string, opt CSVOptions) (*Set, error) {
	in, gz, err := decompress(r, name)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true

	type record struct {
		fields []string
		line   int
	}
	var rows []record // the first two records, read before the mode is known
	for len(rows) < 2 {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvErr(name, gz, cr, err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, record{append([]string(nil), rec...), line})
	}
	if len(rows) == 0 {
		return nil, atLine(name, 1, gz, "empty table")
	}
	header := opt.Header == HeaderPresent
	if opt.Header == HeaderAuto {
		header = !allNumeric(rows[0].fields) || (len(rows) > 1 && len(rows[1].fields) != len(rows[0].fields))
	}
	t := csvTable{name: name, gz: gz, declared: -1}
	if header {
		if err := t.parseHeader(rows[0].fields, rows[0].line); err != nil {
			return nil, err
		}
		rows = rows[1:]
	} else {
		t.features = len(rows[0].fields) - 1
		if t.features < 1 {
			return nil, atLine(name, rows[0].line, gz, "1 field, want features and a label")
		}
	}
	for _, r := range rows {
		if err := t.addRow(r.fields, r.line); err != nil {
			return nil, err
		}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvErr(name, gz, cr, err)
		}
		line, _ := cr.FieldPos(0)
		if err := t.addRow(rec, line); err != nil {
			return nil, err
		}
	}
	return t.set()
}

// csvTable accumulates the rows of a table.
type csvTable struct {
	name     string
	gz       bool
	declared int // row count from the header, or -1
	headLine int // line of the header
	features int
	classes  []string
	x        []float64
	y        []int
	maxLabel int
}

// parseHeader reads "n,F,names…".
func (t *csvTable) parseHeader(rec []string, line int) error {
	if len(rec) < 3 {
		return atLine(t.name, line, t.gz, "header has %d fields, want n, the feature count and at least one class name", len(rec))
	}
	n, err := strconv.Atoi(strings.TrimSpace(rec[0]))
	if err != nil || n < 0 {
		return atLine(t.name, line, t.gz, "header field 1 %q is not a row count", rec[0])
	}
	f, err := strconv.Atoi(strings.TrimSpace(rec[1]))
	if err != nil || f < 1 {
		return atLine(t.name, line, t.gz, "header field 2 %q is not a feature count", rec[1])
	}
	t.declared, t.features, t.headLine = n, f, line
	for i, c := range rec[2:] {
		c = strings.TrimSpace(c)
		if c == "" {
			return atLine(t.name, line, t.gz, "header field %d: empty class name", i+3)
		}
		t.classes = append(t.classes, c)
	}
	return nil
}

// addRow parses one row of features and a label.
func (t *csvTable) addRow(rec []string, line int) error {
	if len(rec) != t.features+1 {
		return atLine(t.name, line, t.gz, "%d fields, want %d (%d features and a label)", len(rec), t.features+1, t.features)
	}
	for i, f := range rec[:t.features] {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return atLine(t.name, line, t.gz, "field %d %q is not a number", i+1, f)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return atLine(t.name, line, t.gz, "field %d %q is not finite", i+1, f)
		}
		t.x = append(t.x, v)
	}
	lf := strings.TrimSpace(rec[t.features])
	y, err := strconv.Atoi(lf)
	if err != nil || y < 0 {
		return atLine(t.name, line, t.gz, "label %q (field %d) is not a non-negative integer", lf, t.features+1)
	}
	if t.classes != nil && y >= len(t.classes) {
		return atLine(t.name, line, t.gz, "label %d is outside [0, %d) (the header names %d classes)", y, len(t.classes), len(t.classes))
	}
	if t.classes == nil && y >= maxCSVClasses {
		return atLine(t.name, line, t.gz, "label %d is too large for a table without a header (at most %d)", y, maxCSVClasses-1)
	}
	t.maxLabel = max(t.maxLabel, y)
	t.y = append(t.y, y)
	return nil
}

// set checks the row count and returns the table as a set.
func (t *csvTable) set() (*Set, error) {
	if t.declared >= 0 && t.declared != len(t.y) {
		return nil, atLine(t.name, t.headLine, t.gz, "header declares %d rows, the file has %d", t.declared, len(t.y))
	}
	if len(t.y) == 0 {
		return nil, atLine(t.name, max(t.headLine, 1), t.gz, "table has no rows")
	}
	classes := t.classes
	if classes == nil {
		classes = defaultClasses(t.maxLabel + 1)
	}
	return &Set{
		X:       tensor.FromSlice(t.x, len(t.y), t.features),
		Y:       t.y,
		Classes: classes,
		Name:    filepath.Base(t.name),
	}, nil
}

// allNumeric reports whether every field parses as a float.
func allNumeric(rec []string) bool {
	for _, f := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(f), 64); err != nil {
			return false
		}
	}
	return true
}

// csvErr converts an error of encoding/csv into a FormatError at its line,
// or, for a read error (such as a corrupt gzip stream), at the byte offset
// where reading stopped.
func csvErr(name string, gz bool, cr *csv.Reader, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FormatError{File: name, Offset: -1, Line: pe.Line, Gzip: gz, Err: pe.Err}
	}
	return readErr(name, cr.InputOffset(), gz, "table", err)
}
