package importscript

import (
	"errors"
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// scopeView is what globals(), locals() and vars() return: the names of a
// scope as a mapping. Old launchers write '-p %(port)s:80' % locals() and
// '{image}'.format(**locals()); those read a name through it, which is
// followed. Iterating over one, or its length, is not: Python's module
// dict also holds what the importer put there (__builtins__, __spec__,
// __loader__, ...), in an order the reader does not keep.
type scopeView struct {
	what string // "globals()", "locals()", "vars()", "vars(obj)"
	// names is the scope itself for the module (globals() is live: a name
	// bound later is seen, an item set is a name bound) and an instance
	// (vars(obj) is its __dict__), and a copy for a function's locals(),
	// which CPython fills when locals() is called.
	names  map[string]value
	module bool // the module's globals: __name__ and __file__ are in it
	live   bool // setting an item binds the name
}

func (v *scopeView) describe() string { return "the mapping " + v.what + " returns" }

// viewGet is view[name]; at is where the lookup is written.
func (e *evaluator) viewGet(v *scopeView, name string, at apacheconf.Position) (value, bool) {
	if got, ok := v.names[name]; ok {
		return got, true
	}
	if v.module {
		switch name {
		case "__name__":
			return newStr(moduleName(e.file), at), true
		case "__file__":
			return newStr(e.file, at), true
		}
	}
	return nil, false
}

// builtinScope is globals(), locals() and vars(): the running scope's
// names, or vars(obj) of one of the script's instances.
func builtinScope(which string) func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
		max := 0
		if which == "vars" {
			max = 1
		}
		if err := arity(which, args, at, 0, max); err != nil {
			return nil, err
		}
		if len(args.pos) == 1 {
			switch o := args.pos[0].(type) {
			case *instance:
				return &scopeView{what: "vars(obj)", names: o.attrs, live: true}, nil
			case poisoned:
				return nil, errPoisoned
			}
			return nil, unsupported(args.posAt[0], "vars() of "+args.pos[0].describe())
		}
		n := len(e.frames)
		if which == "globals" || n == 0 {
			return &scopeView{what: which + "()", names: e.names, module: true, live: true}, nil
		}
		f := e.frames[n-1]
		names := make(map[string]value, len(f.vars))
		for k, v := range f.vars {
			names[k] = v
		}
		return &scopeView{what: which + "()", names: names}, nil
	}
}

// viewIndex is view[key].
func (e *evaluator) viewIndex(v *scopeView, k value, at lexer.Position) (value, error) {
	name, ok := k.(*str)
	if !ok {
		if _, bad := k.(poisoned); bad {
			return nil, errPoisoned
		}
		return nil, runtimeError(position(at), fmt.Sprintf("%s has no key %s: Python stops with KeyError", v.what, k.describe()), "Look up a name of the script.")
	}
	if got, ok := e.viewGet(v, name.s, position(at)); ok {
		return got, nil
	}
	return nil, e.viewMissing(v, name.s, at)
}

// viewMissing is the diagnostic for a name the view does not hold.
func (e *evaluator) viewMissing(v *scopeView, name string, at lexer.Position) error {
	if e.skipped {
		return errPoisoned // most likely bound by the statement skipped
	}
	if len(name) > 4 && name[:2] == "__" {
		return unsupported(at, "the name "+name+" in "+v.what)
	}
	if !v.module && v.what != "vars(obj)" {
		if _, outer := e.lookup(name); outer {
			// A free variable of the function is in its locals() only
			// when the function's own code uses it.
			return unsupported(at, "reading "+name+", a name of an enclosing scope, through "+v.what)
		}
	}
	return runtimeError(position(at), fmt.Sprintf("%s has no key %s: Python stops with KeyError", v.what, pyRepr(name)),
		"Assign the name before the line that formats it.")
}

// viewSet is view[key] = value: for globals() it binds the name.
func (e *evaluator) viewSet(v *scopeView, k, val value, at lexer.Position) error {
	name, ok := k.(*str)
	if !v.live || !ok {
		return unsupported(at, "setting an item of "+v.what)
	}
	v.names[name.s] = val
	return nil
}

// diagCode is the code of a diagnostic error, "" for any other error.
func diagCode(err error) string {
	var d apacheconf.Diagnostic
	if errors.As(err, &d) {
		return d.Code
	}
	return ""
}

// takesScope says f is str.format, bound or not, or a Template's
// substitute: the calls that take **globals() and friends (see
// scopeView), since they only look names up.
func takesScope(f value) bool {
	switch f := f.(type) {
	case *method:
		_, isStr := f.recv.(*str)
		_, isTemplate := f.recv.(*template)
		return isStr && f.name == "format" || isTemplate
	case *function:
		return f.name == "str.format"
	}
	return false
}
