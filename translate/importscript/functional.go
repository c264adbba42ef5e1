package importscript

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// The builtins that take functions (sorted's key, map, filter) or test
// values (any, all, isinstance), and the other small ones launchers use.
func init() {
	for name, fn := range map[string]func(e *evaluator, args *arguments, at lexer.Position) (value, error){
		"sorted":          builtinSorted,
		"any":             builtinAnyAll(false),
		"all":             builtinAnyAll(true),
		"sum":             builtinSum,
		"map":             builtinMap,
		"filter":          builtinFilter,
		"isinstance":      builtinIsinstance,
		"abs":             builtinAbs,
		"chr":             builtinChr,
		"ord":             builtinOrd,
		"hex":             builtinRadix("hex", 16, "0x"),
		"oct":             builtinRadix("oct", 8, "0o"),
		"bin":             builtinRadix("bin", 2, "0b"),
		"callable":        builtinCallable,
		"getattr":         builtinGetattr,
		"hasattr":         builtinHasattr,
		"setattr":         builtinSetattr,
		"super":           builtinSuper,
		"object.__init__": func(*evaluator, *arguments, lexer.Position) (value, error) { return &none{}, nil },
		"contextlib.suppress": func(_ *evaluator, _ *arguments, at lexer.Position) (value, error) {
			return &contextManager{what: "contextlib.suppress", at: position(at)}, nil
		},
		"open":            builtinOpen,
		"os.path.relpath": pathRelpath,
	} {
		helpers[name] = fn
		if !strings.Contains(name, ".") {
			builtins[name] = true
		}
	}
	for name, v := range map[string]value{
		"os.devnull":   newStr("/dev/null", apacheconf.Position{}),
		"os.sep":       newStr("/", apacheconf.Position{}),
		"os.pathsep":   newStr(":", apacheconf.Position{}),
		"os.curdir":    newStr(".", apacheconf.Position{}),
		"os.pardir":    newStr("..", apacheconf.Position{}),
		"os.linesep":   newStr("\n", apacheconf.Position{}),
		"os.name":      newStr("posix", apacheconf.Position{}),
		"os.P_WAIT":    &number{text: "0"},
		"os.P_NOWAIT":  &number{text: "1"},
		"os.P_NOWAITO": &number{text: "1"},
		"os.path.sep":  newStr("/", apacheconf.Position{}),
		"sys.platform": newStr("linux", apacheconf.Position{}),
	} {
		moduleAttrs[name] = func(_ *evaluator, at apacheconf.Position) value {
			if s, ok := v.(*str); ok {
				return newStr(s.s, at)
			}
			return &number{text: v.(*number).text, at: at}
		}
	}
}

// runtimeOnly is the diagnostic for a call whose result exists only when
// the script runs.
func runtimeOnly(name, why string, at lexer.Position) error {
	return newDiag(CodeUnresolved, position(at), name+"() is known only when the script runs: "+why,
		"wsgidock reads the script without running it. Write the value into the script, take it from an environment variable with a default, or run the script with --evaluate-launchers.")
}

// builtinOpen is open(os.devnull, ...), a file that changes nothing (as
// stdout= of a setup command); any other file is read at run time.
func builtinOpen(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if len(args.pos) > 0 {
		if s, ok := args.pos[0].(*str); ok && s.s == "/dev/null" {
			return &contextManager{what: "a file object for /dev/null", at: position(at)}, nil
		}
	}
	return nil, runtimeOnly("open", runtimeFuncs["open"], at)
}

// callFn calls a function value with positional arguments, for key=,
// map and filter.
func (e *evaluator) callFn(fn value, at lexer.Position, vals ...value) (value, error) {
	args := &arguments{pos: vals}
	for range vals {
		args.posAt = append(args.posAt, at)
	}
	return e.call(fn, args, at)
}

// sortValues sorts items as sorted(items, key=key, reverse=reverse) does:
// stably, by the keys when key is not None.
func (e *evaluator) sortValues(items []value, key value, reverse bool, at lexer.Position) ([]value, error) {
	keys := items
	if key != nil {
		if _, isNone := key.(*none); !isNone {
			keys = make([]value, len(items))
			for i, it := range items {
				k, err := e.callFn(key, at, it)
				if err != nil {
					return nil, err
				}
				keys[i] = k
			}
		}
	}
	less, failed, err := e.ordering(keys, at)
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		if reverse {
			return less(keys[idx[j]], keys[idx[i]])
		}
		return less(keys[idx[i]], keys[idx[j]])
	})
	if err := failed(); err != nil {
		return nil, err
	}
	out := make([]value, len(items))
	for i, j := range idx {
		out[i] = items[j]
	}
	return out, nil
}

// builtinSorted is sorted(iterable, key=None, reverse=False).
func builtinSorted(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("sorted", []string{"iterable", "key", "reverse"}, 1, 1, args, at)
	if err != nil {
		return nil, err
	}
	if len(args.pos) > 1 {
		return nil, runtimeError(position(at), "sorted expected 1 argument: Python stops with TypeError", "Pass key and reverse by keyword.")
	}
	items, err := e.unordered(vals[0], where[0])
	if err != nil {
		return nil, err
	}
	reverse := false
	if vals[2] != nil {
		if reverse, err = e.truth(vals[2], where[2]); err != nil {
			return nil, err
		}
	}
	out, err := e.sortValues(items, vals[1], reverse, at)
	if err != nil {
		return nil, err
	}
	return &list{items: out, at: position(at)}, nil
}

// listMethod is list.pop, remove, sort, reverse and clear.
func (e *evaluator) listMethod(l *list, name string, args *arguments, at lexer.Position) (value, error) {
	switch name {
	case "sort":
		if len(args.pos) > 0 {
			return nil, runtimeError(position(at), "sort() takes no positional arguments: Python stops with TypeError", "Pass key and reverse by keyword.")
		}
		vals, where, err := bind("sort", []string{"key", "reverse"}, 0, 0, args, at)
		if err != nil {
			return nil, err
		}
		reverse := false
		if vals[1] != nil {
			if reverse, err = e.truth(vals[1], where[1]); err != nil {
				return nil, err
			}
		}
		out, err := e.sortValues(l.items, vals[0], reverse, at)
		if err != nil {
			return nil, err
		}
		l.items = out
	case "reverse", "clear":
		if err := arity(name, args, at, 0, 0); err != nil {
			return nil, err
		}
		if name == "clear" {
			l.items = nil
			break
		}
		out := make([]value, len(l.items))
		for i, it := range l.items {
			out[len(out)-1-i] = it
		}
		l.items = out
	case "pop":
		if err := arity("pop", args, at, 0, 1); err != nil {
			return nil, err
		}
		i := int64(len(l.items) - 1)
		if len(args.pos) == 1 {
			n, ok := intOf(args.pos[0])
			if !ok {
				return nil, runtimeError(position(args.posAt[0]), "pop() index must be an integer: Python stops with TypeError", "Give an integer index.")
			}
			if i = n; i < 0 {
				i += int64(len(l.items))
			}
		}
		if len(l.items) == 0 || i < 0 || i >= int64(len(l.items)) {
			return nil, runtimeError(position(at), "pop index out of range, or pop from an empty list: Python stops with IndexError", "Pop from a list that has the item.")
		}
		v := l.items[i]
		l.items = append(l.items[:i:i], l.items[i+1:]...)
		return v, nil
	case "remove":
		if err := arity("remove", args, at, 1, 1); err != nil {
			return nil, err
		}
		for i, it := range l.items {
			eq, err := e.equal(args.pos[0], it, at)
			if err != nil {
				return nil, err
			}
			if eq {
				l.items = append(l.items[:i:i], l.items[i+1:]...)
				return &none{}, nil
			}
		}
		return nil, runtimeError(position(at), "list.remove(x): x not in list: Python stops with ValueError", "Remove a value the list holds.")
	}
	return &none{}, nil
}

func builtinAnyAll(isAll bool) func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	name := "any"
	if isAll {
		name = "all"
	}
	return func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 1, 1); err != nil {
			return nil, err
		}
		items, err := e.unordered(args.pos[0], args.posAt[0])
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			t, err := e.truth(it, args.posAt[0])
			if err != nil {
				return nil, err
			}
			if t != isAll {
				return &boolean{v: t, at: position(at)}, nil
			}
		}
		return &boolean{v: isAll, at: position(at)}, nil
	}
}

// builtinSum is sum(iterable, start=0) over integers, or lists with a
// list start.
func builtinSum(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("sum", []string{"iterable", "start"}, 1, 1, args, at)
	if err != nil {
		return nil, err
	}
	items, err := e.unordered(vals[0], where[0])
	if err != nil {
		return nil, err
	}
	var total value = intValue(0, position(at))
	if vals[1] != nil {
		if _, isStr := vals[1].(*str); isStr {
			return nil, runtimeError(position(where[1]), "sum() can't sum strings [use ''.join(seq) instead]: Python stops with TypeError", "Join strings with ''.join(...).")
		}
		total = vals[1]
	}
	for _, it := range items {
		if total, err = e.binary("+", total, it, at); err != nil {
			return nil, err
		}
	}
	return total, nil
}

// builtinMap is map(function, iterable, ...), its items made at once.
func builtinMap(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("map", args, at, 2, -1); err != nil {
		return nil, err
	}
	var seqs [][]value
	for i, v := range args.pos[1:] {
		items, err := e.sequence(v, args.posAt[i+1])
		if err != nil {
			return nil, err
		}
		seqs = append(seqs, items)
	}
	out := &list{at: position(at)}
	for i := 0; ; i++ {
		var call []value
		for _, s := range seqs {
			if i >= len(s) {
				return out, nil
			}
			call = append(call, s[i])
		}
		if err := e.step(at); err != nil {
			return nil, err
		}
		v, err := e.callFn(args.pos[0], at, call...)
		if err != nil {
			return nil, err
		}
		out.items = append(out.items, v)
	}
}

// builtinFilter is filter(function or None, iterable).
func builtinFilter(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("filter", args, at, 2, 2); err != nil {
		return nil, err
	}
	items, err := e.sequence(args.pos[1], args.posAt[1])
	if err != nil {
		return nil, err
	}
	_, identity := args.pos[0].(*none)
	out := &list{at: position(at)}
	for _, it := range items {
		if err := e.step(at); err != nil {
			return nil, err
		}
		v := it
		if !identity {
			if v, err = e.callFn(args.pos[0], at, it); err != nil {
				return nil, err
			}
		}
		t, err := e.truth(v, at)
		if err != nil {
			return nil, err
		}
		if t {
			out.items = append(out.items, it)
		}
	}
	return out, nil
}

// builtinIsinstance is isinstance(obj, type or tuple of types) for the
// builtin types the evaluator knows and the script's classes.
func builtinIsinstance(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("isinstance", args, at, 2, 2); err != nil {
		return nil, err
	}
	kinds := []value{args.pos[1]}
	if l, ok := args.pos[1].(*list); ok && l.tuple {
		kinds = l.items
	}
	v := args.pos[0]
	if _, bad := v.(poisoned); bad {
		return nil, errPoisoned
	}
	for _, k := range kinds {
		is, err := isInstance(v, k, args.posAt[1])
		if err != nil {
			return nil, err
		}
		if is {
			return &boolean{v: true, at: position(at)}, nil
		}
	}
	return &boolean{at: position(at)}, nil
}

func isInstance(v, kind value, at lexer.Position) (bool, error) {
	if c, ok := kind.(*class); ok {
		if t, isTuple := v.(*list); isTuple && t.nt != nil {
			return t.nt.isSubclass(c), nil
		}
		obj, isObj := v.(*instance)
		return isObj && obj.cls.isSubclass(c), nil
	}
	f, ok := kind.(*function)
	if !ok {
		return false, unsupported(at, "isinstance() with "+kind.describe())
	}
	switch f.name {
	case "object":
		return true, nil
	case "str":
		_, is := v.(*str)
		return is, nil
	case "bool":
		_, is := v.(*boolean)
		return is, nil
	case "int", "float":
		if _, is := v.(*boolean); is {
			return f.name == "int", nil
		}
		if _, is := v.(*float); is {
			return f.name == "float", nil
		}
		n, is := v.(*number)
		if !is {
			if isOpaque(v) {
				return false, newDiag(CodeUnresolved, position(at), "the type of "+v.describe()+" is known only when the script runs", subsetHelp)
			}
			return false, nil
		}
		_, isInt := intOf(n)
		return isInt == (f.name == "int"), nil
	case "list", "tuple":
		l, is := v.(*list)
		return is && l.tuple == (f.name == "tuple"), nil
	case "dict":
		d, is := v.(*dict)
		return is && !d.inherits, nil
	}
	return false, unsupported(at, "isinstance() with "+f.name)
}

func builtinAbs(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("abs", args, at, 1, 1); err != nil {
		return nil, err
	}
	if f, ok := args.pos[0].(*float); ok {
		return &float{v: math.Abs(f.v), at: position(at)}, nil
	}
	n, ok := intOf(args.pos[0])
	if !ok {
		return nil, unsupported(at, "abs() of "+args.pos[0].describe())
	}
	return intValue(max(n, -n), position(at)), nil
}

func builtinChr(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("chr", args, at, 1, 1); err != nil {
		return nil, err
	}
	n, ok := intOf(args.pos[0])
	if !ok || n < 0 || n > 0x10ffff {
		return nil, runtimeError(position(at), "chr() arg not in range(0x110000), or not an integer: Python stops with ValueError or TypeError", "Give a code point.")
	}
	if n >= 0xd800 && n < 0xe000 {
		return nil, unsupported(at, "chr() of a surrogate")
	}
	return newStr(string(rune(n)), position(at)), nil
}

func builtinOrd(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("ord", args, at, 1, 1); err != nil {
		return nil, err
	}
	s, err := e.needStr(args.pos[0], args.posAt[0], "the argument of ord()")
	if err != nil {
		return nil, err
	}
	r := []rune(s.s)
	if len(r) != 1 {
		return nil, runtimeError(position(at), "ord() expected a character: Python stops with TypeError", "Give a string of one character.")
	}
	return intValue(int64(r[0]), position(at)), nil
}

func builtinRadix(name string, base int, prefix string) func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 1, 1); err != nil {
			return nil, err
		}
		n, ok := intOf(args.pos[0])
		if !ok {
			return nil, runtimeError(position(at), name+"() takes an integer: Python stops with TypeError", "Give an integer.")
		}
		sign := ""
		if n < 0 {
			sign, n = "-", -n
		}
		return newStr(sign+prefix+strconv.FormatInt(n, base), position(at)), nil
	}
}

func builtinCallable(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("callable", args, at, 1, 1); err != nil {
		return nil, err
	}
	switch v := args.pos[0].(type) {
	case *function, *userFunc, *boundMethod, *class, *method:
		return &boolean{v: true, at: position(at)}, nil
	case *instance:
		_, _, ok := v.cls.find("__call__")
		return &boolean{v: ok, at: position(at)}, nil
	case poisoned:
		return nil, errPoisoned
	}
	return &boolean{at: position(at)}, nil
}

// builtinGetattr is getattr(obj, name[, default]) on the script's
// objects and classes.
func builtinGetattr(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("getattr", args, at, 2, 3); err != nil {
		return nil, err
	}
	name, err := e.needStr(args.pos[1], args.posAt[1], "the attribute name")
	if err != nil {
		return nil, err
	}
	if !hasAttr(args.pos[0], name.s) {
		switch args.pos[0].(type) {
		case *instance, *class:
			if len(args.pos) == 3 {
				return args.pos[2], nil
			}
		default:
			return nil, unsupported(at, "getattr() of "+args.pos[0].describe())
		}
	}
	return e.attr(args.pos[0], name.s, at)
}

func builtinSetattr(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("setattr", args, at, 3, 3); err != nil {
		return nil, err
	}
	name, err := e.needStr(args.pos[1], args.posAt[1], "the attribute name")
	if err != nil {
		return nil, err
	}
	if err := e.setAttr(args.pos[0], name.s, args.pos[2], at); err != nil {
		return nil, err
	}
	return &none{at: position(at), why: "setattr() returns None"}, nil
}

func builtinHasattr(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("hasattr", args, at, 2, 2); err != nil {
		return nil, err
	}
	name, err := e.needStr(args.pos[1], args.posAt[1], "the attribute name")
	if err != nil {
		return nil, err
	}
	switch args.pos[0].(type) {
	case *instance, *class:
		return &boolean{v: hasAttr(args.pos[0], name.s), at: position(at)}, nil
	}
	return nil, unsupported(at, "hasattr() of "+args.pos[0].describe())
}

func hasAttr(v value, name string) bool {
	switch v := v.(type) {
	case *instance:
		if _, ok := v.attrs[name]; ok {
			return true
		}
		_, _, ok := v.cls.find(name)
		return ok
	case *class:
		_, _, ok := v.find(name)
		return ok
	}
	return false
}
