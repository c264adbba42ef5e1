package importscript

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"sync"
)

// parseScript parses a whole script into statements.
func parseScript(filename string, src []byte) ([]*stmt, error) {
	toks, err := tokenize(filename, src, 1, 1, false)
	if err != nil {
		return nil, err
	}
	peek, err := lexer.Upgrade(&tokenList{toks: toks})
	if err != nil {
		return nil, err
	}
	var stmts []*stmt
	for !peek.Peek().EOF() {
		s, err := stmtParser().ParseFromLexer(peek, participle.AllowTrailing(true))
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s)
	}
	return stmts, nil
}

// The grammar below is the part of Python 3 that launcher scripts use,
// written for participle over the tokens of pythonLexer. It parses more
// than the evaluator accepts (any compound statement, any operator) so that
// constructs outside the subset get a diagnostic naming them rather than a
// bare "unexpected token".

// stmt is one statement: compound or a line of simple statements.
type stmt struct {
	Pos       lexer.Position
	If        *ifStmt       `parser:"@@"`
	Compound  *compoundStmt `parser:"| @@"`
	Decorator *decorator    `parser:"| @@"`
	Simple    *simpleLine   `parser:"| @@"`
}

// ifStmt is read only for the `if __name__ == '__main__':` guard.
type ifStmt struct {
	Pos   lexer.Position
	Test  *expr       `parser:"\"if\" @@ \":\""`
	Body  *suite      `parser:"@@"`
	Elifs []*elifPart `parser:"@@*"`
	Else  *suite      `parser:"( \"else\" \":\" @@ )?"`
}

type elifPart struct {
	Pos  lexer.Position
	Test *expr  `parser:"\"elif\" @@ \":\""`
	Body *suite `parser:"@@"`
}

// compoundStmt is any other compound statement; it is parsed only to be
// reported by name.
type compoundStmt struct {
	Pos     lexer.Position
	Keyword string        `parser:"@(\"try\" | \"except\" | \"finally\" | \"for\" | \"while\" | \"with\" | \"def\" | \"class\" | \"async\" | \"else\" | \"elif\")"`
	Header  []*headerPart `parser:"@@* \":\""`
	Body    *suite        `parser:"@@"`
}

type headerPart struct {
	Group *bracketed `parser:"@@"`
	Token string     `parser:"| @!(\":\" | Newline | \"(\" | \"[\" | \"{\")"`
}

type bracketed struct {
	Open  string       `parser:"@(\"(\" | \"[\" | \"{\")"`
	Inner []*innerPart `parser:"@@*"`
	Close string       `parser:"@(\")\" | \"]\" | \"}\")"`
}

type innerPart struct {
	Group *bracketed `parser:"@@"`
	Token string     `parser:"| @!(\")\" | \"]\" | \"}\" | \"(\" | \"[\" | \"{\")"`
}

type decorator struct {
	Pos  lexer.Position
	Expr *expr `parser:"\"@\" @@ Newline"`
}

// suite is the body of a compound statement.
type suite struct {
	Simple *simpleLine `parser:"@@"`
	Block  []*stmt     `parser:"| Newline Indent @@+ Dedent"`
}

// simpleLine is one logical line of simple statements.
type simpleLine struct {
	Stmts []*smallStmt `parser:"@@ ( \";\" @@ )* \";\"? Newline"`
}

type smallStmt struct {
	Pos    lexer.Position
	Import *importStmt  `parser:"@@"`
	From   *fromStmt    `parser:"| @@"`
	Raise  *raiseStmt   `parser:"| @@"`
	Pass   bool         `parser:"| @\"pass\""`
	Other  *otherSimple `parser:"| @@"`
	Expr   *exprStmt    `parser:"| @@"`
}

type importStmt struct {
	Names []*importName `parser:"\"import\" @@ ( \",\" @@ )*"`
}

type importName struct {
	Pos  lexer.Position
	Path []string `parser:"@Name ( \".\" @Name )*"`
	As   string   `parser:"( \"as\" @Name )?"`
}

type fromStmt struct {
	Module []string      `parser:"\"from\" @Name ( \".\" @Name )* \"import\""`
	Star   bool          `parser:"( @\"*\""`
	Paren  []*importName `parser:"| \"(\" @@ ( \",\" @@ )* \",\"? \")\""`
	Names  []*importName `parser:"| @@ ( \",\" @@ )* )"`
}

type raiseStmt struct {
	Value *expr `parser:"\"raise\" @@?"`
	From  *expr `parser:"( \"from\" @@ )?"`
}

// otherSimple is a simple statement the evaluator never accepts; parsed to
// be named in the diagnostic.
type otherSimple struct {
	Keyword string   `parser:"@(\"del\" | \"assert\" | \"global\" | \"nonlocal\" | \"return\" | \"break\" | \"continue\" | \"yield\" | \"await\")"`
	Rest    []string `parser:"@!(\";\" | Newline)*"`
}

// exprStmt is an expression statement, an assignment (targets are checked
// by the evaluator) or an augmented assignment.
type exprStmt struct {
	Pos      lexer.Position
	First    *exprList   `parser:"@@"`
	Assign   []*exprList `parser:"( ( \"=\" @@ )+"`
	AugOp    string      `parser:"| @(\"+=\" | \"-=\" | \"*=\" | \"/=\" | \"//=\" | \"%=\" | \"@=\" | \"&=\" | \"|=\" | \"^=\" | \">>=\" | \"<<=\" | \"**=\")"`
	AugValue *expr       `parser:"@@"`
	Annot    *expr       `parser:"| \":\" @@"`
	AnnotVal *expr       `parser:"( \"=\" @@ )? )?"`
}

// exprList is a bare tuple (`a, b`) or a single expression, on either
// side of an assignment.
type exprList struct {
	Pos   lexer.Position
	Items []*expr `parser:"@@ ( \",\" @@ )*"`
	Comma bool    `parser:"@\",\"?"`
}

// single is the expression when the list is not a tuple.
func (l *exprList) single() *expr {
	if len(l.Items) == 1 && !l.Comma {
		return l.Items[0]
	}
	return nil
}

// expr is Python's `or_test`: boolean operators, comparisons and
// arithmetic, with Python's precedence.
type expr struct {
	Pos  lexer.Position
	Left *andExpr   `parser:"@@"`
	Or   []*andExpr `parser:"( \"or\" @@ )*"`
}

type andExpr struct {
	Pos  lexer.Position
	Left *notExpr   `parser:"@@"`
	And  []*notExpr `parser:"( \"and\" @@ )*"`
}

type notExpr struct {
	Pos lexer.Position
	Not *notExpr    `parser:"\"not\" @@"`
	Cmp *comparison `parser:"| @@"`
}

type comparison struct {
	Pos  lexer.Position
	Left *bitExpr   `parser:"@@"`
	Ops  []*compare `parser:"@@*"`
}

type compare struct {
	Pos   lexer.Position
	Op    string   `parser:"@(\"==\" | \"!=\" | \"<=\" | \">=\" | \"<\" | \">\" | \"in\" | \"is\" | \"not\" \"in\")"`
	Right *bitExpr `parser:"@@"`
}

type bitExpr struct {
	Pos  lexer.Position
	Left *sum     `parser:"@@"`
	Ops  []*binOp `parser:"@@*"`
}

type binOp struct {
	Pos   lexer.Position
	Op    string `parser:"@(\"|\" | \"^\" | \"&\" | \"<<\" | \">>\")"`
	Right *sum   `parser:"@@"`
}

type sum struct {
	Pos  lexer.Position
	Left *term      `parser:"@@"`
	Ops  []*sumPart `parser:"@@*"`
}

type sumPart struct {
	Pos   lexer.Position
	Op    string `parser:"@(\"+\" | \"-\")"`
	Right *term  `parser:"@@"`
}

type term struct {
	Pos  lexer.Position
	Left *factor     `parser:"@@"`
	Ops  []*termPart `parser:"@@*"`
}

type termPart struct {
	Pos   lexer.Position
	Op    string  `parser:"@(\"*\" | \"/\" | \"//\" | \"%\" | \"@\")"`
	Right *factor `parser:"@@"`
}

type factor struct {
	Pos     lexer.Position
	Unary   string  `parser:"@(\"-\" | \"+\" | \"~\")"`
	Operand *factor `parser:"@@"`
	Power   *power  `parser:"| @@"`
}

type power struct {
	Pos      lexer.Position
	Primary  *primary `parser:"@@"`
	Exponent *factor  `parser:"( \"**\" @@ )?"`
}

// primary is an atom followed by attribute references, calls and
// subscriptions.
type primary struct {
	Pos      lexer.Position
	Atom     *atom      `parser:"@@"`
	Trailers []*trailer `parser:"@@*"`
}

type trailer struct {
	Pos   lexer.Position
	Attr  string     `parser:"\".\" @Name"`
	Call  *callArgs  `parser:"| \"(\" @@ \")\""`
	Index *subscript `parser:"| \"[\" @@ \"]\""`
}

// subscript is an index; slices are parsed only to be reported.
type subscript struct {
	Pos   lexer.Position
	Index *expr        `parser:"@@?"`
	Slice bool         `parser:"@\":\"?"`
	Rest  []*innerPart `parser:"@@*"`
}

type callArgs struct {
	Args []*argument `parser:"( @@ ( \",\" @@ )* \",\"? )?"`
}

type argument struct {
	Pos     lexer.Position
	Star    *expr  `parser:"\"*\" @@"`
	StarStr *expr  `parser:"| \"**\" @@"`
	Keyword string `parser:"| ( @Name \"=\" )?"`
	Value   *expr  `parser:"@@"`
}

type atom struct {
	Pos     lexer.Position
	Strings []*strToken  `parser:"@@+"`
	Number  string       `parser:"| @Number"`
	Const   string       `parser:"| @(\"None\" | \"True\" | \"False\" | \"...\")"`
	Name    string       `parser:"| @Name"`
	Paren   *display     `parser:"| \"(\" @@ \")\""`
	List    *display     `parser:"| \"[\" @@ \"]\""`
	Dict    *dictDisplay `parser:"| \"{\" @@ \"}\""`
}

// strToken is one string literal; adjacent ones concatenate.
type strToken struct {
	Tok lexer.Token `parser:"@String"`
}

// display is the inside of a parenthesised expression, tuple or list.
type display struct {
	Pos   lexer.Position
	Items []*item `parser:"( @@ ( \",\" @@ )* )?"`
	Comma bool    `parser:"@\",\"?"`
}

type item struct {
	Pos   lexer.Position
	Star  bool  `parser:"@\"*\"?"`
	Value *expr `parser:"@@"`
}

type dictDisplay struct {
	Pos     lexer.Position
	Entries []*dictEntry `parser:"( @@ ( \",\" @@ )* \",\"? )?"`
}

type dictEntry struct {
	Pos   lexer.Position
	Splat *expr `parser:"\"**\" @@"`
	Key   *expr `parser:"| @@"`
	Value *expr `parser:"( \":\" @@ )?"`
}

// fieldExpr is an f-string replacement field's expression.
type fieldExpr struct {
	Value *display `parser:"@@ EOF"`
}

// The parsers are built on first use, not when the program starts: most
// runs of wsgidock read no launcher script.
var (
	// stmtParser reads one statement at a time: participle reports a
	// failure inside a repetition at the repetition's start, while a
	// parse per statement points at the token that broke it.
	stmtParser = sync.OnceValue(func() *participle.Parser[stmt] {
		return participle.MustBuild[stmt](
			participle.Lexer(pythonLexer{}),
			participle.UseLookahead(1),
		)
	})
	fieldParser = sync.OnceValue(func() *participle.Parser[fieldExpr] {
		return participle.MustBuild[fieldExpr](
			participle.Lexer(pythonLexer{}),
			participle.UseLookahead(1),
		)
	})
)
