package experiment

import (
	"embed"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// zooFiles holds the built-in model specs.
//
//go:embed zoo/*.yaml
var zooFiles embed.FS

// zooOrder lists the built-in models in the order help texts show them.
func zooOrder() []string {
	return []string{"hybridnet", "hybridcnn", "hqnn-parallel", "hqnn-quanv", "hamembed", "transfer", "adversarial", "vqc"}
}

// Zoo returns the names of the built-in models: the creep paper's
// HybridNet first, then the other models of the papers it is compared
// with.
func Zoo() []string { return zooOrder() }

// ZooSpec returns the built-in model spec called name.
func ZooSpec(name string) (*ModelSpec, error) {
	data, err := zooFiles.ReadFile("zoo/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("experiment: no built-in model %q (built in: %s)", name, strings.Join(zooOrder(), ", "))
	}
	return ParseModelSpec("zoo/"+name+".yaml", data)
}

// ZooSource returns the YAML text of the built-in model called name.
func ZooSource(name string) ([]byte, error) {
	data, err := zooFiles.ReadFile("zoo/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("experiment: no built-in model %q (built in: %s)", name, strings.Join(zooOrder(), ", "))
	}
	return data, nil
}

// ResolveModel returns the model spec that ref names: a built-in model,
// or a path to a model spec file (a ref with a path separator or a
// .yaml/.yml suffix), relative paths taken from dir.
func ResolveModel(ref, dir string) (*ModelSpec, error) {
	if !strings.ContainsAny(ref, `/\`) && !strings.HasSuffix(ref, ".yaml") && !strings.HasSuffix(ref, ".yml") {
		return ZooSpec(ref)
	}
	path := ref
	if !filepath.IsAbs(path) && dir != "" {
		path = filepath.Join(dir, path)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("experiment: model spec %s: %w", ref, err)
	}
	return LoadModelSpec(path)
}

// Build builds configuration config (a level or subset name) of the
// built-in model name for its default input shape, with parameters drawn
// from a seed taken from r (see ModelSpec.Build). Fitted layers (pca,
// minmax) stay zero until Model.Fit.
func Build(name, config string, r *rand.Rand) (*Model, error) {
	spec, err := ZooSpec(name)
	if err != nil {
		return nil, err
	}
	c, err := spec.Config(config)
	if err != nil {
		return nil, err
	}
	return spec.Build(c, nil, r.Uint64(), BuildOptions{})
}

// newStream returns a PCG source for (seed, stream).
func newStream(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }
