package importscript

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// The builtins and module functions over known values that compute no
// command themselves: they are the everyday Python of launcher scripts.
func init() {
	for name, fn := range map[string]func(e *evaluator, args *arguments, at lexer.Position) (value, error){
		"len":                builtinLen,
		"int":                builtinInt,
		"bool":               builtinBool,
		"repr":               builtinRepr,
		"reversed":           builtinReversed,
		"enumerate":          builtinEnumerate,
		"range":              builtinRange,
		"zip":                builtinZip,
		"min":                builtinMinMax(false),
		"max":                builtinMinMax(true),
		"format":             builtinFormat,
		"globals":            builtinScope("globals"),
		"locals":             builtinScope("locals"),
		"vars":               builtinScope("vars"),
		"os.path.dirname":    pathFunc("os.path.dirname", pathDirname),
		"os.path.basename":   pathFunc("os.path.basename", pathBasename),
		"os.path.normpath":   pathFunc("os.path.normpath", normPath),
		"os.path.abspath":    pathAbs,
		"os.path.expanduser": pathExpandUser,
		"os.path.split":      pathSplit,
		"os.path.splitext":   pathSplitext,
		"os.path.isabs":      pathIsAbs,
	} {
		helpers[name] = fn
		if !strings.Contains(name, ".") {
			builtins[name] = true
		}
	}
}

func builtinLen(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("len", args, at, 1, 1); err != nil {
		return nil, err
	}
	switch v := args.pos[0].(type) {
	case *str:
		return intValue(int64(runeLen(v.s)), position(at)), nil
	case *list:
		return intValue(int64(len(v.items)), position(at)), nil
	case *set:
		return intValue(int64(len(v.items)), position(at)), nil
	case *dict:
		if !v.inherits {
			return intValue(int64(len(v.keys)), position(at)), nil
		}
		return nil, newDiag(CodeUnresolved, position(at), "len(os.environ) is known only when the script runs", subsetHelp)
	case poisoned:
		return nil, errPoisoned
	}
	return nil, runtimeError(position(at), "object of type "+args.pos[0].describe()+" has no len(): Python stops with TypeError", "Take the length of a string, list or dict.")
}

// builtinInt is int(x) and int(s, base).
func builtinInt(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("int", []string{"x", "base"}, 1, 0, args, at)
	if err != nil {
		return nil, err
	}
	if vals[0] == nil {
		return intValue(0, position(at)), nil
	}
	if n, ok := intOf(vals[0]); ok && vals[1] == nil {
		return intValue(n, position(at)), nil
	}
	if f, ok := vals[0].(*float); ok && vals[1] == nil {
		return truncInt(f.v, at)
	}
	s, ok := vals[0].(*str)
	if !ok {
		if _, bad := vals[0].(poisoned); bad {
			return nil, errPoisoned
		}
		if isOpaque(vals[0]) {
			return nil, newDiag(CodeUnresolved, position(where[0]), "int() of "+vals[0].describe()+", which is known only when the script runs", subsetHelp)
		}
		return nil, unsupported(where[0], "int() of "+vals[0].describe())
	}
	base := int64(10)
	if vals[1] != nil {
		b, ok := intOf(vals[1])
		if !ok || b != 0 && (b < 2 || b > 36) {
			return nil, runtimeError(position(where[1]), "int() base must be >= 2 and <= 36, or 0: Python stops with ValueError", "Give a base from 2 to 36.")
		}
		base = b
	}
	text := strings.TrimFunc(s.s, isPySpace)
	n, perr := parsePyInt(text, int(base))
	if perr != nil {
		return nil, runtimeError(s.posAt(0), "invalid literal for int() with base "+strconv.FormatInt(base, 10)+": "+pyRepr(s.s)+": Python stops with ValueError", "Convert a string of digits.")
	}
	if n > maxInt || n < -maxInt {
		return nil, unsupported(at, "integers this large")
	}
	return intValue(n, s.posAt(0)), nil
}

// parsePyInt reads an integer as int() does: a sign, digits with single
// underscores between them, and with base 0 or 16/8/2 a prefix.
func parsePyInt(s string, base int) (int64, error) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	lower := strings.ToLower(s)
	for _, p := range []struct {
		prefix string
		base   int
	}{{"0x", 16}, {"0o", 8}, {"0b", 2}} {
		if strings.HasPrefix(lower, p.prefix) && (base == 0 || base == p.base) {
			s, base = strings.TrimPrefix(s[2:], "_"), p.base
			break
		}
	}
	if base == 0 {
		if len(s) > 1 && s[0] == '0' && strings.Trim(s, "0_") != "" {
			return 0, strconv.ErrSyntax
		}
		base = 10
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, strconv.ErrSyntax
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), base, 64)
	if neg {
		n = -n
	}
	return n, err
}

func builtinBool(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("bool", args, at, 0, 1); err != nil {
		return nil, err
	}
	if len(args.pos) == 0 {
		return &boolean{at: position(at)}, nil
	}
	t, err := e.truth(args.pos[0], args.posAt[0])
	if err != nil {
		return nil, err
	}
	return &boolean{v: t, at: position(at)}, nil
}

func builtinRepr(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("repr", args, at, 1, 1); err != nil {
		return nil, err
	}
	r, ok, err := e.reprText(args.pos[0], position(at))
	if err != nil {
		return nil, err
	}
	if !ok {
		if _, bad := args.pos[0].(poisoned); bad {
			return nil, errPoisoned
		}
		return nil, unsupported(at, "the repr of "+args.pos[0].describe())
	}
	return newStr(r, position(at)), nil
}

// sequence is the items of any iterable the evaluator knows.
func (e *evaluator) sequence(v value, at lexer.Position) ([]value, error) {
	return e.iterable(v, at)
}

// ordering is < for the items of a sort, min or max: Python's < on
// numbers, strings, and lists or tuples of those (item by item, the
// first that differ deciding). A sort compares every two items that end
// up next to each other, and for these values two that do not compare
// (None, 'a') are told apart only by such a pair, so where no comparison
// the sort makes fails, none of Python's does either; where one fails,
// which Python meets first depends on its algorithm, and that is not
// followed.
func (e *evaluator) ordering(items []value, at lexer.Position) (less func(a, b value) bool, failed func() error, err error) {
	for _, it := range items {
		if _, bad := it.(poisoned); bad {
			return nil, nil, errPoisoned
		}
	}
	var cmpErr error
	less = func(a, b value) bool {
		if cmpErr != nil {
			return false
		}
		lt, err := e.compare("<", a, b, at)
		if err != nil {
			cmpErr = err
		}
		return lt
	}
	failed = func() error {
		if d, ok := cmpErr.(apacheconf.Diagnostic); ok && d.Code == CodeUnresolved {
			return cmpErr
		}
		if cmpErr != nil {
			return unsupported(at, "sorting these values")
		}
		return nil
	}
	return less, failed, nil
}

func builtinReversed(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("reversed", args, at, 1, 1); err != nil {
		return nil, err
	}
	items, err := e.sequence(args.pos[0], args.posAt[0])
	if err != nil {
		return nil, err
	}
	out := &list{at: position(at)}
	for i := len(items) - 1; i >= 0; i-- {
		out.items = append(out.items, items[i])
	}
	return out, nil
}

func builtinEnumerate(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("enumerate", []string{"iterable", "start"}, 0, 1, args, at)
	if err != nil {
		return nil, err
	}
	items, err := e.sequence(vals[0], where[0])
	if err != nil {
		return nil, err
	}
	start := int64(0)
	if vals[1] != nil {
		var ok bool
		if start, ok = intOf(vals[1]); !ok {
			return nil, runtimeError(position(where[1]), "enumerate() start must be an integer: Python stops with TypeError", "Give an integer start.")
		}
	}
	out := &list{at: position(at)}
	for i, it := range items {
		out.items = append(out.items, &list{items: []value{intValue(start+int64(i), position(at)), it}, tuple: true, at: position(at)})
	}
	return out, nil
}

// builtinRange is range(stop) and range(start, stop[, step]), bounded
// like a list.
func builtinRange(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("range", args, at, 1, 3); err != nil {
		return nil, err
	}
	var n [3]int64
	for i, v := range args.pos {
		x, ok := intOf(v)
		if !ok {
			if _, bad := v.(poisoned); bad {
				return nil, errPoisoned
			}
			return nil, runtimeError(position(args.posAt[i]), "range() takes integers, not "+v.describe()+": Python stops with TypeError", "Give range() integers.")
		}
		n[i] = x
	}
	start, stop, step := int64(0), n[0], int64(1)
	if len(args.pos) > 1 {
		start, stop = n[0], n[1]
	}
	if len(args.pos) == 3 {
		step = n[2]
	}
	if step == 0 {
		return nil, runtimeError(position(at), "range() arg 3 must not be zero: Python stops with ValueError", "Use a step other than 0.")
	}
	if n := (stop - start) / step; n > 0 {
		if err := e.chargeItems(int(min(n, maxListLen+1)), at); err != nil {
			return nil, err
		}
	}
	out := &list{at: position(at)}
	for i := start; step > 0 && i < stop || step < 0 && i > stop; i += step {
		if len(out.items) >= maxListLen {
			return nil, unsupported(at, "a range this long")
		}
		out.items = append(out.items, intValue(i, position(at)))
	}
	return out, nil
}

func builtinZip(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if len(args.kw) > 0 {
		return nil, unsupported(at, "zip() with keywords")
	}
	var seqs [][]value
	for i, v := range args.pos {
		items, err := e.sequence(v, args.posAt[i])
		if err != nil {
			return nil, err
		}
		seqs = append(seqs, items)
	}
	out := &list{at: position(at)}
	for i := 0; len(seqs) > 0; i++ {
		t := &list{tuple: true, at: position(at)}
		for _, s := range seqs {
			if i >= len(s) {
				return out, nil
			}
			t.items = append(t.items, s[i])
		}
		out.items = append(out.items, t)
	}
	return out, nil
}

func builtinMinMax(isMax bool) func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	name := "min"
	if isMax {
		name = "max"
	}
	return func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
		var key, def value
		for _, k := range args.kw {
			switch k.name {
			case "key":
				if _, isNone := k.v.(*none); !isNone {
					key = k.v
				}
			case "default":
				def = k.v
			default:
				return nil, runtimeError(position(k.at), name+"() got an unexpected keyword argument "+pyRepr(k.name)+": Python stops with TypeError", "Give key= or default= only.")
			}
		}
		items := args.pos
		if len(items) == 0 {
			return nil, runtimeError(position(at), name+" expected at least 1 argument, got 0: Python stops with TypeError", "Give it values.")
		}
		if len(items) == 1 {
			var err error
			if items, err = e.unordered(items[0], args.posAt[0]); err != nil {
				return nil, err
			}
		} else if def != nil {
			return nil, runtimeError(position(at), "Cannot specify a default for "+name+"() with multiple positional arguments: Python stops with TypeError", "Pass one iterable with default=.")
		}
		if len(items) == 0 {
			if def != nil {
				return def, nil
			}
			return nil, runtimeError(position(at), name+"() arg is an empty sequence: Python stops with ValueError", "Give it at least one value.")
		}
		keys := items
		if key != nil {
			keys = make([]value, len(items))
			for i, it := range items {
				k, err := e.callFn(key, at, it)
				if err != nil {
					return nil, err
				}
				keys[i] = k
			}
		}
		less, failed, err := e.ordering(keys, at)
		if err != nil {
			return nil, err
		}
		best := 0
		for i := 1; i < len(items); i++ {
			if isMax && less(keys[best], keys[i]) || !isMax && less(keys[i], keys[best]) {
				best = i
			}
		}
		return items[best], failed()
	}
}

func builtinFormat(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("format", args, at, 1, 2); err != nil {
		return nil, err
	}
	spec := ""
	if len(args.pos) == 2 {
		s, err := e.needStr(args.pos[1], args.posAt[1], "the format spec")
		if err != nil {
			return nil, err
		}
		spec = s.s
	}
	return e.formatValue(args.pos[0], spec, position(at))
}

// pathFunc is an os.path function of one path string.
func pathFunc(name string, fn func(*str) *str) func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 1, 1); err != nil {
			return nil, err
		}
		s, err := e.needStr(args.pos[0], args.posAt[0], "the argument of "+name)
		if err != nil {
			return nil, err
		}
		return fn(s), nil
	}
}

// pathDirname is posixpath.dirname: the head of split, with trailing
// slashes removed unless it is all slashes.
func pathDirname(p *str) *str {
	i := strings.LastIndexByte(p.s, '/') + 1
	head := p.slice(0, i)
	if trimmed := strings.TrimRight(head.s, "/"); trimmed != "" {
		return head.slice(0, len(trimmed))
	}
	return head
}

func pathBasename(p *str) *str {
	i := strings.LastIndexByte(p.s, '/') + 1
	return p.slice(i, len(p.s))
}

// normPath is posixpath.normpath.
func normPath(p *str) *str {
	if p.s == "" {
		return newStr(".", p.at)
	}
	initial := 0
	if strings.HasPrefix(p.s, "/") {
		initial = 1
		if strings.HasPrefix(p.s, "//") && !strings.HasPrefix(p.s, "///") {
			initial = 2
		}
	}
	var comps []string
	for _, c := range strings.Split(p.s, "/") {
		switch {
		case c == "" || c == ".":
		case c != ".." || initial == 0 && len(comps) == 0 || len(comps) > 0 && comps[len(comps)-1] == "..":
			comps = append(comps, c)
		case len(comps) > 0:
			comps = comps[:len(comps)-1]
		}
	}
	out := strings.Repeat("/", initial) + strings.Join(comps, "/")
	if out == "" {
		out = "."
	}
	if out == p.s {
		return p
	}
	return newStr(out, p.at)
}

// pathAbs is os.path.abspath: known for an absolute path, or a relative
// one after an os.chdir to a known directory.
func pathAbs(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("os.path.abspath", args, at, 1, 1); err != nil {
		return nil, err
	}
	s, err := e.needStr(args.pos[0], args.posAt[0], "the argument of os.path.abspath")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(s.s, "/") {
		if e.dir == nil || !strings.HasPrefix(e.dir.s, "/") {
			return nil, newDiag(CodeUnresolved, position(at), "os.path.abspath("+pyRepr(s.s)+") depends on the daemon's working directory, known only when the script runs",
				"Write the absolute path, or os.chdir to an absolute directory first.")
		}
		s = joinPath(e.dir, s)
	}
	return normPath(s), nil
}

// pathExpandUser is os.path.expanduser: ~ is HOME from the daemon's
// environment; ~user needs the password database of the server.
func pathExpandUser(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("os.path.expanduser", args, at, 1, 1); err != nil {
		return nil, err
	}
	s, err := e.needStr(args.pos[0], args.posAt[0], "the argument of os.path.expanduser")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(s.s, "~") {
		return s, nil
	}
	i := strings.IndexByte(s.s, '/')
	if i < 0 {
		i = len(s.s)
	}
	if i > 1 {
		return nil, newDiag(CodeUnresolved, position(at), "os.path.expanduser("+pyRepr(s.s)+") reads the server's password database, known only when the script runs",
			"Write the home directory's path.")
	}
	home, ok := e.environ.vals["HOME"].(*str)
	if !ok {
		if h, set := e.readEnv(e.environ, "HOME", at); set {
			home = h
		}
	}
	if home == nil {
		return nil, newDiag(CodeUnresolved, position(at), "os.path.expanduser: HOME is not set, so Python reads the password database of the server, known only when the script runs",
			"Set HOME in the environment wsgidock reads the script with (--envvars), or write the path.")
	}
	trimmed := strings.TrimRight(home.s, "/")
	b := &strBuilder{at: s.at}
	b.str(home.slice(0, len(trimmed)))
	rest := s.slice(i, len(s.s))
	if trimmed == "" && rest.s == "" {
		b.text("/", s.at)
	}
	b.str(rest)
	return b.done()
}

func pathSplit(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("os.path.split", args, at, 1, 1); err != nil {
		return nil, err
	}
	s, err := e.needStr(args.pos[0], args.posAt[0], "the argument of os.path.split")
	if err != nil {
		return nil, err
	}
	return &list{items: []value{pathDirname(s), pathBasename(s)}, tuple: true, at: position(at)}, nil
}

// pathSplitext is posixpath.splitext: the extension starts at the last
// dot of the last component, unless the component is only dots before it.
func pathSplitext(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("os.path.splitext", args, at, 1, 1); err != nil {
		return nil, err
	}
	s, err := e.needStr(args.pos[0], args.posAt[0], "the argument of os.path.splitext")
	if err != nil {
		return nil, err
	}
	sep := strings.LastIndexByte(s.s, '/')
	dot := strings.LastIndexByte(s.s, '.')
	if dot > sep {
		lead := sep + 1
		for lead < dot && s.s[lead] == '.' {
			lead++
		}
		if lead < dot {
			return &list{items: []value{s.slice(0, dot), s.slice(dot, len(s.s))}, tuple: true, at: position(at)}, nil
		}
	}
	return &list{items: []value{s, &str{at: s.at}}, tuple: true, at: position(at)}, nil
}

func pathIsAbs(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("os.path.isabs", args, at, 1, 1); err != nil {
		return nil, err
	}
	s, err := e.needStr(args.pos[0], args.posAt[0], "the argument of os.path.isabs")
	if err != nil {
		return nil, err
	}
	return &boolean{v: strings.HasPrefix(s.s, "/"), at: position(at)}, nil
}

// strMethods are the str methods followed, with their implementations.
var strMethods = map[string]func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error){
	"strip":      stripMethod("strip", true, true),
	"lstrip":     stripMethod("lstrip", true, false),
	"rstrip":     stripMethod("rstrip", false, true),
	"lower":      caseMethod("lower", strings.ToLower),
	"upper":      caseMethod("upper", strings.ToUpper),
	"replace":    strReplace,
	"startswith": affixMethod("startswith", strings.HasPrefix),
	"endswith":   affixMethod("endswith", strings.HasSuffix),
	"partition":  partitionMethod("partition", false),
	"rpartition": partitionMethod("rpartition", true),
	"rsplit":     strRsplit,
	"format": func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		return e.strFormat(s, args, at)
	},
	"format_map": func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity("format_map", args, at, 1, 1); err != nil {
			return nil, err
		}
		if v, ok := args.pos[0].(*scopeView); ok {
			return e.strFormat(s, &arguments{view: v, viewAt: args.posAt[0]}, at)
		}
		d, ok := args.pos[0].(*dict)
		if !ok || d.inherits || len(d.orig) > 0 {
			if _, bad := args.pos[0].(poisoned); bad {
				return nil, errPoisoned
			}
			return nil, unsupported(args.posAt[0], "format_map() of "+args.pos[0].describe())
		}
		kw := &arguments{}
		for _, k := range d.keys {
			kw.kw = append(kw.kw, kwArg{name: k, v: d.vals[k], at: args.posAt[0]})
		}
		return e.strFormat(s, kw, at)
	},
	"isdigit": func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity("isdigit", args, at, 0, 0); err != nil {
			return nil, err
		}
		ok := s.s != ""
		for _, r := range s.s {
			ok = ok && unicode.IsDigit(r)
		}
		return &boolean{v: ok, at: position(at)}, nil
	},
}

func stripMethod(name string, left, right bool) func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 0, 1); err != nil {
			return nil, err
		}
		cut := func(r rune) bool { return isPySpace(r) }
		if len(args.pos) == 1 {
			if _, isNone := args.pos[0].(*none); !isNone {
				chars, err := e.needStr(args.pos[0], args.posAt[0], "the argument of "+name)
				if err != nil {
					return nil, err
				}
				cut = func(r rune) bool { return strings.ContainsRune(chars.s, r) }
			}
		}
		i, j := 0, len(s.s)
		if left {
			i = len(s.s) - len(strings.TrimLeftFunc(s.s, cut))
		}
		if right {
			j = len(strings.TrimRightFunc(s.s, cut))
		}
		if j < i {
			j = i
		}
		return s.slice(i, j), nil
	}
}

// caseMethod is lower() or upper(). Python's case mapping and Go's agree
// for ASCII; other text is refused rather than guessed.
func caseMethod(name string, fn func(string) string) func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 0, 0); err != nil {
			return nil, err
		}
		for i := 0; i < len(s.s); i++ {
			if s.s[i] >= 0x80 {
				return nil, unsupported(at, "str."+name+"() of non-ASCII text")
			}
		}
		if err := e.charge(len(s.s), at); err != nil {
			return nil, err
		}
		return &str{s: fn(s.s), at: s.at, spans: s.spans, base: s.base}, nil
	}
}

func strReplace(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("replace", []string{"old", "new", "count"}, 0, 2, args, at)
	if err != nil {
		return nil, err
	}
	old, err := e.needStr(vals[0], where[0], "the first argument of replace")
	if err != nil {
		return nil, err
	}
	repl, err := e.needStr(vals[1], where[1], "the second argument of replace")
	if err != nil {
		return nil, err
	}
	count := int64(-1)
	if vals[2] != nil {
		var ok bool
		if count, ok = intOf(vals[2]); !ok {
			return nil, runtimeError(position(where[2]), "replace() count must be an integer: Python stops with TypeError", "Give an integer count.")
		}
	}
	if old.s == "" {
		return nil, unsupported(at, "str.replace of the empty string")
	}
	b := &strBuilder{at: s.at, e: e}
	i := 0
	for n := int64(0); count < 0 || n < count; n++ {
		j := strings.Index(s.s[i:], old.s)
		if j < 0 {
			break
		}
		b.str(s.slice(i, i+j))
		b.str(repl)
		i += j + len(old.s)
		if len(b.b) > maxStrLen {
			return nil, tooLong(len(b.b), at)
		}
	}
	b.str(s.slice(i, len(s.s)))
	return b.done()
}

func affixMethod(name string, fn func(s, affix string) bool) func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 1, 1); err != nil {
			return nil, err
		}
		var affixes []value
		if l, ok := args.pos[0].(*list); ok && l.tuple {
			affixes = l.items
		} else {
			affixes = []value{args.pos[0]}
		}
		for _, a := range affixes {
			x, err := e.needStr(a, args.posAt[0], "the argument of "+name)
			if err != nil {
				return nil, err
			}
			if fn(s.s, x.s) {
				return &boolean{v: true, at: position(at)}, nil
			}
		}
		return &boolean{at: position(at)}, nil
	}
}

func partitionMethod(name string, last bool) func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	return func(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 1, 1); err != nil {
			return nil, err
		}
		sep, err := e.needStr(args.pos[0], args.posAt[0], "the separator")
		if err != nil {
			return nil, err
		}
		if sep.s == "" {
			return nil, runtimeError(position(args.posAt[0]), "empty separator: Python stops with ValueError", "Give a non-empty separator.")
		}
		empty := &str{at: s.at}
		i := strings.Index(s.s, sep.s)
		if last {
			i = strings.LastIndex(s.s, sep.s)
		}
		items := []value{s, empty, empty}
		if last {
			items = []value{empty, empty, s}
		}
		if i >= 0 {
			items = []value{s.slice(0, i), s.slice(i, i+len(sep.s)), s.slice(i+len(sep.s), len(s.s))}
		}
		return &list{items: items, tuple: true, at: position(at)}, nil
	}
}

// strSplit is str.split(sep=None, maxsplit=-1).
func (e *evaluator) strSplit(s *str, args *arguments, at lexer.Position, fromRight bool) (value, error) {
	vals, where, err := bind("split", []string{"sep", "maxsplit"}, 0, 0, args, at)
	if err != nil {
		return nil, err
	}
	maxsplit := int64(-1)
	if vals[1] != nil {
		var ok bool
		if maxsplit, ok = intOf(vals[1]); !ok {
			return nil, runtimeError(position(where[1]), "maxsplit must be an integer: Python stops with TypeError", "Give an integer.")
		}
	}
	out := &list{at: position(at)}
	var sep *str
	if vals[0] != nil {
		if _, isNone := vals[0].(*none); !isNone {
			if sep, err = e.needStr(vals[0], where[0], "the separator"); err != nil {
				return nil, err
			}
			if sep.s == "" {
				return nil, runtimeError(position(where[0]), "empty separator: Python stops with ValueError", "Give a non-empty separator.")
			}
		}
	}
	if sep == nil {
		words := splitWhitespace(s.s)
		if maxsplit >= 0 && int64(len(words)) > maxsplit+1 {
			if fromRight {
				return nil, unsupported(at, "str.rsplit on whitespace with maxsplit")
			}
			for _, w := range words[:maxsplit] {
				out.items = append(out.items, s.slice(w[0], w[1]))
			}
			rest := strings.TrimRightFunc(s.s, isPySpace)
			out.items = append(out.items, s.slice(words[maxsplit][0], len(rest)))
			return out, nil
		}
		for _, w := range words {
			out.items = append(out.items, s.slice(w[0], w[1]))
		}
		return out, nil
	}
	if fromRight {
		var parts []value
		j := len(s.s)
		for n := int64(0); maxsplit < 0 || n < maxsplit; n++ {
			i := strings.LastIndex(s.s[:j], sep.s)
			if i < 0 {
				break
			}
			parts = append(parts, s.slice(i+len(sep.s), j))
			j = i
		}
		parts = append(parts, s.slice(0, j))
		for i := len(parts) - 1; i >= 0; i-- {
			out.items = append(out.items, parts[i])
		}
		return out, nil
	}
	i := 0
	for n := int64(0); maxsplit < 0 || n < maxsplit; n++ {
		j := strings.Index(s.s[i:], sep.s)
		if j < 0 {
			break
		}
		out.items = append(out.items, s.slice(i, i+j))
		i += j + len(sep.s)
	}
	out.items = append(out.items, s.slice(i, len(s.s)))
	return out, nil
}

func strRsplit(e *evaluator, s *str, args *arguments, at lexer.Position) (value, error) {
	return e.strSplit(s, args, at, true)
}

// dictView is d.items(), d.keys() or d.values() of a dict literal.
func dictView(d *dict, name string, at apacheconf.Position) value {
	out := &list{at: at}
	for _, k := range d.keys {
		key := d.keyValue(k)
		switch name {
		case "keys":
			out.items = append(out.items, key)
		case "values":
			out.items = append(out.items, d.vals[k])
		default:
			out.items = append(out.items, &list{items: []value{key, d.vals[k]}, tuple: true, at: at})
		}
	}
	return out
}
