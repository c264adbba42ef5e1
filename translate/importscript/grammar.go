package importscript

import "github.com/alecthomas/participle/v2/lexer"

// The syntax tree below is the part of Python 3 that launcher scripts use,
// as parser.go reads it from the tokens of the scanner. It holds more than
// the evaluator accepts (any compound statement, any operator) so that
// constructs outside the subset get a diagnostic naming them rather than a
// bare "unexpected token".

// stmt is one statement: compound or a line of simple statements.
type stmt struct {
	Pos       lexer.Position
	If        *ifStmt
	Def       *funcDef
	For       *forStmt
	Try       *tryStmt
	While     *whileStmt
	With      *withStmt
	Class     *classDef
	Compound  *compoundStmt
	Decorator *decorator
	Simple    *simpleLine
}

// funcDef is `def NAME(PARAMS): BODY`.
type funcDef struct {
	Pos    lexer.Position
	Name   string
	Params []*param
	Body   *suite
}

// param is one parameter: NAME, NAME=DEFAULT, *NAME or **NAME. A bare
// `*` or `/` marker is kept with an empty Name.
type param struct {
	Pos      lexer.Position
	Name     string
	Default  *expr
	Star     bool // *args, or the bare * before keyword-only parameters
	StarStar bool // **kwargs
	Slash    bool // the / after positional-only parameters
}

// forStmt is `for TARGETS in ITER: BODY [else: ELSE]`.
type forStmt struct {
	Pos     lexer.Position
	Targets *exprList
	Iter    *exprList
	Body    *suite
	Else    *suite
}

// whileStmt is `while TEST: BODY [else: ELSE]`.
type whileStmt struct {
	Pos  lexer.Position
	Test *expr
	Body *suite
	Else *suite
}

// withStmt is `with ITEM [as TARGET], ...: BODY`.
type withStmt struct {
	Pos   lexer.Position
	Items []*withItem
	Body  *suite
}

type withItem struct {
	Pos    lexer.Position
	Expr   *expr
	Target *expr // nil without `as`
}

// classDef is `class NAME[(BASES)]: BODY`.
type classDef struct {
	Pos   lexer.Position
	Name  string
	Bases *callArgs // nil without parentheses
	Body  *suite
}

// tryStmt is `try: BODY` with its except clauses (kept to be reported),
// else and finally.
type tryStmt struct {
	Pos      lexer.Position
	Body     *suite
	Handlers []*exceptClause
	Else     *suite
	Finally  *suite
}

type exceptClause struct {
	Pos  lexer.Position
	Body *suite
}

// ifStmt is if/elif/else.
type ifStmt struct {
	Pos   lexer.Position
	Test  *expr
	Body  *suite
	Elifs []*elifPart
	Else  *suite
}

type elifPart struct {
	Pos  lexer.Position
	Test *expr
	Body *suite
}

// compoundStmt is any other compound statement; it is parsed only to be
// reported by name.
type compoundStmt struct {
	Pos     lexer.Position
	Keyword string
	Header  []*headerPart
	Body    *suite
}

type headerPart struct {
	Group *bracketed
	Token string
}

type bracketed struct {
	Open  string
	Inner []*innerPart
	Close string
}

type innerPart struct {
	Group *bracketed
	Token string
}

type decorator struct {
	Pos  lexer.Position
	Expr *expr
}

// suite is the body of a compound statement.
type suite struct {
	Simple *simpleLine
	Block  []*stmt
}

// simpleLine is one logical line of simple statements.
type simpleLine struct {
	Stmts []*smallStmt
}

type smallStmt struct {
	Pos    lexer.Position
	Import *importStmt
	From   *fromStmt
	Raise  *raiseStmt
	Return *returnStmt
	Pass   bool
	Names  *namesStmt
	Assert *assertStmt
	Del    *exprList
	Other  *otherSimple
	Expr   *exprStmt
}

type importStmt struct {
	Names []*importName
}

type importName struct {
	Pos  lexer.Position
	Path []string
	As   string
}

type fromStmt struct {
	Module []string
	Star   bool
	Paren  []*importName
	Names  []*importName
}

type returnStmt struct {
	Value *exprList // nil for a bare return
}

type raiseStmt struct {
	Value *expr
	From  *expr
}

// namesStmt is `global NAME, ...` or `nonlocal NAME, ...`.
type namesStmt struct {
	Keyword string
	Names   []string
}

// assertStmt is `assert TEST[, MSG]`.
type assertStmt struct {
	Test *expr
	Msg  *expr
}

// otherSimple is a simple statement the evaluator never accepts; parsed to
// be named in the diagnostic.
type otherSimple struct {
	Keyword string
	Rest    []string
}

// exprStmt is an expression statement, an assignment (targets are checked
// by the evaluator) or an augmented assignment.
type exprStmt struct {
	Pos      lexer.Position
	First    *exprList
	Assign   []*exprList
	AugOp    string
	AugValue *expr
	Annot    *expr
	AnnotVal *expr
}

// exprList is a bare tuple (`a, b`) or a single expression, on either
// side of an assignment.
type exprList struct {
	Pos   lexer.Position
	Items []*expr
	Comma bool
}

// single is the expression when the list is not a tuple.
func (l *exprList) single() *expr {
	if len(l.Items) == 1 && !l.Comma {
		return l.Items[0]
	}
	return nil
}

// expr is Python's `or_test` (boolean operators, comparisons and
// arithmetic, with Python's precedence), optionally the condition of a
// conditional expression `THEN if COND else ELSE`, where Left and Or are
// THEN.
type expr struct {
	Pos lexer.Position
	// Star marks a starred item of a bare tuple or target list (`a, *b`).
	Star bool
	// Lambda is a lambda expression; the other fields are then empty.
	Lambda *funcDef
	Left   *andExpr
	Or     []*andExpr
	Cond   *expr
	Else   *expr
	// lone is the primary that Left consists of, when it is nothing more
	// (see parser.lone): evaluating Left is evaluating it.
	lone *primary
}

// The levels between expr and factor keep no position of their own: each
// starts where its first operand does (pos).

func (x *andExpr) pos() lexer.Position    { return x.Left.Pos }
func (x *comparison) pos() lexer.Position { return x.Left.pos() }
func (x *bitExpr) pos() lexer.Position    { return x.Left.pos() }
func (x *sum) pos() lexer.Position        { return x.Left.pos() }
func (x *term) pos() lexer.Position       { return x.Left.Pos }

type andExpr struct {
	Left *notExpr
	And  []*notExpr
}

type notExpr struct {
	Pos lexer.Position
	Not *notExpr
	Cmp *comparison
}

type comparison struct {
	Left *bitExpr
	Ops  []*compare
}

type compare struct {
	Pos   lexer.Position
	Op    string
	Right *bitExpr
}

type bitExpr struct {
	Left *sum
	Ops  []*binOp
}

type binOp struct {
	Pos   lexer.Position
	Op    string
	Right *sum
}

type sum struct {
	Left *term
	Ops  []*sumPart
}

type sumPart struct {
	Pos   lexer.Position
	Op    string
	Right *term
}

type term struct {
	Left *factor
	Ops  []*termPart
}

type termPart struct {
	Pos   lexer.Position
	Op    string
	Right *factor
}

type factor struct {
	Pos     lexer.Position
	Unary   string
	Operand *factor
	Power   *power
}

type power struct {
	Primary  *primary
	Exponent *factor
}

// primary is an atom followed by attribute references, calls and
// subscriptions.
type primary struct {
	Pos      lexer.Position
	Atom     *atom
	Trailers []*trailer
	inline   [3]*trailer // Trailers' storage up to os.path.join(...)
}

type trailer struct {
	Pos   lexer.Position
	Attr  string
	Call  *callArgs
	Index *subscript
}

// subscript is an index, or a slice LOWER:UPPER:STEP (each optional).
// Rest holds what follows that is neither, such as a tuple of indexes, to
// be reported.
type subscript struct {
	Pos   lexer.Position
	Index *expr // the index, or the slice's lower bound
	Slice bool
	Upper *expr
	Step  *expr
	Rest  []*innerPart
}

type callArgs struct {
	Args   []*argument
	inline [8]*argument   // Args' storage for most calls
	Gen    *comprehension // f(x for x in y): the sole argument is a generator
}

type argument struct {
	Pos     lexer.Position
	Star    *expr
	StarStr *expr
	Keyword string
	Value   *expr
}

type atom struct {
	Pos     lexer.Position
	Strings []strToken
	first   [1]strToken // Strings' storage for one literal
	Number  string
	Const   string
	Name    string
	Paren   *display
	List    *display
	Dict    *dictDisplay
}

// strToken is one string literal; adjacent ones concatenate.
type strToken struct {
	Tok lexer.Token
}

// display is the inside of a parenthesised expression, tuple or list,
// or a comprehension over its one item.
type display struct {
	Pos   lexer.Position
	Items []*item
	Comma bool
	Comp  *comprehension
}

// comprehension is the `for ... in ... if ...` clauses after the element
// of a list, dict or generator comprehension.
type comprehension struct {
	Pos     lexer.Position
	Clauses []*compClause
}

type compClause struct {
	Pos     lexer.Position
	Targets *exprList
	Iter    *expr
	Ifs     []*expr
}

type item struct {
	Pos   lexer.Position
	Star  bool
	Value *expr
}

type dictDisplay struct {
	Pos     lexer.Position
	Entries []*dictEntry
	Comp    *comprehension // {k: v for ...}: over its one entry
}

type dictEntry struct {
	Pos   lexer.Position
	Splat *expr
	Key   *expr
	Value *expr
}
