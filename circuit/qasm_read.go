package circuit

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/quanta-qml/quanta/gate"
)

// ErrQASM is wrapped by every error of ParseQASM.
var ErrQASM = errors.New("invalid or unsupported OpenQASM")

// MaxQASMQubits caps the total size of the quantum registers ParseQASM
// accepts.
const MaxQASMQubits = 1024

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tNumber
	tString
	tSym
)

type token struct {
	kind      tokKind
	text      string
	line, col int
}

// lex splits src into tokens; comments run from // to the end of the line.
func lex(src string) ([]token, error) {
	var toks []token
	line, col := 1, 1
	i := 0
	adv := func(n int) {
		for k := 0; k < n; k++ {
			if src[i] == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i++
		}
	}
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	isLetter := func(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			adv(1)
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				adv(1)
			}
		case isLetter(c):
			j := i
			for j < len(src) && (isLetter(src[j]) || isDigit(src[j])) {
				j++
			}
			toks = append(toks, token{tIdent, src[i:j], line, col})
			adv(j - i)
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			j := i
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '.' {
				j++
				for j < len(src) && isDigit(src[j]) {
					j++
				}
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < len(src) && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < len(src) && isDigit(src[k]) {
					for k < len(src) && isDigit(src[k]) {
						k++
					}
					j = k
				}
			}
			toks = append(toks, token{tNumber, src[i:j], line, col})
			adv(j - i)
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' && src[j] != '\n' {
				j++
			}
			if j == len(src) || src[j] != '"' {
				return nil, qasmErr(line, col, "unterminated string")
			}
			toks = append(toks, token{tString, src[i+1 : j], line, col})
			adv(j + 1 - i)
		case (c == '=' || c == '-') && i+1 < len(src) && (src[i:i+2] == "==" || src[i:i+2] == "->"):
			toks = append(toks, token{tSym, src[i : i+2], line, col})
			adv(2)
		case c == ';' || c == ',' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' ||
			c == '+' || c == '-' || c == '*' || c == '/' || c == '^':
			toks = append(toks, token{tSym, src[i : i+1], line, col})
			adv(1)
		default:
			return nil, qasmErr(line, col, fmt.Sprintf("unexpected character %q", rune(c)))
		}
	}
	return append(toks, token{tEOF, "", line, col}), nil
}

func qasmErr(line, col int, msg string) error {
	return fmt.Errorf("circuit: ParseQASM: line %d:%d: %s: %w", line, col, msg, ErrQASM)
}

// qasmGate describes a gate name ParseQASM accepts.
type qasmGate struct {
	make    func() gate.Gate
	nparams int
	nqubits int
	builtin bool                        // U and CX need no include
	params  func(p []float64) []float64 // maps the QASM parameters to the gate's; nil keeps them
}

func lookupQASM(name string) (qasmGate, bool) {
	switch name {
	case "U":
		return qasmGate{gate.U3, 3, 1, true, nil}, true
	case "CX":
		return qasmGate{gate.CNOT, 0, 2, true, nil}, true
	case "u3":
		return qasmGate{gate.U3, 3, 1, false, nil}, true
	case "u2":
		return qasmGate{gate.U3, 2, 1, false, func(p []float64) []float64 { return []float64{math.Pi / 2, p[0], p[1]} }}, true
	case "u1", "p":
		return qasmGate{gate.PhaseShift, 1, 1, false, nil}, true
	case "id":
		return qasmGate{gate.Identity, 0, 1, false, nil}, true
	case "x":
		return qasmGate{gate.PauliX, 0, 1, false, nil}, true
	case "y":
		return qasmGate{gate.PauliY, 0, 1, false, nil}, true
	case "z":
		return qasmGate{gate.PauliZ, 0, 1, false, nil}, true
	case "h":
		return qasmGate{gate.Hadamard, 0, 1, false, nil}, true
	case "s":
		return qasmGate{gate.S, 0, 1, false, nil}, true
	case "sdg":
		return qasmGate{gate.Sdg, 0, 1, false, nil}, true
	case "t":
		return qasmGate{gate.T, 0, 1, false, nil}, true
	case "tdg":
		return qasmGate{gate.Tdg, 0, 1, false, nil}, true
	case "sx":
		return qasmGate{gate.SX, 0, 1, false, nil}, true
	case "sxdg":
		return qasmGate{gate.SXdg, 0, 1, false, nil}, true
	case "rx":
		return qasmGate{gate.RX, 1, 1, false, nil}, true
	case "ry":
		return qasmGate{gate.RY, 1, 1, false, nil}, true
	case "rz":
		return qasmGate{gate.RZ, 1, 1, false, nil}, true
	case "cx":
		return qasmGate{gate.CNOT, 0, 2, false, nil}, true
	case "cy":
		return qasmGate{gate.CY, 0, 2, false, nil}, true
	case "cz":
		return qasmGate{gate.CZ, 0, 2, false, nil}, true
	case "swap":
		return qasmGate{gate.SWAP, 0, 2, false, nil}, true
	case "crx":
		return qasmGate{gate.CRX, 1, 2, false, nil}, true
	case "cry":
		return qasmGate{gate.CRY, 1, 2, false, nil}, true
	case "crz":
		return qasmGate{gate.CRZ, 1, 2, false, nil}, true
	case "cu1", "cp":
		return qasmGate{gate.ControlledPhaseShift, 1, 2, false, nil}, true
	case "rxx":
		return qasmGate{gate.IsingXX, 1, 2, false, nil}, true
	case "ryy":
		return qasmGate{gate.IsingYY, 1, 2, false, nil}, true
	case "rzz":
		return qasmGate{gate.IsingZZ, 1, 2, false, nil}, true
	case "ccx":
		return qasmGate{gate.Toffoli, 0, 3, false, nil}, true
	}
	return qasmGate{}, false
}

type register struct {
	name      string
	quantum   bool
	off, size int
}

type qasmParser struct {
	toks     []token
	pos      int
	regs     []register
	nq       int
	included bool
	measured []bool
	ops      []pendingOp
	depth    int // expression nesting
}

type pendingOp struct {
	g      gate.Gate
	wires  []int
	params []float64
}

// ParseQASM reads an OpenQASM 2.0 program into a circuit with constant
// parameters (no inputs, no weights).
//
// It accepts the header OPENQASM 2.0, include "qelib1.inc", qreg and creg
// declarations, the built-in U and CX, the qelib1.inc gates u3, u2, u1, p,
// id, x, y, z, h, s, sdg, t, tdg, sx, sxdg, rx, ry, rz, cx, cy, cz, swap,
// crx, cry, crz, cu1, cp, rxx, ryy, rzz and ccx, register arguments
// (a gate on whole registers applies to each index in turn), barrier
// (ignored), and measure as the last operation on a qubit (ignored:
// measurement is chosen when the circuit is run). Parameters are
// expressions of numbers and pi with + − * / ^, unary minus, parentheses
// and sin, cos, tan, exp, ln and sqrt. Several quantum registers are laid
// out on consecutive wires in the order declared. See the package
// documentation for what each gate maps to.
//
// Gate and opaque definitions, if, reset, other gates, gates on a measured
// qubit, and more than MaxQASMQubits qubits are errors wrapping ErrQASM
// that name the line and column.
func ParseQASM(src string) (*Circuit, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &qasmParser{toks: toks}
	if err := p.program(); err != nil {
		return nil, err
	}
	b := NewBuilder(p.nq)
	for _, o := range p.ops {
		ps := make([]Param, len(o.params))
		for j, v := range o.params {
			ps[j] = Const(v)
		}
		b.Append(o.g, o.wires, ps...)
	}
	c, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("circuit: ParseQASM: %w: %w", ErrQASM, err)
	}
	return c, nil
}

func (p *qasmParser) peek() token { return p.toks[p.pos] }

func (p *qasmParser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *qasmParser) errAt(t token, format string, args ...any) error {
	return qasmErr(t.line, t.col, fmt.Sprintf(format, args...))
}

func describe(t token) string {
	if t.kind == tEOF {
		return "end of input"
	}
	return strconv.Quote(t.text)
}

func (p *qasmParser) expect(sym string) error {
	t := p.next()
	if t.kind != tSym || t.text != sym {
		return p.errAt(t, "expected %q, found %s", sym, describe(t))
	}
	return nil
}

func (p *qasmParser) ident() (token, error) {
	t := p.next()
	if t.kind != tIdent {
		return t, p.errAt(t, "expected a name, found %s", describe(t))
	}
	return t, nil
}

func (p *qasmParser) integer() (int, token, error) {
	t := p.next()
	if t.kind != tNumber {
		return 0, t, p.errAt(t, "expected an integer, found %s", describe(t))
	}
	v, err := strconv.Atoi(t.text)
	if err != nil || v < 0 {
		return 0, t, p.errAt(t, "expected a non-negative integer, found %s", describe(t))
	}
	return v, t, nil
}

func (p *qasmParser) program() error {
	t := p.next()
	if t.kind != tIdent || t.text != "OPENQASM" {
		return p.errAt(t, "expected the header OPENQASM 2.0;, found %s", describe(t))
	}
	v := p.next()
	if f, err := strconv.ParseFloat(v.text, 64); v.kind != tNumber || err != nil || f != 2 {
		return p.errAt(v, "only OPENQASM 2.0 is supported, found %s", describe(v))
	}
	if err := p.expect(";"); err != nil {
		return err
	}
	for p.peek().kind != tEOF {
		if err := p.statement(); err != nil {
			return err
		}
	}
	return nil
}

func (p *qasmParser) statement() error {
	t := p.peek()
	if t.kind != tIdent {
		return p.errAt(t, "expected a statement, found %s", describe(t))
	}
	switch t.text {
	case "include":
		p.next()
		f := p.next()
		if f.kind != tString {
			return p.errAt(f, "expected a file name in quotes, found %s", describe(f))
		}
		if f.text != "qelib1.inc" {
			return p.errAt(f, "only qelib1.inc can be included, found %q", f.text)
		}
		p.included = true
		return p.expect(";")
	case "qreg", "creg":
		return p.declaration()
	case "gate", "opaque", "if", "reset":
		return p.errAt(t, "%s is not supported", t.text)
	case "barrier":
		p.next()
		if _, err := p.arguments(true); err != nil {
			return err
		}
		return p.expect(";")
	case "measure":
		return p.measure()
	}
	return p.application()
}

func (p *qasmParser) declaration() error {
	kw := p.next()
	name, err := p.ident()
	if err != nil {
		return err
	}
	for _, r := range p.regs {
		if r.name == name.text {
			return p.errAt(name, "register %s declared twice", name.text)
		}
	}
	if err := p.expect("["); err != nil {
		return err
	}
	size, st, err := p.integer()
	if err != nil {
		return err
	}
	if size < 1 {
		return p.errAt(st, "register %s of size %d", name.text, size)
	}
	if err := p.expect("]"); err != nil {
		return err
	}
	r := register{name: name.text, quantum: kw.text == "qreg", size: size}
	if r.quantum {
		if size > MaxQASMQubits-p.nq {
			return p.errAt(st, "more than %d qubits", MaxQASMQubits)
		}
		r.off = p.nq
		p.nq += size
		p.measured = append(p.measured, make([]bool, size)...)
	}
	p.regs = append(p.regs, r)
	return p.expect(";")
}

// arg is a parsed argument: a register and an index, or −1 for all of it.
type arg struct {
	reg register
	idx int
	at  token
}

func (p *qasmParser) argument(quantum bool) (arg, error) {
	name, err := p.ident()
	if err != nil {
		return arg{}, err
	}
	a := arg{idx: -1, at: name}
	found := false
	for _, r := range p.regs {
		if r.name == name.text {
			a.reg, found = r, true
		}
	}
	if !found {
		return a, p.errAt(name, "undeclared register %s", name.text)
	}
	if a.reg.quantum != quantum {
		kind := "classical"
		if quantum {
			kind = "quantum"
		}
		return a, p.errAt(name, "%s is not a %s register", name.text, kind)
	}
	if t := p.peek(); t.kind == tSym && t.text == "[" {
		p.next()
		idx, it, err := p.integer()
		if err != nil {
			return a, err
		}
		if idx >= a.reg.size {
			return a, p.errAt(it, "index %d out of range for %s[%d]", idx, a.reg.name, a.reg.size)
		}
		a.idx = idx
		if err := p.expect("]"); err != nil {
			return a, err
		}
	}
	return a, nil
}

func (p *qasmParser) arguments(quantum bool) ([]arg, error) {
	var args []arg
	for {
		a, err := p.argument(quantum)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if t := p.peek(); t.kind != tSym || t.text != "," {
			return args, nil
		}
		p.next()
	}
}

// expand applies register broadcasting: it returns one list of wires per
// application.
func (p *qasmParser) expand(args []arg) ([][]int, error) {
	n := 1
	var whole *arg
	for k := range args {
		if args[k].idx < 0 {
			if whole != nil && args[k].reg.size != whole.reg.size {
				return nil, p.errAt(args[k].at, "registers %s and %s differ in size", whole.reg.name, args[k].reg.name)
			}
			whole = &args[k]
			n = args[k].reg.size
		}
	}
	apps := make([][]int, n)
	for j := range apps {
		apps[j] = make([]int, len(args))
		for k, a := range args {
			i := a.idx
			if i < 0 {
				i = j
			}
			apps[j][k] = a.reg.off + i
		}
	}
	return apps, nil
}

func (p *qasmParser) measure() error {
	p.next()
	q, err := p.argument(true)
	if err != nil {
		return err
	}
	if err := p.expect("->"); err != nil {
		return err
	}
	c, err := p.argument(false)
	if err != nil {
		return err
	}
	if (q.idx < 0) != (c.idx < 0) || (q.idx < 0 && q.reg.size != c.reg.size) {
		return p.errAt(q.at, "measure needs a qubit and a bit, or registers of the same size")
	}
	apps, err := p.expand([]arg{q})
	if err != nil {
		return err
	}
	for _, w := range apps {
		p.measured[w[0]] = true
	}
	return p.expect(";")
}

func (p *qasmParser) application() error {
	name := p.next()
	spec, ok := lookupQASM(name.text)
	if !ok {
		return p.errAt(name, "gate %s is not supported", name.text)
	}
	if !spec.builtin && !p.included {
		return p.errAt(name, "gate %s needs include \"qelib1.inc\"", name.text)
	}
	var params []float64
	if t := p.peek(); t.kind == tSym && t.text == "(" {
		p.next()
		if t := p.peek(); !(t.kind == tSym && t.text == ")") {
			for {
				start := p.peek()
				v, err := p.expr()
				if err != nil {
					return err
				}
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return p.errAt(start, "parameter evaluates to %g", v)
				}
				params = append(params, v)
				if t := p.peek(); t.kind != tSym || t.text != "," {
					break
				}
				p.next()
			}
		}
		if err := p.expect(")"); err != nil {
			return err
		}
	}
	if len(params) != spec.nparams {
		return p.errAt(name, "gate %s takes %d parameters, found %d", name.text, spec.nparams, len(params))
	}
	args, err := p.arguments(true)
	if err != nil {
		return err
	}
	if len(args) != spec.nqubits {
		return p.errAt(name, "gate %s acts on %d qubits, found %d arguments", name.text, spec.nqubits, len(args))
	}
	if err := p.expect(";"); err != nil {
		return err
	}
	apps, err := p.expand(args)
	if err != nil {
		return err
	}
	if spec.params != nil {
		params = spec.params(params)
	}
	for _, wires := range apps {
		for k, w := range wires {
			if p.measured[w] {
				return p.errAt(name, "gate %s on qubit %d after it was measured: mid-circuit measurement is not supported", name.text, w)
			}
			for _, v := range wires[:k] {
				if v == w {
					return p.errAt(name, "gate %s uses qubit %d twice", name.text, w)
				}
			}
		}
		p.ops = append(p.ops, pendingOp{spec.make(), wires, params})
	}
	return nil
}

// maxDepth bounds the nesting of parentheses, function calls and powers in
// an expression.
const maxDepth = 100

// expr parses a sum: term (('+' | '-') term)*.
func (p *qasmParser) expr() (float64, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return 0, p.errAt(p.peek(), "expression nested more than %d deep", maxDepth)
	}
	v, err := p.term()
	if err != nil {
		return 0, err
	}
	for {
		t := p.peek()
		if t.kind != tSym || (t.text != "+" && t.text != "-") {
			return v, nil
		}
		p.next()
		w, err := p.term()
		if err != nil {
			return 0, err
		}
		if t.text == "+" {
			v += w
		} else {
			v -= w
		}
	}
}

// term parses a product: unary (('*' | '/') unary)*.
func (p *qasmParser) term() (float64, error) {
	v, err := p.unary()
	if err != nil {
		return 0, err
	}
	for {
		t := p.peek()
		if t.kind != tSym || (t.text != "*" && t.text != "/") {
			return v, nil
		}
		p.next()
		w, err := p.unary()
		if err != nil {
			return 0, err
		}
		if t.text == "*" {
			v *= w
		} else {
			v /= w
		}
	}
}

// unary parses ('-' | '+')* power. The power binds tighter: -2^2 = -4.
func (p *qasmParser) unary() (float64, error) {
	neg := false
	for t := p.peek(); t.kind == tSym && (t.text == "-" || t.text == "+"); t = p.peek() {
		p.next()
		neg = neg != (t.text == "-")
	}
	v, err := p.power()
	if neg {
		v = -v
	}
	return v, err
}

// power parses primary ('^' unary)?, right-associative.
func (p *qasmParser) power() (float64, error) {
	v, err := p.primary()
	if err != nil {
		return 0, err
	}
	if t := p.peek(); t.kind == tSym && t.text == "^" {
		p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return 0, p.errAt(t, "expression nested more than %d deep", maxDepth)
		}
		w, err := p.unary()
		if err != nil {
			return 0, err
		}
		v = math.Pow(v, w)
	}
	return v, nil
}

func (p *qasmParser) primary() (float64, error) {
	t := p.next()
	switch t.kind {
	case tNumber:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return 0, p.errAt(t, "invalid number %s", t.text)
		}
		return v, nil
	case tSym:
		if t.text == "(" {
			v, err := p.expr()
			if err != nil {
				return 0, err
			}
			return v, p.expect(")")
		}
	case tIdent:
		if t.text == "pi" {
			return math.Pi, nil
		}
		var f func(float64) float64
		switch t.text {
		case "sin":
			f = math.Sin
		case "cos":
			f = math.Cos
		case "tan":
			f = math.Tan
		case "exp":
			f = math.Exp
		case "ln":
			f = math.Log
		case "sqrt":
			f = math.Sqrt
		default:
			return 0, p.errAt(t, "unknown name %s in an expression", t.text)
		}
		if err := p.expect("("); err != nil {
			return 0, err
		}
		v, err := p.expr()
		if err != nil {
			return 0, err
		}
		return f(v), p.expect(")")
	}
	return 0, p.errAt(t, "expected a number, pi, a function or '(', found %s", describe(t))
}
