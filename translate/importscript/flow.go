package importscript

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// Bounds on the work one script may make the evaluator do: loops run over
// known sequences and functions are called with known arguments, but a
// hostile script can still nest them.
const (
	maxSteps = 100000  // statements and loop iterations in all
	maxDepth = 32      // nested calls of the script's own functions
	maxMade  = 4 << 20 // bytes of strings built by operations, in all
	maxItems = 1 << 20 // items of lists built by operations, in all
)

// charge counts n bytes of a string an operation built; past maxMade the
// script is refused, so that loops cannot make the evaluator hold more
// than a bounded amount of text (each byte also keeps its position).
func (e *evaluator) charge(n int, at lexer.Position) error {
	e.made += n
	if e.made > maxMade {
		if e.exhausted {
			return errPoisoned
		}
		e.exhausted = true
		return newDiag(CodeUnsupported, position(at), fmt.Sprintf("the script builds more than %d bytes of strings in all; wsgidock stops reading it here", maxMade),
			"A launcher script's strings are command-line words; build large data elsewhere.")
	}
	return nil
}

// chargeItems counts n items of a list an operation built (range,
// repetition, concatenation, copies, comprehensions); past maxItems the
// script is refused, so that loops that keep lists cannot exhaust memory.
func (e *evaluator) chargeItems(n int, at lexer.Position) error {
	e.items += n
	if e.items > maxItems {
		if e.exhausted {
			return errPoisoned
		}
		e.exhausted = true
		return newDiag(CodeUnsupported, position(at), fmt.Sprintf("the script builds more than %d list items in all; wsgidock stops reading it here", maxItems),
			"A launcher script's lists are command lines; build large data elsewhere.")
	}
	return nil
}

// control is how a block was left other than by running to its end.
type control int

const (
	ctlNone control = iota
	ctlReturn
	ctlBreak
	ctlContinue
)

// userFunc is a function the script defines, with its defaults evaluated
// where the def statement ran, as Python does.
type userFunc struct {
	def      *funcDef
	defaults map[*param]value
	closure  *frame // the scope it was defined in; nil at the top level
	owner    *class // the class whose body defined it, for super()
	kind     string // "", or the decorator: "staticmethod", "classmethod", "property"
	alias    string // the __name__ functools.wraps gave it
}

func (f *userFunc) describe() string { return "the function " + f.def.Name }

// name is the function's __name__.
func (f *userFunc) name() string {
	if f.alias != "" {
		return f.alias
	}
	return f.def.Name
}

// step counts one statement or iteration; past maxSteps the script is
// refused.
func (e *evaluator) step(at lexer.Position) error {
	e.steps++
	if e.steps > maxSteps {
		if !e.exhausted {
			e.exhausted = true
			return newDiag(CodeUnsupported, position(at), fmt.Sprintf("the script runs more than %d statements and loop iterations; wsgidock stops reading it here", maxSteps),
				"A launcher script builds one command line; move long computations out of it.")
		}
		return errPoisoned
	}
	return nil
}

// frame is the local scope of a running function, class body or
// comprehension.
type frame struct {
	vars      map[string]value
	outer     *frame          // the enclosing function's scope: closures, comprehensions
	globals   map[string]bool // names declared global
	nonlocals map[string]bool // names declared nonlocal
	cls       *class          // set for a class body, whose names functions defined in it do not see
	fn        *userFunc       // the function this frame runs, for super()
}

// work counts a search through n items as steps (one per 256 items), so
// that loops of searches in long lists stay bounded in time.
func (e *evaluator) work(n int, at lexer.Position) error {
	for range n / 256 {
		if err := e.step(at); err != nil {
			return err
		}
	}
	return nil
}

// lookup finds a name in the running scope, the scopes around it, then
// the script's globals.
func (e *evaluator) lookup(name string) (value, bool) {
	if n := len(e.frames); n > 0 {
		f := e.frames[n-1]
		if !f.globals[name] {
			for s := f; s != nil; s = s.outer {
				if v, ok := s.vars[name]; ok {
					return v, true
				}
			}
		}
	}
	v, ok := e.names[name]
	return v, ok
}

// setName binds a name in the running scope, or where global or
// nonlocal says.
func (e *evaluator) setName(name string, v value) {
	if n := len(e.frames); n > 0 {
		f := e.frames[n-1]
		switch {
		case f.globals[name]:
		case f.nonlocals[name]:
			for s := f.outer; s != nil; s = s.outer {
				if _, ok := s.vars[name]; ok {
					s.vars[name] = v
					return
				}
			}
		default:
			f.vars[name] = v
			return
		}
	}
	e.names[name] = v
}

// delName removes a binding, as del does.
func (e *evaluator) delName(name string) bool {
	if n := len(e.frames); n > 0 {
		f := e.frames[n-1]
		if !f.globals[name] {
			if _, ok := f.vars[name]; ok {
				delete(f.vars, name)
				return true
			}
			if !f.nonlocals[name] {
				return false
			}
		}
	}
	_, ok := e.names[name]
	delete(e.names, name)
	return ok
}

// scope is the frame a def or lambda closes over: the running function's,
// never a class body's.
func (e *evaluator) scope() *frame {
	if n := len(e.frames); n > 0 {
		f := e.frames[n-1]
		for f != nil && f.cls != nil {
			f = f.outer
		}
		return f
	}
	return nil
}

// suite runs the body of a compound statement.
func (e *evaluator) suite(s *suite) {
	if s == nil {
		return
	}
	if s.Simple != nil {
		e.simple(s.Simple)
		return
	}
	e.block(s.Block)
}

// simple runs a line of simple statements.
func (e *evaluator) simple(l *simpleLine) {
	for _, small := range l.Stmts {
		if e.stopped || e.ctl != ctlNone || e.exhausted {
			if e.stopped {
				e.unreachable(small.Pos)
			}
			return
		}
		e.report(e.smallStmt(small))
	}
}

// ifStmt runs the branch whose test is true. A test that is the main
// guard is false under mod_wsgi, and says so.
func (e *evaluator) ifStmt(s *ifStmt) error {
	tests := []*expr{s.Test}
	bodies := []*suite{s.Body}
	for _, el := range s.Elifs {
		tests = append(tests, el.Test)
		bodies = append(bodies, el.Body)
	}
	for i, test := range tests {
		if isMainGuard(test) {
			at := position(s.Pos)
			if i > 0 {
				at = position(s.Elifs[i-1].Pos)
			}
			if !e.guard.IsValid() {
				e.guard = at
			}
			e.warn(CodeMainGuard, at, "this block never runs under mod_wsgi",
				"mod_wsgi imports the script as a module named _mod_wsgi_<hash of its path>, so __name__ is never '__main__' there. "+
					"Move the code out of the block if Apache should run it.")
			continue
		}
		v, err := e.expr(test)
		if err != nil {
			e.skipped = true
			return err
		}
		t, err := e.truth(v, test.Pos)
		if err != nil {
			e.skipped = true
			return err
		}
		if t {
			e.suite(bodies[i])
			return nil
		}
	}
	e.suite(s.Else)
	return nil
}

// forStmt runs the body once for each item of a known sequence.
func (e *evaluator) forStmt(s *forStmt) error {
	seq, err := e.exprList(s.Iter)
	if err != nil {
		e.skipped = true
		return err
	}
	items, err := e.iterable(seq, s.Iter.Pos)
	if err != nil {
		e.skipped = true
		return err
	}
	items = append([]value(nil), items...) // the body may change the list
	for _, it := range items {
		if err := e.step(s.Pos); err != nil {
			return err
		}
		if err := e.assignList(s.Targets, it); err != nil {
			return err
		}
		before := len(e.diags)
		e.suite(s.Body)
		if e.stopped || e.exhausted || e.ctl == ctlReturn {
			return nil
		}
		if e.diags[before:].HasErrors() {
			// Python would have stopped, or wsgidock cannot know what the
			// next iterations do: one report is enough.
			e.ctl = ctlNone
			e.skipped = true
			return nil
		}
		if e.ctl == ctlBreak {
			e.ctl = ctlNone
			return nil
		}
		e.ctl = ctlNone
	}
	e.suite(s.Else)
	return nil
}

// tryStmt runs the body, as Python does when nothing raises: what the
// except clauses would do depends on a failure at run time, so they are
// not run; else and finally are.
func (e *evaluator) tryStmt(s *tryStmt) {
	before := len(e.diags)
	e.suite(s.Body)
	failed := false
	for _, d := range e.diags[before:] {
		failed = failed || d.Severity == apacheconf.SeverityError
	}
	if !e.stopped && !failed && e.ctl == ctlNone {
		e.suite(s.Else)
	}
	if !e.stopped && s.Finally != nil {
		saved := e.ctl
		e.ctl = ctlNone
		e.suite(s.Finally)
		if e.ctl == ctlNone {
			e.ctl = saved
		}
	}
}

// defStmt binds a function, evaluating its defaults now.
func (e *evaluator) defStmt(d *funcDef) error {
	decorators := e.takeDecorators()
	f, err := e.function(d)
	if err != nil {
		e.setName(d.Name, poisoned{})
		return err
	}
	v, err := e.decorate(f, decorators, d.Pos)
	if err != nil {
		e.setName(d.Name, poisoned{})
		if err == errPoisoned {
			return nil
		}
		return err
	}
	e.setName(d.Name, v)
	return nil
}

// function makes a def's or a lambda's function, its defaults evaluated
// now.
func (e *evaluator) function(d *funcDef) (*userFunc, error) {
	f := &userFunc{def: d, defaults: map[*param]value{}, closure: e.scope()}
	if n := len(e.frames); n > 0 {
		f.owner = e.frames[n-1].cls
	}
	for _, pa := range d.Params {
		if pa.Default == nil {
			continue
		}
		v, err := e.expr(pa.Default)
		if err != nil {
			return nil, err
		}
		f.defaults[pa] = v
	}
	return f, nil
}

// callUser calls a function of the script: its parameters bound the way
// Python binds them, its body run in a frame of its own.
func (e *evaluator) callUser(f *userFunc, args *arguments, at lexer.Position) (value, error) {
	if len(e.frames) >= maxDepth {
		return nil, newDiag(CodeUnsupported, position(at), fmt.Sprintf("calls nest deeper than %d; wsgidock stops reading here", maxDepth),
			"A launcher script's functions call each other a few times at most; recursion is not followed.")
	}
	vars, err := e.bindParams(f, args, at)
	if err != nil {
		return nil, err
	}
	e.frames = append(e.frames, &frame{vars: vars, outer: f.closure, fn: f})
	savedSkipped := e.skipped
	// Decorators evaluated before a def wait for it; the defs of a body
	// run meanwhile (a decorator factory's) have their own.
	pending := e.decorators
	e.decorators = nil
	e.suite(f.def.Body)
	e.decorators = pending
	e.frames = e.frames[:len(e.frames)-1]
	ret := e.ret
	e.ret = nil
	if e.ctl == ctlBreak || e.ctl == ctlContinue {
		e.ctl = ctlNone
		return nil, newDiag(CodeSyntax, position(f.def.Pos), "'break' or 'continue' outside loop", "Use them inside a for loop only.")
	}
	e.ctl = ctlNone
	if e.skipped && !savedSkipped {
		// Something in the body was not followed: what it returns is not
		// known either.
		return nil, errPoisoned
	}
	if ret == nil {
		return &none{at: position(at), why: f.def.Name + "() returns None"}, nil
	}
	return ret, nil
}

// bindParams matches arguments to a def's parameters: positional ones in
// order, then keywords, then defaults, the rest into *args and **kwargs.
func (e *evaluator) bindParams(f *userFunc, args *arguments, at lexer.Position) (map[string]value, error) {
	name := f.def.Name
	frame := map[string]value{}
	typeErr := func(what string) error {
		return runtimeError(position(at), name+"() "+what+": Python stops with TypeError", "Call the function with the arguments its def line takes.")
	}
	var positional []*param
	var star, starStar *param
	kwOnly := false
	for _, pa := range f.def.Params {
		switch {
		case pa.Slash:
		case pa.StarStar:
			starStar = pa
		case pa.Star:
			kwOnly = true
			if pa.Name != "" {
				star = pa
			}
		case !kwOnly:
			positional = append(positional, pa)
		}
	}
	pos := args.pos
	for i, pa := range positional {
		if i < len(pos) {
			frame[pa.Name] = pos[i]
		}
	}
	if len(pos) > len(positional) {
		if star == nil {
			return nil, typeErr(fmt.Sprintf("takes %d positional arguments but %d were given", len(positional), len(pos)))
		}
		frame[star.Name] = &list{items: append([]value(nil), pos[len(positional):]...), tuple: true, at: position(at)}
	} else if star != nil {
		frame[star.Name] = &list{tuple: true, at: position(at)}
	}
	var extra *dict
	if starStar != nil {
		extra = newDict(position(at), false)
		frame[starStar.Name] = extra
	}
	for _, k := range args.kw {
		var target *param
		for _, pa := range f.def.Params {
			if pa.Name == k.name && !pa.Star && !pa.StarStar {
				target = pa
			}
		}
		switch {
		case target == nil && extra != nil:
			extra.set(k.name, k.v, position(k.at))
		case target == nil:
			return nil, typeErr("got an unexpected keyword argument " + pyRepr(k.name))
		default:
			if _, dup := frame[target.Name]; dup {
				return nil, typeErr("got multiple values for argument " + pyRepr(k.name))
			}
			frame[target.Name] = k.v
		}
	}
	for _, pa := range f.def.Params {
		if pa.Name == "" || pa.Star || pa.StarStar {
			continue
		}
		if _, ok := frame[pa.Name]; ok {
			continue
		}
		if d, ok := f.defaults[pa]; ok {
			frame[pa.Name] = d
			continue
		}
		return nil, typeErr("missing a required argument: " + pyRepr(pa.Name))
	}
	return frame, nil
}
