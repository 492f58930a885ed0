package dataset

import (
	"errors"
	"fmt"
	"strings"
)

// ErrChecksum is wrapped by every error about a file whose SHA-256 or MD5 sum
// differs from the expected one (embedded MNIST, downloads).
var ErrChecksum = errors.New("checksum mismatch")

// FormatError reports malformed input: which file, where in it, and what is
// wrong. Loaders return it (wrapped or not) for truncated files, wrong magic
// numbers, impossible dimensions, count mismatches, bad gzip streams, labels
// out of range and malformed CSV rows. Use errors.As to inspect it.
type FormatError struct {
	// File is the path (or the name given to a Read function).
	File string
	// Offset is the byte offset of the problem, or -1 when Line is used
	// instead. For gzip-compressed input it counts decompressed bytes.
	Offset int64
	// Line is the 1-based line of a text file, or 0.
	Line int
	// Gzip reports that the input was gzip-compressed.
	Gzip bool
	// Err says what is wrong.
	Err error
}

// Error returns "dataset: FILE: line N: what" or "dataset: FILE: byte N: what".
func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString("dataset: ")
	b.WriteString(e.File)
	switch {
	case e.Line > 0:
		fmt.Fprintf(&b, ": line %d", e.Line)
	case e.Offset >= 0 && e.Gzip:
		fmt.Fprintf(&b, ": byte %d of the decompressed data", e.Offset)
	case e.Offset >= 0:
		fmt.Fprintf(&b, ": byte %d", e.Offset)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *FormatError) Unwrap() error { return e.Err }

// atOffset returns a FormatError at a byte offset.
func atOffset(file string, off int64, gz bool, format string, args ...any) *FormatError {
	return &FormatError{File: file, Offset: off, Gzip: gz, Err: fmt.Errorf(format, args...)}
}

// atLine returns a FormatError at a line of a text file.
func atLine(file string, line int, gz bool, format string, args ...any) *FormatError {
	return &FormatError{File: file, Offset: -1, Line: line, Gzip: gz, Err: fmt.Errorf(format, args...)}
}
