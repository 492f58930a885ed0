package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// IDX element type codes (the third byte of the magic number). Only unsigned
// bytes, the type of every MNIST-family file, are supported.
const idxUbyte = 0x08

// Magic numbers of the two IDX files of an image data set.
const (
	MagicImages = 0x00000803 // unsigned bytes, 3 dimensions [N, rows, cols]
	MagicLabels = 0x00000801 // unsigned bytes, 1 dimension [N]
)

// maxIDXElements bounds the element count an IDX header may declare (16 GiB),
// so that a corrupt header fails cleanly instead of exhausting memory.
const maxIDXElements = 1 << 34

// IDX is the content of an IDX file of unsigned bytes: its dimensions and its
// values in row-major order (len(Data) is the product of Dims).
type IDX struct {
	Dims []int
	Data []byte
}

// Magic returns the magic number of the file: 0x0000_08_nd for nd dimensions.
func (x *IDX) Magic() uint32 { return idxUbyte<<8 | uint32(len(x.Dims)) }

// ReadIDX reads one IDX file of unsigned bytes (element type 0x08) from r,
// which may be gzip-compressed (detected by the gzip magic bytes). The format
// is Yann LeCun's: two zero bytes, the type byte, the number of dimensions,
// the dimensions as big-endian uint32, then the values. name is used in
// errors. Truncated data, trailing bytes after the values, a corrupt gzip
// stream and unsupported types are errors (*FormatError) that name the file
// and the byte offset.
func ReadIDX(r io.Reader, name string) (*IDX, error) {
	in, gz, err := decompress(r, name)
	if err != nil {
		return nil, err
	}
	return readIDX(in, name, gz, 0)
}

// ReadIDXFile reads the IDX file at path (gzip-compressed or not).
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	return ReadIDX(f, path)
}

// WriteIDX writes dims and data as an uncompressed IDX file of unsigned
// bytes. It returns an error if len(data) is not the product of dims or a
// dimension does not fit in uint32.
func WriteIDX(w io.Writer, dims []int, data []byte) error {
	if len(dims) < 1 || len(dims) > 255 {
		return fmt.Errorf("dataset: WriteIDX: %d dimensions, want 1 to 255", len(dims))
	}
	n := 1
	hdr := make([]byte, 4+4*len(dims))
	hdr[2], hdr[3] = idxUbyte, byte(len(dims))
	for i, d := range dims {
		if d < 0 || int64(d) > 0xffffffff {
			return fmt.Errorf("dataset: WriteIDX: dimension %d is %d", i, d)
		}
		binary.BigEndian.PutUint32(hdr[4+4*i:], uint32(d))
		n *= d
	}
	if n != len(data) {
		return fmt.Errorf("dataset: WriteIDX: %d values for dimensions %v", len(data), dims)
	}
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("dataset: WriteIDX: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("dataset: WriteIDX: %w", err)
	}
	return nil
}

// decompress returns r itself, or a gzip reader over it when r starts with
// the gzip magic bytes 1f 8b.
func decompress(r io.Reader, name string) (io.Reader, bool, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, fmt.Errorf("dataset: read %s: %w", name, err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, true, atOffset(name, 0, false, "bad gzip header: %w", err)
		}
		return zr, true, nil
	}
	return br, false, nil
}

// readIDX parses an IDX stream; gz says whether it was decompressed, for the
// offsets in errors. A non-zero want is the required magic number.
func readIDX(r io.Reader, name string, gz bool, want uint32) (*IDX, error) {
	var head [4]byte
	if n, err := io.ReadFull(r, head[:]); err != nil {
		return nil, readErr(name, int64(n), gz, "magic number", err)
	}
	if got := binary.BigEndian.Uint32(head[:]); want != 0 && got != want {
		return nil, atOffset(name, 0, gz, "magic number %#08x, want %#08x (%s)", got, want, magicName(want))
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, atOffset(name, 0, gz, "bad magic number %#08x: an IDX file starts with two zero bytes", binary.BigEndian.Uint32(head[:]))
	}
	if head[2] != idxUbyte {
		return nil, atOffset(name, 2, gz, "IDX element type %#02x is not supported (only 0x08, unsigned byte)", head[2])
	}
	nd := int(head[3])
	if nd == 0 {
		return nil, atOffset(name, 3, gz, "IDX file with 0 dimensions")
	}
	dimBytes := make([]byte, 4*nd)
	if n, err := io.ReadFull(r, dimBytes); err != nil {
		return nil, readErr(name, 4+int64(n), gz, "dimensions", err)
	}
	dims := make([]int, nd)
	total := int64(1)
	for i := range dims {
		d := int64(binary.BigEndian.Uint32(dimBytes[4*i:]))
		dims[i] = int(d)
		if d != 0 && total > maxIDXElements/d {
			return nil, atOffset(name, 4+4*int64(i), gz, "dimensions %v declare more than %d values", dims[:i+1], int64(maxIDXElements))
		}
		total *= d
	}
	off := int64(4 + 4*nd)
	data, err := readN(r, total)
	if err != nil {
		return nil, readErr(name, off+int64(len(data)), gz, fmt.Sprintf("values (%d expected for dimensions %v)", total, dims), err)
	}
	if err := expectEOF(r, name, off+total, gz); err != nil {
		return nil, err
	}
	return &IDX{Dims: dims, Data: data}, nil
}

// readN reads exactly n bytes, growing its buffer as data arrives so that a
// corrupt header cannot make it allocate far more than the input holds. On
// error it returns the bytes read so far.
func readN(r io.Reader, n int64) ([]byte, error) {
	const step = 1 << 24
	buf := make([]byte, 0, min(n, step))
	for int64(len(buf)) < n {
		want := min(n, int64(len(buf))+max(int64(len(buf)), step))
		if int64(cap(buf)) < want {
			nb := make([]byte, len(buf), want)
			copy(nb, buf)
			buf = nb
		}
		k, err := io.ReadFull(r, buf[len(buf):want])
		buf = buf[:len(buf)+k]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// expectEOF checks that r has no bytes left (which, for gzip input, also
// verifies the stream's CRC and length).
func expectEOF(r io.Reader, name string, off int64, gz bool) error {
	var one [1]byte
	n, err := io.ReadFull(r, one[:])
	if n > 0 {
		return atOffset(name, off, gz, "unexpected trailing data after the last value")
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return readErr(name, off, gz, "end of file", err)
}

// readErr turns an error from reading a part of a file into a FormatError at
// the offset where reading stopped.
func readErr(name string, off int64, gz bool, what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return atOffset(name, off, gz, "file truncated while reading the %s: %w", what, io.ErrUnexpectedEOF)
	}
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return atOffset(name, off, gz, "corrupt gzip stream while reading the %s: %w", what, err)
	}
	var fe *FormatError
	if errors.As(err, &fe) {
		return err
	}
	return atOffset(name, off, gz, "reading the %s: %w", what, err)
}
