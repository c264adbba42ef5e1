package importscript

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// errPoisoned is returned when an expression uses a name whose assignment
// already failed; the failure was reported there.
var errPoisoned = errors.New("uses a value that could not be resolved")

// evaluator runs a parsed script symbolically, statement by statement, as
// Python would, keeping only values it can know without running anything.
type evaluator struct {
	file      string
	lookupEnv func(string) (string, bool)
	names     map[string]value
	environ   *dict
	dir       *str   // set by os.chdir
	argv      *list  // sys.argv, once the script uses it
	eqDepth   int    // equal() calls nested, for objects that contain themselves
	arena     *arena // where the literals\' strs come from (nil: the heap); they die with Parse
	// unsetFor holds, per command, the daemon's variables its environment
	// lacks (see checkUnset).
	unsetFor   map[*Command]map[string]apacheconf.Position
	diags      apacheconf.Diagnostics
	cmds       []*Command
	envRefs    []EnvRef
	stopped    bool // after os.exec* or an exit
	skipped    bool // an unsupported statement was skipped: later NameErrors may be its doing
	warned     bool // the unreachable-code warning is out
	guard      apacheconf.Position
	frames     []*frame           // scopes of the functions, class bodies and comprehensions being run
	decorators []pendingDecorator // of the def or class that comes next
	ctl        control            // how the running block is being left
	ret        value              // what a return statement gave
	steps      int                // statements and iterations run, against maxSteps
	exhausted  bool               // maxSteps was reached
	made       int                // bytes of strings built, against maxMade
	items      int                // list items built, against maxItems
}

func newEvaluator(file string, lookupEnv func(string) (string, bool)) *evaluator {
	return &evaluator{
		file:      file,
		lookupEnv: lookupEnv,
		names:     map[string]value{},
		environ:   newDict(apacheconf.Position{}, true),
	}
}

func (e *evaluator) report(err error) {
	if err == nil {
		return
	}
	var d apacheconf.Diagnostic
	if errors.As(err, &d) {
		e.diags = append(e.diags, d)
	}
}

func (e *evaluator) warn(code string, at apacheconf.Position, summary, detail string) {
	e.diags = append(e.diags, apacheconf.Diagnostic{
		Severity: apacheconf.SeverityWarning,
		Code:     code,
		Summary:  summary,
		Detail:   detail,
		Subject:  apacheconf.Range{Start: at, End: at},
	})
}

// sized refuses values beyond the limits, once they have grown past them.
func sized(v value, at lexer.Position) (value, error) {
	switch v := v.(type) {
	case *str:
		if len(v.s) > maxStrLen {
			return nil, tooLong(len(v.s), at)
		}
	case *list:
		if len(v.items) > maxListLen {
			return nil, newDiag(CodeUnsupported, position(at), fmt.Sprintf("the script builds a list of %d items, more than wsgidock reads (%d)", len(v.items), maxListLen),
				"A launcher script's lists are command lines; build large data elsewhere.")
		}
	}
	return v, nil
}

func tooLong(n int, at lexer.Position) error {
	return newDiag(CodeUnsupported, position(at), fmt.Sprintf("the script builds a string of %d bytes or more, more than wsgidock reads (%d)", n, maxStrLen),
		"A launcher script's strings are command-line words; build large data elsewhere.")
}

// unsupported is the diagnostic for valid Python that is not followed.
func unsupported(at lexer.Position, what string) error {
	return newDiag(CodeUnsupported, position(at), what+" is not followed by wsgidock", subsetHelp)
}

// runtimeError is the diagnostic for what would make Python stop.
func runtimeError(at apacheconf.Position, summary, detail string) error {
	return newDiag(CodeRuntime, at, summary, detail)
}

// finish applies the launch rules (see Launch) to the commands found.
func (e *evaluator) finish() (*Launch, apacheconf.Diagnostics) {
	if !e.diags.HasErrors() {
		e.checkLaunches()
	}
	e.diags.Sort()
	if e.diags.HasErrors() {
		return nil, e.diags
	}
	last := e.cmds[len(e.cmds)-1]
	l := &Launch{Command: *last, EnvRefs: e.envRefs}
	for _, c := range e.cmds[:len(e.cmds)-1] {
		l.Setup = append(l.Setup, *c)
	}
	return l, e.diags
}

func (e *evaluator) checkLaunches() {
	for _, c := range e.cmds {
		if err := e.checkUnset(c); err != nil {
			e.report(err)
			return
		}
	}
	if len(e.cmds) == 0 {
		at := apacheconf.Position{Filename: e.file, Line: 1, Column: 1}
		detail := "wsgidock looks for the call that starts the program: os.exec*, subprocess.call/run/Popen/check_call/check_output, or os.system. " +
			"A launcher script for WSGIImportScript must make one, outside any function."
		if e.guard.IsValid() {
			at = e.guard
			detail = "The script's code is inside `if __name__ == '__main__':`, which never runs under mod_wsgi " +
				"(it imports the script as a module named _mod_wsgi_<hash>). Move the call out of the block."
		}
		e.diags = append(e.diags, newDiag(CodeNoLaunch, at, "the script starts no program", detail).(apacheconf.Diagnostic))
		return
	}
	for i, c := range e.cmds[:len(e.cmds)-1] {
		if c.Background {
			next := e.cmds[i+1]
			e.diags = append(e.diags, newDiag(CodeCompeting, next.Pos,
				fmt.Sprintf("%s starts a program while the one from %s at line %d is still running", next.Call, c.Call, c.Pos.Line),
				"A launcher script should start one long-running program. Wait for the first one (p.wait()), "+
					"or give each program its own WSGIDaemonProcess group and WSGIImportScript.").(apacheconf.Diagnostic))
			return
		}
	}
}

// block runs statements in order, stopping after os.exec* or an exit,
// and at return, break and continue.
func (e *evaluator) block(stmts []*stmt) {
	for _, s := range stmts {
		if e.stopped {
			e.unreachable(s.Pos)
			return
		}
		if e.ctl != ctlNone || e.exhausted {
			return
		}
		if err := e.step(s.Pos); err != nil {
			e.report(err)
			return
		}
		switch {
		case s.If != nil:
			e.report(e.ifStmt(s.If))
		case s.For != nil:
			e.report(e.forStmt(s.For))
		case s.Def != nil:
			e.report(e.defStmt(s.Def))
		case s.Try != nil:
			e.tryStmt(s.Try)
		case s.While != nil:
			e.report(e.whileStmt(s.While))
		case s.With != nil:
			e.report(e.withStmt(s.With))
		case s.Class != nil:
			e.report(e.classStmt(s.Class))
		case s.Compound != nil:
			e.report(unsupported(s.Pos, "a `"+s.Compound.Keyword+"` statement"))
			e.skipped = true
		case s.Decorator != nil:
			e.report(e.decorator(s.Decorator))
		default:
			e.simple(s.Simple)
		}
	}
}

func (e *evaluator) unreachable(at lexer.Position) {
	if e.warned {
		return
	}
	e.warned = true
	e.warn(CodeUnreachable, position(at), "this code never runs: the script has already exec'd its program or exited",
		"os.exec* replaces the Python process and sys.exit ends it; remove the code after it, or move it before.")
}

// soleComparison is the comparison an expression consists of, if that is
// all it is: not a lambda (whose other fields are empty), a conditional, an
// or, an and or a not.
func soleComparison(x *expr) *comparison {
	if x == nil || x.Lambda != nil || x.Cond != nil || len(x.Or) > 0 || x.Left == nil || len(x.Left.And) > 0 || x.Left.Left == nil {
		return nil
	}
	return x.Left.Left.Cmp
}

// isMainGuard recognises `__name__ == '__main__'` written either way round.
func isMainGuard(x *expr) bool {
	c := soleComparison(x)
	if c == nil {
		return false
	}
	if len(c.Ops) != 1 || c.Ops[0].Op != "==" {
		return false
	}
	a, b := bitAtom(c.Left), bitAtom(c.Ops[0].Right)
	if a == nil || b == nil {
		return false
	}
	isName := func(a *atom) bool { return a.Name == "__name__" }
	isMain := func(a *atom) bool {
		if len(a.Strings) == 0 {
			return false
		}
		lit, err := decodeLiteral(a.Strings[0].Tok)
		return err == nil && len(a.Strings) == 1 && !lit.bytes && len(lit.parts) == 1 && lit.parts[0].text != nil && lit.parts[0].text.s == "__main__"
	}
	return isName(a) && isMain(b) || isName(b) && isMain(a)
}

// bitAtom is the atom a bitExpr consists of, if that is all it is.
func bitAtom(b *bitExpr) *atom {
	if len(b.Ops) > 0 || len(b.Left.Ops) > 0 || len(b.Left.Left.Ops) > 0 {
		return nil
	}
	f := b.Left.Left.Left
	if f.Power == nil || f.Power.Exponent != nil || len(f.Power.Primary.Trailers) > 0 {
		return nil
	}
	return f.Power.Primary.Atom
}

// asPrimary is the primary an expression consists of, if that is all it is.
func asPrimary(x *expr) *primary {
	c := soleComparison(x)
	if c == nil {
		return nil
	}
	if len(c.Ops) > 0 || len(c.Left.Ops) > 0 || len(c.Left.Left.Ops) > 0 || len(c.Left.Left.Left.Ops) > 0 {
		return nil
	}
	f := c.Left.Left.Left.Left
	if f.Power == nil || f.Power.Exponent != nil {
		return nil
	}
	return f.Power.Primary
}

func (e *evaluator) smallStmt(s *smallStmt) error {
	switch {
	case s.Import != nil:
		for _, n := range s.Import.Names {
			if n.As != "" {
				e.setName(n.As, moduleNamed(joinDots(n.Path)))
			} else {
				e.setName(n.Path[0], moduleNamed(n.Path[0]))
			}
		}
		return nil
	case s.From != nil:
		return e.fromImport(s)
	case s.Raise != nil:
		return e.raise(s)
	case s.Pass:
		return nil
	case s.Return != nil:
		if len(e.frames) == 0 {
			return newDiag(CodeSyntax, position(s.Pos), "'return' outside function", "Use return inside a def only.")
		}
		e.ret = nil
		if s.Return.Value != nil {
			v, err := e.exprList(s.Return.Value)
			if err != nil {
				e.skipped = true
				e.ctl = ctlReturn
				return err
			}
			e.ret = v
		}
		e.ctl = ctlReturn
		return nil
	case s.Other != nil && (s.Other.Keyword == "break" || s.Other.Keyword == "continue") && len(s.Other.Rest) == 0:
		if s.Other.Keyword == "break" {
			e.ctl = ctlBreak
		} else {
			e.ctl = ctlContinue
		}
		return nil
	case s.Names != nil:
		return e.namesStmt(s)
	case s.Assert != nil:
		return e.assertStmt(s)
	case s.Del != nil:
		return e.delStmt(s.Del)
	case s.Other != nil:
		return unsupported(s.Pos, "a `"+s.Other.Keyword+"` statement")
	}
	x := s.Expr
	switch {
	case x.Annot != nil:
		return e.annotate(x, s.Pos)
	case len(x.Assign) > 0:
		targets := append([]*exprList{x.First}, x.Assign[:len(x.Assign)-1]...)
		v, err := e.exprList(x.Assign[len(x.Assign)-1])
		if err != nil {
			for _, t := range targets {
				for _, item := range t.Items {
					if p := asPrimary(item); p != nil && len(p.Trailers) == 0 && p.Atom.Name != "" {
						e.setName(p.Atom.Name, poisoned{})
					}
				}
			}
			return err
		}
		for _, t := range targets {
			if err := e.assignList(t, v); err != nil {
				return err
			}
		}
		return nil
	case x.AugOp != "":
		return e.augAssign(x)
	}
	_, err := e.exprList(x.First)
	return err
}

// exprList evaluates a single expression, or a bare tuple.
func (e *evaluator) exprList(l *exprList) (value, error) {
	if x := l.single(); x != nil {
		return e.expr(x)
	}
	return e.display(&display{Pos: l.Pos, Items: itemsOf(l.Items)}, true)
}

func itemsOf(xs []*expr) []*item {
	out := make([]*item, len(xs))
	for i, x := range xs {
		out[i] = &item{Pos: x.Pos, Value: x}
		if x.Star {
			plain := *x
			plain.Star = false
			out[i] = &item{Pos: x.Pos, Star: true, Value: &plain}
		}
	}
	return out
}

// assignList assigns to one target or unpacks into several.
func (e *evaluator) assignList(t *exprList, v value) error {
	if x := t.single(); x != nil {
		return e.assign(x, v)
	}
	if _, bad := v.(poisoned); bad {
		return errPoisoned
	}
	star := -1
	for i, item := range t.Items {
		if item.Star {
			if star >= 0 {
				return newDiag(CodeSyntax, position(item.Pos), "multiple starred expressions in assignment", "Star one target at most.")
			}
			star = i
		}
	}
	var items []value
	switch v := v.(type) {
	case *list:
		items = v.items
	case *str, *dict:
		var err error
		if items, err = e.iterable(v, t.Pos); err != nil {
			return err
		}
	}
	if items == nil && !isSeq(v) || star < 0 && len(items) != len(t.Items) || star >= 0 && len(items) < len(t.Items)-1 {
		return runtimeError(position(t.Pos), fmt.Sprintf("cannot unpack %s into %d names: Python stops with ValueError or TypeError", v.describe(), len(t.Items)),
			"Give as many values as names.")
	}
	if star < 0 {
		for i, item := range t.Items {
			if err := e.assign(item, items[i]); err != nil {
				return err
			}
		}
		return nil
	}
	after := len(t.Items) - star - 1
	for i, item := range t.Items[:star] {
		if err := e.assign(item, items[i]); err != nil {
			return err
		}
	}
	rest := &list{items: append([]value(nil), items[star:len(items)-after]...), at: position(t.Items[star].Pos)}
	plain := *t.Items[star]
	plain.Star = false
	if err := e.assign(&plain, rest); err != nil {
		return err
	}
	for i, item := range t.Items[star+1:] {
		if err := e.assign(item, items[len(items)-after+i]); err != nil {
			return err
		}
	}
	return nil
}

// isSeq says whether v is a sequence unpacking takes apart.
func isSeq(v value) bool {
	switch v.(type) {
	case *list, *str, *dict:
		return true
	}
	return false
}

func joinDots(parts []string) string {
	s := parts[0]
	for _, p := range parts[1:] {
		s += "." + p
	}
	return s
}

func (e *evaluator) fromImport(s *smallStmt) error {
	f := s.From
	if f.Star {
		return unsupported(s.Pos, "`from ... import *`")
	}
	mod := moduleNamed(joinDots(f.Module))
	for _, n := range append(f.Paren, f.Names...) {
		if len(n.Path) != 1 {
			return newDiag(CodeSyntax, position(n.Pos), "invalid syntax: `from ... import` takes plain names", "Write `from os import execl`.")
		}
		v, err := e.attr(mod, n.Path[0], n.Pos)
		if err != nil {
			return err
		}
		name := n.Path[0]
		if n.As != "" {
			name = n.As
		}
		e.setName(name, v)
	}
	return nil
}

// raise accepts `raise SystemExit(...)`, which ends the script.
func (e *evaluator) raise(s *smallStmt) error {
	r := s.Raise
	if r.Value == nil || r.From != nil {
		return unsupported(s.Pos, "this `raise` statement")
	}
	p := asPrimary(r.Value)
	if p == nil || p.Atom.Name != "SystemExit" || len(p.Trailers) > 1 || len(p.Trailers) == 1 && p.Trailers[0].Call == nil {
		return unsupported(s.Pos, "raising anything but SystemExit")
	}
	if _, ok := e.lookup("SystemExit"); ok {
		return unsupported(s.Pos, "raising a rebound SystemExit")
	}
	if len(p.Trailers) == 1 {
		if _, err := e.callArgs(p.Trailers[0].Call); err != nil {
			return err
		}
	}
	e.stopped = true
	return nil
}

// assign binds a name, or sets a key of a mapping.
func (e *evaluator) assign(target *expr, v value) error {
	p := asPrimary(target)
	if p == nil {
		return unsupported(target.Pos, "assigning to this target")
	}
	if len(p.Trailers) == 0 {
		if p.Atom.Name == "" {
			if p.Atom.Paren != nil || p.Atom.List != nil {
				return e.assignDisplay(p.Atom, v, target.Pos)
			}
			return unsupported(target.Pos, "assigning to this target")
		}
		e.setName(p.Atom.Name, v)
		return nil
	}
	last := p.Trailers[len(p.Trailers)-1]
	if last.Call != nil {
		return newDiag(CodeSyntax, position(target.Pos), "cannot assign to a function call", "Assign to a name, an item or an attribute.")
	}
	recv, err := e.primaryUpTo(p, len(p.Trailers)-1)
	if err != nil {
		return err
	}
	if last.Index == nil {
		return e.setAttr(recv, last.Attr, v, last.Pos)
	}
	if l, ok := recv.(*list); ok && !l.tuple && !last.Index.Slice && len(last.Index.Rest) == 0 && last.Index.Index != nil {
		i, err := e.listIndex(l, last.Index)
		if err != nil {
			return err
		}
		l.items[i] = v
		return nil
	}
	if l, ok := recv.(*list); ok && !l.tuple && last.Index.Slice {
		return e.assignSlice(l, last.Index, v, last.Pos)
	}
	if sv, ok := recv.(*scopeView); ok && !last.Index.Slice && len(last.Index.Rest) == 0 && last.Index.Index != nil {
		k, err := e.expr(last.Index.Index)
		if err != nil {
			return err
		}
		return e.viewSet(sv, k, v, last.Pos)
	}
	d, ok := recv.(*dict)
	if !ok {
		return unsupported(target.Pos, "assigning to an item of "+recv.describe())
	}
	key, orig, err := e.key(d, last.Index)
	if err != nil {
		return err
	}
	if d.inherits {
		if _, err := e.needStr(v, target.Pos, "an environment value"); err != nil {
			return err
		}
	}
	d.set(key.s, v, key.at)
	d.setOrig(key.s, orig)
	return nil
}

// augAssign is TARGET OP= VALUE: lists grow in place with +=, dicts with
// |=, as in Python; everything else is TARGET = TARGET OP VALUE.
func (e *evaluator) augAssign(x *exprStmt) error {
	target := x.First.single()
	if target == nil {
		return newDiag(CodeSyntax, position(x.Pos), "invalid syntax: an augmented assignment needs a single target", "Write name += value.")
	}
	old, err := e.expr(target)
	if err != nil {
		return err
	}
	add, err := e.expr(x.AugValue)
	if err != nil {
		return err
	}
	op := strings.TrimSuffix(x.AugOp, "=")
	if l, ok := old.(*list); ok && !l.tuple && op == "+" {
		items, err := e.iterable(add, x.AugValue.Pos)
		if err != nil {
			return err
		}
		l.items = append(l.items, items...)
		_, err = sized(l, x.AugValue.Pos)
		return err
	}
	if d, ok := old.(*dict); ok && op == "|" {
		return e.updateDict(d, add, x.AugValue.Pos)
	}
	v, err := e.binary(op, old, add, x.AugValue.Pos)
	if err != nil {
		return err
	}
	return e.assign(target, v)
}

// binary is a OP b for the arithmetic and bitwise operators.
func (e *evaluator) binary(op string, a, b value, at lexer.Position) (value, error) {
	var v value
	var err error
	switch op {
	case "+":
		v, err = e.add(a, b, at)
	case "%":
		if s, ok := a.(*str); ok {
			v, err = e.percentFormat(s, b, at)
		} else {
			v, err = e.arith(op, a, b, at)
		}
	case "-", "*", "//", "**", "<<", ">>", "&", "|", "^":
		if x, ok := a.(*set); ok && (op == "-" || op == "&" || op == "|") {
			if y, ok := b.(*set); ok {
				return e.setOp(op, x, y.items, at)
			}
		}
		v, err = e.arith(op, a, b, at)
	case "/":
		if v, isPath, err := e.pathDiv(a, b, at); isPath {
			return v, err
		}
		return e.arith(op, a, b, at)
	default:
		return nil, unsupported(at, "the operator `"+op+"`")
	}
	if err != nil {
		return nil, err
	}
	return sized(v, at)
}

func (e *evaluator) expr(x *expr) (value, error) {
	if x.Star {
		return nil, newDiag(CodeSyntax, position(x.Pos), "can't use starred expression here", "Use *x inside a list, a tuple or a call's arguments.")
	}
	if x.Lambda != nil {
		return e.function(x.Lambda)
	}
	if x.Cond != nil {
		c, err := e.expr(x.Cond)
		if err != nil {
			return nil, err
		}
		t, err := e.truth(c, x.Cond.Pos)
		if err != nil {
			return nil, err
		}
		if !t {
			return e.expr(x.Else)
		}
	}
	if x.lone != nil && len(x.Or) == 0 {
		return e.primary(x.lone)
	}
	v, err := e.andExpr(x.Left)
	if err != nil {
		return nil, err
	}
	for _, r := range x.Or {
		t, err := e.truth(v, x.Pos)
		if err != nil {
			return nil, err
		}
		if t {
			return v, nil
		}
		if v, err = e.andExpr(r); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (e *evaluator) andExpr(x *andExpr) (value, error) {
	v, err := e.notExpr(x.Left)
	if err != nil {
		return nil, err
	}
	for _, r := range x.And {
		t, err := e.truth(v, x.pos())
		if err != nil {
			return nil, err
		}
		if !t {
			return v, nil
		}
		if v, err = e.notExpr(r); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (e *evaluator) notExpr(x *notExpr) (value, error) {
	if x.Not != nil {
		v, err := e.notExpr(x.Not)
		if err != nil {
			return nil, err
		}
		t, err := e.truth(v, x.Pos)
		if err != nil {
			return nil, err
		}
		return &boolean{v: !t, at: position(x.Pos)}, nil
	}
	return e.comparison(x.Cmp)
}

// truth is Python's truth value, for `or` and `and` defaults.
func (e *evaluator) truth(v value, at lexer.Position) (bool, error) {
	switch v := v.(type) {
	case *str:
		return v.s != "", nil
	case *none:
		return false, nil
	case *boolean:
		return v.v, nil
	case *list:
		return len(v.items) > 0, nil
	case *dict:
		if !v.inherits {
			return len(v.keys) > 0, nil
		}
	case *number:
		if n, ok := intOf(v); ok {
			return n != 0, nil
		}
	case *float:
		return v.v != 0, nil
	case *userFunc, *function, *module, *class, *boundMethod, *pathValue:
		return true, nil
	case *set:
		return len(v.items) > 0, nil
	case *instance:
		if _, _, special := v.cls.find("__bool__"); !special {
			if _, _, special := v.cls.find("__len__"); !special {
				return true, nil
			}
		}
	case poisoned:
		return false, errPoisoned
	case *opaque:
		return false, newDiag(CodeUnresolved, position(at), "the truth value of "+v.what+" is known only when the script runs", subsetHelp)
	}
	return false, unsupported(at, "the truth value of "+v.describe())
}

func (e *evaluator) sum(x *sum) (value, error) {
	v, err := e.term(x.Left)
	if err != nil {
		return nil, err
	}
	for _, p := range x.Ops {
		r, err := e.term(p.Right)
		if err != nil {
			return nil, err
		}
		if p.Op == "-" {
			if v, err = e.binary("-", v, r, p.Pos); err != nil {
				return nil, err
			}
			continue
		}
		if v, err = e.add(v, r, p.Pos); err != nil {
			return nil, err
		}
		if v, err = sized(v, p.Pos); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// add is a + b for strings, lists and tuples.
func (e *evaluator) add(a, b value, at lexer.Position) (value, error) {
	switch a.(type) {
	case *number, *float:
		return e.arith("+", a, b, at)
	}
	switch a := a.(type) {
	case *str:
		if b, ok := b.(*str); ok {
			if err := e.charge(len(a.s)+len(b.s), at); err != nil {
				return nil, err
			}
			return concat(a, b), nil
		}
	case *list:
		if b, ok := b.(*list); ok && a.tuple == b.tuple {
			if err := e.chargeItems(len(a.items)+len(b.items), at); err != nil {
				return nil, err
			}
			items := append(append([]value{}, a.items...), b.items...)
			return &list{items: items, tuple: a.tuple, at: a.at}, nil
		}
	case poisoned:
		return nil, errPoisoned
	}
	if _, ok := b.(poisoned); ok {
		return nil, errPoisoned
	}
	return nil, runtimeError(position(at), fmt.Sprintf("cannot add %s and %s: Python stops with TypeError", a.describe(), b.describe()),
		"Both sides of + must be strings, or both lists.")
}

func (e *evaluator) term(x *term) (value, error) {
	v, err := e.factor(x.Left)
	if err != nil {
		return nil, err
	}
	for _, op := range x.Ops {
		r, err := e.factor(op.Right)
		if err != nil {
			return nil, err
		}
		if v, err = e.binary(op.Op, v, r, op.Pos); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (e *evaluator) factor(x *factor) (value, error) {
	if x.Operand != nil {
		v, err := e.factor(x.Operand)
		if err != nil {
			return nil, err
		}
		if n, ok := intOf(v); ok {
			switch x.Unary {
			case "-":
				n = -n
			case "~":
				n = -n - 1
			}
			return intValue(n, position(x.Pos)), nil
		}
		if f, ok := v.(*float); ok && x.Unary != "~" {
			if x.Unary == "-" {
				return &float{v: -f.v, at: position(x.Pos)}, nil
			}
			return &float{v: f.v, at: position(x.Pos)}, nil
		}
		if n, ok := v.(*number); ok && x.Unary != "~" {
			return &number{text: x.Unary + n.text, at: position(x.Pos)}, nil
		}
		if _, bad := v.(poisoned); bad {
			return nil, errPoisoned
		}
		return nil, unsupported(x.Pos, "the unary operator `"+x.Unary+"` on "+v.describe())
	}
	base, err := e.primary(x.Power.Primary)
	if err != nil || x.Power.Exponent == nil {
		return base, err
	}
	exp, err := e.factor(x.Power.Exponent)
	if err != nil {
		return nil, err
	}
	return e.binary("**", base, exp, x.Power.Exponent.Pos)
}

func (e *evaluator) primary(p *primary) (value, error) {
	return e.primaryUpTo(p, len(p.Trailers))
}

// primaryUpTo evaluates the atom and its first n trailers.
func (e *evaluator) primaryUpTo(p *primary, n int) (value, error) {
	v, err := e.atom(p.Atom)
	if err != nil {
		return nil, err
	}
	for _, t := range p.Trailers[:n] {
		if _, ok := v.(poisoned); ok {
			return nil, errPoisoned
		}
		switch {
		case t.Attr != "":
			v, err = e.attr(v, t.Attr, t.Pos)
		case t.Call != nil:
			var args *arguments
			if args, err = e.callArgs(t.Call); err == nil {
				v, err = e.call(v, args, p.Pos)
			}
		default:
			v, err = e.index(v, t.Index, t.Pos)
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (e *evaluator) atom(a *atom) (value, error) {
	at := position(a.Pos)
	switch {
	case len(a.Strings) > 0:
		return e.strings(a.Strings)
	case a.Number != "":
		if isFloatLiteral(a.Number) {
			f, ok := floatLiteral(a.Number)
			if !ok {
				return nil, unsupported(a.Pos, "the float literal "+a.Number)
			}
			return &float{v: f, at: at}, nil
		}
		return &number{text: a.Number, at: at}, nil
	case a.Const == "None":
		return &none{at: at, why: "None"}, nil
	case a.Const == "True" || a.Const == "False":
		return &boolean{v: a.Const == "True", at: at}, nil
	case a.Const != "":
		return &opaque{what: "Ellipsis", at: at}, nil
	case a.Name != "":
		if v, ok := e.lookup(a.Name); ok {
			return v, nil
		}
		if a.Name == "__name__" {
			return newStr(moduleName(e.file), at), nil
		}
		if a.Name == "__file__" {
			// mod_wsgi gives the script's path as WSGIImportScript names it
			// (TestModWSGIImportsScriptAsModule).
			return newStr(e.file, at), nil
		}
		if builtins[a.Name] || pythonBuiltins[a.Name] {
			return &function{name: a.Name}, nil
		}
		if e.skipped {
			return nil, errPoisoned // most likely bound by the statement skipped
		}
		return nil, runtimeError(at, fmt.Sprintf("name %s is not defined: Python stops with NameError", pyRepr(a.Name)),
			"Assign or import the name before this line.")
	case a.Paren != nil:
		if a.Paren.Comp != nil {
			return e.listComp(a.Paren, at)
		}
		if len(a.Paren.Items) == 1 && !a.Paren.Comma && !a.Paren.Items[0].Star {
			return e.expr(a.Paren.Items[0].Value)
		}
		return e.display(a.Paren, true)
	case a.List != nil:
		if a.List.Comp != nil {
			return e.listComp(a.List, at)
		}
		return e.display(a.List, false)
	}
	if a.Dict.Comp != nil {
		return e.dictComp(a.Dict, at)
	}
	return e.dictDisplay(a.Dict, at)
}

func (e *evaluator) display(d *display, tuple bool) (value, error) {
	if len(d.Items) == 0 && d.Comma {
		return nil, newDiag(CodeSyntax, position(d.Pos), "invalid syntax: a lone comma", "Remove the comma.")
	}
	l := &list{tuple: tuple, at: position(d.Pos)}
	for _, it := range d.Items {
		v, err := e.expr(it.Value)
		if err != nil {
			return nil, err
		}
		if !it.Star {
			l.items = append(l.items, v)
			continue
		}
		items, err := e.iterable(v, it.Value.Pos)
		if err != nil {
			return nil, err
		}
		l.items = append(l.items, items...)
	}
	return sized(l, d.Pos)
}

// iterable is the items of a list or tuple, for * and extend.
func (e *evaluator) iterable(v value, at lexer.Position) ([]value, error) {
	switch v := v.(type) {
	case *list:
		return v.items, nil
	case *str:
		if len(v.s) > maxListLen {
			return nil, newDiag(CodeUnsupported, position(at), fmt.Sprintf("iterating over a string of more than %d characters is not followed by wsgidock", maxListLen),
				"A launcher script's strings are command-line words; build large data elsewhere.")
		}
		var out []value
		for i, r := range v.s {
			out = append(out, v.slice(i, i+utf8.RuneLen(r)))
		}
		return out, nil
	case *set:
		return nil, newDiag(CodeUnresolved, position(at), "the order of "+v.describe()+"'s items depends on hashing (randomised for strings each time Python starts), known only when the script runs",
			"Iterate over sorted(...) of the set, or use a list.")
	case *dict:
		if v.inherits {
			return nil, newDiag(CodeUnresolved, position(at), "the names in os.environ are known only when the script runs", subsetHelp)
		}
		return dictView(v, "keys", position(at)).(*list).items, nil
	case poisoned:
		return nil, errPoisoned
	}
	return nil, unsupported(at, "iterating over "+v.describe())
}

func (e *evaluator) dictDisplay(d *dictDisplay, at apacheconf.Position) (value, error) {
	out := newDict(at, false)
	for i, ent := range d.Entries {
		if ent.Splat != nil {
			v, err := e.expr(ent.Splat)
			if err != nil {
				return nil, err
			}
			m, ok := v.(*dict)
			if !ok {
				return nil, runtimeError(position(ent.Pos), "** needs a mapping, not "+v.describe(), "Unpack a dict or os.environ.")
			}
			if m.inherits && i > 0 {
				return nil, unsupported(ent.Pos, "unpacking an environment after other entries")
			}
			out.inherits = out.inherits || m.inherits
			for k, p := range m.unset {
				out.unsetAt(k, p)
			}
			for _, k := range m.keys {
				out.set(k, m.vals[k], m.keyPos[k])
			}
			continue
		}
		if ent.Value == nil {
			if i == 0 {
				return e.setDisplay(d, at)
			}
			return nil, newDiag(CodeSyntax, position(ent.Pos), "invalid syntax: a dict display with an entry without a value", "Give every entry a key and a value.")
		}
		k, err := e.expr(ent.Key)
		if err != nil {
			return nil, err
		}
		ks, err := e.dictKey(k, ent.Key.Pos)
		if err != nil {
			return nil, err
		}
		v, err := e.expr(ent.Value)
		if err != nil {
			return nil, err
		}
		out.set(ks.s, v, ks.at)
		out.setOrig(ks.s, k)
	}
	return out, nil
}

// setDisplay is {a, b, ...}.
func (e *evaluator) setDisplay(d *dictDisplay, at apacheconf.Position) (value, error) {
	out := &set{at: at}
	for _, ent := range d.Entries {
		if ent.Value != nil || ent.Splat != nil {
			return nil, newDiag(CodeSyntax, position(ent.Pos), "invalid syntax: a set display with a key: value entry", "Write a set as {a, b} and a dict as {k: v}.")
		}
		v, err := e.expr(ent.Key)
		if err != nil {
			return nil, err
		}
		if err := e.setAdd(out, v, ent.Key.Pos); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// strings evaluates adjacent string literals, f-strings included.
func (e *evaluator) strings(toks []strToken) (value, error) {
	if len(toks) == 1 {
		if s, ok := plainStr(toks[0].Tok, e.arena); ok {
			return s, nil
		}
	}
	var out *str
	var bytesTok, textTok bool
	for _, st := range toks {
		tok := st.Tok
		lit, err := decodeLiteral(tok)
		if err != nil {
			return nil, err
		}
		if lit.bytes {
			bytesTok = true
		} else {
			textTok = true
		}
		if bytesTok && textTok {
			return nil, newDiag(CodeSyntax, position(tok.Pos), "cannot mix bytes and nonbytes literals", "Write str literals only.")
		}
		if lit.bytes {
			continue
		}
		for _, part := range lit.parts {
			s := part.text
			if part.field != nil {
				if s, err = e.field(part.field); err != nil {
					return nil, err
				}
			}
			if out == nil {
				out = &str{s: s.s, at: position(tok.Pos), spans: s.spans, base: s.base}
			} else {
				out = concat(out, s)
			}
		}
	}
	if bytesTok {
		return &bytesValue{at: position(toks[0].Tok.Pos)}, nil
	}
	return out, nil
}

// field evaluates an f-string replacement field; its value must be
// static.
func (e *evaluator) field(f *replField) (*str, error) {
	toks, err := tokenize(f.at.Filename, []byte(f.src), f.at.Line, f.at.Column, true)
	if err != nil {
		return nil, syntaxDiag(e.file, err)
	}
	toks = append(toks, lexer.EOFToken(lexer.Position{Filename: f.at.Filename, Line: f.at.Line, Column: f.at.Column + len(f.src)}))
	tree, err := parseField(toks)
	if err != nil {
		return nil, syntaxDiag(e.file, err)
	}
	if f.selfDoc {
		return nil, newDiag(CodeUnsupported, f.brace, "the f-string field {expr=} is not followed by wsgidock", subsetHelp)
	}
	spec := f.spec
	if strings.ContainsAny(spec, "{}") {
		if spec, err = e.nestedSpec(f); err != nil {
			return nil, err
		}
	}
	var v value
	if len(tree.Items) == 1 && !tree.Comma && !tree.Items[0].Star {
		v, err = e.expr(tree.Items[0].Value)
	} else {
		v, err = e.display(tree, true)
	}
	if err != nil {
		return nil, err
	}
	switch f.conv {
	case 's':
		if v, err = e.strOf(v, f.brace, "an f-string field"); err != nil {
			return nil, err
		}
	case 'r', 'a':
		r, ok, err := e.reprText(v, f.brace)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, newDiag(CodeUnsupported, f.brace, "the repr of "+v.describe()+" in an f-string is not followed by wsgidock", subsetHelp)
		}
		if f.conv == 'a' {
			r = strconv.QuoteToASCII(r)
			r = r[1 : len(r)-1]
		}
		v = newStr(r, f.brace)
	}
	return e.formatValue(v, spec, f.brace)
}

// nestedSpec is an f-string field's format spec with the fields inside it
// (f'{v:>{width}}') evaluated and formatted in.
func (e *evaluator) nestedSpec(f *replField) (string, error) {
	var b strings.Builder
	spec := f.spec
	for k := 0; k < len(spec); {
		if spec[k] != '{' {
			if spec[k] == '}' {
				return "", newDiag(CodeSyntax, f.brace, "f-string: single '}' is not allowed", "Balance the braces of the format spec.")
			}
			b.WriteByte(spec[k])
			k++
			continue
		}
		end := strings.IndexByte(spec[k:], '}')
		if end < 0 || strings.IndexByte(spec[k+1:k+end], '{') >= 0 {
			return "", newDiag(CodeUnsupported, f.brace, "f-string fields nested more than two deep are not followed by wsgidock", subsetHelp)
		}
		inner := &replField{src: spec[k+1 : k+end], at: f.brace, brace: f.brace}
		if i := strings.LastIndexByte(inner.src, '!'); i >= 0 && i == len(inner.src)-2 && strings.IndexByte("sra", inner.src[i+1]) >= 0 {
			inner.conv, inner.src = inner.src[i+1], inner.src[:i]
		}
		v, err := e.field(inner)
		if err != nil {
			return "", err
		}
		b.WriteString(v.s)
		k += end + 1
	}
	return b.String(), nil
}

// needStr checks that v is a str, with a diagnostic that says what it
// is otherwise.
func (e *evaluator) needStr(v value, at lexer.Position, what string) (*str, error) {
	switch v := v.(type) {
	case *str:
		return v, nil
	case *pathValue:
		return pathStr(v, position(at)), nil
	case *none:
		return nil, newDiag(CodeUnresolved, v.at, what+" is None: "+v.why,
			"Set the variable in the environment wsgidock reads the script with, or give the lookup a default: os.environ.get('NAME', 'default').")
	case poisoned:
		return nil, errPoisoned
	case *opaque:
		return nil, newDiag(CodeUnresolved, position(at), what+" is "+v.what+", which is known only when the script runs", subsetHelp)
	case *bytesValue:
		return nil, newDiag(CodeUnsupported, v.at, what+" is a bytes literal (b'...'); wsgidock reads str values only",
			"Write a str literal: drop the b prefix.")
	}
	return nil, runtimeError(position(at), what+" must be a str, not "+v.describe(), "Use a string here.")
}
