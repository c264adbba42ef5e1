package importscript

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// builtins are the built-in names the evaluator knows.
var builtins = map[string]bool{
	"print": true, "dict": true, "list": true, "tuple": true, "str": true,
	"SystemExit": true, "exit": true, "quit": true,
}

// pythonBuiltins are all of Python 3.11's public builtin names, so that
// using one the evaluator does not follow is "not followed", never a
// NameError Python would not raise.
var pythonBuiltins = map[string]bool{
	"ArithmeticError": true, "AssertionError": true, "AttributeError": true, "BaseException": true,
	"BaseExceptionGroup": true, "BlockingIOError": true, "BrokenPipeError": true, "BufferError": true,
	"BytesWarning": true, "ChildProcessError": true, "ConnectionAbortedError": true,
	"ConnectionError": true, "ConnectionRefusedError": true, "ConnectionResetError": true,
	"DeprecationWarning": true, "EOFError": true, "Ellipsis": true, "EncodingWarning": true,
	"EnvironmentError": true, "Exception": true, "ExceptionGroup": true, "FileExistsError": true,
	"FileNotFoundError": true, "FloatingPointError": true, "FutureWarning": true,
	"GeneratorExit": true, "IOError": true, "ImportError": true, "ImportWarning": true,
	"IndentationError": true, "IndexError": true, "InterruptedError": true, "IsADirectoryError": true,
	"KeyError": true, "KeyboardInterrupt": true, "LookupError": true, "MemoryError": true,
	"ModuleNotFoundError": true, "NameError": true, "NotADirectoryError": true,
	"NotImplemented": true, "NotImplementedError": true, "OSError": true, "OverflowError": true,
	"PendingDeprecationWarning": true, "PermissionError": true, "ProcessLookupError": true,
	"RecursionError": true, "ReferenceError": true, "ResourceWarning": true, "RuntimeError": true,
	"RuntimeWarning": true, "StopAsyncIteration": true, "StopIteration": true, "SyntaxError": true,
	"SyntaxWarning": true, "SystemError": true, "SystemExit": true, "TabError": true,
	"TimeoutError": true, "TypeError": true, "UnboundLocalError": true, "UnicodeDecodeError": true,
	"UnicodeEncodeError": true, "UnicodeError": true, "UnicodeTranslateError": true,
	"UnicodeWarning": true, "UserWarning": true, "ValueError": true, "Warning": true,
	"ZeroDivisionError": true, "abs": true, "aiter": true, "all": true, "anext": true, "any": true,
	"ascii": true, "bin": true, "bool": true, "breakpoint": true, "bytearray": true, "bytes": true,
	"callable": true, "chr": true, "classmethod": true, "compile": true, "complex": true,
	"copyright": true, "credits": true, "delattr": true, "dict": true, "dir": true, "divmod": true,
	"enumerate": true, "eval": true, "exec": true, "exit": true, "filter": true, "float": true,
	"format": true, "frozenset": true, "getattr": true, "globals": true, "hasattr": true,
	"hash": true, "help": true, "hex": true, "id": true, "input": true, "int": true,
	"isinstance": true, "issubclass": true, "iter": true, "len": true, "license": true, "list": true,
	"locals": true, "map": true, "max": true, "memoryview": true, "min": true, "next": true,
	"object": true, "oct": true, "open": true, "ord": true, "pow": true, "print": true,
	"property": true, "quit": true, "range": true, "repr": true, "reversed": true, "round": true,
	"set": true, "setattr": true, "slice": true, "sorted": true, "staticmethod": true, "str": true,
	"sum": true, "super": true, "tuple": true, "type": true, "vars": true, "zip": true,
}

// moduleAttrs are the known non-function members of modules.
var moduleAttrs = map[string]func(e *evaluator, at apacheconf.Position) value{
	"os.environ":      func(e *evaluator, _ apacheconf.Position) value { return e.environ },
	"sys.argv":        (*evaluator).sysArgv,
	"os.path":         func(*evaluator, apacheconf.Position) value { return &module{name: "os.path"} },
	"sys.stdout":      func(*evaluator, apacheconf.Position) value { return &module{name: "sys.stdout"} },
	"sys.stderr":      func(*evaluator, apacheconf.Position) value { return &module{name: "sys.stderr"} },
	"subprocess.PIPE": func(_ *evaluator, at apacheconf.Position) value { return &opaque{what: "subprocess.PIPE", at: at} },
	"subprocess.DEVNULL": func(_ *evaluator, at apacheconf.Position) value {
		return &opaque{what: "subprocess.DEVNULL", at: at}
	},
	"subprocess.STDOUT": func(_ *evaluator, at apacheconf.Position) value { return &opaque{what: "subprocess.STDOUT", at: at} },
}

// python2Only are module members that Python 3 removed, which launchers
// of the Python 2 era still use, with what to write instead.
var python2Only = map[string]string{
	"string.join": "' '.join(words)", "string.joinfields": "' '.join(words)", "string.split": "s.split()",
	"string.splitfields": "s.split(sep)", "string.replace": "s.replace(old, new)", "string.strip": "s.strip()",
	"string.lstrip": "s.lstrip()", "string.rstrip": "s.rstrip()", "string.lower": "s.lower()", "string.upper": "s.upper()",
	"string.find": "s.find(sub)", "string.atoi": "int(s)", "string.atof": "float(s)", "string.zfill": "s.zfill(width)",
	"string.letters": "string.ascii_letters", "string.lowercase": "string.ascii_lowercase",
	"string.uppercase": "string.ascii_uppercase", "string.maketrans": "str.maketrans",
	"os.getcwdu": "os.getcwd()", "sys.maxint": "sys.maxsize",
}

// python2DictMethods are the dict methods Python 3 removed.
var python2DictMethods = map[string]string{
	"has_key": "key in d", "iteritems": "d.items()", "iterkeys": "d.keys()", "itervalues": "d.values()",
	"viewitems": "d.items()", "viewkeys": "d.keys()", "viewvalues": "d.values()",
}

// runtimeAttrs are members whose value exists only when the script runs;
// the reason says what they would be under mod_wsgi.
var runtimeAttrs = map[string]string{
	"sys.executable": "under mod_wsgi sys.executable depends on how Python was embedded",
}

func moduleNamed(name string) *module { return &module{name: name} }

// sysArgv is sys.argv as mod_wsgi sets it for every interpreter,
// ['mod_wsgi'] (TestModWSGIImportsScriptAsModule checks it): one list,
// which the script may change.
func (e *evaluator) sysArgv(at apacheconf.Position) value {
	if e.argv == nil {
		e.argv = &list{items: []value{newStr("mod_wsgi", at)}, at: at}
	}
	return e.argv
}

// attr is v.name.
func (e *evaluator) attr(v value, name string, at lexer.Position) (value, error) {
	switch v := v.(type) {
	case *module:
		q := v.name + "." + name
		if f, ok := moduleAttrs[q]; ok {
			return f(e, position(at)), nil
		}
		if instead, ok := python2Only[q]; ok {
			return nil, runtimeError(position(at), fmt.Sprintf("module %s has no attribute %s in Python 3: Python stops with AttributeError", pyRepr(v.name), pyRepr(name)),
				"It was Python 2's; write "+instead+".")
		}
		if why, ok := runtimeAttrs[q]; ok {
			return nil, newDiag(CodeUnresolved, position(at), q+" is known only when the script runs: "+why, subsetHelp)
		}
		return &function{name: q}, nil
	case *dict:
		if instead, ok := python2DictMethods[name]; ok {
			return nil, runtimeError(position(at), fmt.Sprintf("%s has no attribute %s in Python 3: Python stops with AttributeError", v.describe(), pyRepr(name)),
				"It was Python 2's; write "+instead+".")
		}
		switch name {
		case "get", "copy", "setdefault", "update", "pop":
			return &method{recv: v, name: name}, nil
		case "items", "keys", "values":
			if !v.inherits {
				return &method{recv: v, name: name}, nil
			}
			return nil, newDiag(CodeUnresolved, position(at), "os.environ."+name+"() is known only when the script runs", subsetHelp)
		}
	case *scopeView:
		if name == "get" {
			return &method{recv: v, name: name}, nil
		}
	case *cachedFn:
		switch name {
		case "cache_clear":
			return &method{recv: v, name: name}, nil
		case "__wrapped__":
			return v.fn, nil
		case "__name__":
			return e.attr(v.fn, name, at)
		}
	case *partialFn:
		switch name {
		case "func":
			return v.fn, nil
		case "args":
			return &list{items: v.pos, tuple: true, at: position(at)}, nil
		}
	case *userFunc:
		if name == "__name__" {
			return newStr(v.name(), position(at)), nil
		}
	case *list:
		if v.nt != nil {
			if a, err := e.namedTupleAttr(v, name, at); err == nil || name != "index" && name != "count" {
				return a, err
			}
		}
		switch name {
		case "append", "extend", "insert":
			if !v.tuple {
				return &method{recv: v, name: name}, nil
			}
		case "copy", "index", "count":
			if !v.tuple || name != "copy" {
				return &method{recv: v, name: name}, nil
			}
		case "pop", "remove", "sort", "reverse", "clear":
			if !v.tuple {
				return &method{recv: v, name: name}, nil
			}
		}
	case *str:
		if _, ok := strMethods[name]; ok || name == "join" || name == "split" {
			return &method{recv: v, name: name}, nil
		}
	case *function:
		if name == "__name__" {
			return newStr(v.name[strings.LastIndexByte(v.name, '.')+1:], position(at)), nil
		}
		switch v.name {
		case "str", "list", "dict":
			// An unbound method, str.lower: called with its receiver first.
			return &function{name: v.name + "." + name}, nil
		}
	case *class:
		if v.data != nil && v.data.namedTuple && name == "_fields" {
			return namedTupleFields(v, at), nil
		}
		return e.classAttr(v, nil, v.mro, name, at)
	case *instance:
		return e.instanceAttr(v, name, at)
	case *superProxy:
		return e.superAttr(v, name, at)
	case *pathValue:
		return e.pathAttr(v, name, at)
	case *template:
		switch name {
		case "substitute", "safe_substitute":
			return &method{recv: v, name: name}, nil
		case "template":
			return v.s, nil
		}
	case *versionInfo:
		if name == "major" {
			return intValue(3, position(at)), nil
		}
		return &opaque{what: "sys.version_info." + name, at: position(at)}, nil
	case *set:
		switch name {
		case "add", "discard", "remove", "update":
			if !v.frozen {
				return &method{recv: v, name: name}, nil
			}
		case "union", "intersection", "difference":
			return &method{recv: v, name: name}, nil
		}
	case *process:
		switch name {
		case "wait", "communicate":
			return &method{recv: v, name: name}, nil
		case "returncode", "pid", "stdout", "stderr", "stdin", "args":
			return &opaque{what: "the " + name + " of a Popen object", at: position(at)}, nil
		}
	case *opaque:
		// The result of subprocess.run and friends: what the program did.
		if strings.HasPrefix(v.what, "the result of subprocess.") {
			switch name {
			case "returncode", "stdout", "stderr", "args":
				return &opaque{what: "the " + name + " of " + v.what, at: position(at)}, nil
			case "check_returncode":
				return &function{name: "subprocess.CompletedProcess.check_returncode"}, nil
			}
		}
	case poisoned:
		return nil, errPoisoned
	}
	return nil, unsupported(at, "the attribute "+name+" of "+v.describe())
}

// key evaluates a subscript that must be a string key.
func (e *evaluator) key(d *dict, sub *subscript) (*str, value, error) {
	if sub.Slice || len(sub.Rest) > 0 || sub.Index == nil {
		return nil, nil, unsupported(sub.Pos, "a slice")
	}
	k, err := e.expr(sub.Index)
	if err != nil {
		return nil, nil, err
	}
	if !d.inherits {
		enc, err := e.dictKey(k, sub.Index.Pos)
		return enc, k, err
	}
	s, err := e.needStr(k, sub.Index.Pos, "the key")
	return s, s, err
}

// encodeKey is the string a dict keeps a key under: a str itself, any
// other hashable value marked by a NUL and its hash key.
func encodeKey(k value, at apacheconf.Position) (*str, bool) {
	if s, ok := k.(*str); ok {
		return s, true
	}
	if hk, ok := hashKey(k); ok && hashable(k) {
		return newStr("\x00"+hk, at), true
	}
	return nil, false
}

// index is v[sub].
func (e *evaluator) index(v value, sub *subscript, at lexer.Position) (value, error) {
	switch v := v.(type) {
	case *versionInfo:
		if !sub.Slice && len(sub.Rest) == 0 && sub.Index != nil {
			k, err := e.expr(sub.Index)
			if err != nil {
				return nil, err
			}
			if n, ok := intOf(k); ok && n == 0 {
				return intValue(3, position(at)), nil
			}
		}
		return &opaque{what: "an item of sys.version_info", at: position(at)}, nil
	case *dict:
		k, _, err := e.key(v, sub)
		if err != nil {
			return nil, err
		}
		if got, ok := v.vals[k.s]; ok {
			return got, nil
		}
		if v.inherits {
			if s, ok := e.readEnv(v, k.s, at); ok {
				return s, nil
			}
			return nil, newDiag(CodeUnresolved, position(at), fmt.Sprintf("os.environ[%s] is not set, so Python stops with KeyError", pyRepr(k.s)),
				fmt.Sprintf("Set %s in the environment wsgidock reads the script with, or write os.environ.get(%s, 'default').", k.s, pyRepr(k.s)))
		}
		return nil, runtimeError(position(at), fmt.Sprintf("the dict has no key %s: Python stops with KeyError", v.keyRepr(k.s)), "Add the key before reading it.")
	case *scopeView:
		if sub.Slice || len(sub.Rest) > 0 || sub.Index == nil {
			return nil, unsupported(sub.Pos, "this subscript of "+v.what)
		}
		k, err := e.expr(sub.Index)
		if err != nil {
			return nil, err
		}
		return e.viewIndex(v, k, sub.Index.Pos)
	case *list, *str:
		if len(sub.Rest) > 0 {
			return nil, unsupported(sub.Pos, "this subscript")
		}
		if sub.Slice {
			return e.slice(v, sub)
		}
		if sub.Index == nil {
			return nil, newDiag(CodeSyntax, position(sub.Pos), "invalid syntax: an empty subscript", "Write an index between the brackets.")
		}
		iv, err := e.expr(sub.Index)
		if err != nil {
			return nil, err
		}
		i, ok := intOf(iv)
		if !ok {
			if _, bad := iv.(poisoned); bad {
				return nil, errPoisoned
			}
			return nil, runtimeError(position(sub.Pos), "indices must be integers, not "+iv.describe()+": Python stops with TypeError", "Index with an integer.")
		}
		n := seqLen(v)
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			if v == value(e.argv) {
				return nil, runtimeError(position(sub.Pos), "sys.argv has no such item: under mod_wsgi it is ['mod_wsgi'], so Python stops with IndexError",
					"mod_wsgi gives an import script no command line: write the value into the script, or take it from an environment variable with a default.")
			}
			return nil, runtimeError(position(sub.Pos), "index out of range: Python stops with IndexError", "Use an index the sequence has.")
		}
		if l, ok := v.(*list); ok {
			return l.items[i], nil
		}
		return strIndex(v.(*str), int(i)), nil
	case poisoned:
		return nil, errPoisoned
	}
	return nil, unsupported(at, "indexing "+v.describe())
}

// seqLen is the length of a list or a string, in characters.
func seqLen(v value) int64 {
	if l, ok := v.(*list); ok {
		return int64(len(l.items))
	}
	return int64(runeLen(v.(*str).s))
}

// strIndex is the i-th character of s.
func strIndex(s *str, i int) *str {
	n := 0
	for off, r := range s.s {
		if n == i {
			return s.slice(off, off+utf8.RuneLen(r))
		}
		n++
	}
	return &str{at: s.at}
}

// readEnv reads the daemon's environment, as mapping d inherits it (the
// script may have removed the name), and records the read.
func (e *evaluator) readEnv(d *dict, name string, at lexer.Position) (*str, bool) {
	val, ok := e.inherited(d, name)
	if !ok {
		return nil, false
	}
	e.envRefs = append(e.envRefs, EnvRef{Name: name, Value: val, Set: true, Pos: position(at)})
	return newStr(val, position(at)), true
}

// kwArg is one keyword argument of a call.
type kwArg struct {
	name string
	v    value
	at   lexer.Position
}

// arguments are a call's evaluated arguments, * and ** unpacked.
type arguments struct {
	pos   []value
	posAt []lexer.Position
	kw    []kwArg
	// view is a **globals(), **locals() or **vars() argument (at viewAt):
	// str.format reads names from it, other calls refuse it.
	view   *scopeView
	viewAt lexer.Position
}

func (a *arguments) keyword(name string) (value, lexer.Position, bool) {
	for _, k := range a.kw {
		if k.name == name {
			return k.v, k.at, true
		}
	}
	return nil, lexer.Position{}, false
}

func (e *evaluator) callArgs(c *callArgs) (*arguments, error) {
	out := &arguments{}
	if c.Gen != nil {
		a := c.Args[0]
		v, err := e.listComp(&display{Pos: a.Pos, Items: []*item{{Pos: a.Pos, Value: a.Value}}, Comp: c.Gen}, position(a.Pos))
		if err != nil {
			return nil, err
		}
		out.pos, out.posAt = []value{v}, []lexer.Position{a.Pos}
		return out, nil
	}
	if n := len(c.Args); n > 0 {
		// Most arguments are positional: room for them all at once.
		out.pos, out.posAt = make([]value, 0, n), make([]lexer.Position, 0, n)
	}
	for _, a := range c.Args {
		switch {
		case a.Star != nil:
			v, err := e.expr(a.Star)
			if err != nil {
				return nil, err
			}
			items, err := e.iterable(v, a.Star.Pos)
			if err != nil {
				return nil, err
			}
			for _, it := range items {
				out.pos = append(out.pos, it)
				out.posAt = append(out.posAt, a.Star.Pos)
			}
		case a.StarStr != nil:
			v, err := e.expr(a.StarStr)
			if err != nil {
				return nil, err
			}
			if sv, ok := v.(*scopeView); ok && out.view == nil {
				out.view, out.viewAt = sv, a.Pos
				continue
			}
			d, ok := v.(*dict)
			if !ok || d.inherits {
				return nil, unsupported(a.Pos, "** unpacking of "+v.describe())
			}
			for _, k := range d.keys {
				out.kw = append(out.kw, kwArg{name: k, v: d.vals[k], at: a.Pos})
			}
		default:
			v, err := e.expr(a.Value)
			if err != nil {
				return nil, err
			}
			if a.Keyword != "" {
				if _, _, dup := out.keyword(a.Keyword); dup {
					return nil, newDiag(CodeSyntax, position(a.Pos), "keyword argument repeated: "+a.Keyword, "Give each keyword once.")
				}
				out.kw = append(out.kw, kwArg{name: a.Keyword, v: v, at: a.Pos})
				continue
			}
			if len(out.kw) > 0 {
				return nil, newDiag(CodeSyntax, position(a.Pos), "positional argument follows keyword argument", "Put positional arguments first.")
			}
			out.pos = append(out.pos, v)
			out.posAt = append(out.posAt, a.Pos)
		}
	}
	if out.view != nil {
		for _, k := range out.kw {
			if _, dup := e.viewGet(out.view, k.name, position(k.at)); dup {
				return nil, runtimeError(position(out.viewAt), "the call got multiple values for the keyword argument "+k.name+": Python stops with TypeError", "Pass each keyword once.")
			}
		}
	}
	return out, nil
}

// call calls a known function or method; at is where the call starts.
func (e *evaluator) call(fv value, args *arguments, at lexer.Position) (value, error) {
	if args.view != nil && !takesScope(fv) {
		return nil, unsupported(args.viewAt, "** of "+args.view.what+" in a call other than str.format")
	}
	switch f := fv.(type) {
	case *function:
		if launcher, ok := launchers[f.name]; ok {
			return launcher(e, f.name, args, at)
		}
		if typ, name, ok := strings.Cut(f.name, "."); ok && (typ == "str" || typ == "list" || typ == "dict") {
			if len(args.pos) == 0 {
				return nil, runtimeError(position(at), f.name+"() needs its receiver: Python stops with TypeError", "Call it on a value: value."+name+"().")
			}
			m, err := e.attr(args.pos[0], name, at)
			if err != nil {
				return nil, err
			}
			return e.call(m, &arguments{pos: args.pos[1:], posAt: args.posAt[1:], kw: args.kw, view: args.view, viewAt: args.viewAt}, at)
		}
		if fn, ok := helpers[f.name]; ok {
			return fn(e, args, at)
		}
		if why := runtimeDependent(f.name); why != "" {
			return nil, newDiag(CodeUnresolved, position(at), f.name+"() is known only when the script runs: "+why,
				"wsgidock reads the script without running it. Write the value into the script, take it from an environment variable with a default, or run the script with --evaluate-launchers.")
		}
		return nil, unsupported(at, "calling "+f.name)
	case *method:
		return e.callMethod(f, args, at)
	case *userFunc:
		return e.callUser(f, args, at)
	case *boundMethod:
		return e.callUser(f.fn, withSelf(f.self, args, at), at)
	case *partialFn:
		return e.callPartial(f, args, at)
	case *cachedFn:
		return e.callCached(f, args, at)
	case *class:
		return e.instantiate(f, args, at)
	case poisoned:
		return nil, errPoisoned
	}
	return nil, runtimeError(position(at), fv.describe()+" is not callable: Python stops with TypeError", "Call a function here.")
}

// arity checks the number of positional arguments and that no keyword is
// given, for functions that take only positional ones.
func arity(name string, args *arguments, at lexer.Position, min, max int) error {
	if len(args.kw) > 0 {
		return runtimeError(position(args.kw[0].at), fmt.Sprintf("%s() takes no keyword argument %s", name, args.kw[0].name), "Pass the arguments by position.")
	}
	if n := len(args.pos); n < min || n > max {
		want := fmt.Sprint(min)
		if max > min {
			want = fmt.Sprintf("%d to %d", min, max)
		}
		if max < 0 {
			want = fmt.Sprintf("at least %d", min)
			if n >= min {
				return nil
			}
		}
		return runtimeError(position(at), fmt.Sprintf("%s() takes %s arguments, not %d: Python stops with TypeError", name, want, n),
			"Give the call the arguments Python documents for it.")
	}
	return nil
}

// bind matches a call's arguments to parameters the way Python does for
// a function whose first posOnly parameters are positional-only and whose
// first required ones have no default. Missing optional parameters are
// nil.
func bind(name string, params []string, posOnly, required int, args *arguments, at lexer.Position) ([]value, []lexer.Position, error) {
	vals := make([]value, len(params))
	where := make([]lexer.Position, len(params))
	if len(args.pos) > len(params) {
		return nil, nil, arity(name, args, at, required, len(params))
	}
	copy(vals, args.pos)
	copy(where, args.posAt)
	for _, k := range args.kw {
		i := indexOf(params, k.name)
		if i < 0 || i < posOnly || vals[i] != nil {
			return nil, nil, runtimeError(position(k.at), fmt.Sprintf("%s() got an unexpected or repeated keyword argument %s: Python stops with TypeError", name, pyRepr(k.name)),
				"Pass the arguments Python documents for the function.")
		}
		vals[i], where[i] = k.v, k.at
	}
	for i := range required {
		if vals[i] == nil {
			return nil, nil, runtimeError(position(at), fmt.Sprintf("%s() is missing the argument %s: Python stops with TypeError", name, pyRepr(params[i])),
				"Pass the arguments Python documents for the function.")
		}
	}
	return vals, where, nil
}

// helpers are the known functions that start no program.
var helpers = map[string]func(e *evaluator, args *arguments, at lexer.Position) (value, error){
	"print":            func(*evaluator, *arguments, lexer.Position) (value, error) { return &none{}, nil },
	"time.sleep":       func(*evaluator, *arguments, lexer.Position) (value, error) { return &none{}, nil },
	"sys.stdout.flush": func(*evaluator, *arguments, lexer.Position) (value, error) { return &none{}, nil },
	"subprocess.CompletedProcess.check_returncode": func(*evaluator, *arguments, lexer.Position) (value, error) { return &none{}, nil },
	"sys.stderr.flush": func(*evaluator, *arguments, lexer.Position) (value, error) { return &none{}, nil },
	"sys.stdout.write": func(*evaluator, *arguments, lexer.Position) (value, error) { return &none{}, nil },
	"sys.stderr.write": func(*evaluator, *arguments, lexer.Position) (value, error) { return &none{}, nil },
	"sys.exit":         exitCall,
	"os._exit":         exitCall,
	"exit":             exitCall,
	"quit":             exitCall,
	"SystemExit":       func(*evaluator, *arguments, lexer.Position) (value, error) { return &opaque{what: "a SystemExit"}, nil },
	"dict":             builtinDict,
	"list":             builtinSeq(false),
	"tuple":            builtinSeq(true),
	"os.getenv":        osGetenv,
	"os.chdir":         osChdir,
	"os.path.join":     pathJoin,
	"shlex.split":      shlexSplit,
	"shlex.quote":      shlexQuote,
	"shlex.join":       shlexJoin,
}

func exitCall(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	e.stopped = true
	return &none{}, nil
}

func builtinStr(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("str", args, at, 0, 1); err != nil {
		return nil, err
	}
	if len(args.pos) == 0 {
		return &str{at: position(at)}, nil
	}
	return e.strOf(args.pos[0], position(args.posAt[0]), "the argument of str()")
}

func builtinSeq(tuple bool) func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
		name := "list"
		if tuple {
			name = "tuple"
		}
		if err := arity(name, args, at, 0, 1); err != nil {
			return nil, err
		}
		out := &list{tuple: tuple, at: position(at)}
		if len(args.pos) == 1 {
			items, err := e.iterable(args.pos[0], args.posAt[0])
			if err != nil {
				return nil, err
			}
			if err := e.chargeItems(len(items), at); err != nil {
				return nil, err
			}
			out.items = append(out.items, items...)
		}
		return out, nil
	}
}

// builtinDict is dict(), dict(mapping), dict(mapping, K=V...), dict(K=V...).
func builtinDict(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if len(args.pos) > 1 {
		return nil, runtimeError(position(at), "dict expected at most 1 argument: Python stops with TypeError", "Pass one mapping and keywords.")
	}
	out := newDict(position(at), false)
	if len(args.pos) == 1 {
		switch m := args.pos[0].(type) {
		case *dict:
			out = m.copyDict(position(at))
		case *list:
			if err := e.updateDict(out, m, args.posAt[0]); err != nil {
				return nil, err
			}
		case poisoned:
			return nil, errPoisoned
		default:
			return nil, unsupported(args.posAt[0], "dict() of "+args.pos[0].describe())
		}
	}
	for _, k := range args.kw {
		out.set(k.name, k.v, position(k.at))
	}
	return out, nil
}

// osGetenv is os.getenv(key, default=None), which reads os.environ.
func osGetenv(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	return e.envGet(e.environ, "os.getenv", args, at)
}

// envGet is mapping.get(key, default=None), and os.getenv, which takes
// its arguments by keyword too.
func (e *evaluator) envGet(d *dict, name string, args *arguments, at lexer.Position) (value, error) {
	posOnly := 2
	if name == "os.getenv" {
		posOnly = 0
	}
	vals, where, err := bind(name, []string{"key", "default"}, posOnly, 1, args, at)
	if err != nil {
		return nil, err
	}
	k, err := e.mappingKey(d, vals[0], where[0])
	if err != nil {
		return nil, err
	}
	why := fmt.Sprintf("%s(%s) gives None because %s is not set", name, pyRepr(k.s), k.s)
	if !d.inherits {
		why = fmt.Sprintf("%s(%s) gives None because the dict has no such key", name, d.keyRepr(k.s))
	}
	var def value = &none{at: position(at), why: why}
	if vals[1] != nil {
		def = vals[1]
	}
	if v, ok := d.vals[k.s]; ok {
		return v, nil
	}
	if !d.inherits {
		return def, nil
	}
	if s, ok := e.readEnv(d, k.s, at); ok {
		return s, nil
	}
	ref := EnvRef{Name: k.s, Default: vals[1] != nil, Pos: position(at)}
	if s, ok := def.(*str); ok {
		ref.Value = s.s
	}
	e.envRefs = append(e.envRefs, ref)
	return def, nil
}

func osChdir(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("os.chdir", []string{"path"}, 0, 1, args, at)
	if err != nil {
		return nil, err
	}
	dir, err := e.needStr(vals[0], where[0], "the directory")
	if err != nil {
		return nil, err
	}
	e.dir = e.relativeDir(dir)
	return &none{}, nil
}

// relativeDir resolves dir against an earlier os.chdir.
func (e *evaluator) relativeDir(dir *str) *str {
	if e.dir == nil || strings.HasPrefix(dir.s, "/") {
		return dir
	}
	return joinPath(e.dir, dir)
}

// joinPath is posixpath.join(a, b).
func joinPath(a, b *str) *str {
	switch {
	case strings.HasPrefix(b.s, "/"):
		return b
	case a.s == "" || strings.HasSuffix(a.s, "/"):
		return concat(a, b)
	}
	return concat(concat(a, newStr("/", b.at)), b)
}

func pathJoin(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("os.path.join", args, at, 1, -1); err != nil {
		return nil, err
	}
	var out *str
	for i, v := range args.pos {
		s, err := e.needStr(v, args.posAt[i], "an argument of os.path.join")
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = s
		} else {
			out = joinPath(out, s)
		}
		if _, err := sized(out, at); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func shlexSplit(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	var s, comments, posix value = nil, &boolean{v: false}, &boolean{v: true}
	var sAt lexer.Position
	vals := []*value{&s, &comments, &posix}
	names := []string{"s", "comments", "posix"}
	if len(args.pos) > 3 {
		return nil, arity("shlex.split", args, at, 1, 3)
	}
	for i, v := range args.pos {
		*vals[i] = v
	}
	if len(args.pos) > 0 {
		sAt = args.posAt[0]
	}
	for _, k := range args.kw {
		i := indexOf(names, k.name)
		if i < 0 || i < len(args.pos) {
			return nil, runtimeError(position(k.at), "shlex.split() got an unexpected or repeated keyword argument "+k.name, "Use s, comments and posix only.")
		}
		*vals[i] = k.v
		if i == 0 {
			sAt = k.at
		}
	}
	if s == nil {
		return nil, runtimeError(position(at), "shlex.split() needs the string to split", "Pass the command line as a string.")
	}
	text, err := e.needStr(s, sAt, "the argument of shlex.split")
	if err != nil {
		return nil, err
	}
	c, okC := comments.(*boolean)
	p, okP := posix.(*boolean)
	if !okC || !okP {
		return nil, unsupported(at, "shlex.split with comments or posix that are not True or False")
	}
	if !p.v {
		return nil, unsupported(at, "shlex.split with posix=False")
	}
	words, serr := splitWords(text.s, c.v)
	if serr != nil {
		return nil, runtimeError(text.posAt(serr.offset), "shlex.split fails: "+serr.msg+": Python stops with ValueError", "Close the quote or escape in the string.")
	}
	out := &list{at: position(at)}
	for _, w := range words {
		out.items = append(out.items, wordStr(text, w))
	}
	return out, nil
}

// wordStr is a word cut from src, its bytes placed where the word starts.
func wordStr(src *str, w word) *str {
	return newStr(w.text, src.posAt(w.start))
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func shlexQuote(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("shlex.quote", args, at, 1, 1); err != nil {
		return nil, err
	}
	s, err := e.needStr(args.pos[0], args.posAt[0], "the argument of shlex.quote")
	if err != nil {
		return nil, err
	}
	return newStr(quoteWord(s.s), s.at), nil
}

func shlexJoin(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	return e.join("shlex.join", newStr(" ", position(at)), args, at, func(s *str) *str { return newStr(quoteWord(s.s), s.at) })
}

// join is str.join and shlex.join: the one argument's items, each a string
// (changed by each), joined with sep, within the length cap.
func (e *evaluator) join(name string, sep *str, args *arguments, at lexer.Position, each func(*str) *str) (value, error) {
	if err := arity(name, args, at, 1, 1); err != nil {
		return nil, err
	}
	items, err := e.iterable(args.pos[0], args.posAt[0])
	if err != nil {
		return nil, err
	}
	parts := make([]*str, len(items))
	total := 0
	for i, it := range items {
		w, err := e.needStr(it, args.posAt[0], "an item of "+name+"'s list")
		if err != nil {
			return nil, err
		}
		parts[i] = each(w)
		if total += len(parts[i].s) + len(sep.s); total > maxStrLen {
			return nil, tooLong(total, at)
		}
	}
	if err := e.charge(total, at); err != nil {
		return nil, err
	}
	return joinStrs(parts, sep, position(at)), nil
}

func (e *evaluator) callMethod(m *method, args *arguments, at lexer.Position) (value, error) {
	if l, ok := m.recv.(*list); ok && l.nt != nil && (m.name == "_asdict" || m.name == "_replace") {
		return e.namedTupleMethod(l, m.name, args, at)
	}
	if t, ok := m.recv.(*template); ok {
		return e.substitute(t, m.name == "safe_substitute", args, at)
	}
	switch recv := m.recv.(type) {
	case *cachedFn: // cache_clear
		if err := arity("cache_clear", args, at, 0, 0); err != nil {
			return nil, err
		}
		recv.keys, recv.results = nil, map[string]value{}
		return &none{at: position(at)}, nil
	case *scopeView: // get
		if err := arity("get", args, at, 1, 2); err != nil {
			return nil, err
		}
		if k, ok := args.pos[0].(*str); ok {
			if v, ok := e.viewGet(recv, k.s, position(at)); ok {
				return v, nil
			}
			if err := e.viewMissing(recv, k.s, at); diagCode(err) != CodeRuntime {
				return nil, err // not simply missing
			}
		}
		if len(args.pos) == 2 {
			return args.pos[1], nil
		}
		return &none{at: position(at)}, nil
	case *dict:
		switch m.name {
		case "get":
			name := "get"
			if recv == e.environ {
				name = "os.environ.get"
			}
			return e.envGet(recv, name, args, at)
		case "copy":
			if err := arity("copy", args, at, 0, 0); err != nil {
				return nil, err
			}
			return recv.copyDict(position(at)), nil
		case "setdefault":
			return e.setdefault(recv, args, at)
		case "items", "keys", "values":
			if err := arity(m.name, args, at, 0, 0); err != nil {
				return nil, err
			}
			return dictView(recv, m.name, position(at)), nil
		case "pop":
			if err := arity("pop", args, at, 1, 2); err != nil {
				return nil, err
			}
			k, err := e.mappingKey(recv, args.pos[0], args.posAt[0])
			if err != nil {
				return nil, err
			}
			v, ok := recv.vals[k.s]
			if ok {
				recv.remove(k.s)
				e.unsetInherited(recv, k.s, at)
				return v, nil
			}
			if recv.inherits {
				if s, set := e.readEnv(recv, k.s, at); set {
					e.unsetInherited(recv, k.s, at)
					return s, nil
				}
			}
			if len(args.pos) == 2 {
				return args.pos[1], nil
			}
			return nil, runtimeError(position(at), "the mapping has no key "+recv.keyRepr(k.s)+": Python stops with KeyError", "Give pop() a default.")
		case "update":
			if len(args.pos) > 1 {
				return nil, arity("update", args, at, 0, 1)
			}
			if len(args.pos) == 1 {
				if err := e.updateDict(recv, args.pos[0], args.posAt[0]); err != nil {
					return nil, err
				}
			}
			for _, k := range args.kw {
				if err := e.setEnvChecked(recv, k.name, k.v, position(k.at), k.at); err != nil {
					return nil, err
				}
			}
			return &none{}, nil
		}
	case *list:
		switch m.name {
		case "append":
			if err := arity("append", args, at, 1, 1); err != nil {
				return nil, err
			}
			recv.items = append(recv.items, args.pos[0])
			if _, err := sized(recv, at); err != nil {
				return nil, err
			}
			return &none{}, nil
		case "extend":
			if err := arity("extend", args, at, 1, 1); err != nil {
				return nil, err
			}
			items, err := e.iterable(args.pos[0], args.posAt[0])
			if err != nil {
				return nil, err
			}
			recv.items = append(recv.items, items...)
			if _, err := sized(recv, at); err != nil {
				return nil, err
			}
			return &none{}, nil
		case "copy":
			if err := arity("copy", args, at, 0, 0); err != nil {
				return nil, err
			}
			return &list{items: append([]value{}, recv.items...), tuple: recv.tuple, at: position(at)}, nil
		case "insert":
			if err := arity("insert", args, at, 2, 2); err != nil {
				return nil, err
			}
			i, ok := intOf(args.pos[0])
			if !ok {
				return nil, runtimeError(position(args.posAt[0]), "insert() index must be an integer: Python stops with TypeError", "Give an integer index.")
			}
			n := int64(len(recv.items))
			if i < 0 {
				i = max(i+n, 0)
			}
			i = min(i, n)
			recv.items = append(recv.items[:i], append([]value{args.pos[1]}, recv.items[i:]...)...)
			if _, err := sized(recv, at); err != nil {
				return nil, err
			}
			return &none{}, nil
		case "pop", "remove", "sort", "reverse", "clear":
			return e.listMethod(recv, m.name, args, at)
		case "index", "count":
			if err := arity(m.name, args, at, 1, 1); err != nil {
				return nil, err
			}
			if err := e.work(len(recv.items), at); err != nil {
				return nil, err
			}
			count := int64(0)
			for i, it := range recv.items {
				eq, err := e.equal(args.pos[0], it, at)
				if err != nil {
					return nil, err
				}
				if eq && m.name == "index" {
					return intValue(int64(i), position(at)), nil
				}
				if eq {
					count++
				}
			}
			if m.name == "index" {
				return nil, runtimeError(position(at), "the value is not in the list: Python stops with ValueError", "Look for a value the list holds.")
			}
			return intValue(count, position(at)), nil
		}
	case *str:
		return e.strMethod(recv, m.name, args, at)
	case *pathValue:
		return e.pathMethod(recv, m.name, args, at)
	case *set:
		return e.setMethod(recv, m.name, args, at)
	case *process:
		if err := arity(m.name, args, at, 0, 0); err != nil {
			return nil, err
		}
		recv.cmd.Background = false
		return &opaque{what: "the result of Popen." + m.name, at: position(at)}, nil
	}
	return nil, unsupported(at, "calling "+m.describe())
}

// mappingKey is the key of get, pop and setdefault: any hashable value
// for a dict, a str for an environment.
func (e *evaluator) mappingKey(d *dict, k value, at lexer.Position) (*str, error) {
	if d.inherits {
		return e.needStr(k, at, "the key")
	}
	return e.dictKey(k, at)
}

// setdefault is mapping.setdefault(key, default=None).
func (e *evaluator) setdefault(d *dict, args *arguments, at lexer.Position) (value, error) {
	if err := arity("setdefault", args, at, 1, 2); err != nil {
		return nil, err
	}
	k, err := e.mappingKey(d, args.pos[0], args.posAt[0])
	if err != nil {
		return nil, err
	}
	if v, ok := d.vals[k.s]; ok {
		return v, nil
	}
	var def value = &none{at: position(at), why: "setdefault was given no default"}
	if len(args.pos) == 2 {
		def = args.pos[1]
	}
	if d.inherits {
		if s, ok := e.readEnv(d, k.s, at); ok {
			return s, nil
		}
		s, err := e.needStr(def, at, "the default of os.environ.setdefault")
		if err != nil {
			return nil, err
		}
		e.envRefs = append(e.envRefs, EnvRef{Name: k.s, Value: s.s, Default: true, Pos: position(at)})
	}
	d.set(k.s, def, k.at)
	d.setOrig(k.s, args.pos[0])
	return def, nil
}

// setEnvChecked sets a mapping entry; entries of environment mappings
// must be strings.
func (e *evaluator) setEnvChecked(d *dict, k string, v value, keyAt apacheconf.Position, at lexer.Position) error {
	if d.inherits {
		if _, err := e.needStr(v, at, "an environment value"); err != nil {
			return err
		}
	}
	d.set(k, v, keyAt)
	return nil
}

func (e *evaluator) strMethod(s *str, name string, args *arguments, at lexer.Position) (value, error) {
	switch name {
	case "join":
		return e.join("join", s, args, at, func(w *str) *str { return w })
	case "split":
		return e.strSplit(s, args, at, false)
	}
	if fn, ok := strMethods[name]; ok {
		return fn(e, s, args, at)
	}
	return nil, unsupported(at, "str."+name)
}

// splitWhitespace is str.split() with no arguments: runs of Python
// whitespace separate words; it returns byte ranges.
func splitWhitespace(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		if isPySpace(r) {
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// isPySpace is str.isspace for one character: the Unicode whitespace
// (bidirectional types WS, B, S or category Zs) and the ASCII
// separators U+001C to U+001F.
func isPySpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, ' ', 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}
