package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

// version is the release version; tagged builds override it with
// -ldflags "-X main.version=v1.2.3".
var version = "0.1.0-dev"

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the quanta version, Go version and platform",
		Example: "  quanta version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "quanta %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
