// Package expr parses httpd's ap_expr expressions (<If>, <ElseIf>, Require
// expr, SetEnvIfExpr, Header ... expr=, RewriteCond expr) as httpd 2.4's
// ap_expr_parse does, and refuses what it refuses with its message.
//
// The scanner follows httpd's flex rules (longest match, earlier rule on a
// tie); the grammar is httpd's bison grammar written for participle. httpd
// also looks every variable, function and operator up while it parses;
// Parse does the same against the names httpd's core defines, and a
// Lookup can add those of modules.
package expr

import (
	"errors"
	"io"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar of util_expr_parse.y, with its precedences (OR lowest, then
// AND, then NOT, all right-associative) made into levels.

type orExpr struct {
	And  *andExpr `parser:"@@"`
	Next *orExpr  `parser:"( T_OP_OR @@ )?"`
}

type andExpr struct {
	Not  *notExpr `parser:"@@"`
	Next *andExpr `parser:"( T_OP_AND @@ )?"`
}

type notExpr struct {
	Not  *notExpr `parser:"  T_OP_NOT @@"`
	Prim *primary `parser:"| @@"`
}

type primary struct {
	True  bool     `parser:"  @T_TRUE"`
	False bool     `parser:"| @T_FALSE"`
	Paren *orExpr  `parser:"| '(' @@ ')'"`
	Unary *unaryOp `parser:"| @@"`
	Cmp   *compare `parser:"| @@"`
}

type unaryOp struct {
	Op   string `parser:"@T_OP_UNARY"`
	Word *word  `parser:"@@"`
}

type compare struct {
	Left   *word     `parser:"@@"`
	Op     string    `parser:"(   @( T_OP_EQ | T_OP_NE | T_OP_LT | T_OP_LE | T_OP_GT | T_OP_GE | T_OP_STR_EQ | T_OP_STR_NE | T_OP_STR_LT | T_OP_STR_LE | T_OP_STR_GT | T_OP_STR_GE )"`
	Right  *word     `parser:"    @@"`
	Binary string    `parser:"  | @T_OP_BINARY"`
	BinArg *word     `parser:"    @@"`
	In     bool      `parser:"  | @T_OP_IN"`
	List   *wordList `parser:"    @@"`
	Reg    string    `parser:"  | @( T_OP_REG | T_OP_NRE )"`
	Regex  string    `parser:"    @( T_REGEX | T_REGEX_I ) )"`
}

type wordList struct {
	Func  *call   `parser:"  @@"`
	Words []*word `parser:"| '{' @@ ( ',' @@ )* '}'"`
}

type word struct {
	Atom *atom `parser:"@@"`
	Next *word `parser:"( T_OP_CONCAT @@ )?"`
}

type atom struct {
	Digit   string    `parser:"  @T_DIGIT"`
	Var     *variable `parser:"| @@"`
	Backref string    `parser:"| @T_REGEX_BACKREF"`
	Call    *call     `parser:"| @@"`
	Str     *quoted   `parser:"| @@"`
}

type quoted struct {
	Begin bool       `parser:"@T_STR_BEGIN"`
	Text  *strString `parser:"@@? T_STR_END"`
}

type call struct {
	Name string `parser:"@T_ID '('"`
	Arg  *word  `parser:"@@ ')'"`
}

type variable struct {
	Name string     `parser:"T_VAR_BEGIN @T_ID"`
	Arg  *strString `parser:"( ':' @@ )? T_VAR_END"`
}

type strString struct {
	Parts []*strPart `parser:"@@+"`
}

type strPart struct {
	Text    string    `parser:"  @T_STRING"`
	Var     *variable `parser:"| @@"`
	Backref string    `parser:"| @T_REGEX_BACKREF"`
}

// tokenDef is the participle lexer definition of the scanner's tokens:
// kind k is token type -(k+1), so that $end is participle's EOF.
type tokenDef struct{}

func typeOf(k kind) lexer.TokenType { return lexer.TokenType(-(int(k) + 1)) }

func (tokenDef) Symbols() map[string]lexer.TokenType {
	m := map[string]lexer.TokenType{"EOF": lexer.EOF}
	for k := tTrue; k < numKinds; k++ {
		m[kindNames[k]] = typeOf(k)
	}
	return m
}

func (tokenDef) Lex(string, io.Reader) (lexer.Lexer, error) {
	return nil, errors.New("expr: lex through Parse")
}

// tokenLexer hands participle a scanned token list.
type tokenLexer struct {
	toks []token
	i    int
}

// punct are the values of the one-character tokens, which the grammar
// writes as literals.
var punct = map[kind]string{tLParen: "(", tRParen: ")", tLBrace: "{", tRBrace: "}", tComma: ",", tColon: ":"}

func (l *tokenLexer) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return lexer.EOFToken(lexer.Position{Offset: len(l.toks)}), nil
	}
	t := l.toks[l.i]
	v := t.val
	if p, ok := punct[t.kind]; ok {
		v = p
	} else if v == "" {
		v = kindNames[t.kind]
	}
	tok := lexer.Token{Type: typeOf(t.kind), Value: v, Pos: lexer.Position{Offset: l.i, Line: 1, Column: t.pos + 1}}
	l.i++
	return tok, nil
}

// The parsers are built on first use: building them takes longer than
// reading a large configuration that has no expression.
var (
	boolParser = sync.OnceValue(func() *participle.Parser[orExpr] {
		return participle.MustBuild[orExpr](participle.Lexer(tokenDef{}))
	})
	stringParser = sync.OnceValue(func() *participle.Parser[strString] {
		return participle.MustBuild[strString](participle.Lexer(tokenDef{}))
	})
	// The parsers of the groups that follow a token (':' in a variable,
	// ',' in a list, '.', "||", "&&"), for finding where inside such a
	// group the tokens go wrong: participle reports a group that fails
	// after its first token at that token.
	subParsers = sync.OnceValue(func() map[kind]func(*lexer.PeekingLexer) error {
		return map[kind]func(*lexer.PeekingLexer) error{
			tColon:    prefixParser[strString](),
			tComma:    prefixParser[word](),
			tOpConcat: prefixParser[word](),
			tOpOr:     prefixParser[andExpr](),
			tOpAnd:    prefixParser[notExpr](),
		}
	})
)

func prefixParser[G any]() func(*lexer.PeekingLexer) error {
	p := participle.MustBuild[G](participle.Lexer(tokenDef{}))
	return func(pl *lexer.PeekingLexer) error {
		_, err := p.ParseFromLexer(pl, participle.AllowTrailing(true))
		return err
	}
}

// grammarError parses toks with the grammar and returns the index of the
// token it cannot take, or -1 when the tokens form an expression.
func grammarError(toks []token, stringResult bool) int {
	pl, err := lexer.Upgrade(&tokenLexer{toks: toks})
	if err != nil {
		return 0
	}
	if stringResult {
		_, err = stringParser().ParseFromLexer(pl)
	} else {
		_, err = boolParser().ParseFromLexer(pl)
	}
	if err == nil {
		return -1
	}
	return errorIndex(err)
}

// deepen moves an error reported at the first token of a group that may
// stand there to where the group fails.
func (a *analysis) deepen(k int) int {
	toks := a.toks
	for k > 0 && k < len(toks) {
		sub, ok := subParsers()[toks[k].kind]
		if !ok || !a.leads(k) {
			return k
		}
		rest := toks[k+1:]
		pl, err := lexer.Upgrade(&tokenLexer{toks: rest})
		if err != nil {
			return k
		}
		err = sub(pl)
		if err == nil {
			return k
		}
		k = k + 1 + errorIndex(err)
	}
	return k
}

func errorIndex(err error) int {
	var pe participle.Error
	if errors.As(err, &pe) {
		return pe.Position().Offset
	}
	return 0
}
