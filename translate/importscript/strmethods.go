package importscript

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// More str methods: padding, case, search and line splitting. Case
// mapping is followed for ASCII text only, where Python's and Go's agree.
func init() {
	for name, fn := range map[string]func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error){
		"zfill":        strZfill,
		"center":       padMethod("center"),
		"ljust":        padMethod("ljust"),
		"rjust":        padMethod("rjust"),
		"title":        asciiCase("title", asciiTitle),
		"capitalize":   asciiCase("capitalize", asciiCapitalize),
		"swapcase":     asciiCase("swapcase", asciiSwap),
		"casefold":     asciiCase("casefold", strings.ToLower),
		"count":        searchMethod("count"),
		"find":         searchMethod("find"),
		"rfind":        searchMethod("rfind"),
		"index":        searchMethod("index"),
		"rindex":       searchMethod("rindex"),
		"splitlines":   strSplitlines,
		"removeprefix": affixRemove("removeprefix", true),
		"removesuffix": affixRemove("removesuffix", false),
		"isalpha":      charTest("isalpha", func(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }),
		"isalnum":      charTest("isalnum", func(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }),
		"isspace":      charTest("isspace", isPySpace),
		"isdecimal":    charTest("isdecimal", func(r rune) bool { return r >= '0' && r <= '9' }),
		"isnumeric":    charTest("isnumeric", func(r rune) bool { return r >= '0' && r <= '9' }),
		"isupper":      caseTest(true),
		"islower":      caseTest(false),
	} {
		strMethods[name] = fn
	}
}

// runeSlice is s between characters i and j.
func runeSlice(s *str, i, j int) *str {
	start, end, n := len(s.s), len(s.s), 0
	for off := range s.s {
		if n == i {
			start = off
		}
		if n == j {
			end = off
			break
		}
		n++
	}
	return s.slice(min(start, end), end)
}

func strZfill(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	if err := arity("zfill", args, at, 1, 1); err != nil {
		return nil, err
	}
	w, ok := intOf(args.pos[0])
	if !ok {
		return nil, runtimeError(position(args.posAt[0]), "zfill() width must be an integer: Python stops with TypeError", "Give an integer width.")
	}
	n := runeLen(s.s)
	if w <= int64(n) {
		return s, nil
	}
	if w > maxStrLen {
		return nil, tooLong(int(w), at)
	}
	b := &strBuilder{at: s.at, e: e}
	rest := s
	if n > 0 && (s.s[0] == '+' || s.s[0] == '-') {
		b.str(s.slice(0, 1))
		rest = s.slice(1, len(s.s))
	}
	b.text(strings.Repeat("0", int(w)-n), position(at))
	b.str(rest)
	return b.done()
}

func padMethod(name string) func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 1, 2); err != nil {
			return nil, err
		}
		w, ok := intOf(args.pos[0])
		if !ok {
			return nil, runtimeError(position(args.posAt[0]), name+"() width must be an integer: Python stops with TypeError", "Give an integer width.")
		}
		fill := " "
		if len(args.pos) == 2 {
			f, err := e.needStr(args.pos[1], args.posAt[1], "the fill character")
			if err != nil {
				return nil, err
			}
			if runeLen(f.s) != 1 {
				return nil, runtimeError(position(args.posAt[1]), "The fill character must be exactly one character long: Python stops with TypeError", "Give one character.")
			}
			fill = f.s
		}
		n := int64(runeLen(s.s))
		if w <= n {
			return s, nil
		}
		if w > maxStrLen {
			return nil, tooLong(int(w), at)
		}
		pad := w - n
		left := int64(0)
		switch name {
		case "rjust":
			left = pad
		case "center":
			// CPython: left = pad/2 + (pad & width & 1)
			left = pad/2 + (pad & w & 1)
		}
		b := &strBuilder{at: s.at, e: e}
		b.text(strings.Repeat(fill, int(left)), position(at))
		b.str(s)
		b.text(strings.Repeat(fill, int(pad-left)), position(at))
		return b.done()
	}
}

func asciiCase(name string, fn func(string) string) func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	return caseMethod(name, fn)
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// asciiTitle is str.title: a letter after a letter is lower case, any
// other letter upper case.
func asciiTitle(s string) string {
	b := []byte(s)
	prev := false
	for i, c := range b {
		if isASCIILetter(c) {
			if prev {
				b[i] = byte(unicode.ToLower(rune(c)))
			} else {
				b[i] = byte(unicode.ToUpper(rune(c)))
			}
			prev = true
		} else {
			prev = false
		}
	}
	return string(b)
}

func asciiCapitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

func asciiSwap(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 32
		case c >= 'A' && c <= 'Z':
			b[i] = c + 32
		}
	}
	return string(b)
}

// searchMethod is count, find, rfind, index and rindex with optional
// start and end, in characters.
func searchMethod(name string) func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 1, 3); err != nil {
			return nil, err
		}
		sub, err := e.needStr(args.pos[0], args.posAt[0], "the argument of "+name)
		if err != nil {
			return nil, err
		}
		n := int64(runeLen(s.s))
		bounds := []int64{0, n}
		for i, v := range args.pos[1:] {
			if _, isNone := v.(*none); isNone {
				continue
			}
			x, ok := intOf(v)
			if !ok {
				return nil, runtimeError(position(args.posAt[i+1]), "slice indices must be integers or None: Python stops with TypeError", "Give integer bounds.")
			}
			if x < 0 {
				x = max(x+n, 0)
			}
			bounds[i] = min(x, n)
		}
		start, end := bounds[0], bounds[1]
		if len(args.pos) > 1 {
			if x, ok := intOf(args.pos[1]); ok && x > n {
				start = n + 1 // past the end: nothing is found, not even ""
			}
		}
		if start > end {
			if name == "count" || name == "find" || name == "rfind" {
				if name == "count" {
					return intValue(0, position(at)), nil
				}
				return intValue(-1, position(at)), nil
			}
			return nil, runtimeError(position(at), "substring not found: Python stops with ValueError", "Look for a substring the string holds.")
		}
		window := runeSlice(s, int(start), int(end)).s
		if name == "count" {
			if sub.s == "" {
				return intValue(int64(runeLen(window))+1, position(at)), nil
			}
			return intValue(int64(strings.Count(window, sub.s)), position(at)), nil
		}
		var i int
		if strings.HasPrefix(name, "r") {
			i = strings.LastIndex(window, sub.s)
		} else {
			i = strings.Index(window, sub.s)
		}
		if i < 0 {
			if strings.HasSuffix(name, "index") {
				return nil, runtimeError(position(at), "substring not found: Python stops with ValueError", "Look for a substring the string holds, or use find().")
			}
			return intValue(-1, position(at)), nil
		}
		return intValue(start+int64(utf8.RuneCountInString(window[:i])), position(at)), nil
	}
}

// strSplitlines is str.splitlines(keepends=False), at every line
// boundary Python knows.
func strSplitlines(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("splitlines", []string{"keepends"}, 0, 0, args, at)
	if err != nil {
		return nil, err
	}
	keep := false
	if vals[0] != nil {
		if keep, err = e.truth(vals[0], where[0]); err != nil {
			return nil, err
		}
	}
	out := &list{at: position(at)}
	start := 0
	for i := 0; i < len(s.s); {
		r, size := utf8.DecodeRuneInString(s.s[i:])
		switch r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			end := i + size
			if r == '\r' && end < len(s.s) && s.s[end] == '\n' {
				end++
			}
			if keep {
				out.items = append(out.items, s.slice(start, end))
			} else {
				out.items = append(out.items, s.slice(start, i))
			}
			start, i = end, end
			continue
		}
		i += size
	}
	if start < len(s.s) {
		out.items = append(out.items, s.slice(start, len(s.s)))
	}
	return sized(out, at)
}

func affixRemove(name string, prefix bool) func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 1, 1); err != nil {
			return nil, err
		}
		a, err := e.needStr(args.pos[0], args.posAt[0], "the argument of "+name)
		if err != nil {
			return nil, err
		}
		switch {
		case prefix && strings.HasPrefix(s.s, a.s):
			return s.slice(len(a.s), len(s.s)), nil
		case !prefix && a.s != "" && strings.HasSuffix(s.s, a.s):
			return s.slice(0, len(s.s)-len(a.s)), nil
		}
		return s, nil
	}
}

// charTest is an is* method true when the string is not empty and every
// character passes; non-ASCII letters are refused, not guessed.
func charTest(name string, fn func(rune) bool) func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 0, 0); err != nil {
			return nil, err
		}
		ok := s.s != ""
		for _, r := range s.s {
			if r >= 0x80 && name != "isspace" {
				return nil, unsupported(at, "str."+name+"() of non-ASCII text")
			}
			ok = ok && fn(r)
		}
		return &boolean{v: ok, at: position(at)}, nil
	}
}

// caseTest is isupper (upper) or islower: at least one cased character,
// and none of the other case.
func caseTest(upper bool) func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	name := "islower"
	if upper {
		name = "isupper"
	}
	return func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 0, 0); err != nil {
			return nil, err
		}
		cased := false
		for i := 0; i < len(s.s); i++ {
			c := s.s[i]
			if c >= 0x80 {
				return nil, unsupported(at, "str."+name+"() of non-ASCII text")
			}
			if c >= 'a' && c <= 'z' {
				if upper {
					return &boolean{at: position(at)}, nil
				}
				cased = true
			}
			if c >= 'A' && c <= 'Z' {
				if !upper {
					return &boolean{at: position(at)}, nil
				}
				cased = true
			}
		}
		return &boolean{v: cased, at: position(at)}, nil
	}
}
