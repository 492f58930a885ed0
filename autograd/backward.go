package autograd

import (
	"fmt"
	"slices"

	"github.com/quanta-qml/quanta/tensor"
)

// Backward computes the gradient of the one-element Var v (a loss) with
// respect to every leaf of its graph that requires a gradient, and adds it
// to the leaf's Grad. See BackwardWith.
func (v *Var) Backward() {
	if v.value.Size() != 1 {
		panic(fmt.Sprintf("autograd: Backward of a Var of shape %v needs a seed gradient (BackwardWith)", v.value.Shape()))
	}
	v.BackwardWith(tensor.Ones(v.value.Shape()...))
}

// BackwardWith propagates the seed gradient (the gradient of some scalar
// with respect to v, shape of v) back through v's graph and adds the
// resulting gradients to the Grad of every leaf that requires one.
// Gradients accumulate over calls until ZeroGrad, as in PyTorch, and the
// graph stays usable for further calls.
//
// The traversal is iterative (no recursion, so graphs of any depth work)
// and deterministic: nodes are visited in the reverse of a depth-first
// post-order that follows inputs in argument order, so gradients are
// summed in the same order on every run. Backward runs on the calling
// goroutine; graphs that share leaves must not run Backward concurrently.
func (v *Var) BackwardWith(seed *tensor.Dense) {
	if !v.requiresGrad {
		panic("autograd: Backward of a Var that does not require a gradient")
	}
	mustShape("BackwardWith seed", seed.Shape(), v.value.Shape())
	if v.fn == nil {
		accumulateLeaf(v, seed)
		return
	}
	order := topoOrder(v)
	pos := make(map[*Var]int, len(order))
	for i, n := range order {
		pos[n] = i
	}
	// grads[i] is the gradient gathered so far for order[i]. A VJP may
	// return g itself or a view of it (Add, Reshape, Narrow do), so a first
	// contribution is stored as is and never written to; the second one
	// allocates a sum that Backward owns (owned[i]) and may add into.
	grads := make([]*tensor.Dense, len(order))
	owned := make([]bool, len(order))
	grads[len(order)-1] = seed
	for i := len(order) - 1; i >= 0; i-- {
		n, g := order[i], grads[i]
		grads[i] = nil // let intermediate gradients be collected early
		if g == nil {
			continue // no path from v carried a gradient here
		}
		needs := make([]bool, len(n.inputs))
		for j, in := range n.inputs {
			needs[j] = in.requiresGrad
		}
		gs := n.fn.VJP(g, needs)
		if len(gs) != len(n.inputs) {
			panic(fmt.Sprintf("autograd: %T.VJP returned %d gradients for %d inputs", n.fn, len(gs), len(n.inputs)))
		}
		for j, in := range n.inputs {
			gj := gs[j]
			if !needs[j] || gj == nil {
				continue
			}
			if !slices.Equal(gj.Shape(), in.value.Shape()) {
				panic(fmt.Sprintf("autograd: %T.VJP returned shape %v for input %d of shape %v", n.fn, gj.Shape(), j, in.value.Shape()))
			}
			if in.fn == nil {
				accumulateLeaf(in, gj)
				continue
			}
			k := pos[in]
			switch {
			case grads[k] == nil:
				grads[k] = gj
			case owned[k]:
				tensor.AddTo(grads[k], gj)
			default:
				grads[k], owned[k] = tensor.Add(grads[k], gj), true
			}
		}
	}
}

// accumulateLeaf adds g into the leaf's gradient, allocating it on first
// use. The first gradient is copied, never kept: it may alias a VJP's
// input or the caller's seed, and the leaf's buffer is added into later.
func accumulateLeaf(leaf *Var, g *tensor.Dense) {
	if leaf.grad == nil {
		leaf.grad = g.Copy()
		return
	}
	tensor.AddTo(leaf.grad, g)
}

// topoOrder returns the interior (non-leaf) nodes reachable from root
// through Vars that require gradients, inputs before the nodes that use
// them, root last. It is an iterative depth-first post-order with an
// explicit stack.
func topoOrder(root *Var) []*Var {
	type frame struct {
		v    *Var
		next int // index of the next input to visit
	}
	seen := map[*Var]bool{root: true}
	stack := []frame{{v: root}}
	var order []*Var
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < len(top.v.inputs) {
			in := top.v.inputs[top.next]
			top.next++
			if in.fn != nil && in.requiresGrad && !seen[in] {
				seen[in] = true
				stack = append(stack, frame{v: in})
			}
			continue
		}
		order = append(order, top.v)
		stack = stack[:len(stack)-1]
	}
	return order
}
