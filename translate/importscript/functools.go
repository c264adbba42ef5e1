package importscript

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// partialFn is functools.partial(fn, *args, **kwargs): calling it calls
// fn with those arguments first and the call's own after them, the
// call's keywords overriding.
type partialFn struct {
	fn    value
	pos   []value
	posAt []lexer.Position
	kw    []kwArg
}

func (p *partialFn) describe() string { return "a functools.partial of " + p.fn.describe() }

func functoolsPartial(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if len(args.pos) == 0 {
		return nil, runtimeError(position(at), "functools.partial() needs the function to call: Python stops with TypeError", "Write functools.partial(fn, args...).")
	}
	p := &partialFn{fn: args.pos[0], pos: args.pos[1:], posAt: args.posAt[1:], kw: args.kw}
	if inner, ok := p.fn.(*partialFn); ok { // Python flattens a partial of a partial
		p = &partialFn{fn: inner.fn, pos: append(append([]value{}, inner.pos...), p.pos...),
			posAt: append(append([]lexer.Position{}, inner.posAt...), p.posAt...), kw: mergeKeywords(inner.kw, p.kw)}
	}
	return p, nil
}

// mergeKeywords is {**first, **then}: a keyword of then replaces the one
// of first in its place.
func mergeKeywords(first, then []kwArg) []kwArg {
	out := append([]kwArg{}, first...)
	for _, k := range then {
		replaced := false
		for i := range out {
			if out[i].name == k.name {
				out[i], replaced = k, true
				break
			}
		}
		if !replaced {
			out = append(out, k)
		}
	}
	return out
}

func (e *evaluator) callPartial(p *partialFn, args *arguments, at lexer.Position) (value, error) {
	merged := &arguments{
		pos:   append(append(make([]value, 0, len(p.pos)+len(args.pos)), p.pos...), args.pos...),
		posAt: append(append(make([]lexer.Position, 0, len(p.pos)+len(args.pos)), p.posAt...), args.posAt...),
		kw:    mergeKeywords(p.kw, args.kw),
	}
	return e.call(p.fn, merged, at)
}

// cachedFn is a function under @functools.lru_cache or @functools.cache:
// a call with arguments equal to an earlier one's returns that call's
// result without running the function again (so a command it starts is
// started once), up to maxsize results, the least recently used
// dropped first.
type cachedFn struct {
	fn      value
	maxsize int // < 0: no bound
	typed   bool
	keys    []string // least recently used first
	results map[string]value
}

func (c *cachedFn) describe() string { return c.fn.describe() }

// lruCacheDecorator is functools.lru_cache(maxsize=..., typed=...), which
// then takes the function.
type lruCacheDecorator struct {
	maxsize int
	typed   bool
}

func (*lruCacheDecorator) describe() string { return "a functools.lru_cache decorator" }

func functoolsCache(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	if err := arity("functools.cache", args, at, 1, 1); err != nil {
		return nil, err
	}
	return e.newCached(args.pos[0], -1, false, args.posAt[0])
}

func functoolsLRUCache(e *evaluator, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind("functools.lru_cache", []string{"maxsize", "typed"}, 0, 0, args, at)
	if err != nil {
		return nil, err
	}
	d := &lruCacheDecorator{maxsize: 128}
	switch m := vals[0].(type) {
	case nil:
	case *none:
		d.maxsize = -1
	case *userFunc, *boundMethod, *partialFn, *function, *cachedFn:
		if vals[1] != nil {
			return nil, runtimeError(position(at), "functools.lru_cache() takes the function alone: Python stops with TypeError", "Write @functools.lru_cache or @functools.lru_cache(maxsize=...).")
		}
		return e.newCached(m, 128, false, where[0])
	case poisoned:
		return nil, errPoisoned
	default:
		n, ok := intOf(m)
		if !ok {
			return nil, runtimeError(position(where[0]), "functools.lru_cache's maxsize must be an int or None, not "+m.describe()+": Python stops with TypeError", "Write maxsize=None or a number.")
		}
		d.maxsize = int(max(0, min(n, 1<<30)))
	}
	if vals[1] != nil {
		t, err := e.truth(vals[1], where[1])
		if err != nil {
			return nil, err
		}
		d.typed = t
	}
	return d, nil
}

func (e *evaluator) newCached(fn value, maxsize int, typed bool, at lexer.Position) (value, error) {
	if n := len(e.frames); n > 0 && e.frames[n-1].cls != nil {
		// A method's cache is bound to the instance by the descriptor
		// protocol, which is not followed for it.
		return nil, unsupported(at, "functools.lru_cache on a method")
	}
	switch fn.(type) {
	case *userFunc, *boundMethod, *partialFn, *function, *cachedFn:
		return &cachedFn{fn: fn, maxsize: maxsize, typed: typed, results: map[string]value{}}, nil
	case poisoned:
		return nil, errPoisoned
	}
	return nil, unsupported(at, "functools.lru_cache of "+fn.describe())
}

// cacheKey is the key lru_cache keeps a call's result under: its
// positional arguments, then its keywords in the order given (f(1) and
// f(x=1) are two entries, as in Python); typed keeps 1 and 1.0 apart.
func cacheKey(args *arguments, typed bool, at lexer.Position) (string, error) {
	var b strings.Builder
	add := func(v value, where lexer.Position) error {
		k, ok := hashKey(v)
		if !ok || !hashable(v) {
			if _, bad := v.(poisoned); bad {
				return errPoisoned
			}
			return runtimeError(position(where), "unhashable type: "+v.describe()+": Python stops with TypeError", "An lru_cache function takes only hashable arguments: strings, numbers, tuples.")
		}
		if typed {
			if t, ok := typeOf(v); ok {
				k = t.describe() + ":" + k
			}
		}
		b.WriteString(strconv.Itoa(len(k)))
		b.WriteByte(':')
		b.WriteString(k)
		return nil
	}
	for i, v := range args.pos {
		if err := add(v, args.posAt[i]); err != nil {
			return "", err
		}
	}
	for _, k := range args.kw {
		fmt.Fprintf(&b, "=%s:", k.name)
		if err := add(k.v, k.at); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

func (e *evaluator) callCached(c *cachedFn, args *arguments, at lexer.Position) (value, error) {
	if c.maxsize == 0 {
		return e.call(c.fn, args, at)
	}
	key, err := cacheKey(args, c.typed, at)
	if err != nil {
		return nil, err
	}
	if v, ok := c.results[key]; ok {
		c.touch(key)
		return v, nil
	}
	v, err := e.call(c.fn, args, at)
	if err != nil {
		return nil, err
	}
	if _, ok := c.results[key]; !ok { // a recursive call may have filled it
		c.keys = append(c.keys, key)
	}
	c.results[key] = v
	if c.maxsize > 0 && len(c.keys) > c.maxsize {
		delete(c.results, c.keys[0])
		c.keys = c.keys[1:]
	}
	return v, nil
}

// touch makes key the most recently used.
func (c *cachedFn) touch(key string) {
	for i, k := range c.keys {
		if k == key {
			copy(c.keys[i:], c.keys[i+1:])
			c.keys[len(c.keys)-1] = key
			return
		}
	}
}

func init() {
	helpers["functools.partial"] = functoolsPartial
	helpers["functools.lru_cache"] = functoolsLRUCache
	helpers["functools.cache"] = functoolsCache
}
