package importscript

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the Python tokenizer. Comments and blank lines produce no
// tokens; indentation produces Indent and Dedent, as in CPython's tokenizer.
const (
	tokName lexer.TokenType = -(iota + 2)
	tokKeyword
	tokNumber
	tokString
	tokOp
	tokNewline
	tokIndent
	tokDedent
)

// pythonLexer is the participle lexer definition for launcher scripts.
type pythonLexer struct{}

var _ lexer.BytesDefinition = pythonLexer{}

// Symbols names the token types for the grammar.
func (pythonLexer) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":     lexer.EOF,
		"Name":    tokName,
		"Keyword": tokKeyword,
		"Number":  tokNumber,
		"String":  tokString,
		"Op":      tokOp,
		"Newline": tokNewline,
		"Indent":  tokIndent,
		"Dedent":  tokDedent,
	}
}

// Lex reads a whole script from r.
func (d pythonLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexBytes(filename, src)
}

// LexBytes tokenizes a whole script.
func (pythonLexer) LexBytes(filename string, src []byte) (lexer.Lexer, error) {
	toks, err := tokenize(filename, src, 1, 1, false)
	if err != nil {
		return nil, err
	}
	return &tokenList{toks: toks}, nil
}

// tokenList hands out tokens produced in advance.
type tokenList struct {
	toks []lexer.Token
	next int
}

// Next returns the next token, then EOF forever.
func (l *tokenList) Next() (lexer.Token, error) {
	t := l.toks[l.next]
	if l.next < len(l.toks)-1 {
		l.next++
	}
	return t, nil
}

// keywords are Python 3's reserved words; they never lex as names.
var keywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true,
	"assert": true, "async": true, "await": true, "break": true, "class": true,
	"continue": true, "def": true, "del": true, "elif": true, "else": true,
	"except": true, "finally": true, "for": true, "from": true, "global": true,
	"if": true, "import": true, "in": true, "is": true, "lambda": true,
	"nonlocal": true, "not": true, "or": true, "pass": true, "raise": true,
	"return": true, "try": true, "while": true, "with": true, "yield": true,
}

// operators, longest first so that the scanner takes the longest match.
var operators = []string{
	"**=", "//=", ">>=", "<<=", "...",
	"->", ":=", "**", "//", "==", "!=", "<=", ">=", "<<", ">>",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
	"+", "-", "*", "/", "%", "@", "<", ">", "&", "|", "^", "~", "=",
	".", ",", ":", ";", "(", ")", "[", "]", "{", "}",
}

// codingCookie is PEP 263's declaration, looked for on the first two lines.
var codingCookie = regexp.MustCompile(`^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`)

// hasCookie is codingCookie's submatches on line, nil when none.
func hasCookie(line []byte) [][]byte {
	if !bytes.Contains(line, []byte("coding")) {
		return nil
	}
	return codingCookie.FindSubmatch(line)
}

// scanner turns Python source into tokens following CPython's tokenizer for
// the parts launcher scripts use: physical and logical lines, implicit line
// joining inside brackets, backslash continuation, INDENT/DEDENT with
// CPython's tab rules, and string literals as single raw tokens.
type scanner struct {
	filename  string
	src       []byte
	text      string // src as a string, which the tokens' values are cut from
	off       int
	line      int
	lineStart int // offset of the current line's first byte (may be negative for sub-scans)
	toks      []lexer.Token
	indents   []int // indentation columns, tabs to multiples of 8
	alt       []int // the same with tabs counted as one column, to detect TabError
	brackets  []lexer.Token
	lineToks  bool // the current logical line has produced a token
}

// tokenize scans src. line and col give the position of src's first byte in
// its file. With inner set, src is an f-string replacement field: it is read
// as if inside brackets, so newlines separate nothing and no Newline, Indent
// or Dedent tokens are made.
func tokenize(filename string, src []byte, line, col int, inner bool) ([]lexer.Token, error) {
	return tokenizeInto(nil, filename, src, line, col, inner)
}

// tokenizeInto is tokenize appending to buf[:0].
func tokenizeInto(buf []lexer.Token, filename string, src []byte, line, col int, inner bool) ([]lexer.Token, error) {
	// A launcher has about one token for every six bytes.
	if n := len(src)/6 + 4; cap(buf) < n {
		buf = make([]lexer.Token, 0, n)
	}
	s := &scanner{
		filename:  filename,
		src:       src,
		text:      string(src),
		line:      line,
		lineStart: 1 - col,
		indents:   []int{0},
		alt:       []int{0},
		toks:      buf[:0],
	}
	if !inner {
		if err := s.checkEncoding(); err != nil {
			return nil, err
		}
	}
	if err := s.run(inner); err != nil {
		return nil, err
	}
	return s.toks, nil
}

func (s *scanner) pos() lexer.Position {
	return lexer.Position{Filename: s.filename, Offset: s.off, Line: s.line, Column: s.off - s.lineStart + 1}
}

func (s *scanner) errorf(pos lexer.Position, msg string) error {
	return &lexer.Error{Msg: msg, Pos: pos}
}

// checkEncoding rejects what CPython would not decode as UTF-8 source.
func (s *scanner) checkEncoding() error {
	if bytes.HasPrefix(s.src, []byte("\xef\xbb\xbf")) {
		s.off = 3
		s.lineStart = 3
	}
	rest := s.src[s.off:]
	for i := 0; i < 2 && len(rest) > 0; i++ {
		end := bytes.IndexByte(rest, '\n')
		if end < 0 {
			end = len(rest)
		}
		// Only a line that says "coding" can hold the cookie: most
		// scripts never run the regexp.
		if m := hasCookie(rest[:end]); m != nil {
			enc := strings.ToLower(strings.ReplaceAll(string(m[1]), "_", "-"))
			if enc != "utf-8" && enc != "utf8" && !strings.HasPrefix(enc, "utf-8-") {
				return s.errorf(lexer.Position{Filename: s.filename, Line: i + 1, Column: 1},
					"the script declares the source encoding "+string(m[1])+"; only UTF-8 scripts can be read")
			}
			break
		}
		if t := bytes.TrimLeft(rest[:end], " \t\f"); len(t) > 0 && t[0] != '#' {
			break // the cookie must be on a comment-only line
		}
		if end == len(rest) {
			break
		}
		rest = rest[end+1:]
	}
	if i := bytes.IndexByte(s.src, 0); i >= 0 {
		s.off = i
		s.seekLine()
		return s.errorf(s.pos(), "source code cannot contain null bytes")
	}
	if !utf8.Valid(s.src) {
		for i := 0; i < len(s.src); {
			r, n := utf8.DecodeRune(s.src[i:])
			if r == utf8.RuneError && n == 1 {
				s.off = i
				break
			}
			i += n
		}
		s.seekLine()
		return s.errorf(s.pos(), "the script is not valid UTF-8")
	}
	s.off = 0
	s.line = 1
	s.lineStart = 0
	if bytes.HasPrefix(s.src, []byte("\xef\xbb\xbf")) {
		s.off = 3
		s.lineStart = 3
	}
	return nil
}

// seekLine recomputes line and lineStart for s.off, for error positions
// found outside the main scan.
func (s *scanner) seekLine() {
	s.line = 1
	s.lineStart = 0
	for i := 0; i < s.off; i++ {
		if s.src[i] == '\n' || (s.src[i] == '\r' && (i+1 >= len(s.src) || s.src[i+1] != '\n')) {
			s.line++
			s.lineStart = i + 1
		}
	}
}

func (s *scanner) emit(typ lexer.TokenType, value string, pos lexer.Position) {
	s.toks = append(s.toks, lexer.Token{Type: typ, Value: value, Pos: pos})
}

// newlineLen reports how many bytes the line break at off takes: 2 for
// CR LF, 1 for LF or a lone CR (CPython reads source with universal
// newlines), 0 when there is none.
func (s *scanner) newlineLen(off int) int {
	if off >= len(s.src) {
		return 0
	}
	switch s.src[off] {
	case '\n':
		return 1
	case '\r':
		if off+1 < len(s.src) && s.src[off+1] == '\n' {
			return 2
		}
		return 1
	}
	return 0
}

func (s *scanner) nextLine(n int) {
	s.off += n
	s.line++
	s.lineStart = s.off
}

func (s *scanner) run(inner bool) error {
	atLineStart := !inner
	if inner {
		s.brackets = append(s.brackets, lexer.Token{})
	}
	for {
		if atLineStart {
			atLineStart = false
			blank, err := s.indentation()
			if err != nil {
				return err
			}
			if blank {
				atLineStart = s.skipLine()
				if !atLineStart {
					break
				}
				continue
			}
		}
		if s.off >= len(s.src) {
			break
		}
		c := s.src[s.off]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			s.off++
		case c == '#':
			for s.off < len(s.src) && s.newlineLen(s.off) == 0 {
				s.off++
			}
		case c == '\n' || c == '\r':
			if len(s.brackets) == 0 {
				s.emit(tokNewline, "\n", s.pos())
				s.lineToks = false
				atLineStart = true
			}
			s.nextLine(s.newlineLen(s.off))
		case c == '\\':
			pos := s.pos()
			n := s.newlineLen(s.off + 1)
			if n == 0 {
				if s.off+1 >= len(s.src) {
					return s.errorf(pos, "unexpected end of file after line continuation character")
				}
				return s.errorf(pos, "unexpected character after line continuation character")
			}
			s.off++
			s.nextLine(n)
		default:
			if err := s.token(); err != nil {
				return err
			}
			s.lineToks = true
		}
	}
	if inner {
		return nil
	}
	if len(s.brackets) > 0 {
		open := s.brackets[len(s.brackets)-1]
		return s.errorf(open.Pos, "'"+open.Value+"' was never closed")
	}
	end := s.pos()
	if s.lineToks {
		s.emit(tokNewline, "", end)
	}
	for len(s.indents) > 1 {
		s.indents = s.indents[:len(s.indents)-1]
		s.emit(tokDedent, "", end)
	}
	s.emit(lexer.EOF, "", end)
	return nil
}

// skipLine passes a blank or comment-only line; it reports whether another
// line follows.
func (s *scanner) skipLine() bool {
	for s.off < len(s.src) {
		if n := s.newlineLen(s.off); n > 0 {
			s.nextLine(n)
			return true
		}
		s.off++
	}
	return false
}

// indentation measures the indentation of a new logical line and emits
// Indent or Dedent tokens. It reports lines that hold no token.
func (s *scanner) indentation() (blank bool, err error) {
	col, alt := 0, 0
	for s.off < len(s.src) {
		switch s.src[s.off] {
		case ' ':
			col++
			alt++
		case '\t':
			col = (col/8 + 1) * 8
			alt++
		case '\f':
			col, alt = 0, 0
		default:
			goto measured
		}
		s.off++
	}
measured:
	if s.off >= len(s.src) || s.src[s.off] == '#' || s.newlineLen(s.off) > 0 {
		return true, nil
	}
	if s.src[s.off] == '\\' && s.newlineLen(s.off+1) > 0 {
		return false, nil // a continuation line right at the start: CPython joins it too
	}
	pos := s.pos()
	top := len(s.indents) - 1
	switch {
	case col > s.indents[top]:
		if alt <= s.alt[top] {
			return false, s.errorf(pos, "inconsistent use of tabs and spaces in indentation")
		}
		s.indents = append(s.indents, col)
		s.alt = append(s.alt, alt)
		s.emit(tokIndent, "", pos)
	case col < s.indents[top]:
		for len(s.indents) > 1 && col < s.indents[len(s.indents)-1] {
			s.indents = s.indents[:len(s.indents)-1]
			s.alt = s.alt[:len(s.alt)-1]
			s.emit(tokDedent, "", pos)
		}
		if col != s.indents[len(s.indents)-1] {
			return false, s.errorf(pos, "unindent does not match any outer indentation level")
		}
		if alt != s.alt[len(s.alt)-1] {
			return false, s.errorf(pos, "inconsistent use of tabs and spaces in indentation")
		}
	default:
		if alt != s.alt[top] {
			return false, s.errorf(pos, "inconsistent use of tabs and spaces in indentation")
		}
	}
	return false, nil
}

func isIdentStart(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 && (unicode.IsLetter(r) || unicode.Is(unicode.Nl, r))
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || r >= '0' && r <= '9' || r >= 0x80 && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r))
}

// isStringPrefix reports whether p may precede a quote in Python 3.
func isStringPrefix(p string) bool {
	switch strings.ToLower(p) {
	case "r", "u", "f", "b", "br", "rb", "fr", "rf":
		return true
	}
	return false
}

// token scans one name, keyword, number, string or operator.
func (s *scanner) token() error {
	pos := s.pos()
	r, n := utf8.DecodeRune(s.src[s.off:])
	switch {
	case isIdentStart(r):
		end := s.off + n
		for end < len(s.src) {
			r, n := utf8.DecodeRune(s.src[end:])
			if !isIdentPart(r) {
				break
			}
			end += n
		}
		word := s.text[s.off:end]
		if end < len(s.src) && (s.src[end] == '\'' || s.src[end] == '"') && isStringPrefix(word) {
			return s.stringLiteral(pos, end)
		}
		s.off = end
		if keywords[word] {
			s.emit(tokKeyword, word, pos)
		} else {
			s.emit(tokName, word, pos)
		}
		return nil
	case r >= '0' && r <= '9' || r == '.' && s.off+1 < len(s.src) && s.src[s.off+1] >= '0' && s.src[s.off+1] <= '9':
		end := s.off + 1
		for end < len(s.src) {
			c := s.src[end]
			if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' {
				end++
				continue
			}
			if (c == '+' || c == '-') && (s.src[end-1] == 'e' || s.src[end-1] == 'E') && !bytes.ContainsAny(s.src[s.off:end], "xXbBoO") {
				end++
				continue
			}
			break
		}
		s.emit(tokNumber, s.text[s.off:end], pos)
		s.off = end
		return nil
	case r == '\'' || r == '"':
		return s.stringLiteral(pos, s.off)
	}
	for _, op := range operatorsFrom[s.src[s.off]] {
		if strings.HasPrefix(s.text[s.off:], op) {
			if err := s.bracket(op, pos); err != nil {
				return err
			}
			s.off += len(op)
			s.emit(tokOp, op, pos)
			return nil
		}
	}
	if r == '!' {
		return s.errorf(pos, "invalid syntax: '!' is only valid in '!='")
	}
	return s.errorf(pos, "invalid character "+quoteRune(r)+" in the script")
}

// closing is the bracket that closes open.
func closing(open string) string {
	switch open {
	case "(":
		return ")"
	case "[":
		return "]"
	}
	return "}"
}

// operatorsFrom are the operators by their first byte, longest first, so
// that a token is matched against the few that can start it.
var operatorsFrom = func() (by [256][]string) {
	for _, op := range operators {
		by[op[0]] = append(by[op[0]], op)
	}
	return by
}()

func quoteRune(r rune) string {
	return fmt.Sprintf("%q (U+%04X)", r, r)
}

// bracket keeps the stack of open brackets, which decides whether newlines
// end a logical line.
func (s *scanner) bracket(op string, pos lexer.Position) error {
	switch op {
	case "(", "[", "{":
		s.brackets = append(s.brackets, lexer.Token{Value: op, Pos: pos})
	case ")", "]", "}":
		if len(s.brackets) == 0 || s.brackets[len(s.brackets)-1].Value == "" {
			return s.errorf(pos, "unmatched '"+op+"'")
		}
		open := s.brackets[len(s.brackets)-1]
		if want := closing(open.Value); want != op {
			return s.errorf(pos, "closing parenthesis '"+op+"' does not match opening parenthesis '"+open.Value+"' on line "+strconv.Itoa(open.Pos.Line))
		}
		s.brackets = s.brackets[:len(s.brackets)-1]
	}
	return nil
}

// stringLiteral scans a string token whose prefix starts at pos and whose
// opening quote is at q. The token's value is the literal as written;
// decoding happens in the evaluator, which knows where each character came
// from.
func (s *scanner) stringLiteral(pos lexer.Position, q int) error {
	quote := s.src[q]
	triple := q+2 < len(s.src) && s.src[q+1] == quote && s.src[q+2] == quote
	i := q + 1
	if triple {
		i = q + 3
	}
	start := s.off
	for {
		if i >= len(s.src) {
			if triple {
				return s.errorf(pos, "unterminated triple-quoted string literal")
			}
			return s.errorf(pos, "unterminated string literal")
		}
		c := s.src[i]
		switch {
		case c == '\\':
			i++
			if n := s.newlineLen(i); n > 0 {
				s.off = i
				s.nextLine(n)
				i = s.off
				continue
			}
			if i < len(s.src) {
				_, n := utf8.DecodeRune(s.src[i:])
				i += n
			}
			continue
		case c == '\n' || c == '\r':
			if !triple {
				return s.errorf(pos, "unterminated string literal")
			}
			s.off = i
			s.nextLine(s.newlineLen(i))
			i = s.off
			continue
		case c == quote:
			if !triple {
				i++
				s.off = i
				s.emit(tokString, s.text[start:i], pos)
				return nil
			}
			if i+2 < len(s.src) && s.src[i+1] == quote && s.src[i+2] == quote {
				i += 3
				s.off = i
				s.emit(tokString, s.text[start:i], pos)
				return nil
			}
		}
		i++
	}
}
