package importscript

import (
	"github.com/alecthomas/participle/v2/lexer"
)

// typeOf is type(v): the builtin type, as the function value that names
// it (str, int, ...), or the script's class of an instance.
func typeOf(v value) (value, bool) {
	name := ""
	switch v := v.(type) {
	case *instance:
		return v.cls, true
	case *str:
		name = "str"
	case *number:
		if _, ok := intOf(v); ok {
			name = "int"
		}
	case *float:
		name = "float"
	case *boolean:
		name = "bool"
	case *none:
		name = "NoneType"
	case *list:
		if v.nt != nil {
			return v.nt, true
		}
		name = "list"
		if v.tuple {
			name = "tuple"
		}
	case *dict:
		if !v.inherits {
			name = "dict"
		}
	case *set:
		name = "set"
		if v.frozen {
			name = "frozenset"
		}
	}
	if name == "" {
		return nil, false
	}
	return &function{name: name}, true
}

// builtinType is type(obj); type(name, bases, dict) makes a class at run
// time and is not followed.
func builtinType(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if len(args.pos) != 1 || len(args.kw) > 0 {
		return nil, unsupported(at, "type() with other than one argument")
	}
	v := args.pos[0]
	if _, bad := v.(poisoned); bad {
		return nil, errPoisoned
	}
	if t, ok := typeOf(v); ok {
		return t, nil
	}
	if isOpaque(v) {
		return nil, newDiag(CodeUnresolved, position(args.posAt[0]), "the type of "+v.describe()+" is known only when the script runs", subsetHelp)
	}
	return nil, unsupported(args.posAt[0], "type() of "+v.describe())
}

// identical is a is b where Python's answer does not depend on the
// interpreter: None, True and False are single objects, builtin types and
// functions too; lists, dicts, sets, classes, instances and functions of
// the script are the same object only when they are one value here; values
// of different types are never the same object. Whether two equal
// strings, numbers or tuples are one object depends on CPython's caches,
// and is not followed.
func identical(a, b value, at lexer.Position) (bool, error) {
	switch x := a.(type) {
	case *none:
		_, ok := b.(*none)
		return ok, nil
	case *boolean:
		if y, ok := b.(*boolean); ok {
			return x.v == y.v, nil
		}
	case *function:
		if y, ok := b.(*function); ok {
			return x.name == y.name, nil
		}
	case *list:
		if y, ok := b.(*list); ok && !x.tuple && !y.tuple {
			return x == y, nil
		}
	case *dict:
		if y, ok := b.(*dict); ok {
			return x == y, nil
		}
	case *set:
		if y, ok := b.(*set); ok && !x.frozen && !y.frozen {
			return x == y, nil
		}
	case *class:
		if y, ok := b.(*class); ok {
			return x == y, nil
		}
	case *instance:
		if y, ok := b.(*instance); ok {
			return x == y, nil
		}
	case *userFunc:
		if y, ok := b.(*userFunc); ok {
			return x == y, nil
		}
	}
	if isOpaque(a) || isOpaque(b) {
		return false, unsupported(at, "`is` with a value known only when the script runs")
	}
	ta, okA := typeOf(a)
	tb, okB := typeOf(b)
	if okA && okB {
		if fa, ok := ta.(*function); ok {
			if fb, ok := tb.(*function); ok && fa.name != fb.name {
				return false, nil
			}
		}
		if ca, ok := ta.(*class); ok {
			if cb, ok := tb.(*class); ok && ca != cb {
				return false, nil
			}
		}
		_, fa := ta.(*function)
		_, fb := tb.(*function)
		if fa != fb {
			return false, nil
		}
	}
	return false, unsupported(at, "`is` between "+a.describe()+" and "+b.describe()+" (whether they are one object depends on the interpreter)")
}

// definesEq says whether v is an object of the script's class with its
// own __eq__, which == would call.
func definesEq(v value) bool {
	obj, ok := v.(*instance)
	if !ok {
		return false
	}
	_, _, custom := obj.cls.find("__eq__")
	return custom
}

func init() {
	helpers["type"] = builtinType
	builtins["type"] = true
}
