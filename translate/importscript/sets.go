package importscript

import (
	"math"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// set is a Python set or frozenset of known, hashable values. Its
// iteration order depends on hashing (randomised for strings), so only
// what does not depend on it is followed: membership, len, truth,
// sorted(), min(), max(), sum(), any(), all(), add/discard/remove/update
// and the operators | & - between sets.
type set struct {
	items  []value // each once, in insertion order
	keys   map[string]bool
	frozen bool
	at     apacheconf.Position
}

// hashKey is a key that two values share exactly when Python finds them
// equal (1 and True too), for the values a set can hold.
func hashKey(v value) (string, bool) {
	switch v := v.(type) {
	case *str:
		return "s" + v.s, true
	case *boolean:
		if v.v {
			return "i1", true
		}
		return "i0", true
	case *number:
		if n, ok := intOf(v); ok {
			return "i" + strconv.FormatInt(n, 10), true
		}
	case *float:
		if v.v == math.Trunc(v.v) && math.Abs(v.v) < 1<<62 {
			return "i" + strconv.FormatInt(int64(v.v), 10), true
		}
		return "f" + strconv.FormatFloat(v.v, 'g', -1, 64), true
	case *none:
		return "n", true
	case *pathValue:
		return "p" + v.p.s, true
	case *list:
		if !v.tuple {
			break
		}
		var b strings.Builder
		b.WriteString("t")
		for _, it := range v.items {
			k, ok := hashKey(it)
			if !ok {
				return "", false
			}
			b.WriteString(strconv.Itoa(len(k)))
			b.WriteByte(':')
			b.WriteString(k)
		}
		return b.String(), true
	}
	return "", false
}

func (s *set) describe() string {
	if s.frozen {
		return "a frozenset"
	}
	return "a set"
}

func init() {
	helpers["set"] = builtinSet(false)
	helpers["frozenset"] = builtinSet(true)
	builtins["set"] = true
	builtins["frozenset"] = true
}

func builtinSet(frozen bool) func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	name := "set"
	if frozen {
		name = "frozenset"
	}
	return func(e *evaluator, args *arguments, at lexer.Position) (value, error) {
		if err := arity(name, args, at, 0, 1); err != nil {
			return nil, err
		}
		out := &set{frozen: frozen, at: position(at)}
		if len(args.pos) == 1 {
			items, err := e.unordered(args.pos[0], args.posAt[0])
			if err != nil {
				return nil, err
			}
			for _, it := range items {
				if err := e.setAdd(out, it, at); err != nil {
					return nil, err
				}
			}
		}
		return out, nil
	}
}

// unordered is the items of an iterable where their order does not
// matter: a set's too.
func (e *evaluator) unordered(v value, at lexer.Position) ([]value, error) {
	if s, ok := v.(*set); ok {
		return s.items, nil
	}
	return e.iterable(v, at)
}

// hashable says whether v can be a set item or a dict key in Python.
func hashable(v value) bool {
	switch v := v.(type) {
	case *str, *number, *float, *boolean, *none, *pathValue:
		return true
	case *list:
		if !v.tuple {
			return false
		}
		for _, it := range v.items {
			if !hashable(it) {
				return false
			}
		}
		return true
	case *set:
		return v.frozen
	}
	return false
}

func (e *evaluator) setHas(s *set, v value, at lexer.Position) (bool, error) {
	if k, ok := hashKey(v); ok && len(s.keys) == len(s.items) {
		return s.keys[k], nil
	}
	if err := e.work(len(s.items), at); err != nil {
		return false, err
	}
	for _, it := range s.items {
		eq, err := e.equal(v, it, at)
		if err != nil || eq {
			return eq, err
		}
	}
	return false, nil
}

func (e *evaluator) setAdd(s *set, v value, at lexer.Position) error {
	if _, bad := v.(poisoned); bad {
		return errPoisoned
	}
	if !hashable(v) {
		return runtimeError(position(at), "unhashable type: "+v.describe()+": Python stops with TypeError", "Put strings, numbers or tuples in a set.")
	}
	has, err := e.setHas(s, v, at)
	if err != nil || has {
		return err
	}
	if len(s.items) >= maxListLen {
		return unsupported(at, "a set this large")
	}
	s.items = append(s.items, v)
	if k, ok := hashKey(v); ok {
		if s.keys == nil {
			s.keys = map[string]bool{}
		}
		s.keys[k] = true
	}
	return e.chargeItems(1, at)
}

// setMethod is add, discard, remove, update, union, intersection and
// difference.
func (e *evaluator) setMethod(s *set, name string, args *arguments, at lexer.Position) (value, error) {
	switch name {
	case "add", "discard", "remove":
		if err := arity(name, args, at, 1, 1); err != nil {
			return nil, err
		}
		if name == "add" {
			return &none{}, e.setAdd(s, args.pos[0], at)
		}
		for i, it := range s.items {
			eq, err := e.equal(args.pos[0], it, at)
			if err != nil {
				return nil, err
			}
			if eq {
				s.items = append(s.items[:i:i], s.items[i+1:]...)
				if k, ok := hashKey(it); ok {
					delete(s.keys, k)
				}
				return &none{}, nil
			}
		}
		if name == "remove" {
			return nil, runtimeError(position(at), "the set has no such item: Python stops with KeyError", "Remove an item the set holds, or use discard().")
		}
		return &none{}, nil
	case "update", "union", "intersection", "difference":
		out := s
		if name != "update" {
			out = &set{items: append([]value(nil), s.items...), frozen: s.frozen, at: position(at)}
		}
		for i, v := range args.pos {
			items, err := e.unordered(v, args.posAt[i])
			if err != nil {
				return nil, err
			}
			if out, err = e.setOp(map[string]string{"update": "|", "union": "|", "intersection": "&", "difference": "-"}[name], out, items, at); err != nil {
				return nil, err
			}
		}
		if name == "update" {
			s.items, s.keys = out.items, out.keys
			return &none{}, nil
		}
		return out, nil
	}
	return nil, unsupported(at, "calling set."+name)
}

// setOp is a | b, a & b or a - b.
func (e *evaluator) setOp(op string, a *set, b []value, at lexer.Position) (*set, error) {
	other := &set{}
	for _, it := range b {
		if err := e.setAdd(other, it, at); err != nil {
			return nil, err
		}
	}
	out := &set{frozen: a.frozen, at: position(at)}
	switch op {
	case "|":
		for _, it := range a.items {
			if err := e.setAdd(out, it, at); err != nil {
				return nil, err
			}
		}
		for _, it := range other.items {
			if err := e.setAdd(out, it, at); err != nil {
				return nil, err
			}
		}
	default:
		for _, it := range a.items {
			has, err := e.setHas(other, it, at)
			if err != nil {
				return nil, err
			}
			if has == (op == "&") {
				if err := e.setAdd(out, it, at); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}
