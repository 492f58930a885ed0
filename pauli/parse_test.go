package pauli

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// word is a test shorthand: word("XZ", 0, 3) is X on 0 and Z on 3.
func word(letters string, wires ...int) Word {
	var w Word
	for k, c := range letters {
		w.Ops = append(w.Ops, Op(strings.IndexRune("IXYZ", c)))
		w.Wires = append(w.Wires, wires[k])
	}
	return w
}

// equalSums compares terms in order, coefficients bit for bit.
func equalSums(a, b Sum) bool {
	if len(a) != len(b) {
		return false
	}
	for t := range a {
		if math.Float64bits(a[t].Coeff) != math.Float64bits(b[t].Coeff) {
			return false
		}
		wa, wb := a[t].Word, b[t].Word
		if len(wa.Ops) != len(wb.Ops) || len(wa.Wires) != len(wb.Wires) {
			return false
		}
		for k := range wa.Ops {
			if wa.Ops[k] != wb.Ops[k] || wa.Wires[k] != wb.Wires[k] {
				return false
			}
		}
	}
	return true
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Sum
	}{
		{"0.5*Z0 Z1 - 0.3*X2 + 0.2*Y0", Sum{{0.5, word("ZZ", 0, 1)}, {-0.3, word("X", 2)}, {0.2, word("Y", 0)}}},
		{"Z(0) @ Z(1)", Sum{{1, word("ZZ", 0, 1)}}},
		{"0.5 * (Z(0) @ Z(1)) + -0.3 * X(2) + 0.2 * Y(0)", Sum{{0.5, word("ZZ", 0, 1)}, {-0.3, word("X", 2)}, {0.2, word("Y", 0)}}},
		{"  -X3Y1\t+2 Z0 ", Sum{{-1, word("XY", 3, 1)}, {2, word("Z", 0)}}},
		{"1.5e-3 * X10 @ I2", Sum{{1.5e-3, word("XI", 10, 2)}}},
		{"I", Sum{{1, Word{}}}},
		{"0.25", Sum{{0.25, Word{}}}},
		{"3 - I()", Sum{{3, Word{}}, {-1, Word{}}}},
		{"- -2*Z0", Sum{{2, word("Z", 0)}}},
		{".5*X0 + 5.*X1 + 1E2*X2", Sum{{0.5, word("X", 0)}, {5, word("X", 1)}, {100, word("X", 2)}}},
		{"Z( 7 )", Sum{{1, word("Z", 7)}}},
		{"0*Y4 - 0*Y4", Sum{{0, word("Y", 4)}, {math.Copysign(0, -1), word("Y", 4)}}},
	} {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if !equalSums(got, tc.want) {
			t.Errorf("Parse(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "empty input"},
		{"   ", 3, "empty input"},
		{"0.5*Q0", 4, "expected a Pauli letter"},
		{"X", 1, "wire number of X"},
		{"X0 X0", 3, "wire 0 appears twice"},
		{"Z0 2", 3, "expected '+', '-'"},
		{"Z0 +", 4, "expected a Pauli letter"},
		{"0.5 * (Z(0) @ Z(1)", 18, "expected ')' closing"},
		{"Z(0", 3, "expected ')' after the wire"},
		{"Z0 @", 4, "after '@'"},
		{"1e999*Z0", 0, "out of the float64 range"},
		{"Z99999999999999999999", 1, "wire number 99999999999999999999 is out of range"},
		{"x0", 0, "expected a Pauli letter"},
		{"0.5**Z0", 4, "expected a Pauli letter"},
		{"I(", 2, "wire number of I"},
	} {
		_, err := Parse(tc.in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): error %v is not a *ParseError", tc.in, err)
			continue
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q): error does not wrap ErrSyntax", tc.in)
		}
		if pe.Offset != tc.offset || !strings.Contains(pe.Msg, tc.msg) {
			t.Errorf("Parse(%q): offset %d %q, want offset %d containing %q", tc.in, pe.Offset, pe.Msg, tc.offset, tc.msg)
		}
		if !strings.HasPrefix(err.Error(), "pauli: parse ") {
			t.Errorf("Parse(%q): message %q", tc.in, err)
		}
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    Sum
		want string
	}{
		{Sum{{0.5, word("ZZ", 0, 1)}, {-0.3, word("X", 2)}, {0.2, word("Y", 0)}}, "0.5*Z0 Z1 - 0.3*X2 + 0.2*Y0"},
		{Sum{{1, word("XI", 3, 0)}, {-1, Word{}}}, "X3 I0 - I"},
		{Sum{{-1, word("Z", 2)}}, "-1*Z2"},
		{Sum{{1e21, word("Y", 1)}, {math.Copysign(0, -1), word("Y", 1)}}, "1e+21*Y1 - 0*Y1"},
		{nil, "0"},
	} {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
		if len(tc.s) == 0 {
			continue
		}
		back, err := Parse(tc.want)
		if err != nil || !equalSums(back, tc.s) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.want, back, err, tc.s)
		}
	}
}

// FuzzParse checks that Parse never panics, that its errors are
// *ParseError values with an offset inside the input, and that everything
// it accepts survives String and Parse unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0.5*Z0 Z1 - 0.3*X2 + 0.2*Y0",
		"0.5 * (Z(0) @ Z(1)) + -0.3 * X(2)",
		"I", "3", "-X3Y1 + 2 Z0", "1e-300*I0 X1", "Z(0", "X0 X0", "- -.5e+3 Y7",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sum, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		if len(sum) == 0 {
			t.Fatalf("Parse(%q) returned an empty sum without an error", s)
		}
		if err := sum.Validate(); err != nil {
			t.Fatalf("Parse(%q) returned an invalid sum: %v", s, err)
		}
		out := sum.String()
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) → %q does not parse: %v", s, out, err)
		}
		if !equalSums(back, sum) {
			t.Fatalf("Parse(%q) = %v, but Parse(%q) = %v", s, sum, out, back)
		}
		if again := back.String(); again != out {
			t.Fatalf("String is not stable: %q then %q", out, again)
		}
	})
}
