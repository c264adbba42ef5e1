package importscript

import (
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// template is a string.Template of the script.
type template struct {
	s *str
}

func (*template) describe() string { return "a string.Template" }

func stringTemplate(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("Template", args, at, 1, 1); err != nil {
		return nil, err
	}
	s, err := e.needStr(args.pos[0], args.posAt[0], "the template")
	if err != nil {
		return nil, err
	}
	return &template{s: s}, nil
}

// substitute is Template.substitute and safe_substitute: $$ is $,
// $name and ${name} the mapping's or the keywords' values (keywords win).
func (e *evaluator) substitute(t *template, safe bool, args *arguments, at lexer.Position) (value, error) {
	name := "substitute"
	if safe {
		name = "safe_substitute"
	}
	if len(args.pos) > 1 {
		return nil, runtimeError(position(at), name+"() takes one mapping: Python stops with TypeError", "Pass a dict or keywords.")
	}
	lookup := func(key string) (value, bool) {
		if v, _, ok := args.keyword(key); ok {
			return v, true
		}
		if args.view != nil {
			return e.viewGet(args.view, key, position(args.viewAt))
		}
		if len(args.pos) == 1 {
			switch d := args.pos[0].(type) {
			case *dict:
				v, ok := d.vals[key]
				return v, ok
			case *scopeView:
				return e.viewGet(d, key, position(args.posAt[0]))
			}
		}
		return nil, false
	}
	if len(args.pos) == 1 {
		_, isView := args.pos[0].(*scopeView)
		if d, ok := args.pos[0].(*dict); !isView && (!ok || d.inherits) {
			if _, bad := args.pos[0].(poisoned); bad {
				return nil, errPoisoned
			}
			return nil, unsupported(args.posAt[0], name+"() with "+args.pos[0].describe())
		}
	}
	s := t.s.s
	b := &strBuilder{at: t.s.at, e: e}
	isStart := func(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	isPart := func(c byte) bool { return isStart(c) || c >= '0' && c <= '9' }
	for i := 0; i < len(s); {
		if s[i] != '$' {
			j := i
			for j < len(s) && s[j] != '$' {
				j++
			}
			b.str(t.s.slice(i, j))
			i = j
			continue
		}
		start := i
		i++
		var key string
		end := i
		switch {
		case i < len(s) && s[i] == '$':
			b.str(t.s.slice(i, i+1))
			i++
			continue
		case i < len(s) && isStart(s[i]):
			for end < len(s) && isPart(s[end]) {
				end++
			}
			key = s[i:end]
		case i < len(s) && s[i] == '{':
			k := i + 1
			if k < len(s) && isStart(s[k]) {
				for k < len(s) && isPart(s[k]) {
					k++
				}
			}
			if k < len(s) && s[k] == '}' && k > i+1 {
				key, end = s[i+1:k], k+1
			}
		}
		if key == "" {
			if safe {
				b.str(t.s.slice(start, start+1))
				continue
			}
			return nil, runtimeError(t.s.posAt(start), "Invalid placeholder in string: Python stops with ValueError", "Write $$ for a $, or $name.")
		}
		v, ok := lookup(key)
		if !ok {
			if safe {
				b.str(t.s.slice(start, end))
				i = end
				continue
			}
			return nil, runtimeError(t.s.posAt(start), "the template's key "+pyRepr(key)+" has no value: Python stops with KeyError", "Give substitute() a value for every placeholder.")
		}
		text, err := e.strOf(v, t.s.posAt(start), "a template placeholder")
		if err != nil {
			return nil, err
		}
		b.str(text)
		i = end
	}
	return b.done()
}

// versionInfo is sys.version_info: launchers run under Python 3, so its
// major version is known; the rest depends on the interpreter.
type versionInfo struct {
	at apacheconf.Position
}

func (*versionInfo) describe() string { return "sys.version_info" }

// versionOrder compares sys.version_info with a tuple of integers where
// the major version 3 decides, or the tuple is (3,) or (3, 0), which any
// Python 3 version_info (five items) is past.
func versionOrder(a, b value) (int, bool) {
	if _, ok := a.(*versionInfo); !ok {
		return 0, false
	}
	t, ok := b.(*list)
	if !ok || !t.tuple {
		return 0, false
	}
	if len(t.items) == 0 {
		return 1, true
	}
	major, ok := intOf(t.items[0])
	if !ok {
		return 0, false
	}
	if major != 3 {
		return cmpInt(3, major), true
	}
	if len(t.items) == 1 {
		return 1, true
	}
	if minor, ok := intOf(t.items[1]); ok && minor == 0 && len(t.items) == 2 {
		return 1, true
	}
	return 0, false
}

func init() {
	helpers["string.Template"] = stringTemplate
	moduleAttrs["sys.version_info"] = func(_ *evaluator, at apacheconf.Position) value { return &versionInfo{at: at} }
}
