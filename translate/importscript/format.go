package importscript

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// strBuilder builds a str piece by piece, keeping where each byte was
// written.
type strBuilder struct {
	b     []byte
	spans []span
	at    apacheconf.Position
	e     *evaluator // charged for the result, when set
}

func (b *strBuilder) str(s *str) {
	b.spans = appendStrSpans(b.spans, len(b.b), s)
	b.b = append(b.b, s.s...)
}

func (b *strBuilder) text(t string, at apacheconf.Position) {
	b.spans = appendSpan(b.spans, len(b.b), len(t), at, false)
	b.b = append(b.b, t...)
}

func (b *strBuilder) done() (*str, error) {
	at := lexer.Position{Filename: b.at.Filename, Line: b.at.Line, Column: b.at.Column}
	if len(b.b) > maxStrLen {
		return nil, tooLong(len(b.b), at)
	}
	if b.e != nil {
		if err := b.e.charge(len(b.b), at); err != nil {
			return nil, err
		}
	}
	return &str{s: string(b.b), at: b.at, spans: b.spans}, nil
}

// reprOf is repr(v) for the values whose repr is known.
func reprOf(v value) (string, bool) { return reprIn(v, nil) }

// reprIn is repr(v) inside the reprs of the containers in open: a list or
// dict that contains itself is [...] or {...} there, as in Python.
func reprIn(v value, open []value) (string, bool) {
	for _, o := range open {
		if o == v {
			switch v := v.(type) {
			case *dict:
				return "{...}", true
			case *list:
				switch {
				case v.nt != nil: // a named tuple's repr recurses until RecursionError
					return "", false
				case v.tuple:
					return "(...)", true
				}
			}
			return "[...]", true
		}
	}
	switch v := v.(type) {
	case *str:
		return pyRepr(v.s), true
	case *number:
		if n, ok := intOf(v); ok {
			return strconv.FormatInt(n, 10), true
		}
	case *float:
		return floatRepr(v.v), true
	case *boolean:
		if v.v {
			return "True", true
		}
		return "False", true
	case *none:
		return "None", true
	case *pathValue:
		return "PosixPath(" + pyRepr(v.p.s) + ")", true
	case *list:
		if v.nt != nil {
			return namedTupleRepr(v, open)
		}
		parts := make([]string, len(v.items))
		for i, it := range v.items {
			r, ok := reprIn(it, append(open, v))
			if !ok {
				return "", false
			}
			parts[i] = r
		}
		if v.tuple {
			if len(parts) == 1 {
				return "(" + parts[0] + ",)", true
			}
			return "(" + strings.Join(parts, ", ") + ")", true
		}
		return "[" + strings.Join(parts, ", ") + "]", true
	case *dict:
		if v.inherits {
			return "", false
		}
		parts := make([]string, len(v.keys))
		for i, k := range v.keys {
			r, ok := reprIn(v.vals[k], append(open, v))
			if !ok {
				return "", false
			}
			parts[i] = v.keyRepr(k) + ": " + r
		}
		return "{" + strings.Join(parts, ", ") + "}", true
	}
	return "", false
}

// strOf is str(v): a str as it is, anything else its repr.
func (e *evaluator) strOf(v value, at apacheconf.Position, what string) (*str, error) {
	switch v := v.(type) {
	case *str:
		return v, nil
	case *pathValue:
		return pathStr(v, at), nil
	case *instance:
		return instanceText(e, v, at, what)
	case *number:
		if n, ok := intOf(v); ok {
			return newStr(strconv.FormatInt(n, 10), v.at), nil
		}
		return nil, newDiag(CodeUnsupported, at, "the text of the number "+v.text+" in "+what+" is not worked out by wsgidock",
			"Write the number as an integer, or as a string.")
	case *float:
		return newStr(floatRepr(v.v), v.at), nil
	case *boolean, *list, *dict:
		if r, ok := reprOf(v); ok {
			return newStr(r, at), nil
		}
	case *none:
		return newStr("None", at), nil
	}
	return e.needStr(v, lexer.Position{Filename: at.Filename, Line: at.Line, Column: at.Column}, what)
}

// percentFormat is fmt % args, printf-style formatting.
func (e *evaluator) percentFormat(f *str, args value, at lexer.Position) (value, error) {
	if _, bad := args.(poisoned); bad {
		return nil, errPoisoned
	}
	var items []value
	mapping, isMap := args.(*dict)
	view, isView := args.(*scopeView)
	isMap = isMap || isView
	if l, ok := args.(*list); ok && l.tuple {
		items = l.items
	} else if !isMap {
		items = []value{args}
	}
	b := &strBuilder{at: f.at, e: e}
	next := 0
	pyErr := func(i int, msg string) error {
		return runtimeError(f.posAt(i), msg+": Python stops with TypeError or ValueError", "Give the format one value per % conversion, of the type it converts.")
	}
	s := f.s
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '%')
		if j < 0 {
			b.str(f.slice(i, len(s)))
			break
		}
		b.str(f.slice(i, i+j))
		start := i + j
		i = start + 1
		var key *str
		if i < len(s) && s[i] == '(' {
			end := strings.IndexByte(s[i:], ')')
			if end < 0 {
				return nil, pyErr(start, "incomplete format key")
			}
			key = f.slice(i+1, i+end)
			i += end + 1
		}
		var spec fmtSpec
		for ; i < len(s) && strings.IndexByte("#0- +", s[i]) >= 0; i++ {
			switch s[i] {
			case '#':
				spec.alt = true
			case '0':
				spec.zero = true
			case '-':
				spec.left = true
			case ' ':
				spec.sign = ' '
			case '+':
				spec.sign = '+'
			}
		}
		num := func() (int, bool, error) {
			if i < len(s) && s[i] == '*' {
				i++
				if next >= len(items) {
					return 0, true, pyErr(start, "not enough arguments for format string")
				}
				n, ok := intOf(items[next])
				next++
				if !ok {
					return 0, true, pyErr(start, "* wants int")
				}
				return int(n), true, nil
			}
			k := i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if k == i {
				return 0, false, nil
			}
			n, err := strconv.Atoi(s[k:i])
			if err != nil || n > maxStrLen {
				return 0, true, pyErr(start, "width too big")
			}
			return n, true, nil
		}
		w, hasW, err := num()
		if err != nil {
			return nil, err
		}
		if w < 0 {
			spec.left, w = true, -w
		}
		spec.width = w
		spec.prec = -1
		_ = hasW
		if i < len(s) && s[i] == '.' {
			i++
			p, _, err := num()
			if err != nil {
				return nil, err
			}
			spec.prec = max(p, 0)
		}
		for i < len(s) && strings.IndexByte("hlL", s[i]) >= 0 {
			i++
		}
		if i >= len(s) {
			return nil, pyErr(start, "incomplete format")
		}
		conv := s[i]
		i++
		if conv == '%' {
			b.text("%", f.posAt(start))
			continue
		}
		var arg value
		switch {
		case key != nil && isView:
			v, ok := e.viewGet(view, key.s, key.at)
			if !ok {
				return nil, e.viewMissing(view, key.s, lexer.Position{Filename: key.at.Filename, Line: key.at.Line, Column: key.at.Column})
			}
			arg = v
		case key != nil:
			if !isMap || mapping.inherits {
				if isMap {
					return nil, unsupported(at, "%(name) formatting with os.environ")
				}
				return nil, pyErr(start, "format requires a mapping")
			}
			v, ok := mapping.vals[key.s]
			if !ok {
				return nil, runtimeError(f.posAt(start), "the format's key "+pyRepr(key.s)+" is not in the dict: Python stops with KeyError", "Give the dict every key the format names.")
			}
			arg = v
		case next < len(items):
			arg = items[next]
			next++
		case isView:
			arg = view
		case isMap:
			arg = mapping
		default:
			return nil, pyErr(start, "not enough arguments for format string")
		}
		spec.conv = conv
		out, err := e.convert(arg, spec, f.posAt(start))
		if err != nil {
			return nil, err
		}
		b.str(out)
	}
	if !isMap && next < len(items) {
		return nil, pyErr(0, "not all arguments converted during string formatting")
	}
	return b.done()
}

// fmtSpec is a %-conversion or a format spec, read.
type fmtSpec struct {
	fill     rune
	align    byte // '<', '>', '^', '=' or 0 for the type's default
	sign     byte // '+', ' ', '-' or 0
	alt      bool // '#'
	zero     bool // '0'
	left     bool // %-formatting's '-'
	width    int
	grouping byte // ',' or '_'
	prec     int  // -1 when absent
	conv     byte // the conversion or type; 0 when absent
}

// convert is one %-conversion of v.
func (e *evaluator) convert(v value, sp fmtSpec, at apacheconf.Position) (*str, error) {
	if _, bad := v.(poisoned); bad {
		return nil, errPoisoned
	}
	var text string
	var piece *str // when the result is v's own text, keeping its positions
	switch sp.conv {
	case 's', 'r', 'a':
		if sp.conv == 's' {
			s, err := e.strOf(v, at, "a %s conversion")
			if err != nil {
				return nil, err
			}
			piece = s
		} else {
			r, ok, err := e.reprText(v, at)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, unsupported(lexer.Position{Filename: at.Filename, Line: at.Line, Column: at.Column}, "the repr of "+v.describe())
			}
			if sp.conv == 'a' {
				r = strconv.QuoteToASCII(r)
				r = r[1 : len(r)-1]
			}
			piece = newStr(r, at)
		}
		if sp.prec >= 0 {
			piece = truncateRunes(piece, sp.prec)
		}
	case 'd', 'i', 'u', 'x', 'X', 'o', 'c', 'e', 'E', 'f', 'F', 'g', 'G':
		n, ok := intOf(v)
		if f, isFloat := v.(*float); isFloat {
			if strings.IndexByte("eEfFgG", sp.conv) >= 0 {
				text = formatFloat(f.v, sp, false)
				break
			}
			if strings.IndexByte("diu", sp.conv) >= 0 {
				t := math.Trunc(f.v)
				if t > maxInt || t < -maxInt {
					return nil, unsupported(lexer.Position{Filename: at.Filename, Line: at.Line, Column: at.Column}, "integers this large")
				}
				n, ok = int64(t), true
			} else {
				return nil, runtimeError(at, fmt.Sprintf("%%%c format: an integer is required, not float: Python stops with TypeError", sp.conv), "Format the float with %f, %g or %s, or int() it first.")
			}
		}
		if !ok {
			if s, isStr := v.(*str); isStr && sp.conv == 'c' && runeLen(s.s) == 1 {
				piece = s
				break
			}
			if isOpaque(v) {
				return nil, newDiag(CodeUnresolved, at, "a %"+string(sp.conv)+" conversion of "+v.describe()+", which is known only when the script runs", subsetHelp)
			}
			if num, isNum := v.(*number); isNum && strings.ContainsAny(num.text, ".eE") && strings.IndexByte("eEfF", sp.conv) < 0 {
				return nil, unsupported(lexer.Position{Filename: at.Filename, Line: at.Line, Column: at.Column}, "formatting a float as an integer")
			}
			return nil, runtimeError(at, fmt.Sprintf("%%%c format: a number is required, not %s: Python stops with TypeError", sp.conv, v.describe()), "Format a number here, or use %s.")
		}
		if sp.conv == 'c' {
			if n < 0 || n > 0x10ffff {
				return nil, runtimeError(at, "%c arg not in range(0x110000): Python stops with OverflowError", "Use a valid code point.")
			}
			text = string(rune(n))
			break
		}
		text = formatInt(n, sp)
	default:
		return nil, runtimeError(at, fmt.Sprintf("unsupported format character %q: Python stops with ValueError", sp.conv), "Use one of the printf conversions Python documents.")
	}
	if piece == nil {
		piece = newStr(text, at)
	}
	return pad(piece, sp, at), nil
}

// formatInt writes n for an integer conversion: digits in its base with
// the precision's minimum, the sign, the '#' prefix, grouping, and zero
// padding to the width.
func formatInt(n int64, sp fmtSpec) string {
	neg := n < 0
	u := n
	if neg {
		u = -n
	}
	var digits, prefix string
	switch sp.conv {
	case 'x':
		digits, prefix = strconv.FormatInt(u, 16), "0x"
	case 'X':
		digits, prefix = strings.ToUpper(strconv.FormatInt(u, 16)), "0X"
	case 'o':
		digits, prefix = strconv.FormatInt(u, 8), "0o"
	case 'b':
		digits, prefix = strconv.FormatInt(u, 2), "0b"
	case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		return formatFloat(float64(n), sp, false)
	default:
		digits = strconv.FormatInt(u, 10)
	}
	if sp.prec > len(digits) && strings.IndexByte("diuxXo", sp.conv) >= 0 {
		digits = strings.Repeat("0", sp.prec-len(digits)) + digits
	}
	if sp.grouping != 0 {
		digits = group(digits, sp.grouping, sp.conv)
	}
	if !sp.alt || strings.IndexByte("xXob", sp.conv) < 0 {
		prefix = ""
	}
	sign := ""
	switch {
	case neg:
		sign = "-"
	case sp.sign == '+' || sp.sign == ' ':
		sign = string(sp.sign)
	}
	head := sign + prefix
	if sp.zero && !sp.left && (sp.align == 0 || sp.align == '=') {
		if fill := sp.width - len(head) - len(digits); fill > 0 {
			digits = strings.Repeat("0", fill) + digits
		}
	}
	return head + digits
}

// group puts a separator between every three digits (four for x, o, b
// with '_', as Python does).
func group(digits string, sep byte, conv byte) string {
	n := 3
	if strings.IndexByte("xXob", conv) >= 0 {
		n = 4
	}
	int, frac := digits, ""
	if i := strings.IndexAny(digits, ".e%"); i >= 0 {
		int, frac = digits[:i], digits[i:]
	}
	var b strings.Builder
	for i, c := range int {
		if i > 0 && (len(int)-i)%n == 0 {
			b.WriteByte(sep)
		}
		b.WriteRune(c)
	}
	return b.String() + frac
}

// truncateRunes keeps the first n characters of s.
func truncateRunes(s *str, n int) *str {
	count := 0
	for i := range s.s {
		if count == n {
			return s.slice(0, i)
		}
		count++
	}
	return s
}

// pad fills s to the width: right-aligned unless the spec aligns it
// otherwise (%-formatting's '-' flag, or an explicit alignment).
func pad(s *str, sp fmtSpec, at apacheconf.Position) *str {
	n := runeLen(s.s)
	if sp.width <= n {
		return s
	}
	fill := sp.fill
	if fill == 0 {
		fill = ' '
	}
	align := sp.align
	if align == 0 {
		align = '>'
	}
	if sp.left {
		align = '<'
	}
	total := sp.width - n
	l, r := 0, total
	switch align {
	case '>', '=':
		l, r = total, 0
	case '^':
		l, r = total/2, total-total/2
	}
	b := &strBuilder{at: s.at}
	b.text(strings.Repeat(string(fill), l), at)
	b.str(s)
	b.text(strings.Repeat(string(fill), r), at)
	out, _ := b.done()
	return out
}

// parseSpec reads a format spec of the mini-language:
// [[fill]align][sign][z][#][0][width][grouping][.precision][type].
func parseSpec(spec string) (fmtSpec, bool) {
	sp := fmtSpec{prec: -1}
	s := spec
	if r, n := utf8.DecodeRuneInString(s); n > 0 && len(s) > n && strings.IndexByte("<>^=", s[n]) >= 0 {
		sp.fill, sp.align, s = r, s[n], s[n+1:]
	} else if len(s) > 0 && strings.IndexByte("<>^=", s[0]) >= 0 {
		sp.align, s = s[0], s[1:]
	}
	if len(s) > 0 && strings.IndexByte("+- ", s[0]) >= 0 {
		sp.sign, s = s[0], s[1:]
	}
	if len(s) > 0 && s[0] == '#' {
		sp.alt, s = true, s[1:]
	}
	if len(s) > 0 && s[0] == '0' {
		sp.zero, s = true, s[1:]
	}
	k := 0
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	if k > 0 {
		w, err := strconv.Atoi(s[:k])
		if err != nil || w > maxStrLen {
			return sp, false
		}
		sp.width, s = w, s[k:]
	}
	if len(s) > 0 && (s[0] == ',' || s[0] == '_') {
		sp.grouping, s = s[0], s[1:]
	}
	if len(s) > 0 && s[0] == '.' {
		k = 1
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		p, err := strconv.Atoi(s[1:k])
		if err != nil || p > maxStrLen {
			return sp, false
		}
		sp.prec, s = p, s[k:]
	}
	if len(s) > 1 {
		return sp, false
	}
	if len(s) == 1 {
		sp.conv = s[0]
	}
	return sp, true
}

// formatValue is format(v, spec), as str.format and f-strings apply it.
func (e *evaluator) formatValue(v value, spec string, at apacheconf.Position) (*str, error) {
	if _, bad := v.(poisoned); bad {
		return nil, errPoisoned
	}
	if obj, ok := v.(*instance); ok {
		if _, _, custom := obj.cls.find("__format__"); custom || spec != "" {
			return nil, unsupported(lexer.Position{Filename: at.Filename, Line: at.Line, Column: at.Column}, "formatting "+obj.describe()+" with a format spec")
		}
		return instanceText(e, obj, at, "a formatted field")
	}
	if p, ok := v.(*pathValue); ok {
		if spec != "" {
			return nil, runtimeError(at, "unsupported format string passed to PosixPath.__format__: Python stops with TypeError", "Format str(path) instead.")
		}
		return pathStr(p, at), nil
	}
	sp, ok := parseSpec(spec)
	if !ok {
		return nil, runtimeError(at, "invalid format specifier "+pyRepr(spec)+": Python stops with ValueError", "Write a format spec Python documents.")
	}
	if _, isInt := intOf(v); isInt {
		if _, isBool := v.(*boolean); isBool && sp.conv == 0 {
			s, err := e.strOf(v, at, "a formatted field")
			if err != nil {
				return nil, err
			}
			return padFormat(s, sp, at, '<'), nil
		}
		n, _ := intOf(v)
		switch sp.conv {
		case 0, 'd', 'n':
			sp.conv = 'd'
		case 'x', 'X', 'o', 'b', 'c', 'e', 'E', 'f', 'F', 'g', 'G', '%':
		default:
			return nil, runtimeError(at, fmt.Sprintf("unknown format code %q for an int: Python stops with ValueError", sp.conv), "Use d, x, o, b, e, f or %.")
		}
		if sp.conv == 'c' {
			if n < 0 || n > 0x10ffff {
				return nil, runtimeError(at, "%c arg not in range(0x110000): Python stops with OverflowError", "Use a valid code point.")
			}
			return padFormat(newStr(string(rune(n)), at), sp, at, '>'), nil
		}
		zero := sp.zero && sp.align == 0
		if zero {
			sp.align = '='
		}
		text := formatInt(n, fmtSpec{sign: sp.sign, alt: sp.alt, prec: precForInt(sp), conv: sp.conv, grouping: sp.grouping, zero: zero && sp.fill == 0, width: sp.width, align: sp.align})
		if zero && sp.fill == 0 {
			return newStr(text, at), nil
		}
		return padFormat(newStr(text, at), sp, at, '>'), nil
	}
	if f, ok := v.(*float); ok {
		switch sp.conv {
		case 0, 'e', 'E', 'f', 'F', 'g', 'G', '%':
		case 'n':
			sp.conv = 'g'
		default:
			return nil, runtimeError(at, fmt.Sprintf("unknown format code %q for a float: Python stops with ValueError", sp.conv), "Use e, f, g or %.")
		}
		zero := sp.zero && sp.align == 0
		if zero {
			sp.align = '='
		}
		text := formatFloat(f.v, fmtSpec{sign: sp.sign, alt: sp.alt, prec: sp.prec, conv: sp.conv, grouping: sp.grouping, zero: zero && sp.fill == 0, width: sp.width, align: sp.align}, true)
		if zero && sp.fill == 0 {
			return newStr(text, at), nil
		}
		return padFormat(newStr(text, at), sp, at, '>'), nil
	}
	switch v.(type) {
	case *str, *none, *list, *dict:
	default:
		if isOpaque(v) {
			return nil, newDiag(CodeUnresolved, at, "a formatted field is "+v.describe()+", which is known only when the script runs", subsetHelp)
		}
	}
	if sp.conv != 0 && sp.conv != 's' {
		return nil, runtimeError(at, fmt.Sprintf("unknown format code %q for %s: Python stops with ValueError", sp.conv, v.describe()), "Use s, or no type, for a string.")
	}
	if sp.sign != 0 || sp.alt || sp.grouping != 0 || sp.align == '=' {
		return nil, runtimeError(at, "this format spec is not allowed for a string: Python stops with ValueError", "Use fill, alignment, width and precision only.")
	}
	s, err := e.strOf(v, at, "a formatted field")
	if err != nil {
		return nil, err
	}
	if sp.prec >= 0 {
		s = truncateRunes(s, sp.prec)
	}
	if sp.zero && sp.align == 0 && sp.fill == 0 {
		sp.fill, sp.align = '0', '<'
	}
	return padFormat(s, sp, at, '<'), nil
}

// precForInt: a precision is not allowed with integer types, but it is
// the number of decimals for e, f and %, and of digits for g.
func precForInt(sp fmtSpec) int {
	if strings.IndexByte("eEfFgG%", sp.conv) >= 0 {
		return sp.prec
	}
	return -1
}

// padFormat aligns s within the width with str.format's rules.
func padFormat(s *str, sp fmtSpec, at apacheconf.Position, defaultAlign byte) *str {
	if sp.align == 0 {
		sp.align = defaultAlign
	}
	if sp.align == '=' {
		// The fill goes between the sign (and a 0x prefix) and the digits.
		sp.align = '>'
		head := 0
		if head < len(s.s) && strings.IndexByte("+- ", s.s[head]) >= 0 {
			head++
		}
		if len(s.s) >= head+2 && s.s[head] == '0' && strings.IndexByte("xXoObB", s.s[head+1]) >= 0 {
			head += 2
		}
		if head > 0 {
			digits := s.slice(head, len(s.s))
			sp.width -= head
			b := &strBuilder{at: s.at}
			b.str(s.slice(0, head))
			b.str(pad(digits, fmtSpec{fill: sp.fill, align: '>', width: sp.width, conv: 'd'}, at))
			out, _ := b.done()
			return out
		}
	}
	sp.left = false
	sp.conv = 'd' // alignment is given; only the fill and width matter now
	return pad(s, sp, at)
}

// strFormat is fmt.format(*args, **kwargs).
func (e *evaluator) strFormat(f *str, args *arguments, at lexer.Position) (value, error) {
	b := &strBuilder{at: f.at, e: e}
	s := f.s
	auto := 0
	mode := 0 // 1: automatic numbering, 2: manual
	bad := func(i int, msg string) error {
		return runtimeError(f.posAt(i), msg+": Python stops with ValueError", "Write the replacement fields as Python documents them: {}, {0}, {name}, {name:spec}.")
	}
	lookup := func(name string, start int) (value, error) {
		conv := byte(0)
		if k := strings.IndexByte(name, '!'); k >= 0 {
			if len(name) != k+2 {
				return nil, bad(start, "expected ':' after conversion specifier")
			}
			conv = name[k+1]
			name = name[:k]
		}
		head, rest := name, ""
		if k := strings.IndexAny(name, ".["); k >= 0 {
			head, rest = name[:k], name[k:]
		}
		var v value
		switch {
		case head == "":
			if mode == 2 {
				return nil, bad(start, "cannot switch from manual field specification to automatic field numbering")
			}
			mode = 1
			if auto >= len(args.pos) {
				return nil, runtimeError(f.posAt(start), fmt.Sprintf("Replacement index %d out of range for positional args tuple: Python stops with IndexError", auto), "Give format() a value for every {}.")
			}
			v = args.pos[auto]
			auto++
		case head[0] >= '0' && head[0] <= '9':
			if mode == 1 {
				return nil, bad(start, "cannot switch from automatic field numbering to manual field specification")
			}
			mode = 2
			n, err := strconv.Atoi(head)
			if err != nil || n >= len(args.pos) {
				return nil, runtimeError(f.posAt(start), "Replacement index "+head+" out of range for positional args tuple: Python stops with IndexError", "Give format() a value for every numbered field.")
			}
			v = args.pos[n]
		default:
			kv, _, ok := args.keyword(head)
			if !ok && args.view != nil {
				if kv, ok = e.viewGet(args.view, head, f.posAt(start)); !ok {
					return nil, e.viewMissing(args.view, head, args.viewAt)
				}
			}
			if !ok {
				return nil, runtimeError(f.posAt(start), "format() has no keyword argument "+pyRepr(head)+": Python stops with KeyError", "Pass every named field as a keyword argument.")
			}
			v = kv
		}
		for rest != "" {
			if rest[0] == '.' {
				k := strings.IndexAny(rest[1:], ".[") + 1
				if k == 0 {
					k = len(rest)
				}
				name := rest[1:k]
				if name == "" {
					return nil, bad(start, "Empty attribute in format string")
				}
				rest = rest[k:]
				p := f.posAt(start)
				var err error
				if v, err = fieldAttr(e, v, name, lexer.Position{Filename: p.Filename, Line: p.Line, Column: p.Column}); err != nil {
					return nil, err
				}
				continue
			}
			k := strings.IndexByte(rest, ']')
			if k < 0 {
				return nil, bad(start, "Missing ']' in format string")
			}
			key := rest[1:k]
			rest = rest[k+1:]
			var err error
			if v, err = e.fieldItem(v, key, f.posAt(start)); err != nil {
				return nil, err
			}
		}
		var err error
		switch conv {
		case 0:
		case 's':
			v, err = e.strOf(v, f.posAt(start), "a formatted field")
		case 'r', 'a':
			r, ok, rerr := e.reprText(v, f.posAt(start))
			if rerr != nil {
				return nil, rerr
			}
			if !ok {
				return nil, unsupported(at, "the repr of "+v.describe())
			}
			if conv == 'a' {
				r = strconv.QuoteToASCII(r)
				r = r[1 : len(r)-1]
			}
			v = newStr(r, f.posAt(start))
		default:
			return nil, bad(start, "Unknown conversion specifier "+string(conv))
		}
		return v, err
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c == '}' {
			if i+1 < len(s) && s[i+1] == '}' {
				b.str(f.slice(i, i+1))
				i += 2
				continue
			}
			return nil, bad(i, "single '}' encountered in format string")
		}
		if c != '{' {
			j := strings.IndexAny(s[i:], "{}")
			if j < 0 {
				j = len(s) - i
			}
			b.str(f.slice(i, i+j))
			i += j
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			b.str(f.slice(i, i+1))
			i += 2
			continue
		}
		start := i
		end, depth := -1, 0
		for k := i; k < len(s); k++ {
			if s[k] == '{' {
				depth++
			} else if s[k] == '}' {
				if depth--; depth == 0 {
					end = k - i
					break
				}
			}
		}
		if end < 0 {
			return nil, bad(i, "expected '}' before end of string")
		}
		field := s[i+1 : i+end]
		i += end + 1
		name, spec, _ := strings.Cut(field, ":")
		if strings.IndexByte(name, '{') >= 0 {
			return nil, bad(start, "unexpected '{' in field name")
		}
		v, err := lookup(name, start)
		if err != nil {
			return nil, err
		}
		if strings.IndexByte(spec, '{') >= 0 {
			// Nested fields in the spec: each one is formatted with str()
			// into the spec first.
			var expanded strings.Builder
			for k := 0; k < len(spec); {
				if spec[k] != '{' {
					expanded.WriteByte(spec[k])
					k++
					continue
				}
				close := strings.IndexByte(spec[k:], '}')
				if close < 0 || strings.IndexByte(spec[k+1:k+close], '{') >= 0 {
					return nil, bad(start, "Max string recursion exceeded")
				}
				inner, err := lookup(spec[k+1:k+close], start)
				if err != nil {
					return nil, err
				}
				text, err := e.formatValue(inner, "", f.posAt(start))
				if err != nil {
					return nil, err
				}
				expanded.WriteString(text.s)
				k += close + 1
			}
			spec = expanded.String()
		}
		out, err := e.formatValue(v, spec, f.posAt(start))
		if err != nil {
			return nil, err
		}
		b.str(out)
	}
	return b.done()
}

// fieldItem is v[key] inside a str.format field: an integer key indexes
// a sequence, any other is a string key.
func (e *evaluator) fieldItem(v value, key string, at apacheconf.Position) (value, error) {
	if n, err := strconv.Atoi(key); err == nil {
		if l, ok := v.(*list); ok {
			if n < 0 || n >= len(l.items) {
				return nil, runtimeError(at, "index out of range: Python stops with IndexError", "Use an index the sequence has.")
			}
			return l.items[n], nil
		}
	}
	d, ok := v.(*dict)
	if !ok || d.inherits {
		return nil, unsupported(lexer.Position{Filename: at.Filename, Line: at.Line, Column: at.Column}, "indexing "+v.describe()+" in a str.format field")
	}
	got, ok := d.vals[key]
	if !ok {
		return nil, runtimeError(at, "the dict has no key "+pyRepr(key)+": Python stops with KeyError", "Add the key before formatting it.")
	}
	return got, nil
}

// runtimeFuncs are functions whose result exists only when the script
// runs, with the reason, by qualified name or module prefix.
var runtimeFuncs = map[string]string{
	"open":                 "it reads a file",
	"input":                "it reads standard input",
	"os.path.exists":       "it looks at the file system",
	"os.path.isfile":       "it looks at the file system",
	"os.path.isdir":        "it looks at the file system",
	"os.path.islink":       "it looks at the file system",
	"os.path.realpath":     "it resolves symbolic links on the file system",
	"os.path.getmtime":     "it looks at the file system",
	"os.listdir":           "it lists a directory",
	"os.getcwd":            "it is the working directory of the daemon process",
	"os.getpid":            "it is the daemon process's id",
	"os.getuid":            "it is the daemon's user",
	"os.uname":             "it describes the machine",
	"os.urandom":           "it is random",
	"socket.":              "it asks the network or the machine",
	"time.":                "it reads the clock",
	"datetime.":            "it reads the clock",
	"random.":              "it is random",
	"uuid.":                "it is random or machine-specific",
	"getpass.":             "it is the daemon's user",
	"platform.":            "it describes the machine",
	"urllib.":              "it uses the network",
	"subprocess.getoutput": "it runs a command and reads its output",
}

// runtimeDependent is why a function's result is known only at run time,
// or "".
func runtimeDependent(name string) string {
	if why, ok := runtimeFuncs[name]; ok {
		return why
	}
	for prefix, why := range runtimeFuncs {
		if strings.HasSuffix(prefix, ".") && strings.HasPrefix(name, prefix) {
			return why
		}
	}
	return ""
}
