package pauli

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrSyntax is wrapped by every error of Parse.
var ErrSyntax = errors.New("invalid Pauli sum")

// ParseError describes where and why Parse rejected its input.
type ParseError struct {
	Input  string // the whole input
	Offset int    // byte offset of the problem in Input
	Msg    string // what was expected or found
}

// Error returns the message with the offset and an excerpt of the input.
func (e *ParseError) Error() string {
	lo, hi := max(0, e.Offset-20), min(len(e.Input), e.Offset+20)
	ex := e.Input[lo:hi]
	if lo > 0 {
		ex = "…" + ex
	}
	if hi < len(e.Input) {
		ex += "…"
	}
	return fmt.Sprintf("pauli: parse %q at offset %d: %s", ex, e.Offset, e.Msg)
}

// Unwrap returns ErrSyntax.
func (e *ParseError) Unwrap() error { return ErrSyntax }

// Parse reads a Pauli sum. Two notations are accepted, and may be mixed:
//
//	0.5*Z0 Z1 - 0.3*X2 + 0.2*Y0            compact: a letter and its wire
//	0.5 * (Z(0) @ Z(1)) + -0.3 * X(2)       PennyLane's printed form
//
// A term is an optional sign, an optional coefficient followed by '*' or
// white space, and a word; terms are joined by '+' or '-'. A word is a
// sequence of factors separated by white space or '@' (optionally in
// parentheses); a factor is a letter I, X, Y or Z followed by a wire
// number, either directly (Z0) or in parentheses (Z(0)). A lone I (or I())
// and a lone coefficient stand for the identity. Coefficients are decimal
// numbers (2, 0.5, .5, 1e-3, 2.5E+4) that must be finite in float64; wires
// are decimal and distinct within a word. Identity letters with a wire
// (I3) are kept.
//
// Errors are *ParseError values, which wrap ErrSyntax and give the byte
// offset and what was expected. Parse(s.String()) returns s for any Sum s
// that Parse returned.
func Parse(s string) (Sum, error) {
	p := parser{in: s}
	var sum Sum
	p.space()
	if p.pos == len(s) {
		return nil, p.fail("empty input; expected a Pauli sum such as 0.5*Z0 Z1 - X2")
	}
	sign := 1.0
	if c := s[p.pos]; c == '+' || c == '-' {
		// A leading sign acts like a separator, so the first term may carry
		// its own sign too, as the later ones may ("X0 - -2*Z1").
		if c == '-' {
			sign = -1
		}
		p.pos++
		p.space()
	}
	for {
		t, err := p.term(sign)
		if err != nil {
			return nil, err
		}
		sum = append(sum, t)
		p.space()
		if p.pos == len(s) {
			return sum, nil
		}
		switch s[p.pos] {
		case '+':
			sign = 1
		case '-':
			sign = -1
		default:
			return nil, p.fail(fmt.Sprintf("expected '+', '-' or the end of the input, found %s", p.found()))
		}
		p.pos++
		p.space()
	}
}

type parser struct {
	in  string
	pos int
}

func (p *parser) fail(msg string) error { return &ParseError{Input: p.in, Offset: p.pos, Msg: msg} }

// found describes the byte at the current position for error messages.
func (p *parser) found() string {
	if p.pos >= len(p.in) {
		return "the end of the input"
	}
	return strconv.QuoteRune(rune(p.in[p.pos]))
}

func (p *parser) space() {
	for p.pos < len(p.in) && isSpace(p.in[p.pos]) {
		p.pos++
	}
}

func (p *parser) peek() byte {
	if p.pos < len(p.in) {
		return p.in[p.pos]
	}
	return 0
}

// term parses [sign] [coefficient ('*' | space)] word, or a lone
// coefficient, multiplying the coefficient by sign.
func (p *parser) term(sign float64) (Term, error) {
	if c := p.peek(); c == '+' || c == '-' {
		if c == '-' {
			sign = -sign
		}
		p.pos++
		p.space()
	}
	coeff := 1.0
	if c := p.peek(); isDigit(c) || c == '.' {
		v, err := p.number()
		if err != nil {
			return Term{}, err
		}
		coeff = v
		p.space()
		if p.peek() == '*' {
			p.pos++
			p.space()
		} else if !isWordStart(p.peek()) {
			return Term{Coeff: sign * coeff}, nil // a lone coefficient: identity
		}
	}
	w, err := p.word()
	if err != nil {
		return Term{}, err
	}
	return Term{Coeff: sign * coeff, Word: w}, nil
}

// number parses an unsigned decimal floating-point literal.
func (p *parser) number() (float64, error) {
	start := p.pos
	digits := 0
	for isDigit(p.peek()) {
		p.pos++
		digits++
	}
	if p.peek() == '.' {
		p.pos++
		for isDigit(p.peek()) {
			p.pos++
			digits++
		}
	}
	if digits == 0 {
		p.pos = start
		return 0, p.fail("expected a number")
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		q := p.pos + 1
		if q < len(p.in) && (p.in[q] == '+' || p.in[q] == '-') {
			q++
		}
		if q < len(p.in) && isDigit(p.in[q]) {
			p.pos = q
			for isDigit(p.peek()) {
				p.pos++
			}
		}
	}
	lit := p.in[start:p.pos]
	v, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(v, 0) {
		p.pos = start
		return 0, p.fail(fmt.Sprintf("coefficient %s is out of the float64 range", lit))
	}
	return v, nil
}

// word parses a product of factors, optionally in parentheses.
func (p *parser) word() (Word, error) {
	if p.peek() == '(' {
		p.pos++
		p.space()
		w, err := p.factors()
		if err != nil {
			return Word{}, err
		}
		p.space()
		if p.peek() != ')' {
			return Word{}, p.fail(fmt.Sprintf("expected ')' closing the word, found %s", p.found()))
		}
		p.pos++
		return w, nil
	}
	return p.factors()
}

// factors parses factor { [space] ['@' space] factor }.
func (p *parser) factors() (Word, error) {
	var w Word
	for {
		if err := p.factor(&w); err != nil {
			return Word{}, err
		}
		save := p.pos
		p.space()
		if p.peek() == '@' {
			p.pos++
			p.space()
			if !isWordStart(p.peek()) {
				return Word{}, p.fail(fmt.Sprintf("expected a Pauli letter I, X, Y or Z after '@', found %s", p.found()))
			}
			continue
		}
		if !isWordStart(p.peek()) {
			p.pos = save
			return w, nil
		}
	}
}

// factor parses a letter with its wire (Z0, Z(0)), or a lone I or I(),
// and appends it to w.
func (p *parser) factor(w *Word) error {
	var op Op
	switch p.peek() {
	case 'I':
		op = I
	case 'X':
		op = X
	case 'Y':
		op = Y
	case 'Z':
		op = Z
	default:
		return p.fail(fmt.Sprintf("expected a Pauli letter I, X, Y or Z, found %s", p.found()))
	}
	letterPos := p.pos
	p.pos++
	paren := false
	if p.peek() == '(' {
		paren = true
		p.pos++
		p.space()
		if op == I && p.peek() == ')' {
			p.pos++
			return nil // I(): the identity
		}
	}
	if !isDigit(p.peek()) {
		if op == I && !paren {
			return nil // a lone I: the identity
		}
		return p.fail(fmt.Sprintf("expected the wire number of %v, found %s", op, p.found()))
	}
	start := p.pos
	for isDigit(p.peek()) {
		p.pos++
	}
	lit := p.in[start:p.pos]
	wire, err := strconv.Atoi(lit)
	if err != nil {
		p.pos = start
		return p.fail(fmt.Sprintf("wire number %s is out of range", lit))
	}
	if paren {
		p.space()
		if p.peek() != ')' {
			return p.fail(fmt.Sprintf("expected ')' after the wire number, found %s", p.found()))
		}
		p.pos++
	}
	for _, prev := range w.Wires {
		if prev == wire {
			p.pos = letterPos
			return p.fail(fmt.Sprintf("wire %d appears twice in one word", wire))
		}
	}
	w.Ops = append(w.Ops, op)
	w.Wires = append(w.Wires, wire)
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isWordStart(c byte) bool { return c == 'I' || c == 'X' || c == 'Y' || c == 'Z' || c == '(' }

// String returns w in the compact notation, e.g. "X0 Z3"; the empty word
// is "I". Parse reads it back.
func (w Word) String() string {
	if len(w.Ops) == 0 {
		return "I"
	}
	var b strings.Builder
	for k, o := range w.Ops {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(o.String())
		if k < len(w.Wires) {
			b.WriteString(strconv.Itoa(w.Wires[k]))
		}
	}
	return b.String()
}

// String returns t in the compact notation, e.g. "0.5*Z0 Z1"; a
// coefficient of exactly 1 is left out. Coefficients are printed with the
// fewest digits that read back to the same float64.
func (t Term) String() string {
	if t.Coeff == 1 && !math.Signbit(t.Coeff) {
		return t.Word.String()
	}
	return strconv.FormatFloat(t.Coeff, 'g', -1, 64) + "*" + t.Word.String()
}

// String returns s in the compact notation, e.g. "0.5*Z0 Z1 - 0.3*X2";
// the empty sum is "0". Parse reads it back to the same terms, in order,
// with the same coefficient bits.
func (s Sum) String() string {
	if len(s) == 0 {
		return "0"
	}
	var b strings.Builder
	for k, t := range s {
		switch {
		case k == 0:
			b.WriteString(t.String())
		case math.Signbit(t.Coeff):
			b.WriteString(" - ")
			b.WriteString(Term{Coeff: -t.Coeff, Word: t.Word}.String())
		default:
			b.WriteString(" + ")
			b.WriteString(t.String())
		}
	}
	return b.String()
}
