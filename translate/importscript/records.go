package importscript

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// pendingDecorator is a decorator evaluated before the def or class it
// decorates; a failed one is poisoned (its diagnostic is out).
type pendingDecorator struct {
	v  value
	at lexer.Position
}

// decorator evaluates @expr before a def or a class.
func (e *evaluator) decorator(d *decorator) error {
	v, err := e.expr(d.Expr)
	if err != nil {
		e.skipped = true
		v = poisoned{}
	}
	e.decorators = append(e.decorators, pendingDecorator{v: v, at: d.Pos})
	return err
}

// takeDecorators are the decorators of the def or class that comes now.
func (e *evaluator) takeDecorators() []pendingDecorator {
	d := e.decorators
	e.decorators = nil
	return d
}

// decorate applies decorators to a function or class as Python does:
// the one nearest the def first, each result given to the next.
func (e *evaluator) decorate(v value, decs []pendingDecorator, at lexer.Position) (value, error) {
	for i := len(decs) - 1; i >= 0; i-- {
		d := decs[i]
		var err error
		switch dv := d.v.(type) {
		case poisoned:
			return nil, errPoisoned
		case *function:
			switch dv.name {
			case "staticmethod", "classmethod", "property":
				f, ok := v.(*userFunc)
				if !ok || f.kind != "" {
					return nil, unsupported(d.at, "@"+dv.name+" on "+v.describe())
				}
				g := *f
				g.kind = dv.name
				v = &g
				continue
			case "dataclasses.dataclass":
				v, err = e.makeDataclass(v, &dataclassInfo{eq: true, repr: true, init: true}, d.at)
			case "functools.wraps":
				return nil, runtimeError(position(d.at), "@functools.wraps needs the wrapped function: Python stops with TypeError", "Write @functools.wraps(fn).")
			default:
				if _, known := helpers[dv.name]; !known {
					return nil, unsupported(d.at, "the decorator "+dv.name)
				}
				v, err = e.callFn(dv, d.at, v)
			}
		case *lruCacheDecorator:
			v, err = e.newCached(v, dv.maxsize, dv.typed, d.at)
		case *dataclassOptions:
			opts := dv.info
			v, err = e.makeDataclass(v, &opts, d.at)
		case *wrapsDecorator:
			f, ok := v.(*userFunc)
			if !ok {
				return nil, unsupported(d.at, "@functools.wraps on "+v.describe())
			}
			g := *f
			g.alias = dv.name
			v = &g
		case *userFunc, *boundMethod, *class:
			v, err = e.callFn(dv, d.at, v)
		default:
			return nil, unsupported(d.at, "the decorator "+d.v.describe())
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

// wrapsDecorator is functools.wraps(fn): it gives the wrapper fn's name.
type wrapsDecorator struct {
	name string
}

func (*wrapsDecorator) describe() string { return "a functools.wraps decorator" }

func functoolsWraps(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if len(args.pos) != 1 || len(args.kw) > 0 {
		return nil, unsupported(at, "functools.wraps with other than the wrapped function")
	}
	name := ""
	switch f := args.pos[0].(type) {
	case *userFunc:
		name = f.name()
	case *function:
		name = f.name[strings.LastIndexByte(f.name, '.')+1:]
	case poisoned:
		return nil, errPoisoned
	default:
		return nil, unsupported(args.posAt[0], "functools.wraps of "+f.describe())
	}
	return &wrapsDecorator{name: name}, nil
}

// dataclassInfo is what @dataclass or a NamedTuple made of a class: its
// fields and the methods generated for them.
type dataclassInfo struct {
	namedTuple bool
	fields     []dcField
	init       bool // __init__ is generated
	repr       bool // __repr__ is generated
	eq         bool // __eq__ is generated
	frozen     bool
}

// dcField is a field of a dataclass or a namedtuple: its default, or the
// factory that makes one.
type dcField struct {
	name    string
	def     value
	factory value
	init    bool
	repr    bool
	compare bool
}

// dataclassOptions is dataclass(frozen=True, ...) before it decorates.
type dataclassOptions struct {
	info dataclassInfo
}

func (*dataclassOptions) describe() string { return "a dataclass decorator" }

// fieldSpec is dataclasses.field(...), in a class body.
type fieldSpec struct {
	f  dcField
	at apacheconf.Position
}

func (*fieldSpec) describe() string { return "a dataclasses.field" }

// annotation is a name the class body annotates.
type annotation struct {
	name     string
	classVar bool
}

// annotate is an annotated assignment: `x: T = v` assigns, `x: T`
// assigns nothing. In a class body the name becomes a field of a
// dataclass or NamedTuple. The annotation itself is not evaluated
// (it only documents the type).
func (e *evaluator) annotate(x *exprStmt, at lexer.Position) error {
	if n := len(e.frames); n > 0 && e.frames[n-1].cls != nil {
		cls := e.frames[n-1].cls
		if p := asPrimary(x.First.single()); p != nil && len(p.Trailers) == 0 && p.Atom.Name != "" {
			kind := annotationName(x.Annot)
			switch kind {
			case "InitVar", "dataclasses.InitVar", "KW_ONLY", "dataclasses.KW_ONLY":
				return unsupported(at, "a dataclass field annotated "+kind)
			}
			cls.fields = append(cls.fields, annotation{name: p.Atom.Name, classVar: kind == "ClassVar" || kind == "typing.ClassVar"})
		}
	}
	if x.AnnotVal == nil {
		return nil
	}
	v, err := e.expr(x.AnnotVal)
	if err != nil {
		return err
	}
	return e.assignList(x.First, v)
}

// annotationName is the dotted name an annotation starts with
// (ClassVar in ClassVar[int]), or "".
func annotationName(x *expr) string {
	p := asPrimary(x)
	if p == nil || p.Atom.Name == "" {
		return ""
	}
	name := p.Atom.Name
	for _, t := range p.Trailers {
		if t.Attr == "" {
			break
		}
		name += "." + t.Attr
	}
	return name
}

// dataclassesDataclass is dataclass(cls) or dataclass(**options).
func dataclassesDataclass(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	info := dataclassInfo{eq: true, repr: true, init: true}
	for _, k := range args.kw {
		b, ok := k.v.(*boolean)
		if !ok {
			return nil, unsupported(k.at, "dataclass("+k.name+"=) with "+k.v.describe())
		}
		switch k.name {
		case "init":
			info.init = b.v
		case "repr":
			info.repr = b.v
		case "eq":
			info.eq = b.v
		case "frozen":
			info.frozen = b.v
		case "order", "unsafe_hash", "match_args", "kw_only", "slots", "weakref_slot":
			if b.v && k.name != "match_args" {
				return nil, unsupported(k.at, "dataclass("+k.name+"=True)")
			}
		default:
			return nil, runtimeError(position(k.at), "dataclass() got an unexpected keyword argument "+pyRepr(k.name)+": Python stops with TypeError", "Remove the argument.")
		}
	}
	if len(args.pos) == 0 {
		return &dataclassOptions{info: info}, nil
	}
	if len(args.pos) > 1 {
		return nil, runtimeError(position(at), "dataclass() takes one class: Python stops with TypeError", "Decorate the class with @dataclass.")
	}
	return e.makeDataclass(args.pos[0], &info, at)
}

// dataclassesField is field(default=..., default_factory=..., init=,
// repr=, compare=).
func dataclassesField(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if len(args.pos) > 0 {
		return nil, runtimeError(position(at), "field() takes keyword arguments only: Python stops with TypeError", "Write field(default=...).")
	}
	f := dcField{init: true, repr: true, compare: true}
	for _, k := range args.kw {
		switch k.name {
		case "default":
			f.def = k.v
		case "default_factory":
			f.factory = k.v
		case "init", "repr", "compare":
			b, ok := k.v.(*boolean)
			if !ok {
				return nil, unsupported(k.at, "field("+k.name+"=) with "+k.v.describe())
			}
			switch k.name {
			case "init":
				f.init = b.v
			case "repr":
				f.repr = b.v
			default:
				f.compare = b.v
			}
		case "hash", "metadata", "kw_only":
			if _, isNone := k.v.(*none); !isNone {
				return nil, unsupported(k.at, "field("+k.name+"=)")
			}
		default:
			return nil, runtimeError(position(k.at), "field() got an unexpected keyword argument "+pyRepr(k.name)+": Python stops with TypeError", "Remove the argument.")
		}
	}
	if f.def != nil && f.factory != nil {
		return nil, runtimeError(position(at), "cannot specify both default and default_factory: Python stops with ValueError", "Give one of them.")
	}
	return &fieldSpec{f: f, at: position(at)}, nil
}

// classFields are the fields of a class body's annotations: their
// defaults from the class attributes (a field() there gives them, and the
// attribute becomes its default or goes away).
func classFields(cls *class, at lexer.Position) ([]dcField, error) {
	var out []dcField
	for _, b := range cls.mro[1:] {
		if b.data != nil && !b.data.namedTuple {
			out = append(out, b.data.fields...)
			break
		}
	}
	for _, a := range cls.fields {
		if a.classVar {
			continue
		}
		f := dcField{name: a.name, init: true, repr: true, compare: true}
		if v, ok := cls.attrs[a.name]; ok {
			if spec, isSpec := v.(*fieldSpec); isSpec {
				f = spec.f
				f.name = a.name
				if f.def != nil {
					cls.attrs[a.name] = f.def
				} else {
					delete(cls.attrs, a.name)
				}
			} else {
				f.def = v
			}
		}
		if f.def != nil {
			switch d := f.def.(type) {
			case *list, *dict, *set:
				if l, ok := d.(*list); ok && l.tuple {
					break
				}
				if s, ok := d.(*set); ok && s.frozen {
					break
				}
				t, _ := typeOf(d)
				name := "dict"
				if fn, ok := t.(*function); ok {
					name = fn.name
				}
				return nil, runtimeError(position(at), "mutable default <class '"+name+"'> for field "+a.name+" is not allowed: use default_factory: Python stops with ValueError", "Write field(default_factory="+name+").")
			}
		}
		replaced := false
		for i := range out {
			if out[i].name == f.name {
				out[i], replaced = f, true
			}
		}
		if !replaced {
			out = append(out, f)
		}
	}
	seenDefault := false
	for _, f := range out {
		if !f.init {
			continue
		}
		if f.def != nil || f.factory != nil {
			seenDefault = true
		} else if seenDefault {
			return nil, runtimeError(position(at), "non-default argument "+pyRepr(f.name)+" follows default argument: Python stops with TypeError", "Put the fields with defaults last.")
		}
	}
	return out, nil
}

// makeDataclass is @dataclass on a class of the script.
func (e *evaluator) makeDataclass(v value, info *dataclassInfo, at lexer.Position) (value, error) {
	cls, ok := v.(*class)
	if !ok {
		return nil, unsupported(at, "@dataclass on "+v.describe())
	}
	fields, err := classFields(cls, at)
	if err != nil {
		return nil, err
	}
	d := *info
	d.fields = fields
	if _, own := cls.attrs["__init__"]; own {
		d.init = false
	}
	if _, own := cls.attrs["__repr__"]; own {
		d.repr = false
	}
	if _, own := cls.attrs["__eq__"]; own {
		d.eq = false
	}
	cls.data = &d
	return cls, nil
}

// dataclassInit is the generated __init__: the fields from the arguments,
// their defaults or factories, then __post_init__.
func (e *evaluator) dataclassInit(cls *class, obj *instance, args *arguments, at lexer.Position) error {
	var params []string
	var fields []dcField
	for _, f := range cls.data.fields {
		if f.init {
			params = append(params, f.name)
			fields = append(fields, f)
		}
	}
	required := 0
	for i, f := range fields {
		if f.def == nil && f.factory == nil {
			required = i + 1
		}
	}
	vals, _, err := bind(cls.name, params, 0, required, args, at)
	if err != nil {
		return err
	}
	for i, f := range fields {
		v := vals[i]
		if v == nil {
			if v, err = e.fieldDefault(f, at); err != nil {
				return err
			}
		}
		obj.attrs[f.name] = v
	}
	for _, f := range cls.data.fields {
		if !f.init && (f.def != nil || f.factory != nil) {
			v, err := e.fieldDefault(f, at)
			if err != nil {
				return err
			}
			obj.attrs[f.name] = v
		}
	}
	if post, _, ok := cls.find("__post_init__"); ok {
		if _, err := e.call(&boundMethod{fn: post.(*userFunc), self: obj}, &arguments{}, at); err != nil {
			return err
		}
	}
	return nil
}

func (e *evaluator) fieldDefault(f dcField, at lexer.Position) (value, error) {
	if f.factory != nil {
		return e.callFn(f.factory, at)
	}
	return f.def, nil
}

// generatedRepr is the class in cls's resolution order whose generated
// __repr__ str() or repr() of its instances calls, or nil when a
// __repr__ (or, for str, a __str__) of the script's comes first.
func generatedRepr(cls *class, forStr bool) *class {
	for _, k := range cls.mro {
		if _, own := k.attrs["__repr__"]; own {
			return nil
		}
		if _, own := k.attrs["__str__"]; own && forStr {
			return nil
		}
		if k.data != nil && !k.data.namedTuple && k.data.repr {
			return k
		}
	}
	return nil
}

// dataclassReprStr is the generated __repr__ of the dataclass k, for obj.
func (e *evaluator) dataclassReprStr(obj *instance, k *class, at apacheconf.Position) (*str, error) {
	r, ok, err := e.dataclassRepr(obj, k, at)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, unsupported(lexer.Position{Filename: at.Filename, Line: at.Line, Column: at.Column}, "the repr of "+obj.describe())
	}
	return newStr(r, at), nil
}

// dataclassRepr is the generated __repr__: Name(field=repr, ...).
func (e *evaluator) dataclassRepr(obj *instance, k *class, at apacheconf.Position) (string, bool, error) {
	var b strings.Builder
	b.WriteString(obj.cls.name + "(")
	first := true
	for _, f := range k.data.fields {
		if !f.repr {
			continue
		}
		v, ok := obj.attrs[f.name]
		if !ok {
			return "", false, nil
		}
		r, ok, err := e.reprText(v, at)
		if err != nil || !ok {
			return "", ok, err
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteString(f.name + "=" + r)
	}
	b.WriteString(")")
	return b.String(), true, nil
}

// generatedEq says whether == on cls's instances is a dataclass's
// generated __eq__.
func generatedEq(cls *class) bool {
	for _, k := range cls.mro {
		if _, own := k.attrs["__eq__"]; own {
			return false
		}
		if k.data != nil && !k.data.namedTuple {
			return k.data.eq
		}
	}
	return false
}

// dataclassEqual is the generated __eq__: the same class, and equal
// fields in order.
func (e *evaluator) dataclassEqual(x, y *instance, at lexer.Position) (bool, error) {
	if x.cls != y.cls {
		return false, nil
	}
	for _, f := range x.cls.data.fields {
		if !f.compare {
			continue
		}
		a, okA := x.attrs[f.name]
		b, okB := y.attrs[f.name]
		if !okA || !okB {
			return false, unsupported(at, "comparing dataclasses whose fields were deleted")
		}
		if eq, err := e.equal(a, b, at); err != nil || !eq {
			return false, err
		}
	}
	return true, nil
}

// dataclassesAsdict is dataclasses.asdict(obj): its fields as a dict,
// dataclasses inside converted too, lists and dicts copied.
func dataclassesAsdict(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("asdict", args, at, 1, 1); err != nil {
		return nil, err
	}
	obj, ok := args.pos[0].(*instance)
	if !ok || obj.cls.data == nil || obj.cls.data.namedTuple {
		if _, bad := args.pos[0].(poisoned); bad {
			return nil, errPoisoned
		}
		return nil, runtimeError(position(args.posAt[0]), "asdict() should be called on dataclass instances: Python stops with TypeError", "Pass a dataclass instance.")
	}
	var conv func(v value, depth int) (value, error)
	conv = func(v value, depth int) (value, error) {
		if depth > maxNesting {
			return nil, unsupported(at, "asdict() of values nested this deeply")
		}
		switch v := v.(type) {
		case *instance:
			if v.cls.data == nil || v.cls.data.namedTuple {
				return v, nil
			}
			d := newDict(position(at), false)
			for _, f := range v.cls.data.fields {
				fv, err := conv(v.attrs[f.name], depth+1)
				if err != nil {
					return nil, err
				}
				d.set(f.name, fv, position(at))
			}
			return d, nil
		case *list:
			out := &list{tuple: v.tuple, at: v.at, nt: v.nt}
			for _, it := range v.items {
				c, err := conv(it, depth+1)
				if err != nil {
					return nil, err
				}
				out.items = append(out.items, c)
			}
			return out, nil
		case *dict:
			if v.inherits {
				return v, nil
			}
			out := newDict(v.at, false)
			for _, k := range v.keys {
				c, err := conv(v.vals[k], depth+1)
				if err != nil {
					return nil, err
				}
				out.set(k, c, v.keyPos[k])
				if o, ok := v.orig[k]; ok {
					out.setOrig(k, o)
				}
			}
			return out, nil
		}
		return v, nil
	}
	return conv(obj, 0)
}

// namedTupleClass is a class derived from typing.NamedTuple: its
// annotated names are the fields, their class attributes the defaults.
func (e *evaluator) namedTupleClass(cls *class, at lexer.Position) (*class, error) {
	var fields []dcField
	seenDefault := false
	for _, a := range cls.fields {
		f := dcField{name: a.name, init: true, repr: true, compare: true}
		if v, ok := cls.attrs[a.name]; ok {
			f.def = v
			seenDefault = true
		} else if seenDefault {
			return nil, runtimeError(position(at), "Non-default namedtuple field "+a.name+" cannot follow default field: Python stops with TypeError", "Put the fields with defaults last.")
		}
		delete(cls.attrs, a.name)
		fields = append(fields, f)
	}
	cls.data = &dataclassInfo{namedTuple: true, fields: fields}
	return cls, nil
}

// collectionsNamedtuple is collections.namedtuple(typename, field_names,
// *, rename=False, defaults=None, module=None).
func collectionsNamedtuple(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("namedtuple", []string{"typename", "field_names", "rename", "defaults", "module"}, 0, 2, args, at)
	if err != nil {
		return nil, err
	}
	if len(args.pos) > 2 {
		return nil, runtimeError(position(at), "namedtuple() takes 2 positional arguments: Python stops with TypeError", "Pass rename, defaults and module by keyword.")
	}
	name, err := e.needStr(vals[0], where[0], "the name of a namedtuple")
	if err != nil {
		return nil, err
	}
	var names []string
	if s, ok := vals[1].(*str); ok {
		names = strings.Fields(strings.ReplaceAll(s.s, ",", " "))
	} else {
		items, err := e.sequence(vals[1], where[1])
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			s, err := e.needStr(it, where[1], "a field name of a namedtuple")
			if err != nil {
				return nil, err
			}
			names = append(names, s.s)
		}
	}
	if vals[2] != nil {
		if t, err := e.truth(vals[2], where[2]); err != nil || t {
			if err != nil {
				return nil, err
			}
			return nil, unsupported(where[2], "namedtuple(rename=True)")
		}
	}
	seen := map[string]bool{}
	for _, n := range append([]string{name.s}, names...) {
		if !isIdentifier(n) || keywords[n] {
			return nil, runtimeError(position(where[1]), "Type names and field names must be valid identifiers: "+pyRepr(n)+": Python stops with ValueError", "Name each field as a Python name.")
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "_") {
			return nil, runtimeError(position(where[1]), "Field names cannot start with an underscore: "+pyRepr(n)+": Python stops with ValueError", "Rename the field.")
		}
		if seen[n] {
			return nil, runtimeError(position(where[1]), "Encountered duplicate field name: "+pyRepr(n)+": Python stops with ValueError", "Name each field once.")
		}
		seen[n] = true
	}
	fields := make([]dcField, len(names))
	for i, n := range names {
		fields[i] = dcField{name: n, init: true, repr: true, compare: true}
	}
	if vals[3] != nil {
		if _, isNone := vals[3].(*none); !isNone {
			defs, err := e.sequence(vals[3], where[3])
			if err != nil {
				return nil, err
			}
			if len(defs) > len(fields) {
				return nil, runtimeError(position(where[3]), "Got more default values than field names: Python stops with TypeError", "Give at most one default per field.")
			}
			for i, d := range defs {
				fields[len(fields)-len(defs)+i].def = d
			}
		}
	}
	cls := &class{name: name.s, attrs: map[string]value{}, at: position(at)}
	cls.mro = []*class{cls}
	cls.data = &dataclassInfo{namedTuple: true, fields: fields}
	return cls, nil
}

// isIdentifier says whether s is an ASCII Python name (the names
// launchers give fields).
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// newNamedTuple is Point(...): a tuple whose items are named.
func (e *evaluator) newNamedTuple(cls *class, args *arguments, at lexer.Position) (value, error) {
	params := make([]string, len(cls.data.fields))
	required := 0
	for i, f := range cls.data.fields {
		params[i] = f.name
		if f.def == nil {
			required = i + 1
		}
	}
	vals, _, err := bind(cls.name, params, 0, required, args, at)
	if err != nil {
		return nil, err
	}
	out := &list{tuple: true, at: position(at), nt: cls}
	for i, f := range cls.data.fields {
		v := vals[i]
		if v == nil {
			v = f.def
		}
		out.items = append(out.items, v)
	}
	return out, nil
}

// namedTupleAttr is t.name for a named tuple: a field, _fields, _asdict,
// _replace, or what its class defines.
func (e *evaluator) namedTupleAttr(t *list, name string, at lexer.Position) (value, error) {
	for i, f := range t.nt.data.fields {
		if f.name == name && i < len(t.items) {
			return t.items[i], nil
		}
	}
	switch name {
	case "_fields":
		return namedTupleFields(t.nt, at), nil
	case "_asdict", "_replace":
		return &method{recv: t, name: name}, nil
	}
	return e.classAttr(t.nt, t, t.nt.mro, name, at)
}

func namedTupleFields(cls *class, at lexer.Position) value {
	out := &list{tuple: true, at: position(at)}
	for _, f := range cls.data.fields {
		out.items = append(out.items, newStr(f.name, position(at)))
	}
	return out
}

// namedTupleMethod is _asdict() and _replace(**changes).
func (e *evaluator) namedTupleMethod(t *list, name string, args *arguments, at lexer.Position) (value, error) {
	fields := t.nt.data.fields
	switch name {
	case "_asdict":
		if err := arity("_asdict", args, at, 0, 0); err != nil {
			return nil, err
		}
		d := newDict(position(at), false)
		for i, f := range fields {
			d.set(f.name, t.items[i], position(at))
		}
		return d, nil
	}
	if len(args.pos) > 0 {
		return nil, runtimeError(position(at), "_replace() takes keyword arguments only: Python stops with TypeError", "Write _replace(field=value).")
	}
	out := &list{tuple: true, at: position(at), nt: t.nt, items: append([]value{}, t.items...)}
	for _, k := range args.kw {
		found := false
		for i, f := range fields {
			if f.name == k.name {
				out.items[i], found = k.v, true
			}
		}
		if !found {
			return nil, runtimeError(position(k.at), "Got unexpected field names: ["+pyRepr(k.name)+"]: Python stops with ValueError", "Replace the fields the namedtuple has.")
		}
	}
	return out, nil
}

// namedTupleRepr is Point(x=1, y=2).
func namedTupleRepr(t *list, open []value) (string, bool) {
	if _, own := t.nt.attrs["__repr__"]; own {
		return "", false
	}
	parts := make([]string, len(t.items))
	for i, it := range t.items {
		r, ok := reprIn(it, append(open, t))
		if !ok || i >= len(t.nt.data.fields) {
			return "", false
		}
		parts[i] = t.nt.data.fields[i].name + "=" + r
	}
	return t.nt.name + "(" + strings.Join(parts, ", ") + ")", true
}

// fieldAttr is v.name in a str.format field ({0.name}); set in init,
// since attribute lookup reaches the str methods, which reach format.
var fieldAttr func(e *evaluator, v value, name string, at lexer.Position) (value, error)

func init() {
	fieldAttr = (*evaluator).attr
	helpers["functools.wraps"] = functoolsWraps
	helpers["dataclasses.dataclass"] = dataclassesDataclass
	helpers["dataclasses.field"] = dataclassesField
	helpers["dataclasses.asdict"] = dataclassesAsdict
	helpers["collections.namedtuple"] = collectionsNamedtuple
}
