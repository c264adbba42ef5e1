package importscript

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// pathValue is a pathlib.Path (a PosixPath): its text normalised as
// PurePosixPath does, kept with the positions of the bytes it came from.
type pathValue struct {
	p *str
}

func (*pathValue) describe() string { return "a pathlib.Path" }

func init() {
	for _, name := range []string{"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"} {
		helpers[name] = newPath
	}
	helpers["os.fspath"] = func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
		if err := arity("os.fspath", args, at, 1, 1); err != nil {
			return nil, err
		}
		return e.needStr(args.pos[0], args.posAt[0], "the argument of os.fspath")
	}
}

// newPath is Path(*segments).
func newPath(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if len(args.kw) > 0 {
		return nil, unsupported(at, "pathlib.Path with keywords")
	}
	p := &pathValue{p: newStr(".", position(at))}
	for i, v := range args.pos {
		s, err := e.needStr(v, args.posAt[i], "a segment of pathlib.Path")
		if err != nil {
			return nil, err
		}
		if i == 0 {
			p = &pathValue{p: purePath(s)}
			continue
		}
		p = joinPure(p, s)
	}
	return p, nil
}

// purePath is the text of PurePosixPath(s): repeated slashes and "."
// components dropped, a leading "//" kept (exactly two), "" is ".".
func purePath(s *str) *str {
	lead := 0
	for lead < len(s.s) && s.s[lead] == '/' {
		lead++
	}
	b := &strBuilder{at: s.at}
	switch {
	case lead == 2:
		b.str(s.slice(0, 2))
	case lead > 0:
		b.str(s.slice(0, 1))
	}
	first := true
	for i := lead; i < len(s.s); {
		j := strings.IndexByte(s.s[i:], '/')
		if j < 0 {
			j = len(s.s) - i
		}
		if comp := s.slice(i, i+j); comp.s != "" && comp.s != "." {
			if !first {
				b.text("/", comp.at)
			}
			b.str(comp)
			first = false
		}
		i += j + 1
	}
	out, err := b.done()
	if err != nil || out.s == "" {
		return newStr(".", s.at)
	}
	return out
}

// joinPure is p / s: s alone when it is absolute.
func joinPure(p *pathValue, s *str) *pathValue {
	if strings.HasPrefix(s.s, "/") {
		return &pathValue{p: purePath(s)}
	}
	if p.p.s == "." {
		return &pathValue{p: purePath(s)}
	}
	return &pathValue{p: purePath(concat(concat(p.p, newStr("/", s.at)), s))}
}

// pathParts are the components of a path's text, the root first.
func pathParts(p *str) (root *str, parts []*str) {
	i := 0
	for i < len(p.s) && p.s[i] == '/' {
		i++
	}
	root = p.slice(0, i)
	for i < len(p.s) {
		j := strings.IndexByte(p.s[i:], '/')
		if j < 0 {
			j = len(p.s) - i
		}
		parts = append(parts, p.slice(i, i+j))
		i += j + 1
	}
	if len(parts) == 1 && parts[0].s == "." {
		parts = nil
	}
	return root, parts
}

// pathAttr is p.name for the pure attributes and methods of a Path.
func (e *evaluator) pathAttr(p *pathValue, name string, at lexer.Position) (value, error) {
	root, parts := pathParts(p.p)
	last := &str{at: p.p.at}
	if len(parts) > 0 {
		last = parts[len(parts)-1]
	}
	stemEnd := len(last.s)
	if i := strings.LastIndexByte(last.s, '.'); i > 0 && i < len(last.s)-1 {
		stemEnd = i
	}
	switch name {
	case "name":
		return last, nil
	case "stem":
		return last.slice(0, stemEnd), nil
	case "suffix":
		return last.slice(stemEnd, len(last.s)), nil
	case "parent":
		if len(parts) <= 1 {
			if root.s != "" {
				return &pathValue{p: root}, nil
			}
			return &pathValue{p: newStr(".", p.p.at)}, nil
		}
		end := len(p.p.s) - len(last.s) - 1
		return &pathValue{p: p.p.slice(0, max(end, len(root.s)))}, nil
	case "parts":
		out := &list{tuple: true, at: position(at)}
		if root.s != "" {
			out.items = append(out.items, root)
		}
		for _, c := range parts {
			out.items = append(out.items, c)
		}
		return out, nil
	case "root", "anchor":
		return root, nil
	case "joinpath", "with_name", "with_suffix", "as_posix", "is_absolute", "relative_to", "is_relative_to":
		return &method{recv: p, name: name}, nil
	}
	if why := pathRuntime[name]; why != "" {
		return nil, runtimeOnly("Path."+name, why, at)
	}
	return nil, unsupported(at, "the attribute "+name+" of a pathlib.Path")
}

// pathRuntime are the Path methods that look at the machine.
var pathRuntime = map[string]string{
	"resolve": "it resolves symbolic links on the file system", "absolute": "it is relative to the daemon's working directory",
	"exists": "it looks at the file system", "is_file": "it looks at the file system", "is_dir": "it looks at the file system",
	"read_text": "it reads a file", "read_bytes": "it reads a file", "open": "it reads a file", "iterdir": "it lists a directory",
	"glob": "it lists a directory", "stat": "it looks at the file system", "expanduser": "it may read the password database",
	"home": "it may read the password database", "cwd": "it is the working directory of the daemon process",
}

// pathMethod calls a pure method of a Path.
func (e *evaluator) pathMethod(p *pathValue, name string, args *arguments, at lexer.Position) (value, error) {
	switch name {
	case "joinpath":
		out := p
		for i, v := range args.pos {
			s, err := e.needStr(v, args.posAt[i], "a segment of joinpath")
			if err != nil {
				return nil, err
			}
			out = joinPure(out, s)
		}
		return out, arity("joinpath", &arguments{kw: args.kw}, at, 0, 0)
	case "as_posix":
		return p.p, arity(name, args, at, 0, 0)
	case "is_absolute":
		return &boolean{v: strings.HasPrefix(p.p.s, "/"), at: position(at)}, arity(name, args, at, 0, 0)
	case "with_name", "with_suffix":
		if err := arity(name, args, at, 1, 1); err != nil {
			return nil, err
		}
		s, err := e.needStr(args.pos[0], args.posAt[0], "the argument of "+name)
		if err != nil {
			return nil, err
		}
		nameV, _ := e.pathAttr(p, "name", at)
		n := nameV.(*str)
		if n.s == "" {
			return nil, runtimeError(position(at), pyRepr(p.p.s)+" has an empty name: Python stops with ValueError", "Use a path with a last component.")
		}
		head := p.p.slice(0, len(p.p.s)-len(n.s))
		if name == "with_name" {
			if s.s == "" || strings.Contains(s.s, "/") || s.s == "." {
				return nil, runtimeError(position(at), "invalid name "+pyRepr(s.s)+": Python stops with ValueError", "Give a name without a slash.")
			}
			return &pathValue{p: concat(head, s)}, nil
		}
		if s.s != "" && (!strings.HasPrefix(s.s, ".") || s.s == "." || strings.Contains(s.s, "/")) {
			return nil, runtimeError(position(at), "invalid suffix "+pyRepr(s.s)+": Python stops with ValueError", "Give a suffix such as '.conf'.")
		}
		stem, _ := e.pathAttr(p, "stem", at)
		return &pathValue{p: concat(concat(head, stem.(*str)), s)}, nil
	case "relative_to", "is_relative_to":
		if err := arity(name, args, at, 1, 1); err != nil {
			return nil, err
		}
		s, err := e.needStr(args.pos[0], args.posAt[0], "the argument of "+name)
		if err != nil {
			return nil, err
		}
		base := purePath(s)
		rel, ok := "", false
		switch {
		case base.s == p.p.s:
			rel, ok = ".", true
		case base.s == "/" && strings.HasPrefix(p.p.s, "/"):
			rel, ok = p.p.s[1:], true
		case base.s == ".":
			rel, ok = p.p.s, !strings.HasPrefix(p.p.s, "/")
		case strings.HasPrefix(p.p.s, base.s+"/"):
			rel, ok = p.p.s[len(base.s)+1:], true
		}
		if name == "is_relative_to" {
			return &boolean{v: ok, at: position(at)}, nil
		}
		if !ok {
			return nil, runtimeError(position(at), pyRepr(p.p.s)+" is not in the subpath of "+pyRepr(base.s)+": Python stops with ValueError", "Give a base the path is under.")
		}
		return &pathValue{p: p.p.slice(len(p.p.s)-len(rel), len(p.p.s))}, nil
	}
	return nil, unsupported(at, "calling Path."+name)
}

// pathDiv is a / b where either side is a Path.
func (e *evaluator) pathDiv(a, b value, at lexer.Position) (value, bool, error) {
	pa, aIsPath := a.(*pathValue)
	pb, bIsPath := b.(*pathValue)
	switch {
	case aIsPath && bIsPath:
		return joinPure(pa, pb.p), true, nil
	case aIsPath:
		if s, ok := b.(*str); ok {
			return joinPure(pa, s), true, nil
		}
	case bIsPath:
		if s, ok := a.(*str); ok {
			return joinPure(&pathValue{p: purePath(s)}, pb.p), true, nil
		}
	default:
		return nil, false, nil
	}
	return nil, true, runtimeError(position(at), "unsupported operand types for /: "+a.describe()+" and "+b.describe()+": Python stops with TypeError", "Join a Path with a string or a Path.")
}

// pathRelpath is os.path.relpath(path, start) of absolute paths (relative
// ones depend on the daemon's working directory).
func pathRelpath(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("os.path.relpath", []string{"path", "start"}, 0, 1, args, at)
	if err != nil {
		return nil, err
	}
	p, err := e.needStr(vals[0], where[0], "the path of os.path.relpath")
	if err != nil {
		return nil, err
	}
	start := newStr(".", position(at))
	if vals[1] != nil {
		if start, err = e.needStr(vals[1], where[1], "the start of os.path.relpath"); err != nil {
			return nil, err
		}
	}
	if p.s == "" {
		return nil, runtimeError(position(at), "no path specified: Python stops with ValueError", "Give a path.")
	}
	abs := func(s *str) (string, bool) {
		if strings.HasPrefix(s.s, "/") {
			return normPath(s).s, true
		}
		if e.dir != nil && strings.HasPrefix(e.dir.s, "/") {
			return normPath(joinPath(e.dir, s)).s, true
		}
		return "", false
	}
	ap, ok1 := abs(p)
	as, ok2 := abs(start)
	if !ok1 || !ok2 {
		return nil, newDiag(CodeUnresolved, position(at), "os.path.relpath of a relative path depends on the daemon's working directory, known only when the script runs",
			"Give absolute paths, or os.chdir to an absolute directory first.")
	}
	split := func(s string) []string {
		var out []string
		for _, c := range strings.Split(s, "/") {
			if c != "" {
				out = append(out, c)
			}
		}
		return out
	}
	pp, sp := split(ap), split(as)
	n := 0
	for n < len(pp) && n < len(sp) && pp[n] == sp[n] {
		n++
	}
	var rel []string
	for range sp[n:] {
		rel = append(rel, "..")
	}
	rel = append(rel, pp[n:]...)
	if len(rel) == 0 {
		return newStr(".", p.at), nil
	}
	return newStr(strings.Join(rel, "/"), p.at), nil
}

// pathStr is the text of a Path where a string is taken (os.fspath).
func pathStr(p *pathValue, at apacheconf.Position) *str {
	if len(p.p.s) == 0 {
		return newStr(".", at)
	}
	return p.p
}
