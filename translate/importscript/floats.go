package importscript

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// float is a Python float: an IEEE double, as CPython keeps it. Only
// finite values exist here: a result that would be inf or nan is
// reported where it is made, so formatting never meets one.
type float struct {
	v  float64
	at apacheconf.Position
}

func (*float) describe() string { return "a float" }

// numOf is the value of an int, a bool or a float as a float64, and
// whether it is a float. An integer is exact: integers here stay within
// ±2**53.
func numOf(v value) (f float64, isFloat, ok bool) {
	if x, is := v.(*float); is {
		return x.v, true, true
	}
	if n, is := intOf(v); is {
		return float64(n), false, true
	}
	return 0, false, false
}

// isFloatLiteral says whether a number token is a float: a decimal
// literal with a point or an exponent (an imaginary one stays a number).
func isFloatLiteral(text string) bool {
	if len(text) > 1 && text[0] == '0' && strings.ContainsAny(text[1:2], "xXoObB") {
		return false
	}
	return strings.ContainsAny(text, ".eE") && !strings.ContainsAny(text, "jJ")
}

// floatLiteral reads a float literal of the script (digits, '.',
// exponent, single underscores between digits).
func floatLiteral(text string) (float64, bool) {
	if !validFloatText(text) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// validFloatText is Python's decimal float syntax, which float() and the
// tokenizer share: [sign] digits [. digits] [e [sign] digits], or with
// the digits before or after the point absent, underscores only between
// digits. inf and nan are not accepted here.
func validFloatText(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits := func() int {
		n := 0
		for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '_' && n > 0 && n+1 < len(s) && s[n+1] >= '0' && s[n+1] <= '9') {
			n++
		}
		if n > 0 && s[n-1] == '_' {
			return -1
		}
		return n
	}
	whole := digits()
	if whole < 0 {
		return false
	}
	s = s[whole:]
	frac := 0
	if s != "" && s[0] == '.' {
		s = s[1:]
		if s != "" && s[0] == '_' {
			return false
		}
		if frac = digits(); frac < 0 {
			return false
		}
		s = s[frac:]
	}
	if whole == 0 && frac == 0 {
		return false
	}
	if s != "" && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s != "" && (s[0] == '+' || s[0] == '-') {
			s = s[1:]
		}
		n := digits()
		if n <= 0 {
			return false
		}
		s = s[n:]
	}
	return s == ""
}

// floatRepr is repr() and str() of a float: the shortest digits that
// read back as the same double, in fixed notation when the decimal point
// falls within 16 digits of them and in exponent notation otherwise
// (CPython's float_repr_style 'short').
func floatRepr(f float64) string {
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	sign := ""
	if mant[0] == '-' {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	decpt := x + 1
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			return sign + "0." + strings.Repeat("0", -decpt) + digits
		case decpt >= len(digits):
			return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
		}
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
	m := digits[:1]
	if len(digits) > 1 {
		m += "." + digits[1:]
	}
	return sign + m + pyExponent(x)
}

// pyExponent is e+XX as C's printf writes it: a sign and at least two
// digits.
func pyExponent(x int) string {
	sign := "+"
	if x < 0 {
		sign, x = "-", -x
	}
	d := strconv.Itoa(x)
	if len(d) < 2 {
		d = "0" + d
	}
	return "e" + sign + d
}

// floatDigits is the unsigned text of |f| for a float conversion (e, E,
// f, F, g, G, % and, for format(), none), as CPython's formatter writes
// it before sign, grouping and padding.
func floatDigits(f float64, sp fmtSpec, formatSpec bool) string {
	f = math.Abs(f)
	prec := sp.prec
	conv := sp.conv
	upper := conv == 'E' || conv == 'F' || conv == 'G'
	var out string
	switch conv {
	case 'f', 'F', '%':
		if prec < 0 {
			prec = 6
		}
		if conv == '%' {
			f *= 100
		}
		out = strconv.FormatFloat(f, 'f', prec, 64)
		if sp.alt && prec == 0 {
			out += "."
		}
		if conv == '%' {
			out += "%"
		}
	case 'e', 'E':
		if prec < 0 {
			prec = 6
		}
		out = eNotation(f, prec, sp.alt)
	case 'g', 'G', 'n', 0:
		if conv == 0 && prec < 0 {
			out = floatRepr(f)
			break
		}
		if prec < 0 {
			prec = 6
		}
		if prec == 0 {
			prec = 1
		}
		x := decimalExponent(f, prec)
		// Python's none type switches to exponent notation one digit
		// sooner than g, and always keeps a digit after the point.
		limit := prec
		if conv == 0 {
			limit = prec - 1
		}
		if x >= -4 && x < limit {
			out = strconv.FormatFloat(f, 'f', prec-1-x, 64)
			if !sp.alt {
				out = trimFraction(out)
			} else if !strings.Contains(out, ".") {
				out += "."
			}
			if conv == 0 && !strings.Contains(out, ".") {
				out += ".0"
			}
		} else {
			out = eNotation(f, prec-1, sp.alt)
			if !sp.alt {
				m, e, _ := strings.Cut(out, "e")
				out = trimFraction(m) + "e" + e
			}
		}
	}
	if upper {
		out = strings.ToUpper(out)
	}
	return out
}

// eNotation is f in C's %e with prec decimals.
func eNotation(f float64, prec int, alt bool) string {
	out := strconv.FormatFloat(f, 'e', prec, 64)
	if alt && prec == 0 {
		m, e, _ := strings.Cut(out, "e")
		out = m + ".e" + e
	}
	return out
}

// decimalExponent is the exponent of f once rounded to prec significant
// digits.
func decimalExponent(f float64, prec int) int {
	e := strconv.FormatFloat(f, 'e', prec-1, 64)
	_, exp, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(exp)
	return x
}

// trimFraction drops the trailing zeros of a fraction, and the point.
func trimFraction(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// formatFloat is a float conversion of f with the spec's sign, grouping
// and zero padding (the width's other padding is pad's).
func formatFloat(f float64, sp fmtSpec, formatSpec bool) string {
	digits := floatDigits(f, sp, formatSpec)
	if sp.grouping != 0 {
		digits = group(digits, sp.grouping, sp.conv)
	}
	sign := ""
	switch {
	case math.Signbit(f):
		sign = "-"
	case sp.sign == '+' || sp.sign == ' ':
		sign = string(sp.sign)
	}
	if sp.zero && !sp.left && (sp.align == 0 || sp.align == '=') {
		if fill := sp.width - len(sign) - len(digits); fill > 0 {
			digits = strings.Repeat("0", fill) + digits
		}
	}
	return sign + digits
}

// floatResult is a float made by arithmetic, or the diagnostic for one
// that overflowed.
func floatResult(f float64, at lexer.Position) (value, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, unsupported(at, "a float this large (inf or nan)")
	}
	return &float{v: f, at: position(at)}, nil
}

// floatArith is a binary operator where one operand is a float, or true
// division, as CPython computes it.
func (e *evaluator) floatArith(op string, x, y float64, at lexer.Position) (value, error) {
	zero := func(what string) error {
		return runtimeError(position(at), what+": Python stops with ZeroDivisionError", "Divide by a number other than 0.")
	}
	switch op {
	case "+":
		return floatResult(x+y, at)
	case "-":
		return floatResult(x-y, at)
	case "*":
		return floatResult(x*y, at)
	case "/":
		if y == 0 {
			return nil, zero("division by zero")
		}
		return floatResult(x/y, at)
	case "//", "%":
		if y == 0 {
			if op == "%" {
				return nil, zero("float modulo")
			}
			return nil, zero("float floor division by zero")
		}
		div, mod := floatDivMod(x, y)
		if op == "%" {
			return floatResult(mod, at)
		}
		return floatResult(div, at)
	case "**":
		return floatPow(x, y, at)
	}
	return nil, runtimeError(position(at), "unsupported operand type(s) for "+op+": a float: Python stops with TypeError", "Use integers with the bitwise operators.")
}

// floatDivMod is CPython's float divmod (Objects/floatobject.c).
func floatDivMod(vx, wx float64) (float64, float64) {
	mod := math.Mod(vx, wx)
	div := (vx - mod) / wx
	if mod != 0 {
		if (wx < 0) != (mod < 0) {
			mod += wx
			div -= 1.0
		}
	} else {
		mod = math.Copysign(0, wx)
	}
	var floordiv float64
	if div != 0 {
		floordiv = math.Floor(div)
		if div-floordiv > 0.5 {
			floordiv += 1.0
		}
	} else {
		floordiv = math.Copysign(0, vx/wx)
	}
	return floordiv, mod
}

// floatPow is x ** y where the result is a float: an integral exponent
// computed exactly and rounded once (as a correctly rounded pow does), a
// square root, and other fractional powers where the C library's last
// digit is certain (see fractionalPow).
func floatPow(x, y float64, at lexer.Position) (value, error) {
	if x == 0 && y < 0 {
		return nil, runtimeError(position(at), "0.0 cannot be raised to a negative power: Python stops with ZeroDivisionError", "Raise a number other than 0.")
	}
	if y == 0.5 && x >= 0 {
		return floatResult(math.Sqrt(x), at)
	}
	if y != math.Trunc(y) && !math.IsInf(y, 0) && !math.IsNaN(y) && !math.IsInf(x, 0) {
		switch {
		case x < 0:
			return nil, unsupported(at, "a negative number raised to a fractional power (Python gives a complex number)")
		case x == 0:
			return floatResult(0, at)
		}
		if f, ok := fractionalPow(x, y); ok {
			return floatResult(f, at)
		}
		return nil, unsupported(at, "a float raised to this power (its last digit depends on the C library's pow)")
	}
	if y != math.Trunc(y) || math.Abs(y) > 64 {
		return nil, unsupported(at, "a float raised to this power")
	}
	n := int(math.Abs(y))
	base := new(big.Float).SetPrec(0).SetFloat64(x)
	p := new(big.Float).SetPrec(uint(53*n + 64)).SetInt64(1)
	for range n {
		p.Mul(p, base)
	}
	if y < 0 {
		one := new(big.Float).SetPrec(53).SetInt64(1)
		p = new(big.Float).SetPrec(53).Quo(one, p)
	}
	f, acc := p.Float64()
	if math.IsInf(f, 0) || f == 0 && acc != big.Exact && x != 0 {
		return nil, unsupported(at, "a float this large or this small")
	}
	return floatResult(f, at)
}

// roundFloat is round(f, ndigits): f rounded half to even at ndigits
// decimals of its exact value, then read back as the nearest double
// (CPython rounds through the correctly rounded decimal string).
func roundFloat(f float64, ndigits int64) float64 {
	if ndigits > 330 {
		return f
	}
	if ndigits < -330 {
		return math.Copysign(0, f)
	}
	r := new(big.Rat).SetFloat64(f)
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(ndigits)), nil))
	if ndigits >= 0 {
		r.Mul(r, scale)
	} else {
		r.Quo(r, scale)
	}
	// half to even at the integer
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	if c := twice.Cmp(r.Denom()); c > 0 || c == 0 && q.Bit(0) == 1 {
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	out := new(big.Rat).SetInt(q)
	if ndigits >= 0 {
		out.Quo(out, scale)
	} else {
		out.Mul(out, scale)
	}
	g, _ := out.Float64()
	if g == 0 {
		return math.Copysign(0, f)
	}
	return g
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// builtinFloat is float(x) of a number or of a string in Python's
// decimal syntax.
func builtinFloat(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("float", args, at, 0, 1); err != nil {
		return nil, err
	}
	if len(args.pos) == 0 {
		return &float{at: position(at)}, nil
	}
	v := args.pos[0]
	if f, _, ok := numOf(v); ok {
		return &float{v: f, at: position(at)}, nil
	}
	switch v := v.(type) {
	case poisoned:
		return nil, errPoisoned
	case *str:
		text := strings.TrimFunc(v.s, isPySpace)
		if f, ok := floatLiteral(text); ok {
			return &float{v: f, at: v.posAt(0)}, nil
		}
		lower := strings.TrimLeft(strings.ToLower(text), "+-")
		if lower == "inf" || lower == "infinity" || lower == "nan" {
			return nil, unsupported(args.posAt[0], "float() of inf or nan")
		}
		return nil, runtimeError(v.posAt(0), "could not convert string to float: "+pyRepr(v.s)+": Python stops with ValueError", "Convert a string of digits.")
	}
	if isOpaque(v) {
		return nil, newDiag(CodeUnresolved, position(args.posAt[0]), "float() of "+v.describe()+", which is known only when the script runs", subsetHelp)
	}
	return nil, runtimeError(position(args.posAt[0]), "float() argument must be a string or a real number, not "+v.describe()+": Python stops with TypeError", "Convert a number or a string.")
}

// truncInt is int(f): f without its fraction.
func truncInt(f float64, at lexer.Position) (value, error) {
	t := math.Trunc(f)
	if t > maxInt || t < -maxInt {
		return nil, unsupported(at, "integers this large")
	}
	return intValue(int64(t), position(at)), nil
}

// builtinRound is round(number[, ndigits]).
func builtinRound(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("round", []string{"number", "ndigits"}, 0, 1, args, at)
	if err != nil {
		return nil, err
	}
	if _, bad := vals[0].(poisoned); bad {
		return nil, errPoisoned
	}
	var nd int64
	hasNd := vals[1] != nil
	if hasNd {
		if _, isNone := vals[1].(*none); isNone {
			hasNd = false
		} else if n, ok := intOf(vals[1]); ok {
			nd = n
		} else {
			return nil, runtimeError(position(where[1]), vals[1].describe()+" cannot be interpreted as an integer: Python stops with TypeError", "Give round() an integer number of digits.")
		}
	}
	if n, ok := intOf(vals[0]); ok {
		if hasNd && nd < 0 {
			f := roundFloat(float64(n), nd)
			return intValue(int64(f), position(at)), nil
		}
		return intValue(n, position(at)), nil
	}
	x, ok := vals[0].(*float)
	if !ok {
		if isOpaque(vals[0]) {
			return nil, newDiag(CodeUnresolved, position(where[0]), "round() of "+vals[0].describe()+", which is known only when the script runs", subsetHelp)
		}
		return nil, runtimeError(position(where[0]), "type "+vals[0].describe()+" doesn't define __round__ method: Python stops with TypeError", "Round a number.")
	}
	if !hasNd {
		return truncInt(math.RoundToEven(x.v), at)
	}
	return floatResult(roundFloat(x.v, nd), at)
}

// builtinDivmod is divmod(a, b): (a // b, a % b), floored.
func builtinDivmod(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("divmod", args, at, 2, 2); err != nil {
		return nil, err
	}
	q, err := e.arith("//", args.pos[0], args.pos[1], at)
	if err != nil {
		return nil, err
	}
	r, err := e.arith("%", args.pos[0], args.pos[1], at)
	if err != nil {
		return nil, err
	}
	return &list{items: []value{q, r}, tuple: true, at: position(at)}, nil
}

// The math functions launchers use on sizes and timeouts.
func init() {
	helpers["divmod"] = builtinDivmod
	builtins["divmod"] = true
	helpers["float"] = builtinFloat
	builtins["float"] = true
	helpers["round"] = builtinRound
	builtins["round"] = true
	for name, fn := range map[string]func(float64) float64{"math.ceil": math.Ceil, "math.floor": math.Floor, "math.trunc": math.Trunc} {
		helpers[name] = func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
			if err := arity(name, args, at, 1, 1); err != nil {
				return nil, err
			}
			if n, ok := intOf(args.pos[0]); ok {
				return intValue(n, position(at)), nil
			}
			if f, ok := args.pos[0].(*float); ok {
				return truncInt(fn(f.v), at)
			}
			if _, bad := args.pos[0].(poisoned); bad {
				return nil, errPoisoned
			}
			return nil, runtimeError(position(args.posAt[0]), "must be real number, not "+args.pos[0].describe()+": Python stops with TypeError", "Give "+name+"() a number.")
		}
	}
	moduleAttrs["math.pi"] = func(_ *evaluator, at apacheconf.Position) value { return &float{v: math.Pi, at: at} }
}
