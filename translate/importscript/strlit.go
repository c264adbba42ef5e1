package importscript

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// literal is one string token, decoded: its text, or for an f-string the
// text between replacement fields and the fields themselves.
type literal struct {
	bytes bool
	parts []litPart
}

// litPart is decoded text or an f-string replacement field.
type litPart struct {
	text  *str
	field *replField
}

// replField is an f-string's {expression!conversion:spec}.
type replField struct {
	src     string              // the expression as written
	at      apacheconf.Position // where src starts
	brace   apacheconf.Position // the opening brace
	conv    byte                // 0, 's', 'r' or 'a'
	spec    string              // the format spec after ':', if any
	hasSpec bool
	selfDoc bool // {expr=}
}

// decodeLiteral decodes a string token exactly as Python 3.11 does: prefix,
// quotes, escapes and line breaks (CR LF and CR read as LF). \N{...}
// escapes are reported as unsupported: their names need Unicode's name
// table.
func decodeLiteral(tok lexer.Token) (*literal, error) {
	raw := tok.Value
	q := strings.IndexAny(raw, `'"`)
	prefix := strings.ToLower(raw[:q])
	isRaw := strings.Contains(prefix, "r")
	isF := strings.Contains(prefix, "f")
	lit := &literal{bytes: strings.Contains(prefix, "b")}
	quote := 1
	if len(raw)-q >= 6 && raw[q+1] == raw[q] && raw[q+2] == raw[q] {
		quote = 3
	}
	if lit, ok := plainLiteral(tok, lit, raw[q+quote:len(raw)-quote], q+quote, isRaw, isF); ok {
		return lit, nil
	}
	// pos[i] is where raw[i] sits in the file.
	pos := make([]apacheconf.Position, len(raw)+1)
	line, col := tok.Pos.Line, tok.Pos.Column
	for i := 0; i <= len(raw); i++ {
		pos[i] = apacheconf.Position{Filename: tok.Pos.Filename, Line: line, Column: col}
		if i < len(raw) && (raw[i] == '\n' || raw[i] == '\r' && (i+1 == len(raw) || raw[i+1] != '\n')) {
			line++
			col = 1
		} else {
			col++
		}
	}
	d := &strDecoder{raw: raw, pos: pos, lit: lit, isRaw: isRaw, isF: isF}
	if err := d.decode(q+quote, len(raw)-quote); err != nil {
		return nil, err
	}
	d.flush()
	if len(lit.parts) == 0 {
		lit.parts = []litPart{{text: &str{at: pos[0]}}}
	}
	return lit, nil
}

// plainLiteral decodes, without the general decoder, a non-empty string
// body of one line that has nothing to decode: no escape, no line break,
// no f-string brace. Its text is the body itself and byte i of it sits
// off+i columns after the token's start, as decode would place it. Most
// launcher strings are of this kind.
func plainLiteral(tok lexer.Token, lit *literal, body string, off int, isRaw, isF bool) (*literal, bool) {
	if body == "" || strings.ContainsAny(body, "\r\n") || !isRaw && strings.IndexByte(body, '\\') >= 0 ||
		isF && strings.ContainsAny(body, "{}") {
		return nil, false
	}
	at := apacheconf.Position{Filename: tok.Pos.Filename, Line: tok.Pos.Line, Column: tok.Pos.Column + off}
	lit.parts = []litPart{{text: &str{s: body, at: at, spans: []span{{at: at, step: true}}}}}
	return lit, true
}

// plainStr is the value of a str literal that plainLiteral would decode,
// or an empty one, made in one allocation: most of a launcher's strings
// are such literals, and each is evaluated every time its line runs.
func plainStr(tok lexer.Token, a *arena) (*str, bool) {
	raw := tok.Value
	q := strings.IndexAny(raw, `'"`)
	if q < 0 {
		return nil, false
	}
	isRaw, isF := false, false
	for i := 0; i < q; i++ {
		switch raw[i] {
		case 'r', 'R':
			isRaw = true
		case 'f', 'F':
			isF = true
		default: // b: a bytes literal; u changes nothing but is rare
			return nil, false
		}
	}
	quote := 1
	if len(raw)-q >= 6 && raw[q+1] == raw[q] && raw[q+2] == raw[q] {
		quote = 3
	}
	body := raw[q+quote : len(raw)-quote]
	if body == "" {
		return &str{at: position(tok.Pos)}, true
	}
	if strings.ContainsAny(body, "\r\n") || !isRaw && strings.IndexByte(body, '\\') >= 0 || isF && strings.ContainsAny(body, "{}") {
		return nil, false
	}
	var l *strWithSpan
	if a != nil {
		l = a.strs.new()
	} else {
		l = new(strWithSpan)
	}
	l.span[0] = span{at: apacheconf.Position{Filename: tok.Pos.Filename, Line: tok.Pos.Line, Column: tok.Pos.Column + q + quote}, step: true}
	l.str = str{s: body, at: position(tok.Pos), spans: l.span[:]}
	return &l.str, true
}

// strWithSpan is a str and its one span, allocated together.
type strWithSpan struct {
	str  str
	span [1]span
}

// strDecoder accumulates decoded text with positions.
type strDecoder struct {
	raw   string
	pos   []apacheconf.Position
	lit   *literal
	isRaw bool
	isF   bool
	buf   []byte
	spans []span
	start apacheconf.Position
}

func (d *strDecoder) add(s string, at apacheconf.Position) {
	if len(d.buf) == 0 {
		d.start = at
	}
	d.spans = appendSpan(d.spans, len(d.buf), len(s), at, false)
	d.buf = append(d.buf, s...)
}

func (d *strDecoder) flush() {
	if len(d.buf) > 0 {
		d.lit.parts = append(d.lit.parts, litPart{text: &str{s: string(d.buf), at: d.start, spans: d.spans}})
		d.buf, d.spans = nil, nil
	}
}

func (d *strDecoder) syntaxError(at apacheconf.Position, msg string) error {
	return newDiag(CodeSyntax, at, msg, "Fix the script so that Python accepts it; `python3 -m py_compile SCRIPT` shows the same error.")
}

func (d *strDecoder) decode(i, end int) error {
	raw := d.raw
	for i < end {
		c := raw[i]
		at := d.pos[i]
		switch {
		case c == '\r':
			d.add("\n", at)
			i++
			if i < end && raw[i] == '\n' {
				i++
			}
		case c == '\\' && !d.isRaw:
			n, err := d.escape(i, end)
			if err != nil {
				return err
			}
			i = n
		case d.isF && c == '{':
			if i+1 < end && raw[i+1] == '{' {
				d.add("{", at)
				i += 2
				continue
			}
			n, err := d.field(i, end)
			if err != nil {
				return err
			}
			i = n
		case d.isF && c == '}':
			if i+1 < end && raw[i+1] == '}' {
				d.add("}", at)
				i += 2
				continue
			}
			return d.syntaxError(at, "f-string: single '}' is not allowed")
		default:
			d.add(raw[i:i+1], at)
			i++
		}
	}
	return nil
}

// simpleEscapes are Python's one-character escapes.
var simpleEscapes = map[byte]string{
	'\\': "\\", '\'': "'", '"': "\"", 'a': "\a", 'b': "\b", 'f': "\f",
	'n': "\n", 'r': "\r", 't': "\t", 'v': "\v",
}

// escape decodes the escape sequence at raw[i] (a backslash) and returns
// the index after it.
func (d *strDecoder) escape(i, end int) (int, error) {
	raw := d.raw
	at := d.pos[i]
	if i+1 >= end {
		d.add("\\", at)
		return i + 1, nil
	}
	c := raw[i+1]
	switch {
	case c == '\n':
		return i + 2, nil
	case c == '\r':
		if i+2 < end && raw[i+2] == '\n' {
			return i + 3, nil
		}
		return i + 2, nil
	case simpleEscapes[c] != "":
		d.add(simpleEscapes[c], at)
		return i + 2, nil
	case c >= '0' && c <= '7':
		j := i + 1
		v := 0
		for j < end && j < i+4 && raw[j] >= '0' && raw[j] <= '7' {
			v = v*8 + int(raw[j]-'0')
			j++
		}
		return j, d.addRune(rune(v), at)
	case c == 'x' || c == 'u' || c == 'U':
		n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
		if i+2+n > end || !isHex(raw[i+2:i+2+n]) {
			return 0, d.syntaxError(at, "(unicode error) truncated \\"+string(c)+strings.Repeat("X", n)+" escape")
		}
		v, _ := strconv.ParseUint(raw[i+2:i+2+n], 16, 32)
		if v > utf8.MaxRune {
			return 0, d.syntaxError(at, "(unicode error) illegal Unicode character")
		}
		return i + 2 + n, d.addRune(rune(v), at)
	case c == 'N':
		return 0, newDiag(CodeUnsupported, at, "\\N{...} escapes are not supported",
			"Write the character itself, or a \\u or \\U escape, in place of the \\N{...} name.")
	}
	// Python keeps unknown escapes as they are (with a warning).
	d.add("\\", at)
	return i + 1, nil
}

func (d *strDecoder) addRune(r rune, at apacheconf.Position) error {
	if r >= 0xd800 && r <= 0xdfff {
		return newDiag(CodeUnsupported, at, "the string holds a lone surrogate code point, which cannot be passed to a program as text",
			"Write the character the surrogate stands for, as UTF-8 or with a \\U escape.")
	}
	d.add(string(r), at)
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// field reads an f-string replacement field starting at the brace raw[i]
// and returns the index after its closing brace. Its expression is parsed
// later, by the evaluator.
func (d *strDecoder) field(i, end int) (int, error) {
	raw := d.raw
	brace := d.pos[i]
	f := &replField{brace: brace, at: d.pos[i+1]}
	depth := 0
	var inStr byte
	exprEnd := -1
	j := i + 1
	for ; j < end && exprEnd < 0; j++ {
		c := raw[j]
		if c == '\\' {
			return 0, d.syntaxError(d.pos[j], "f-string expression part cannot include a backslash")
		}
		if inStr != 0 {
			if c == inStr {
				inStr = 0
			}
			continue
		}
		switch c {
		case '#':
			return 0, d.syntaxError(d.pos[j], "f-string expression part cannot include '#'")
		case '\'', '"':
			inStr = c
		case '(', '[', '{':
			depth++
		case ')', ']':
			depth--
		case '}':
			if depth == 0 {
				exprEnd = j
				j-- // the loop's j++ must leave j at the brace
			} else {
				depth--
			}
		case '!':
			if depth == 0 && (j+1 >= end || raw[j+1] != '=') {
				exprEnd = j
				j--
			} else if j+1 < end && raw[j+1] == '=' {
				j++
			}
		case ':':
			if depth == 0 {
				exprEnd = j
				j--
			}
		case '=':
			switch {
			case j+1 < end && raw[j+1] == '=':
				j++
			case j > i+1 && strings.IndexByte("=!<>", raw[j-1]) >= 0:
			case depth == 0:
				rest := strings.TrimLeft(raw[j+1:end], " \t\r\n\f")
				if rest != "" && strings.IndexByte("}!:", rest[0]) >= 0 {
					f.selfDoc = true
					exprEnd = j
					j = end - len(rest) - 1 // the loop's j++ leaves j at rest[0]
				}
			}
		}
	}
	if exprEnd < 0 || j >= end {
		return 0, d.syntaxError(brace, "f-string: expecting '}'")
	}
	f.src = raw[i+1 : exprEnd]
	if strings.TrimSpace(f.src) == "" {
		return 0, d.syntaxError(brace, "f-string: empty expression not allowed")
	}
	if raw[j] == '!' {
		if j+1 >= end || strings.IndexByte("sra", raw[j+1]) < 0 {
			return 0, d.syntaxError(d.pos[j], "f-string: invalid conversion character: expected 's', 'r', or 'a'")
		}
		f.conv = raw[j+1]
		j += 2
	}
	if j < end && raw[j] == ':' {
		f.hasSpec = true
		k, depth := j+1, 0
		for ; k < end; k++ {
			if raw[k] == '{' {
				depth++
			} else if raw[k] == '}' {
				if depth == 0 {
					break
				}
				depth--
			}
		}
		f.spec = raw[j+1 : k]
		j = k
	}
	if j >= end || raw[j] != '}' {
		return 0, d.syntaxError(brace, "f-string: expecting '}'")
	}
	d.flush()
	d.lit.parts = append(d.lit.parts, litPart{field: f})
	return j + 1, nil
}
