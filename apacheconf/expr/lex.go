package expr

import (
	"fmt"
	"strings"
)

// kind is a token type, named and numbered as httpd's parser numbers its
// tokens (server/util_expr_parse.y): bison lists expected tokens in this
// order.
type kind int

const (
	tEnd kind = iota
	tTrue
	tFalse
	tExprBool
	tExprString
	tError
	tDigit
	tID
	tString
	tRegex
	tRegexI
	tRegexBackref
	tOpUnary
	tOpBinary
	tStrBegin
	tStrEnd
	tVarBegin
	tVarEnd
	tOpEQ
	tOpNE
	tOpLT
	tOpLE
	tOpGT
	tOpGE
	tOpReg
	tOpNRE
	tOpIn
	tOpStrEQ
	tOpStrNE
	tOpStrLT
	tOpStrLE
	tOpStrGT
	tOpStrGE
	tOpConcat
	tOpOr
	tOpAnd
	tOpNot
	tLParen
	tRParen
	tLBrace
	tRBrace
	tComma
	tColon
	numKinds
)

var kindNames = [numKinds]string{
	"$end", "T_TRUE", "T_FALSE", "T_EXPR_BOOL", "T_EXPR_STRING", "T_ERROR", "T_DIGIT", "T_ID", "T_STRING",
	"T_REGEX", "T_REGEX_I", "T_REGEX_BACKREF", "T_OP_UNARY", "T_OP_BINARY", "T_STR_BEGIN", "T_STR_END",
	"T_VAR_BEGIN", "T_VAR_END", "T_OP_EQ", "T_OP_NE", "T_OP_LT", "T_OP_LE", "T_OP_GT", "T_OP_GE", "T_OP_REG",
	"T_OP_NRE", "T_OP_IN", "T_OP_STR_EQ", "T_OP_STR_NE", "T_OP_STR_LT", "T_OP_STR_LE", "T_OP_STR_GT",
	"T_OP_STR_GE", "T_OP_CONCAT", "T_OP_OR", "T_OP_AND", "T_OP_NOT", "'('", "')'", "'{'", "'}'", "','", "':'",
}

func (k kind) String() string { return kindNames[k] }

// token is one token of an expression. For tError, val is the scanner's
// message.
type token struct {
	kind kind
	val  string
	pos  int // byte offset in the expression
}

// maxStringLen is MAX_STRING_LEN, the scanner's buffer for a regex.
const maxStringLen = 8192

// The scanner's start conditions (server/util_expr_scan.l).
type scanState int

const (
	stInitial scanState = iota
	stStr
	stVar
	stVarArg
	stRegex
	stRegexFlags
)

// keywords are the scanner's fixed operator rules, in its order: on a tie
// of length, the earlier rule wins.
var keywords = []struct {
	text string
	kind kind
}{
	{"=", tOpStrEQ}, {"==", tOpStrEQ}, {"!=", tOpStrNE}, {"<", tOpStrLT}, {"<=", tOpStrLE}, {">", tOpStrGT},
	{">=", tOpStrGE}, {"=~", tOpReg}, {"!~", tOpNRE}, {"and", tOpAnd}, {"&&", tOpAnd}, {"or", tOpOr},
	{"||", tOpOr}, {"not", tOpNot}, {"!", tOpNot}, {".", tOpConcat}, {"-in", tOpIn}, {"-eq", tOpEQ},
	{"-ne", tOpNE}, {"-ge", tOpGE}, {"-le", tOpLE}, {"-gt", tOpGT}, {"-lt", tOpLT}, {"lt", tOpLT},
	{"le", tOpLE}, {"gt", tOpGT}, {"ge", tOpGE}, {"ne", tOpNE}, {"eq", tOpEQ}, {"in", tOpIn},
}

func isAlpha(c byte) bool  { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isIDChar(c byte) bool { return isAlpha(c) || isDigit(c) || c == '_' }

// regexDelims are the characters that may follow "m" to open a regex.
const regexDelims = "/#$%^,;:_?|^-!.'\""

// scan splits s into tokens as httpd's flex scanner does, longest match
// first, earlier rule on a tie. It stops after a tError (the scanner's
// PERROR), which carries the message.
func scan(s string, stringResult bool) []token {
	var toks []token
	var stack []scanState
	state := stInitial
	var strDel byte
	var buf strings.Builder
	start := -1 // where buf's text started
	var regexDel byte
	if stringResult {
		state = stStr
	}
	emit := func(k kind, val string, pos int) { toks = append(toks, token{k, val, pos}) }
	fail := func(msg string, pos int) []token {
		emit(tError, msg, pos)
		return toks
	}
	flush := func(pos int) {
		if start >= 0 {
			emit(tString, buf.String(), start)
		}
		buf.Reset()
		start = -1
	}
	add := func(c byte, pos int) {
		if start < 0 {
			start = pos
		}
		buf.WriteByte(c)
	}
	i := 0
	for {
		switch state {
		case stInitial:
			if i >= len(s) {
				return toks
			}
			c := s[i]
			switch {
			case c == ' ' || c == '\t' || c == '\n':
				i++
				continue
			case c == '"' || c == '\'':
				strDel = c
				state = stStr
				emit(tStrBegin, "", i)
				i++
				continue
			case c == '%' && i+1 < len(s) && s[i+1] == '{':
				stack = append(stack, state)
				state = stVar
				emit(tVarBegin, "", i)
				i += 2
				continue
			case c == '$' && i+1 < len(s) && isDigit(s[i+1]):
				emit(tRegexBackref, s[i+1:i+2], i)
				i += 2
				continue
			}
			// The remaining rules compete by length.
			best, bestKind, bestVal := 0, tError, ""
			try := func(n int, k kind, val string) {
				if n > best {
					best, bestKind, bestVal = n, k, val
				}
			}
			if c == 'm' && i+1 < len(s) && strings.IndexByte(regexDelims, s[i+1]) >= 0 {
				try(2, tRegex, "") // a regex opens
			}
			if c == '/' {
				try(1, tRegex, "")
			}
			for _, kw := range keywords {
				if strings.HasPrefix(s[i:], kw.text) {
					try(len(kw.text), kw.kind, "")
				}
			}
			if c == '-' && i+1 < len(s) && (isAlpha(s[i+1]) || s[i+1] == '_') {
				try(2, tOpUnary, s[i+1:i+2])
				j := i + 2
				for j < len(s) && (isAlpha(s[j]) || s[j] == '_' || isDigit(s[j])) {
					j++
				}
				if j > i+2 {
					try(j-i, tOpBinary, s[i+1:j])
				}
			}
			if strings.HasPrefix(s[i:], "true") {
				try(4, tTrue, "")
			}
			if strings.HasPrefix(s[i:], "false") {
				try(5, tFalse, "")
			}
			j := i
			if j < len(s) && s[j] == '-' {
				j++
			}
			if j < len(s) && isDigit(s[j]) {
				for j < len(s) && isDigit(s[j]) {
					j++
				}
				try(j-i, tDigit, s[i:j])
			}
			if isAlpha(c) {
				j := i + 1
				for j < len(s) && isIDChar(s[j]) {
					j++
				}
				try(j-i, tID, s[i:j])
			}
			if strings.IndexByte("(){},:", c) >= 0 {
				try(1, kind(int(tLParen)+strings.IndexByte("(){},:", c)), "")
			}
			if best == 0 {
				return fail(fmt.Sprintf("Parse error near '%c'", c), i)
			}
			if bestKind == tRegex {
				regexDel = s[i+best-1]
				state = stRegex
				start = i
				buf.Reset()
				i += best
				continue
			}
			emit(bestKind, bestVal, i)
			i += best
		case stStr, stVarArg:
			if i >= len(s) {
				if state == stStr && stringResult && len(stack) == 0 {
					flush(i)
					return toks
				}
				return fail("Unterminated string or variable", i)
			}
			c := s[i]
			switch {
			case state == stStr && (c == '"' || c == '\''):
				if c != strDel {
					add(c, i)
					i++
					continue
				}
				if start >= 0 {
					flush(i)
					continue
				}
				state = stInitial
				emit(tStrEnd, "", i)
				i++
			case c == '\n':
				return fail("Unterminated string or variable", i)
			case c == '\\':
				if i+1 >= len(s) {
					// A lone backslash at the end matches no escape rule;
					// it is kept as text by the catch-all.
					add(c, i)
					i++
					continue
				}
				d := s[i+1]
				if isDigit(d) {
					n := 0
					for n < len(s)-i-1 && isDigit(s[i+1+n]) {
						n++
					}
					oct := 0
					for oct < 3 && oct < n && s[i+1+oct] <= '7' {
						oct++
					}
					if oct == 0 || n > oct {
						return fail("Bad escape sequence", i)
					}
					v := 0
					for _, ch := range s[i+1 : i+1+oct] {
						v = v*8 + int(ch-'0')
					}
					if v > 0xff {
						return fail("Escape sequence out of bound", i)
					}
					add(byte(v), i)
					i += 1 + oct
					continue
				}
				switch d {
				case 'n':
					add('\n', i)
				case 'r':
					add('\r', i)
				case 't':
					add('\t', i)
				case 'b':
					add('\b', i)
				case 'f':
					add('\f', i)
				default:
					add(d, i)
				}
				i += 2
			case c == '$' && i+1 < len(s) && isDigit(s[i+1]):
				if start >= 0 {
					flush(i)
					continue
				}
				emit(tRegexBackref, s[i+1:i+2], i)
				i += 2
			case c == '%' && i+1 < len(s) && s[i+1] == '{':
				if start >= 0 {
					flush(i)
					continue
				}
				stack = append(stack, state)
				state = stVar
				emit(tVarBegin, "", i)
				i += 2
			case state == stVarArg && c == '}':
				if start >= 0 {
					flush(i)
					continue
				}
				state = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				emit(tVarEnd, "", i)
				i++
			default:
				add(c, i)
				i++
			}
		case stVar:
			if i >= len(s) {
				return fail("Unterminated string or variable", i)
			}
			c := s[i]
			switch {
			case isAlpha(c):
				j := i + 1
				for j < len(s) && isIDChar(s[j]) {
					j++
				}
				emit(tID, s[i:j], i)
				i = j
			case c == '}':
				state = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				emit(tVarEnd, "", i)
				i++
			case c == ':':
				state = stVarArg
				emit(tColon, "", i)
				i++
			case c == '\n':
				return fail("Unterminated string or variable", i)
			default:
				return fail(fmt.Sprintf("Invalid character in variable name '%c'", c), i)
			}
		case stRegex:
			if i >= len(s) {
				return toks
			}
			if s[i] == regexDel {
				state = stRegexFlags
				i++
				continue
			}
			buf.WriteByte(s[i])
			if buf.Len() >= maxStringLen {
				return fail("Regexp too long", i)
			}
			i++
		case stRegexFlags:
			k := tRegex
			if i < len(s) && s[i] == 'i' {
				k = tRegexI
				i++
			}
			emit(k, buf.String(), start)
			buf.Reset()
			start = -1
			state = stInitial
		}
	}
}
