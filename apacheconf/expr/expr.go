package expr

import "github.com/wsgidock/wsgidock/apacheconf/internal/pcre"

// Kind is what httpd looks a name up as.
type Kind int

// The kinds of lookups, as ap_expr_lookup_parms types them.
const (
	Variable Kind = iota
	Function
	ListFunction
	UnaryOperator
	BinaryOperator
)

// Options say how to parse.
type Options struct {
	// StringResult parses a string expression (AP_EXPR_FLAG_STRING_RESULT),
	// as Header's value expr= and the one-argument Alias take.
	StringResult bool
	// Lookup says whether a loaded module defines a name httpd's core
	// does not. Nil means only core's names exist.
	Lookup func(k Kind, name string) bool
}

// Error is httpd's message for an expression it cannot parse.
type Error struct {
	// Message is what ap_expr_parse returns, as httpd prints it after
	// "Cannot parse condition clause: " and the like.
	Message string
	// Offset is the byte offset in the expression where httpd stopped.
	Offset int
}

func (e *Error) Error() string { return e.Message }

// Parse parses s as httpd's ap_expr_parse and returns nil or its error.
func Parse(s string, opts Options) *Error {
	toks := scan(s, opts.StringResult)
	p := &analysis{toks: toks, opts: opts}
	p.match()
	k := grammarError(toks, opts.StringResult)
	if k >= 0 {
		k = p.deepen(k)
	}
	// A regex that does not compile stops the parse where it is reduced,
	// right after its token.
	limit := len(toks)
	if k >= 0 {
		limit = k
	}
	for i := 0; i < limit; i++ {
		if t := toks[i]; (t.kind == tRegex || t.kind == tRegexI) && !compiles(t.val) {
			msg := "Failed to compile regular expression"
			if e2 := p.lookupError(i + 1); e2 != "" {
				msg += ": " + e2
			}
			return &Error{Message: msg, Offset: t.pos}
		}
	}
	if k < 0 {
		if e2 := p.lookupError(len(toks)); e2 != "" {
			return &Error{Message: e2, Offset: len(s)}
		}
		return nil
	}
	at := len(s)
	bad := tEnd
	if k < len(toks) {
		at, bad = toks[k].pos, toks[k].kind
	}
	e2 := p.lookupError(k)
	if bad == tError {
		e2 = toks[k].val
		if p.acceptsError(k) {
			return &Error{Message: e2, Offset: at}
		}
	}
	msg := "syntax error, unexpected " + bad.String()
	if exp := p.expecting(k); exp != "" {
		msg += ", expecting " + exp
	}
	if e2 != "" {
		msg += ": " + e2
	}
	return &Error{Message: msg, Offset: at}
}

// compiles reports whether httpd's PCRE would compile the pattern.
func compiles(p string) bool { return pcre.Compile(p) == nil }
