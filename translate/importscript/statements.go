package importscript

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// maxCommands bounds the programs one script may start: a launcher starts
// one, after a few setup commands.
const maxCommands = 1000

// whileStmt runs the body while the test is true, within the step bound.
func (e *evaluator) whileStmt(s *whileStmt) error {
	for {
		if err := e.step(s.Pos); err != nil {
			return err
		}
		v, err := e.expr(s.Test)
		if err != nil {
			e.skipped = true
			return err
		}
		t, err := e.truth(v, s.Test.Pos)
		if err != nil {
			e.skipped = true
			return err
		}
		if !t {
			break
		}
		before := len(e.diags)
		e.suite(s.Body)
		if e.stopped || e.exhausted || e.ctl == ctlReturn {
			return nil
		}
		if e.diags[before:].HasErrors() {
			e.ctl = ctlNone
			e.skipped = true
			return nil
		}
		if len(e.cmds) > maxCommands {
			e.skipped = true
			return newDiag(CodeUnsupported, position(s.Pos), fmt.Sprintf("the loop starts more than %d programs; wsgidock stops reading it here", maxCommands),
				"A launcher script starts one program; wsgidock restarts it when it exits, so a loop that restarts it is not needed.")
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

// contextManager is what a with statement can enter: contextlib.suppress
// (its body runs; what it would swallow is a failure at run time, which
// wsgidock reports anyway) and a file object for os.devnull.
type contextManager struct {
	what string
	at   apacheconf.Position
}

func (c *contextManager) describe() string { return c.what }

// withStmt enters each item, runs the body, and leaves them: a Popen
// object is waited for when its block ends, as Popen.__exit__ does.
func (e *evaluator) withStmt(s *withStmt) error {
	var waits []*process
	for _, it := range s.Items {
		v, err := e.expr(it.Expr)
		if err != nil {
			e.skipped = true
			e.poisonTarget(it.Target)
			return err
		}
		var entered value
		switch v := v.(type) {
		case *contextManager:
			entered = v
			if v.what == "contextlib.suppress" {
				entered = &none{at: v.at, why: "contextlib.suppress() gives None to `as`"}
			}
		case *process:
			entered = v
			waits = append(waits, v)
		case poisoned:
			e.poisonTarget(it.Target)
			return errPoisoned
		default:
			e.skipped = true
			e.poisonTarget(it.Target)
			return unsupported(it.Pos, "a `with` statement over "+v.describe())
		}
		if it.Target != nil {
			if err := e.assign(it.Target, entered); err != nil {
				return err
			}
		}
	}
	e.suite(s.Body)
	for _, p := range waits {
		p.cmd.Background = false
	}
	return nil
}

// poisonTarget marks the name a failed with item would have bound.
func (e *evaluator) poisonTarget(t *expr) {
	if t == nil {
		return
	}
	if p := asPrimary(t); p != nil && len(p.Trailers) == 0 && p.Atom.Name != "" {
		e.setName(p.Atom.Name, poisoned{})
	}
}

// namesStmt is global and nonlocal.
func (e *evaluator) namesStmt(s *smallStmt) error {
	n := len(e.frames)
	if n == 0 {
		if s.Names.Keyword == "nonlocal" {
			return newDiag(CodeSyntax, position(s.Pos), "nonlocal declaration not allowed at module level", "Use nonlocal inside a nested def only.")
		}
		return nil
	}
	f := e.frames[n-1]
	for _, name := range s.Names.Names {
		if s.Names.Keyword == "global" {
			if f.globals == nil {
				f.globals = map[string]bool{}
			}
			f.globals[name] = true
			continue
		}
		if f.nonlocals == nil {
			f.nonlocals = map[string]bool{}
		}
		f.nonlocals[name] = true
	}
	return nil
}

// assertStmt stops the script, as Python does, when the test is false.
func (e *evaluator) assertStmt(s *smallStmt) error {
	v, err := e.expr(s.Assert.Test)
	if err != nil {
		return err
	}
	t, err := e.truth(v, s.Assert.Test.Pos)
	if err != nil {
		return err
	}
	if t {
		return nil
	}
	msg := ""
	if s.Assert.Msg != nil {
		m, err := e.expr(s.Assert.Msg)
		if err != nil {
			return err
		}
		if ms, err := e.strOf(m, position(s.Assert.Msg.Pos), "the message of assert"); err == nil {
			msg = ": " + ms.s
		}
	}
	return runtimeError(position(s.Pos), "the assertion fails: Python stops with AssertionError"+msg, "Make the condition true, or remove the assert.")
}

// delStmt removes names, dict keys, list items and attributes.
func (e *evaluator) delStmt(l *exprList) error {
	for _, t := range l.Items {
		p := asPrimary(t)
		if p == nil || t.Star {
			return newDiag(CodeSyntax, position(t.Pos), "cannot delete this expression", "Delete a name, an item or an attribute.")
		}
		if len(p.Trailers) == 0 {
			switch {
			case p.Atom.Name != "":
				if !e.delName(p.Atom.Name) {
					return runtimeError(position(t.Pos), fmt.Sprintf("name %s is not defined: Python stops with NameError", pyRepr(p.Atom.Name)), "Delete a name the script has bound.")
				}
			case p.Atom.Paren != nil || p.Atom.List != nil:
				d := p.Atom.Paren
				if d == nil {
					d = p.Atom.List
				}
				var xs []*expr
				for _, it := range d.Items {
					xs = append(xs, it.Value)
				}
				if err := e.delStmt(&exprList{Pos: t.Pos, Items: xs}); err != nil {
					return err
				}
			default:
				return newDiag(CodeSyntax, position(t.Pos), "cannot delete this expression", "Delete a name, an item or an attribute.")
			}
			continue
		}
		last := p.Trailers[len(p.Trailers)-1]
		if last.Call != nil {
			return newDiag(CodeSyntax, position(t.Pos), "cannot delete function call", "Delete a name, an item or an attribute.")
		}
		recv, err := e.primaryUpTo(p, len(p.Trailers)-1)
		if err != nil {
			return err
		}
		switch r := recv.(type) {
		case *instance:
			if last.Attr == "" {
				break
			}
			if _, ok := r.attrs[last.Attr]; !ok {
				return runtimeError(position(last.Pos), r.describe()+" has no attribute "+pyRepr(last.Attr)+" of its own: Python stops with AttributeError", "Delete an attribute the object has.")
			}
			delete(r.attrs, last.Attr)
			continue
		case *dict:
			if last.Index == nil {
				break
			}
			k, _, err := e.key(r, last.Index)
			if err != nil {
				return err
			}
			if _, ok := r.vals[k.s]; !ok {
				if _, set := e.inherited(r, k.s); set {
					e.unsetInherited(r, k.s, t.Pos)
					continue
				}
				return runtimeError(position(last.Pos), "the mapping has no key "+r.keyRepr(k.s)+": Python stops with KeyError", "Delete a key the mapping has.")
			}
			r.remove(k.s)
			e.unsetInherited(r, k.s, t.Pos)
			continue
		case *list:
			if last.Index != nil && !r.tuple && last.Index.Slice {
				if err := e.deleteSlice(r, last.Index, last.Pos); err != nil {
					return err
				}
				continue
			}
			if last.Index == nil || r.tuple || last.Index.Slice || len(last.Index.Rest) > 0 || last.Index.Index == nil {
				break
			}
			i, err := e.listIndex(r, last.Index)
			if err != nil {
				return err
			}
			r.items = append(r.items[:i:i], r.items[i+1:]...)
			continue
		case poisoned:
			return errPoisoned
		}
		return unsupported(t.Pos, "deleting from "+recv.describe())
	}
	return nil
}

// listIndex is the position an integer subscript names in a list.
func (e *evaluator) listIndex(l *list, sub *subscript) (int, error) {
	iv, err := e.expr(sub.Index)
	if err != nil {
		return 0, err
	}
	i, ok := intOf(iv)
	if !ok {
		if _, bad := iv.(poisoned); bad {
			return 0, errPoisoned
		}
		return 0, runtimeError(position(sub.Pos), "list indices must be integers, not "+iv.describe()+": Python stops with TypeError", "Index with an integer.")
	}
	n := int64(len(l.items))
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return 0, runtimeError(position(sub.Pos), "list index out of range: Python stops with IndexError", "Use an index the list has.")
	}
	return int(i), nil
}

// updateDict is d.update(src) for a dict or a sequence of pairs.
func (e *evaluator) updateDict(d *dict, src value, at lexer.Position) error {
	switch s := src.(type) {
	case *dict:
		if s.inherits {
			return unsupported(at, "update() from an environment mapping")
		}
		for _, k := range s.keys {
			if _, nonStr := s.orig[k]; nonStr && d.inherits {
				return runtimeError(position(at), "an environment variable's name must be a str, not "+s.orig[k].describe()+": Python stops with TypeError", "Use string keys.")
			}
			if err := e.setEnvChecked(d, k, s.vals[k], s.keyPos[k], at); err != nil {
				return err
			}
			if o, ok := s.orig[k]; ok {
				d.setOrig(k, o)
			}
		}
		return nil
	case *list:
		for _, it := range s.items {
			pair, ok := it.(*list)
			if !ok || len(pair.items) != 2 {
				if _, bad := it.(poisoned); bad {
					return errPoisoned
				}
				return runtimeError(position(at), "a dict update item must be a pair, not "+it.describe()+": Python stops with ValueError or TypeError", "Give (key, value) pairs.")
			}
			k, err := e.dictKey(pair.items[0], at)
			if err != nil {
				return err
			}
			if d.inherits {
				if _, err := e.needStr(pair.items[0], at, "an environment variable's name"); err != nil {
					return err
				}
			}
			if err := e.setEnvChecked(d, k.s, pair.items[1], k.at, at); err != nil {
				return err
			}
			d.setOrig(k.s, pair.items[0])
		}
		return nil
	case poisoned:
		return errPoisoned
	}
	return unsupported(at, "update() from "+src.describe())
}

// dictKey is a dict's key as the dict keeps it (encodeKey); an
// unhashable one makes Python stop.
func (e *evaluator) dictKey(k value, at lexer.Position) (*str, error) {
	if enc, ok := encodeKey(k, position(at)); ok {
		return enc, nil
	}
	if _, ok := k.(*str); !ok {
		if _, bad := k.(poisoned); bad {
			return nil, errPoisoned
		}
		if !isOpaque(k) {
			return nil, runtimeError(position(at), "unhashable type: "+k.describe()+": Python stops with TypeError", "Use a string as the key.")
		}
	}
	return e.needStr(k, at, "a dict key")
}
