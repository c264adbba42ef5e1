package importscript

import (
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// class is a class the script defines: its body's names are its
// attributes; methods are the script's functions. Bases are classes of the
// script too (object aside); attribute lookup follows the method
// resolution order Python computes for them (C3).
type class struct {
	name  string
	mro   []*class // the class itself, then its bases in resolution order
	attrs map[string]value
	at    apacheconf.Position
	// fields are the names the class body annotates, in order (x: int).
	fields []annotation
	data   *dataclassInfo // set by @dataclass
}

func (c *class) describe() string { return "the class " + c.name }

// find looks a name up in the class and its bases.
func (c *class) find(name string) (value, *class, bool) {
	for _, k := range c.mro {
		if v, ok := k.attrs[name]; ok {
			return v, k, true
		}
	}
	return nil, nil, false
}

// isSubclass says whether c is d or derives from it.
func (c *class) isSubclass(d *class) bool {
	for _, k := range c.mro {
		if k == d {
			return true
		}
	}
	return false
}

// after is the part of c's resolution order after k, where super() in a
// method of k looks.
func (c *class) after(k *class) []*class {
	for i, m := range c.mro {
		if m == k {
			return c.mro[i+1:]
		}
	}
	return nil
}

// linearize is C3's merge of the bases' resolution orders and the bases
// themselves, or false where Python refuses the class (TypeError: Cannot
// create a consistent method resolution order).
func linearize(c *class, bases []*class) ([]*class, bool) {
	var seqs [][]*class
	for _, b := range bases {
		seqs = append(seqs, append([]*class{}, b.mro...))
	}
	seqs = append(seqs, append([]*class{}, bases...))
	out := []*class{c}
	for {
		empty := true
		for _, s := range seqs {
			if len(s) > 0 {
				empty = false
			}
		}
		if empty {
			return out, true
		}
		var head *class
		for _, s := range seqs {
			if len(s) == 0 {
				continue
			}
			cand := s[0]
			inTail := false
			for _, t := range seqs {
				for _, x := range t[min(1, len(t)):] {
					if x == cand {
						inTail = true
					}
				}
			}
			if !inTail {
				head = cand
				break
			}
		}
		if head == nil {
			return nil, false
		}
		out = append(out, head)
		for i, s := range seqs {
			if len(s) > 0 && s[0] == head {
				seqs[i] = s[1:]
			}
		}
	}
}

// instance is an object of a class of the script, with its own
// attributes (self.x = ...).
type instance struct {
	cls   *class
	attrs map[string]value
}

func (i *instance) describe() string { return "an instance of " + i.cls.name }

// boundMethod is a method of the script's class bound to its first
// argument: an instance, or the class for a classmethod.
type boundMethod struct {
	fn   *userFunc
	self value
}

func (m *boundMethod) describe() string { return "the method " + m.fn.def.Name }

// superProxy is super() in a method: attribute lookup starts after the
// class that defined the method, in the resolution order of self's class.
type superProxy struct {
	owner *class
	self  value
}

func (*superProxy) describe() string { return "a super() object" }

// classStmt runs a class body in a scope of its own and binds the class.
func (e *evaluator) classStmt(c *classDef) error {
	cls := &class{name: c.Name, attrs: map[string]value{}, at: position(c.Pos)}
	cls.mro = []*class{cls}
	decorators := e.takeDecorators()
	var bases []*class
	if c.Bases != nil {
		args, err := e.callArgs(c.Bases)
		if err != nil {
			e.setName(c.Name, poisoned{})
			return err
		}
		if len(args.kw) > 0 {
			e.setName(c.Name, poisoned{})
			return unsupported(c.Pos, "keyword arguments of a class (metaclass=...)")
		}
		for i, b := range args.pos {
			switch b := b.(type) {
			case *class:
				for _, seen := range bases {
					if seen == b {
						e.setName(c.Name, poisoned{})
						return runtimeError(position(args.posAt[i]), "duplicate base class "+b.name+": Python stops with TypeError", "Name each base class once.")
					}
				}
				bases = append(bases, b)
			case *function:
				if b.name == "object" {
					continue
				}
				if b.name == "typing.NamedTuple" {
					cls.data = &dataclassInfo{namedTuple: true}
					continue
				}
				e.setName(c.Name, poisoned{})
				return unsupported(args.posAt[i], "deriving a class from "+b.name)
			case poisoned:
				e.setName(c.Name, poisoned{})
				return errPoisoned
			default:
				e.setName(c.Name, poisoned{})
				return unsupported(args.posAt[i], "deriving a class from "+b.describe())
			}
		}
	}
	if len(bases) > 0 {
		mro, ok := linearize(cls, bases)
		if !ok {
			e.setName(c.Name, poisoned{})
			return runtimeError(position(c.Pos), "Cannot create a consistent method resolution order (MRO) for bases of "+c.Name+": Python stops with TypeError", "Order the base classes so that each comes before its own bases.")
		}
		cls.mro = mro
	}
	var outer *frame
	if n := len(e.frames); n > 0 {
		outer = e.frames[n-1]
	}
	if len(e.frames) >= maxDepth {
		return unsupported(c.Pos, "classes nested this deeply")
	}
	e.frames = append(e.frames, &frame{vars: cls.attrs, outer: outer, cls: cls})
	savedSkipped := e.skipped
	e.skipped = false
	before := len(e.diags)
	e.suite(c.Body)
	e.frames = e.frames[:len(e.frames)-1]
	failed := e.skipped || e.diags[before:].HasErrors()
	e.skipped = e.skipped || savedSkipped
	if e.ctl != ctlNone {
		e.ctl = ctlNone
		return newDiag(CodeSyntax, position(c.Pos), "'return', 'break' or 'continue' in a class body", "Use them inside a def or a loop only.")
	}
	if failed {
		e.setName(c.Name, poisoned{})
		return nil
	}
	var v value = cls
	if cls.data != nil && cls.data.namedTuple {
		nt, err := e.namedTupleClass(cls, c.Pos)
		if err != nil {
			e.setName(c.Name, poisoned{})
			return err
		}
		v = nt
	}
	v, err := e.decorate(v, decorators, c.Pos)
	if err != nil {
		e.setName(c.Name, poisoned{})
		return err
	}
	e.setName(c.Name, v)
	return nil
}

// classAttr is cls.name, or obj.name for an instance (self is then the
// instance): methods come bound, properties are called.
func (e *evaluator) classAttr(cls *class, self value, from []*class, name string, at lexer.Position) (value, error) {
	if name == "__name__" && self == nil {
		return newStr(cls.name, position(at)), nil
	}
	var v value
	found := false
	for _, k := range from {
		if v, found = k.attrs[name]; found {
			break
		}
	}
	if !found {
		return nil, runtimeError(position(at), cls.describe()+" has no attribute "+pyRepr(name)+": Python stops with AttributeError",
			"Set the attribute in the class body or in __init__ before reading it.")
	}
	f, ok := v.(*userFunc)
	if !ok {
		return v, nil
	}
	switch f.kind {
	case "staticmethod":
		return f, nil
	case "classmethod":
		return &boundMethod{fn: f, self: cls}, nil
	case "property":
		if self == nil {
			return nil, unsupported(at, "a property of a class itself")
		}
		return e.callUser(f, &arguments{pos: []value{self}, posAt: []lexer.Position{at}}, at)
	}
	if self == nil {
		return f, nil
	}
	return &boundMethod{fn: f, self: self}, nil
}

// instanceAttr is obj.name.
func (e *evaluator) instanceAttr(obj *instance, name string, at lexer.Position) (value, error) {
	if v, ok := obj.attrs[name]; ok {
		return v, nil
	}
	if name == "__class__" {
		return obj.cls, nil
	}
	if _, _, ok := obj.cls.find(name); !ok {
		return nil, runtimeError(position(at), obj.describe()+" has no attribute "+pyRepr(name)+": Python stops with AttributeError",
			"Set the attribute (self."+name+" = ...) before reading it.")
	}
	return e.classAttr(obj.cls, obj, obj.cls.mro, name, at)
}

// instantiate is Class(...): a new instance, given to __init__.
func (e *evaluator) instantiate(cls *class, args *arguments, at lexer.Position) (value, error) {
	for _, special := range []string{"__new__", "__getattr__", "__getattribute__", "__setattr__", "__init_subclass__"} {
		if _, _, ok := cls.find(special); ok {
			return nil, unsupported(at, "a class that defines "+special)
		}
	}
	if cls.data != nil && cls.data.namedTuple {
		return e.newNamedTuple(cls, args, at)
	}
	obj := &instance{cls: cls, attrs: map[string]value{}}
	if cls.data != nil && cls.data.init {
		if err := e.dataclassInit(cls, obj, args, at); err != nil {
			return nil, err
		}
		return obj, nil
	}
	init, _, ok := cls.find("__init__")
	if !ok {
		if len(args.pos) > 0 || len(args.kw) > 0 {
			return nil, runtimeError(position(at), cls.name+"() takes no arguments: Python stops with TypeError", "Define __init__ to take arguments.")
		}
		return obj, nil
	}
	f, isFunc := init.(*userFunc)
	if !isFunc || f.kind != "" {
		return nil, unsupported(at, "this __init__")
	}
	if _, err := e.callUser(f, withSelf(obj, args, at), at); err != nil {
		return nil, err
	}
	return obj, nil
}

// withSelf is args with self first.
func withSelf(self value, args *arguments, at lexer.Position) *arguments {
	return &arguments{
		pos:   append([]value{self}, args.pos...),
		posAt: append([]lexer.Position{at}, args.posAt...),
		kw:    args.kw,
	}
}

// builtinSuper is super() without arguments in a method: the class that
// defined the running method and its first argument.
func builtinSuper(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if len(args.pos) > 0 || len(args.kw) > 0 {
		return nil, unsupported(at, "super() with arguments")
	}
	for i := len(e.frames) - 1; i >= 0; i-- {
		f := e.frames[i]
		if f.fn == nil {
			continue
		}
		if f.fn.owner == nil || len(f.fn.def.Params) == 0 || f.fn.def.Params[0].Star || f.fn.def.Params[0].StarStar {
			break
		}
		self, ok := f.vars[f.fn.def.Params[0].Name]
		if !ok {
			break
		}
		return &superProxy{owner: f.fn.owner, self: self}, nil
	}
	return nil, runtimeError(position(at), "super(): no arguments outside a method: Python stops with RuntimeError", "Call super() inside a method of a class.")
}

// superAttr is super().name.
func (e *evaluator) superAttr(s *superProxy, name string, at lexer.Position) (value, error) {
	var cls *class
	switch self := s.self.(type) {
	case *instance:
		cls = self.cls
	case *class:
		cls = self
	}
	var from []*class
	if cls != nil {
		from = cls.after(s.owner)
	}
	if len(from) == 0 {
		if name == "__init__" {
			// object.__init__ takes nothing and does nothing.
			return &function{name: "object.__init__"}, nil
		}
		return nil, runtimeError(position(at), "'super' object has no attribute "+pyRepr(name)+": Python stops with AttributeError", "Call a method a base class defines.")
	}
	self := s.self
	if _, isClass := self.(*class); isClass {
		self = nil
	}
	found := false
	for _, k := range from {
		if _, found = k.attrs[name]; found {
			break
		}
	}
	if !found && name == "__init__" {
		return &function{name: "object.__init__"}, nil
	}
	v, err := e.classAttr(cls, self, from, name, at)
	if err != nil {
		return nil, err
	}
	if f, ok := v.(*userFunc); ok && self == nil && f.kind == "" {
		return &boundMethod{fn: f, self: s.self}, nil
	}
	return v, nil
}

// setAttr is obj.name = v on an instance or a class of the script.
func (e *evaluator) setAttr(recv value, name string, v value, at lexer.Position) error {
	switch r := recv.(type) {
	case *instance:
		if r.cls.data != nil && r.cls.data.frozen {
			return runtimeError(position(at), "cannot assign to field "+pyRepr(name)+": Python stops with dataclasses.FrozenInstanceError", "Make a new instance with dataclasses.replace, or drop frozen=True.")
		}
		r.attrs[name] = v
		return nil
	case *class:
		r.attrs[name] = v
		return nil
	case poisoned:
		return errPoisoned
	}
	return unsupported(at, "assigning to an attribute of "+recv.describe())
}

// Set in init: str() may call the script's __str__, which may call
// anything the tables of helpers and methods hold, and those tables refer
// to str().
var instanceText, instanceRepr func(e *evaluator, obj *instance, at apacheconf.Position, what string) (*str, error)

func init() {
	helpers["str"] = builtinStr
	instanceText = (*evaluator).instanceStr
	instanceRepr = func(e *evaluator, obj *instance, at apacheconf.Position, what string) (*str, error) {
		if k := generatedRepr(obj.cls, false); k != nil {
			return e.dataclassReprStr(obj, k, at)
		}
		if _, _, ok := obj.cls.find("__repr__"); !ok {
			return nil, newDiag(CodeUnresolved, at, what+" is "+obj.describe()+" without __repr__, whose text names its memory address, known only when the script runs",
				"Define __repr__ on the class, or format its attributes.")
		}
		return e.callText(obj, "__repr__", at)
	}
}

// reprText is repr(v), the script's __repr__ for its objects.
func (e *evaluator) reprText(v value, at apacheconf.Position) (string, bool, error) {
	if obj, ok := v.(*instance); ok {
		s, err := instanceRepr(e, obj, at, "the repr")
		if err != nil {
			return "", false, err
		}
		return s.s, true, nil
	}
	r, ok := reprOf(v)
	return r, ok, nil
}

// instanceStr is str(obj) for an object of the script's classes: its
// __str__, else its __repr__; the default repr names a memory address.
func (e *evaluator) instanceStr(obj *instance, at apacheconf.Position, what string) (*str, error) {
	if k := generatedRepr(obj.cls, true); k != nil {
		return e.dataclassReprStr(obj, k, at)
	}
	for _, name := range []string{"__str__", "__repr__"} {
		if _, _, ok := obj.cls.find(name); ok {
			return e.callText(obj, name, at)
		}
	}
	return nil, newDiag(CodeUnresolved, at, what+" is "+obj.describe()+" without __str__, whose text names its memory address, known only when the script runs",
		"Define __str__ on the class, or format its attributes.")
}

// callText calls the method name of obj, which must return a str.
func (e *evaluator) callText(obj *instance, name string, at apacheconf.Position) (*str, error) {
	pos := lexer.Position{Filename: at.Filename, Line: at.Line, Column: at.Column}
	m, err := e.instanceAttr(obj, name, pos)
	if err != nil {
		return nil, err
	}
	v, err := e.call(m, &arguments{}, pos)
	if err != nil {
		return nil, err
	}
	s, ok := v.(*str)
	if !ok {
		if _, bad := v.(poisoned); bad {
			return nil, errPoisoned
		}
		return nil, runtimeError(at, name+" returned "+v.describe()+", not a string: Python stops with TypeError", "Return a string from "+name+".")
	}
	return s, nil
}
