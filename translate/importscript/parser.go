package importscript

import (
	"github.com/alecthomas/participle/v2/lexer"
)

// maxNesting bounds how deeply expressions and blocks may nest, so that a
// hostile script cannot exhaust the stack. CPython's own parser stops at
// 200 nested parentheses.
const maxNesting = 200

// unexpectedToken is a syntax error at a token the grammar does not allow
// there.
type unexpectedToken struct{ tok lexer.Token }

func (u *unexpectedToken) Error() string {
	return u.tok.Pos.String() + ": unexpected token " + pyRepr(u.tok.Value)
}

// tooDeep is the error for nesting beyond maxNesting.
type tooDeep struct{ pos lexer.Position }

func (t *tooDeep) Error() string { return t.pos.String() + ": too many nested parentheses or blocks" }

// parser is a recursive-descent parser over the scanner's tokens, one
// token of lookahead (two for `name=` in calls). It allocates nothing but
// the tree.
type parser struct {
	toks  []lexer.Token
	i     int
	depth int
	arena *arena // where nodes come from; nil: the heap
	// pending is a primary lone read, from token pendingAt to pendingEnd,
	// that the levels below it are about to reach.
	pending               *primaryNodes
	pendingAt, pendingEnd int
	argStack              []*argument // the arguments of the calls being read
}

// parseScript parses a whole script into statements, its tokens and
// nodes in a.
func parseScript(filename string, src []byte, a *arena) ([]*stmt, error) {
	toks, err := tokenizeInto(a.toks, filename, src, 1, 1, false)
	if err != nil {
		return nil, err
	}
	a.toks = toks
	p := &parser{toks: toks, arena: a, argStack: a.argStack[:0]}
	defer func() { a.argStack = p.argStack[:0] }()
	var stmts []*stmt
	for p.peek().Type != lexer.EOF {
		s, err := p.stmt()
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s)
	}
	return stmts, nil
}

// parseField parses an f-string replacement field's tokens (ending in
// EOF) as a display: one expression or a bare tuple.
func parseField(toks []lexer.Token) (*display, error) {
	p := &parser{toks: toks}
	d, err := p.display(lexer.EOF, "")
	if err != nil {
		return nil, err
	}
	if p.peek().Type != lexer.EOF {
		return nil, p.unexpected()
	}
	return d, nil
}

func (p *parser) peek() lexer.Token { return p.toks[p.i] }

// peekAt is the token n places ahead, or the final EOF.
func (p *parser) peekAt(n int) lexer.Token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() lexer.Token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

// is says whether the next token is the operator or keyword s.
func (p *parser) is(s string) bool {
	t := p.toks[p.i]
	return (t.Type == tokOp || t.Type == tokKeyword) && t.Value == s
}

// accept consumes the operator or keyword s if it comes next.
func (p *parser) accept(s string) bool {
	if p.is(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(s string) error {
	if !p.accept(s) {
		return p.unexpected()
	}
	return nil
}

func (p *parser) expectType(typ lexer.TokenType) (lexer.Token, error) {
	if p.peek().Type != typ {
		return lexer.Token{}, p.unexpected()
	}
	return p.next(), nil
}

func (p *parser) unexpected() error { return &unexpectedToken{tok: p.peek()} }

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxNesting {
		return &tooDeep{pos: p.peek().Pos}
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// compoundKeywords start the compound statements read only to be named.
var compoundKeywords = map[string]bool{
	"except": true, "finally": true, "async": true, "else": true, "elif": true,
}

func (p *parser) stmt() (*stmt, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.peek()
	s := newNode(p, &p.arenaOr().stmts)
	s.Pos = t.Pos
	var err error
	switch {
	case t.Type == tokKeyword && t.Value == "if":
		s.If, err = p.ifStmt()
	case t.Type == tokKeyword && t.Value == "def":
		s.Def, err = p.funcDef()
	case t.Type == tokKeyword && t.Value == "for":
		s.For, err = p.forStmt()
	case t.Type == tokKeyword && t.Value == "try":
		s.Try, err = p.tryStmt()
	case t.Type == tokKeyword && t.Value == "while":
		s.While, err = p.whileStmt()
	case t.Type == tokKeyword && t.Value == "with":
		s.With, err = p.withStmt()
	case t.Type == tokKeyword && t.Value == "class":
		s.Class, err = p.classDef()
	case t.Type == tokKeyword && compoundKeywords[t.Value]:
		s.Compound, err = p.compound()
	case t.Type == tokOp && t.Value == "@":
		p.next()
		d := &decorator{Pos: t.Pos}
		if d.Expr, err = p.expr(); err == nil {
			_, err = p.expectType(tokNewline)
		}
		s.Decorator = d
	default:
		s.Simple, err = p.simpleLine()
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (p *parser) ifStmt() (*ifStmt, error) {
	s := &ifStmt{Pos: p.next().Pos}
	var err error
	if s.Test, s.Body, err = p.testSuite(); err != nil {
		return nil, err
	}
	for p.is("elif") {
		e := &elifPart{Pos: p.next().Pos}
		if e.Test, e.Body, err = p.testSuite(); err != nil {
			return nil, err
		}
		s.Elifs = append(s.Elifs, e)
	}
	if p.accept("else") {
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if s.Else, err = p.suite(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (p *parser) funcDef() (*funcDef, error) {
	f := &funcDef{Pos: p.next().Pos}
	name, err := p.expectType(tokName)
	if err != nil {
		return nil, err
	}
	f.Name = name.Value
	if err := p.expect("("); err != nil {
		return nil, err
	}
	if f.Params, err = p.params(")", true); err != nil {
		return nil, err
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	if p.accept("->") {
		if _, err := p.expr(); err != nil {
			return nil, err
		}
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	if f.Body, err = p.suite(); err != nil {
		return nil, err
	}
	return f, nil
}

// params reads a parameter list up to the closing token (`)` of a def,
// `:` of a lambda), which it leaves; a lambda's take no annotations.
func (p *parser) params(closing string, annotations bool) ([]*param, error) {
	var params []*param
	var err error
	for !p.is(closing) {
		pa := &param{Pos: p.peek().Pos}
		switch {
		case p.accept("**"):
			pa.StarStar = true
		case p.accept("*"):
			pa.Star = true
		case p.accept("/"):
			pa.Slash = true
		}
		if p.peek().Type == tokName {
			pa.Name = p.next().Value
		} else if !pa.Star && !pa.Slash {
			return nil, p.unexpected()
		}
		if annotations && p.accept(":") { // an annotation: read and dropped
			if _, err := p.expr(); err != nil {
				return nil, err
			}
		}
		if pa.Name != "" && !pa.Star && !pa.StarStar && p.accept("=") {
			if pa.Default, err = p.expr(); err != nil {
				return nil, err
			}
		}
		params = append(params, pa)
		if !p.accept(",") {
			break
		}
	}
	return params, nil
}

// lambda reads `lambda PARAMS: EXPR` as a function whose body returns
// the expression.
func (p *parser) lambda() (*funcDef, error) {
	f := &funcDef{Pos: p.next().Pos, Name: "<lambda>"}
	var err error
	if f.Params, err = p.params(":", false); err != nil {
		return nil, err
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	body, err := p.expr()
	if err != nil {
		return nil, err
	}
	ret := &smallStmt{Pos: body.Pos, Return: &returnStmt{Value: &exprList{Pos: body.Pos, Items: []*expr{body}}}}
	f.Body = &suite{Simple: &simpleLine{Stmts: []*smallStmt{ret}}}
	return f, nil
}

func (p *parser) whileStmt() (*whileStmt, error) {
	w := &whileStmt{Pos: p.next().Pos}
	var err error
	if w.Test, w.Body, err = p.testSuite(); err != nil {
		return nil, err
	}
	if p.accept("else") {
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if w.Else, err = p.suite(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// withStmt reads `with A [as B], ...:` and its parenthesised form.
func (p *parser) withStmt() (*withStmt, error) {
	w := &withStmt{Pos: p.next().Pos}
	paren := false
	if p.is("(") {
		// `with (A as b, C):` groups the items; `with (A):` or
		// `with (A, B) as t:` is an expression. Try the group first.
		save := p.i
		p.next()
		if items, err := p.withItems(")"); err == nil && p.accept(")") && p.is(":") {
			w.Items, paren = items, true
		} else {
			p.i = save
		}
	}
	if !paren {
		items, err := p.withItems(":")
		if err != nil {
			return nil, err
		}
		w.Items = items
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	var err error
	if w.Body, err = p.suite(); err != nil {
		return nil, err
	}
	return w, nil
}

func (p *parser) withItems(closing string) ([]*withItem, error) {
	var items []*withItem
	for {
		it := &withItem{Pos: p.peek().Pos}
		var err error
		if it.Expr, err = p.expr(); err != nil {
			return nil, err
		}
		if p.accept("as") {
			b, err := p.bitExpr()
			if err != nil {
				return nil, err
			}
			it.Target = wrapBit(b)
		}
		items = append(items, it)
		if !p.accept(",") || p.is(closing) {
			return items, nil
		}
	}
}

func (p *parser) classDef() (*classDef, error) {
	c := &classDef{Pos: p.next().Pos}
	name, err := p.expectType(tokName)
	if err != nil {
		return nil, err
	}
	c.Name = name.Value
	if p.accept("(") {
		if c.Bases, err = p.callArgs(); err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	if c.Body, err = p.suite(); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *parser) forStmt() (*forStmt, error) {
	f := &forStmt{Pos: p.next().Pos}
	var err error
	if f.Targets, err = p.targetList(); err != nil {
		return nil, err
	}
	if err := p.expect("in"); err != nil {
		return nil, err
	}
	if f.Iter, err = p.exprList(); err != nil {
		return nil, err
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	if f.Body, err = p.suite(); err != nil {
		return nil, err
	}
	if p.accept("else") {
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if f.Else, err = p.suite(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (p *parser) tryStmt() (*tryStmt, error) {
	t := &tryStmt{Pos: p.next().Pos}
	var err error
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	if t.Body, err = p.suite(); err != nil {
		return nil, err
	}
	for p.is("except") {
		c := &exceptClause{Pos: p.next().Pos}
		for !p.is(":") { // the exception types and name: not evaluated
			if n := p.peek(); n.Type == tokNewline || n.Type == lexer.EOF {
				return nil, p.unexpected()
			} else if isOpen(n) {
				if _, err := p.bracketed(); err != nil {
					return nil, err
				}
				continue
			}
			p.next()
		}
		p.next()
		if c.Body, err = p.suite(); err != nil {
			return nil, err
		}
		t.Handlers = append(t.Handlers, c)
	}
	if len(t.Handlers) > 0 && p.accept("else") {
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if t.Else, err = p.suite(); err != nil {
			return nil, err
		}
	}
	if p.accept("finally") {
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if t.Finally, err = p.suite(); err != nil {
			return nil, err
		}
	}
	if len(t.Handlers) == 0 && t.Finally == nil {
		return nil, p.unexpected()
	}
	return t, nil
}

// targetList reads the names a for loop or comprehension assigns: targets
// separated by commas, each an expression without comparisons, so that
// the `in` after them is not read as an operator.
func (p *parser) targetList() (*exprList, error) {
	l := newNode(p, &p.arenaOr().exprLists)
	l.Pos = p.peek().Pos
	for {
		at := p.peek().Pos
		star := p.accept("*")
		b, err := p.bitExpr()
		if err != nil {
			return nil, err
		}
		x := wrapBit(b)
		if star {
			x = starred(at, x)
		}
		l.Items = append(l.Items, x)
		if !p.accept(",") {
			return l, nil
		}
		if p.is("in") {
			l.Comma = true
			return l, nil
		}
	}
}

// starred marks x as the starred item `*x` of a bare tuple or target
// list: a copy of x whose Star is set.
func starred(at lexer.Position, x *expr) *expr {
	c := *x
	c.Pos, c.Star = at, true
	return &c
}

// wrapBit makes a bitExpr a whole expression.
func wrapBit(b *bitExpr) *expr {
	at := b.pos()
	return &expr{Pos: at, Left: &andExpr{Left: &notExpr{Pos: at, Cmp: &comparison{Left: b}}}}
}

// comprehension reads the clauses after the element: one or more
// `for TARGETS in ITER` with their `if COND` filters.
func (p *parser) comprehension() (*comprehension, error) {
	c := &comprehension{Pos: p.peek().Pos}
	for p.is("for") {
		cl := &compClause{Pos: p.next().Pos}
		var err error
		if cl.Targets, err = p.targetList(); err != nil {
			return nil, err
		}
		if err := p.expect("in"); err != nil {
			return nil, err
		}
		if cl.Iter, err = p.orTest(); err != nil {
			return nil, err
		}
		for p.accept("if") {
			cond, err := p.orTest()
			if err != nil {
				return nil, err
			}
			cl.Ifs = append(cl.Ifs, cond)
		}
		c.Clauses = append(c.Clauses, cl)
	}
	return c, nil
}

// testSuite reads `TEST: SUITE` after if or elif.
func (p *parser) testSuite() (*expr, *suite, error) {
	test, err := p.expr()
	if err != nil {
		return nil, nil, err
	}
	if err := p.expect(":"); err != nil {
		return nil, nil, err
	}
	body, err := p.suite()
	return test, body, err
}

func (p *parser) compound() (*compoundStmt, error) {
	t := p.next()
	s := &compoundStmt{Pos: t.Pos, Keyword: t.Value}
	for !p.is(":") {
		switch n := p.peek(); {
		case n.Type == tokNewline || n.Type == lexer.EOF:
			return nil, p.unexpected()
		case isOpen(n):
			b, err := p.bracketed()
			if err != nil {
				return nil, err
			}
			s.Header = append(s.Header, &headerPart{Group: b})
		default:
			s.Header = append(s.Header, &headerPart{Token: p.next().Value})
		}
	}
	p.next()
	var err error
	if s.Body, err = p.suite(); err != nil {
		return nil, err
	}
	return s, nil
}

func isOpen(t lexer.Token) bool {
	return t.Type == tokOp && (t.Value == "(" || t.Value == "[" || t.Value == "{")
}

func isClose(t lexer.Token) bool {
	return t.Type == tokOp && (t.Value == ")" || t.Value == "]" || t.Value == "}")
}

// bracketed reads a bracketed group of any tokens.
func (p *parser) bracketed() (*bracketed, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	b := &bracketed{Open: p.next().Value}
	for !isClose(p.peek()) {
		if p.peek().Type == lexer.EOF {
			return nil, p.unexpected()
		}
		if isOpen(p.peek()) {
			g, err := p.bracketed()
			if err != nil {
				return nil, err
			}
			b.Inner = append(b.Inner, &innerPart{Group: g})
			continue
		}
		b.Inner = append(b.Inner, &innerPart{Token: p.next().Value})
	}
	b.Close = p.next().Value
	return b, nil
}

func (p *parser) suite() (*suite, error) {
	if p.peek().Type != tokNewline {
		l, err := p.simpleLine()
		if err != nil {
			return nil, err
		}
		return &suite{Simple: l}, nil
	}
	p.next()
	if _, err := p.expectType(tokIndent); err != nil {
		return nil, err
	}
	s := &suite{}
	for {
		st, err := p.stmt()
		if err != nil {
			return nil, err
		}
		s.Block = append(s.Block, st)
		if p.peek().Type == tokDedent {
			p.next()
			return s, nil
		}
	}
}

func (p *parser) simpleLine() (*simpleLine, error) {
	l := newNode(p, &p.arenaOr().lines)
	for {
		s, err := p.smallStmt()
		if err != nil {
			return nil, err
		}
		l.Stmts = append(l.Stmts, s)
		if !p.accept(";") || p.peek().Type == tokNewline {
			break
		}
	}
	if _, err := p.expectType(tokNewline); err != nil {
		return nil, err
	}
	return l, nil
}

// otherKeywords start the simple statements read only to be named.
var otherKeywords = map[string]bool{
	"break": true, "continue": true, "yield": true, "await": true,
}

func (p *parser) smallStmt() (*smallStmt, error) {
	t := p.peek()
	s := newNode(p, &p.arenaOr().smalls)
	s.Pos = t.Pos
	var err error
	switch {
	case t.Type == tokName && t.Value == "print" && isPython2Print(p.peekAt(1)):
		// Python 2's print statement, in a launcher of that era.
		return nil, &lexer.Error{Msg: "Missing parentheses in call to 'print'. Did you mean print(...)? (Python 2's print statement)", Pos: t.Pos}
	case t.Type == tokKeyword && t.Value == "import":
		s.Import, err = p.importStmt()
	case t.Type == tokKeyword && t.Value == "from":
		s.From, err = p.fromStmt()
	case t.Type == tokKeyword && t.Value == "raise":
		p.next()
		r := &raiseStmt{}
		if !p.atStmtEnd() {
			if r.Value, err = p.expr(); err == nil && p.accept("from") {
				r.From, err = p.expr()
			}
		}
		s.Raise = r
	case t.Type == tokKeyword && t.Value == "return":
		p.next()
		r := &returnStmt{}
		if !p.atStmtEnd() {
			r.Value, err = p.exprList()
		}
		s.Return = r
	case t.Type == tokKeyword && t.Value == "pass":
		p.next()
		s.Pass = true
	case t.Type == tokKeyword && (t.Value == "global" || t.Value == "nonlocal"):
		p.next()
		n := &namesStmt{Keyword: t.Value}
		for {
			name, err := p.expectType(tokName)
			if err != nil {
				return nil, err
			}
			n.Names = append(n.Names, name.Value)
			if !p.accept(",") {
				break
			}
		}
		s.Names = n
	case t.Type == tokKeyword && t.Value == "assert":
		p.next()
		a := &assertStmt{}
		if a.Test, err = p.expr(); err == nil && p.accept(",") {
			a.Msg, err = p.expr()
		}
		s.Assert = a
	case t.Type == tokKeyword && t.Value == "del":
		p.next()
		s.Del, err = p.exprList()
	case t.Type == tokKeyword && otherKeywords[t.Value]:
		p.next()
		o := &otherSimple{Keyword: t.Value}
		for !p.atStmtEnd() {
			o.Rest = append(o.Rest, p.next().Value)
		}
		s.Other = o
	default:
		s.Expr, err = p.exprStmt()
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// atStmtEnd says whether the simple statement ends here.
func (p *parser) atStmtEnd() bool {
	t := p.peek()
	return t.Type == tokNewline || t.Type == lexer.EOF || t.Type == tokOp && t.Value == ";"
}

func (p *parser) importStmt() (*importStmt, error) {
	p.next()
	s := &importStmt{}
	for {
		n, err := p.importName()
		if err != nil {
			return nil, err
		}
		s.Names = append(s.Names, n)
		if !p.accept(",") {
			return s, nil
		}
	}
}

func (p *parser) importName() (*importName, error) {
	first, err := p.expectType(tokName)
	if err != nil {
		return nil, err
	}
	n := &importName{Pos: first.Pos, Path: []string{first.Value}}
	for p.accept(".") {
		t, err := p.expectType(tokName)
		if err != nil {
			return nil, err
		}
		n.Path = append(n.Path, t.Value)
	}
	if p.accept("as") {
		t, err := p.expectType(tokName)
		if err != nil {
			return nil, err
		}
		n.As = t.Value
	}
	return n, nil
}

func (p *parser) fromStmt() (*fromStmt, error) {
	p.next()
	s := &fromStmt{}
	for {
		t, err := p.expectType(tokName)
		if err != nil {
			return nil, err
		}
		s.Module = append(s.Module, t.Value)
		if !p.accept(".") {
			break
		}
	}
	if err := p.expect("import"); err != nil {
		return nil, err
	}
	if p.accept("*") {
		s.Star = true
		return s, nil
	}
	paren := p.accept("(")
	for {
		n, err := p.importName()
		if err != nil {
			return nil, err
		}
		if paren {
			s.Paren = append(s.Paren, n)
		} else {
			s.Names = append(s.Names, n)
		}
		if !p.accept(",") {
			break
		}
		if paren && p.is(")") {
			break
		}
	}
	if paren {
		if err := p.expect(")"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// augOps are the augmented assignment operators.
var augOps = map[string]bool{
	"+=": true, "-=": true, "*=": true, "/=": true, "//=": true, "%=": true, "@=": true,
	"&=": true, "|=": true, "^=": true, ">>=": true, "<<=": true, "**=": true,
}

func (p *parser) exprStmt() (*exprStmt, error) {
	s := newNode(p, &p.arenaOr().exprStmts)
	s.Pos = p.peek().Pos
	var err error
	if s.First, err = p.exprList(); err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case t.Type == tokOp && t.Value == "=":
		for p.accept("=") {
			l, err := p.exprList()
			if err != nil {
				return nil, err
			}
			s.Assign = append(s.Assign, l)
		}
	case t.Type == tokOp && augOps[t.Value]:
		s.AugOp = p.next().Value
		if s.AugValue, err = p.expr(); err != nil {
			return nil, err
		}
	case t.Type == tokOp && t.Value == ":":
		p.next()
		if s.Annot, err = p.expr(); err != nil {
			return nil, err
		}
		if p.accept("=") {
			if s.AnnotVal, err = p.expr(); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// startsExpr says whether t can begin an expression.
func startsExpr(t lexer.Token) bool {
	switch t.Type {
	case tokName, tokNumber, tokString:
		return true
	case tokKeyword:
		switch t.Value {
		case "not", "None", "True", "False", "lambda", "await":
			return true
		}
	case tokOp:
		switch t.Value {
		case "(", "[", "{", "-", "+", "~", "...":
			return true
		}
	}
	return false
}

func (p *parser) exprList() (*exprList, error) {
	l := newNode(p, &p.arenaOr().exprLists)
	l.Pos = p.peek().Pos
	for {
		at := p.peek().Pos
		star := p.accept("*")
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if star {
			x = starred(at, x)
		}
		l.Items = append(l.Items, x)
		if !p.accept(",") {
			return l, nil
		}
		if !startsExpr(p.peek()) && !p.is("*") {
			l.Comma = true
			return l, nil
		}
	}
}

// expr reads an expression, a conditional expression included.
func (p *parser) expr() (*expr, error) {
	if p.is("lambda") {
		at := p.peek().Pos
		f, err := p.lambda()
		if err != nil {
			return nil, err
		}
		return &expr{Pos: at, Lambda: f}, nil
	}
	x, err := p.orTest()
	if err != nil || !p.is("if") {
		return x, err
	}
	p.next()
	if x.Cond, err = p.orTest(); err != nil {
		return nil, err
	}
	if err := p.expect("else"); err != nil {
		return nil, err
	}
	if x.Else, err = p.expr(); err != nil {
		return nil, err
	}
	return x, nil
}

// orTest reads an expression without a conditional at its top.
func (p *parser) orTest() (*expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	n := p.newOperand()
	x := &n.or
	x.Pos = p.peek().Pos
	if x, ok, err := p.lone(n); ok || err != nil {
		return x, err
	}
	var err error
	if x.Left, err = p.andExprIn(&n.andNodes); err != nil {
		return nil, err
	}
	for p.accept("or") {
		r, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		x.Or = append(x.Or, r)
	}
	return x, nil
}

// lone reads an operand that is a primary alone (a literal, a name, a
// call: most operands), without descending through every level between
// expr and primary: it builds the nodes that descent would and marks the
// expression (expr.lone) so the evaluator goes straight to the primary.
// When an operator follows the primary, it says so (ok false) and keeps
// the primary read: the levels then read the operand as usual, and the
// primary is not read twice (which would double for every operand nested
// in it).
func (p *parser) lone(n *orNodes) (*expr, bool, error) {
	t := p.peek()
	switch {
	case t.Type == tokName, t.Type == tokString, t.Type == tokNumber:
	case t.Type == tokOp && (t.Value == "(" || t.Value == "[" || t.Value == "{"):
	case t.Type == tokKeyword && (t.Value == "None" || t.Value == "True" || t.Value == "False"):
	default:
		return nil, false, nil
	}
	// The levels that count nesting on the way down: notExpr and factor.
	p.depth++
	defer func() { p.depth -= 2 }()
	if err := p.enter(); err != nil {
		return nil, false, err
	}
	start := p.i
	prim, err := p.primaryIn(&n.primaryNodes)
	if err != nil {
		return nil, false, err
	}
	if next := p.peek(); isOperandOperator(next) {
		p.pending = &n.primaryNodes
		p.pendingAt, p.pendingEnd = start, p.i
		p.i = start
		return nil, false, nil
	}
	x := &n.or
	x.Left = &n.and
	n.and.Left = &n.not
	n.not.Pos = t.Pos
	n.not.Cmp = &n.cmp
	n.cmp.Left = &n.bit
	n.bit.Left = &n.sum
	n.sum.Left = &n.term
	n.term.Left = &n.factor
	n.factor.Pos = t.Pos
	n.factor.Power = &n.power
	n.power.Primary = prim
	x.lone = prim
	return x, true, nil
}

// isOperandOperator says whether t continues an operand past its primary:
// a binary, comparison or boolean operator, or **.
func isOperandOperator(t lexer.Token) bool {
	switch t.Type {
	case tokOp:
		switch t.Value {
		case "==", "!=", "<", ">", "<=", ">=", "|", "^", "&", "<<", ">>", "+", "-", "*", "/", "//", "%", "@", "**":
			return true
		}
	case tokKeyword:
		switch t.Value {
		case "in", "is", "not", "and", "or":
			return true
		}
	}
	return false
}

// The nodes of an operand from one level down to its atom are allocated
// together, as most operands have no operators: one allocation instead
// of one per level. An operand after an operator gets its own.
type (
	primaryNodes struct {
		primary primary
		atom    atom
	}
	factorNodes struct {
		factor factor
		power  power
		primaryNodes
	}
	termNodes struct {
		term term
		factorNodes
	}
	sumNodes struct {
		sum sum
		termNodes
	}
	bitNodes struct {
		bit bitExpr
		sumNodes
	}
	cmpNodes struct {
		cmp comparison
		bitNodes
	}
	notNodes struct {
		not notExpr
		cmpNodes
	}
	andNodes struct {
		and andExpr
		notNodes
	}
	orNodes struct {
		or expr
		andNodes
	}
)

func (p *parser) andExpr() (*andExpr, error) { return p.andExprIn(new(andNodes)) }

func (p *parser) andExprIn(n *andNodes) (*andExpr, error) {
	x := &n.and
	var err error
	if x.Left, err = p.notExprIn(&n.notNodes); err != nil {
		return nil, err
	}
	for p.accept("and") {
		r, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		x.And = append(x.And, r)
	}
	return x, nil
}

func (p *parser) notExpr() (*notExpr, error) { return p.notExprIn(new(notNodes)) }

func (p *parser) notExprIn(n *notNodes) (*notExpr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	x := &n.not
	x.Pos = p.peek().Pos
	var err error
	if p.accept("not") {
		x.Not, err = p.notExpr()
	} else {
		x.Cmp, err = p.comparisonIn(&n.cmpNodes)
	}
	if err != nil {
		return nil, err
	}
	return x, nil
}

// compareOps are the comparison operators other than `not in` and
// `is not`.
func isCompareOp(s string) bool {
	switch s {
	case "==", "!=", "<=", ">=", "<", ">", "in", "is":
		return true
	}
	return false
}

func (p *parser) comparisonIn(n *cmpNodes) (*comparison, error) {
	x := &n.cmp
	var err error
	if x.Left, err = p.bitExprIn(&n.bitNodes); err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		var op string
		switch {
		case (t.Type == tokOp || t.Type == tokKeyword) && isCompareOp(t.Value):
			p.next()
			op = t.Value
			if op == "is" && p.accept("not") {
				op = "is not"
			}
		case t.Type == tokKeyword && t.Value == "not" && p.peekAt(1).Type == tokKeyword && p.peekAt(1).Value == "in":
			p.next()
			p.next()
			op = "not in"
		default:
			return x, nil
		}
		c := &compare{Pos: t.Pos, Op: op}
		if c.Right, err = p.bitExpr(); err != nil {
			return nil, err
		}
		x.Ops = append(x.Ops, c)
	}
}

func isBitOp(s string) bool {
	switch s {
	case "|", "^", "&", "<<", ">>":
		return true
	}
	return false
}

func (p *parser) bitExpr() (*bitExpr, error) { return p.bitExprIn(new(bitNodes)) }

func (p *parser) bitExprIn(n *bitNodes) (*bitExpr, error) {
	x := &n.bit
	var err error
	if x.Left, err = p.sumIn(&n.sumNodes); err != nil {
		return nil, err
	}
	for t := p.peek(); t.Type == tokOp && isBitOp(t.Value); t = p.peek() {
		p.next()
		o := &binOp{Pos: t.Pos, Op: t.Value}
		if o.Right, err = p.sum(); err != nil {
			return nil, err
		}
		x.Ops = append(x.Ops, o)
	}
	return x, nil
}

func (p *parser) sum() (*sum, error) { return p.sumIn(new(sumNodes)) }

func (p *parser) sumIn(n *sumNodes) (*sum, error) {
	x := &n.sum
	var err error
	if x.Left, err = p.termIn(&n.termNodes); err != nil {
		return nil, err
	}
	for t := p.peek(); t.Type == tokOp && (t.Value == "+" || t.Value == "-"); t = p.peek() {
		p.next()
		o := &sumPart{Pos: t.Pos, Op: t.Value}
		if o.Right, err = p.term(); err != nil {
			return nil, err
		}
		x.Ops = append(x.Ops, o)
	}
	return x, nil
}

func isTermOp(s string) bool {
	switch s {
	case "*", "/", "//", "%", "@":
		return true
	}
	return false
}

func (p *parser) term() (*term, error) { return p.termIn(new(termNodes)) }

func (p *parser) termIn(n *termNodes) (*term, error) {
	x := &n.term
	var err error
	if x.Left, err = p.factorIn(&n.factorNodes); err != nil {
		return nil, err
	}
	for t := p.peek(); t.Type == tokOp && isTermOp(t.Value); t = p.peek() {
		p.next()
		o := &termPart{Pos: t.Pos, Op: t.Value}
		if o.Right, err = p.factor(); err != nil {
			return nil, err
		}
		x.Ops = append(x.Ops, o)
	}
	return x, nil
}

func (p *parser) factor() (*factor, error) { return p.factorIn(new(factorNodes)) }

func (p *parser) factorIn(n *factorNodes) (*factor, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.peek()
	x := &n.factor
	x.Pos = t.Pos
	var err error
	if t.Type == tokOp && (t.Value == "-" || t.Value == "+" || t.Value == "~") {
		p.next()
		x.Unary = t.Value
		if x.Operand, err = p.factor(); err != nil {
			return nil, err
		}
		return x, nil
	}
	pw := &n.power
	if pw.Primary, err = p.primaryIn(&n.primaryNodes); err != nil {
		return nil, err
	}
	if p.accept("**") {
		if pw.Exponent, err = p.factor(); err != nil {
			return nil, err
		}
	}
	x.Power = pw
	return x, nil
}

func (p *parser) primaryIn(n *primaryNodes) (*primary, error) {
	if p.pending == n && p.i == p.pendingAt { // read already by lone
		p.i, p.pending = p.pendingEnd, nil
		return &n.primary, nil
	}
	x := &n.primary
	x.Pos = p.peek().Pos
	var err error
	if x.Atom, err = p.atomIn(&n.atom); err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.Type != tokOp || t.Value != "." && t.Value != "(" && t.Value != "[" {
			return x, nil
		}
		tr := p.newTrailer()
		tr.Pos = t.Pos
		switch t.Value {
		case ".":
			p.next()
			n, err := p.expectType(tokName)
			if err != nil {
				return nil, err
			}
			tr.Attr = n.Value
		case "(":
			p.next()
			if tr.Call, err = p.callArgs(); err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
		case "[":
			p.next()
			if tr.Index, err = p.subscript(); err != nil {
				return nil, err
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
		default:
			return x, nil
		}
		if x.Trailers == nil {
			x.Trailers = x.inline[:0:len(x.inline)]
		}
		x.Trailers = append(x.Trailers, tr)
	}
}

// subscript reads an index or a slice; what follows that is neither is
// kept as tokens, to be reported.
func (p *parser) subscript() (*subscript, error) {
	s := &subscript{Pos: p.peek().Pos}
	var err error
	if startsExpr(p.peek()) {
		if s.Index, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if p.accept(":") {
		s.Slice = true
		if startsExpr(p.peek()) {
			if s.Upper, err = p.expr(); err != nil {
				return nil, err
			}
		}
		if p.accept(":") && startsExpr(p.peek()) {
			if s.Step, err = p.expr(); err != nil {
				return nil, err
			}
		}
	}
	for !p.is("]") {
		t := p.peek()
		switch {
		case t.Type == lexer.EOF || t.Type == tokOp && (t.Value == ")" || t.Value == "}"):
			return nil, p.unexpected()
		case isOpen(t):
			g, err := p.bracketed()
			if err != nil {
				return nil, err
			}
			s.Rest = append(s.Rest, &innerPart{Group: g})
		default:
			s.Rest = append(s.Rest, &innerPart{Token: p.next().Value})
		}
	}
	return s, nil
}

func (p *parser) callArgs() (*callArgs, error) {
	c := newNode(p, &p.arenaOr().calls)
	// The arguments gather on the parser's stack (calls nest) and are
	// copied out once: one allocation instead of one per doubling.
	base := len(p.argStack)
	defer func() { p.argStack = p.argStack[:base] }()
	for !p.is(")") {
		a, err := p.argument()
		if err != nil {
			return nil, err
		}
		p.argStack = append(p.argStack, a)
		if len(p.argStack) == base+1 && a.Value != nil && a.Keyword == "" && p.is("for") {
			if c.Gen, err = p.comprehension(); err != nil {
				return nil, err
			}
			break
		}
		if !p.accept(",") {
			break
		}
	}
	if n := len(p.argStack) - base; n > len(c.inline) {
		c.Args = append(make([]*argument, 0, n), p.argStack[base:]...)
	} else if n > 0 {
		c.Args = append(c.inline[:0:n], p.argStack[base:]...)
	}
	return c, nil
}

func (p *parser) argument() (*argument, error) {
	t := p.peek()
	a := p.newArgument()
	a.Pos = t.Pos
	var err error
	switch {
	case t.Type == tokOp && t.Value == "*":
		p.next()
		a.Star, err = p.expr()
	case t.Type == tokOp && t.Value == "**":
		p.next()
		a.StarStr, err = p.expr()
	default:
		if t.Type == tokName && p.peekAt(1).Type == tokOp && p.peekAt(1).Value == "=" {
			p.next()
			p.next()
			a.Keyword = t.Value
		}
		a.Value, err = p.expr()
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (p *parser) atomIn(a *atom) (*atom, error) {
	t := p.peek()
	a.Pos = t.Pos
	var err error
	switch {
	case t.Type == tokString:
		for p.peek().Type == tokString {
			if a.Strings == nil {
				// Most atoms are one literal: its token is kept in the atom.
				a.first[0] = strToken{Tok: p.next()}
				a.Strings = a.first[:1:1]
				continue
			}
			a.Strings = append(a.Strings, strToken{Tok: p.next()})
		}
	case t.Type == tokNumber:
		a.Number = p.next().Value
	case t.Type == tokKeyword && (t.Value == "None" || t.Value == "True" || t.Value == "False"),
		t.Type == tokOp && t.Value == "...":
		a.Const = p.next().Value
	case t.Type == tokName:
		a.Name = p.next().Value
	case t.Type == tokOp && t.Value == "(":
		p.next()
		a.Paren, err = p.display(tokOp, ")")
	case t.Type == tokOp && t.Value == "[":
		p.next()
		a.List, err = p.display(tokOp, "]")
	case t.Type == tokOp && t.Value == "{":
		p.next()
		a.Dict, err = p.dictDisplay()
	default:
		return nil, p.unexpected()
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// display reads the items of a tuple, parenthesised expression or list up
// to the closing token, which it consumes when it is an operator.
func (p *parser) display(closeType lexer.TokenType, closeValue string) (*display, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	d := &display{Pos: p.peek().Pos}
	closing := func() bool {
		t := p.peek()
		return t.Type == closeType && (closeValue == "" || t.Value == closeValue)
	}
	for !closing() {
		if len(d.Items) == 0 && p.is(",") {
			p.next()
			d.Comma = true
			break
		}
		it := &item{Pos: p.peek().Pos}
		it.Star = p.accept("*")
		var err error
		if it.Value, err = p.expr(); err != nil {
			return nil, err
		}
		d.Items = append(d.Items, it)
		if len(d.Items) == 1 && !it.Star && p.is("for") {
			if d.Comp, err = p.comprehension(); err != nil {
				return nil, err
			}
			break
		}
		if !p.accept(",") {
			break
		}
		if closing() {
			d.Comma = true
		}
	}
	if !closing() {
		return nil, p.unexpected()
	}
	if closeType == tokOp {
		p.next()
	}
	return d, nil
}

func (p *parser) dictDisplay() (*dictDisplay, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	d := &dictDisplay{Pos: p.peek().Pos}
	for !p.is("}") {
		e := &dictEntry{Pos: p.peek().Pos}
		var err error
		if p.accept("**") {
			e.Splat, err = p.expr()
		} else if e.Key, err = p.expr(); err == nil && p.accept(":") {
			e.Value, err = p.expr()
		}
		if err != nil {
			return nil, err
		}
		d.Entries = append(d.Entries, e)
		if len(d.Entries) == 1 && e.Value != nil && p.is("for") {
			if d.Comp, err = p.comprehension(); err != nil {
				return nil, err
			}
			break
		}
		if !p.accept(",") {
			break
		}
	}
	if err := p.expect("}"); err != nil {
		return nil, err
	}
	return d, nil
}

// isPython2Print says whether t, after a statement's first word print,
// makes it Python 2's print statement (print "x", print name), which
// Python 3 refuses to compile.
func isPython2Print(t lexer.Token) bool {
	return t.Type == tokString || t.Type == tokName || t.Type == tokNumber
}
