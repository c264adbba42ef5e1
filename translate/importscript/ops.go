package importscript

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// moduleName is __name__ under mod_wsgi: _mod_wsgi_ and the MD5 of the
// script's path (TestModWSGIImportsScriptAsModule checks it against
// Apache), never "__main__".
func moduleName(path string) string {
	sum := md5.Sum([]byte(path))
	return "_mod_wsgi_" + hex.EncodeToString(sum[:])
}

// intOf is the value of an integer: a number literal or result, or a
// bool, which Python's arithmetic takes for 0 and 1.
func intOf(v value) (int64, bool) {
	switch v := v.(type) {
	case *number:
		text := strings.ReplaceAll(v.text, "_", "")
		n, err := strconv.ParseInt(text, 0, 64)
		if err != nil {
			return 0, false
		}
		return n, true
	case *boolean:
		if v.v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// intValue is an integer result.
func intValue(n int64, at apacheconf.Position) *number {
	return &number{text: strconv.FormatInt(n, 10), at: at}
}

// maxInt bounds integer results, so that arithmetic never overflows.
const maxInt = 1 << 53

func (e *evaluator) comparison(c *comparison) (value, error) {
	left, err := e.bitExpr(c.Left)
	if err != nil {
		return nil, err
	}
	if len(c.Ops) == 0 {
		return left, nil
	}
	result := true
	for _, op := range c.Ops {
		right, err := e.bitExpr(op.Right)
		if err != nil {
			return nil, err
		}
		ok, err := e.compare(op.Op, left, right, op.Pos)
		if err != nil {
			return nil, err
		}
		if !ok {
			result = false
			break // Python stops at the first false comparison
		}
		left = right
	}
	return &boolean{v: result, at: position(c.pos())}, nil
}

// bitPrec is the precedence of the bitwise operators, which the grammar
// reads at one level: | below ^ below & below the shifts.
var bitPrec = map[string]int{"|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4}

func (e *evaluator) bitExpr(b *bitExpr) (value, error) {
	left, err := e.sum(b.Left)
	if err != nil || len(b.Ops) == 0 {
		return left, err
	}
	operands := []value{left}
	for _, o := range b.Ops {
		r, err := e.sum(o.Right)
		if err != nil {
			return nil, err
		}
		operands = append(operands, r)
	}
	// Precedence climbing over the operands and operators in order.
	pos := 0
	var parse func(minPrec int) (value, error)
	parse = func(minPrec int) (value, error) {
		lhs := operands[pos]
		for pos < len(b.Ops) && bitPrec[b.Ops[pos].Op] >= minPrec {
			o := b.Ops[pos]
			prec := bitPrec[o.Op]
			pos++
			rhs := operands[pos]
			for pos < len(b.Ops) && bitPrec[b.Ops[pos].Op] > prec {
				var err error
				if rhs, err = parse(prec + 1); err != nil {
					return nil, err
				}
			}
			var err error
			if lhs, err = e.binaryOrMerge(o.Op, lhs, rhs, o.Pos); err != nil {
				return nil, err
			}
		}
		return lhs, nil
	}
	return parse(0)
}

// binaryOrMerge is a bitwise operator, or | of two dicts (a merged copy).
func (e *evaluator) binaryOrMerge(op string, a, b value, at lexer.Position) (value, error) {
	if x, ok := a.(*set); ok {
		if y, ok := b.(*set); ok {
			return e.setOp(op, x, y.items, at)
		}
	}
	if x, ok := a.(*dict); ok && op == "|" {
		if _, ok := b.(*dict); ok && !x.inherits {
			out := x.copyDict(x.at)
			if err := e.updateDict(out, b, at); err != nil {
				return nil, err
			}
			return out, nil
		}
	}
	return e.binary(op, a, b, at)
}

// compare is a OP b for the values whose comparison is known.
func (e *evaluator) compare(op string, a, b value, at lexer.Position) (bool, error) {
	if _, bad := a.(poisoned); bad {
		return false, errPoisoned
	}
	if _, bad := b.(poisoned); bad {
		return false, errPoisoned
	}
	switch op {
	case "==", "!=":
		eq, err := e.equal(a, b, at)
		return eq == (op == "=="), err
	case "is", "is not":
		same, err := identical(a, b, at)
		return same == (op == "is"), err
	case "in", "not in":
		in, err := e.contains(b, a, at)
		return in == (op == "in"), err
	}
	if x, ok := intOf(a); ok {
		if y, ok := intOf(b); ok {
			return order(op, cmpInt(x, y)), nil
		}
	}
	if x, _, ok := numOf(a); ok {
		if y, _, ok := numOf(b); ok {
			return order(op, cmpFloat(x, y)), nil
		}
	}
	if x, ok := a.(*str); ok {
		if y, ok := b.(*str); ok {
			return order(op, strings.Compare(x.s, y.s)), nil
		}
	}
	if x, ok := a.(*list); ok {
		if y, ok := b.(*list); ok && x.tuple == y.tuple {
			return e.compareSeq(op, x.items, y.items, at)
		}
	}
	if c, ok := versionOrder(a, b); ok {
		return order(op, c), nil
	}
	if c, ok := versionOrder(b, a); ok {
		return order(op, -c), nil
	}
	if isOpaque(a) || isOpaque(b) {
		return false, newDiag(CodeUnresolved, position(at), "the comparison uses a value known only when the script runs", subsetHelp)
	}
	return false, runtimeError(position(at), fmt.Sprintf("'%s' is not supported between %s and %s: Python stops with TypeError", op, a.describe(), b.describe()),
		"Compare two numbers or two strings.")
}

func isOpaque(v value) bool {
	_, ok := v.(*opaque)
	return ok
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareSeq orders two lists or two tuples as Python does: by the first
// items that differ, or by length when one is a prefix of the other.
func (e *evaluator) compareSeq(op string, x, y []value, at lexer.Position) (bool, error) {
	if err := e.work(min(len(x), len(y)), at); err != nil {
		return false, err
	}
	for i := 0; i < len(x) && i < len(y); i++ {
		eq, err := e.equal(x[i], y[i], at)
		if err != nil {
			return false, err
		}
		if !eq {
			return e.compare(op, x[i], y[i], at)
		}
	}
	return order(op, cmpInt(int64(len(x)), int64(len(y)))), nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func order(op string, c int) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

// equal is a == b for the values whose equality is known.
func (e *evaluator) equal(a, b value, at lexer.Position) (bool, error) {
	// Objects that contain themselves compare without end: Python stops
	// at its recursion limit.
	e.eqDepth++
	defer func() { e.eqDepth-- }()
	if e.eqDepth > maxDepth*8 {
		return false, runtimeError(position(at), "maximum recursion depth exceeded in comparison: Python stops with RecursionError",
			"Compare objects that do not contain themselves.")
	}
	if x, _, ok := numOf(a); ok {
		if y, _, ok := numOf(b); ok {
			return x == y, nil
		}
		if isOpaque(b) {
			return false, newDiag(CodeUnresolved, position(at), fmt.Sprintf("whether %s equals %s is known only when the script runs", a.describe(), b.describe()), subsetHelp)
		}
		return false, nil
	}
	switch x := a.(type) {
	case *set:
		y, ok := b.(*set)
		if !ok || len(x.items) != len(y.items) {
			return false, nil
		}
		for _, it := range x.items {
			if has, err := e.setHas(y, it, at); err != nil || !has {
				return false, err
			}
		}
		return true, nil
	case *pathValue:
		y, ok := b.(*pathValue)
		return ok && x.p.s == y.p.s, nil
	case *function, *class, *userFunc, *instance:
		if xi, ok := a.(*instance); ok {
			if yi, ok := b.(*instance); ok && generatedEq(xi.cls) && xi.cls == yi.cls {
				return e.dataclassEqual(xi, yi, at)
			}
		}
		if definesEq(a) || definesEq(b) {
			break
		}
		same, err := identical(a, b, at)
		return same, err
	case *str:
		y, ok := b.(*str)
		if !ok && isOpaque(b) {
			break
		}
		return ok && x.s == y.s, nil
	case *none:
		_, ok := b.(*none)
		if !ok && isOpaque(b) {
			break
		}
		return ok, nil
	case *list:
		y, ok := b.(*list)
		if !ok || x.tuple != y.tuple || len(x.items) != len(y.items) {
			return false, nil
		}
		for i := range x.items {
			if x.items[i] == y.items[i] {
				continue // Python compares items by identity first
			}
			eq, err := e.equal(x.items[i], y.items[i], at)
			if err != nil || !eq {
				return false, err
			}
		}
		return true, nil
	case *dict:
		y, ok := b.(*dict)
		if ok && !x.inherits && !y.inherits {
			if len(x.keys) != len(y.keys) {
				return false, nil
			}
			for _, k := range x.keys {
				w, ok := y.vals[k]
				if !ok {
					return false, nil
				}
				if x.vals[k] == w {
					continue // identity first, as for list items
				}
				if eq, err := e.equal(x.vals[k], w, at); err != nil || !eq {
					return false, err
				}
			}
			return true, nil
		}
	}
	return false, newDiag(CodeUnresolved, position(at), fmt.Sprintf("whether %s equals %s is known only when the script runs", a.describe(), b.describe()), subsetHelp)
}

// contains is item in container.
func (e *evaluator) contains(container, item value, at lexer.Position) (bool, error) {
	switch c := container.(type) {
	case *scopeView:
		k, ok := item.(*str)
		if !ok {
			return false, unsupported(at, "looking up "+item.describe()+" in "+c.what)
		}
		if _, ok := e.viewGet(c, k.s, position(at)); ok {
			return true, nil
		}
		if err := e.viewMissing(c, k.s, at); diagCode(err) != CodeRuntime {
			return false, err
		}
		return false, nil
	case *str:
		s, ok := item.(*str)
		if !ok {
			return false, runtimeError(position(at), "'in <string>' requires string as left operand, not "+item.describe()+": Python stops with TypeError", "Look for a string in a string.")
		}
		return strings.Contains(c.s, s.s), nil
	case *list:
		if err := e.work(len(c.items), at); err != nil {
			return false, err
		}
		for _, it := range c.items {
			eq, err := e.equal(item, it, at)
			if err != nil {
				return false, err
			}
			if eq {
				return true, nil
			}
		}
		return false, nil
	case *set:
		if !hashable(item) {
			return false, runtimeError(position(at), "unhashable type: "+item.describe()+": Python stops with TypeError", "Look for a string, a number or a tuple.")
		}
		return e.setHas(c, item, at)
	case *dict:
		k, ok := item.(*str)
		if !ok && !c.inherits {
			enc, isKey := encodeKey(item, position(at))
			if !isKey {
				return false, runtimeError(position(at), "unhashable type: "+item.describe()+": Python stops with TypeError", "Look for a string, a number or a tuple.")
			}
			_, in := c.vals[enc.s]
			return in, nil
		}
		if !ok {
			return false, unsupported(at, "looking up "+item.describe()+" in a mapping")
		}
		if _, ok := c.vals[k.s]; ok {
			return true, nil
		}
		if c.inherits {
			_, set := e.inherited(c, k.s)
			e.envRefs = append(e.envRefs, EnvRef{Name: k.s, Set: set, Pos: position(at)})
			return set, nil
		}
		return false, nil
	}
	return false, unsupported(at, "`in` on "+container.describe())
}

// arith is the integer operators, and * on a string or list and an
// integer.
func (e *evaluator) arith(op string, a, b value, at lexer.Position) (value, error) {
	if _, bad := a.(poisoned); bad {
		return nil, errPoisoned
	}
	if _, bad := b.(poisoned); bad {
		return nil, errPoisoned
	}
	if x, ok := a.(*boolean); ok && (op == "&" || op == "|" || op == "^") {
		if y, ok := b.(*boolean); ok {
			v := x.v && y.v
			switch op {
			case "|":
				v = x.v || y.v
			case "^":
				v = x.v != y.v
			}
			return &boolean{v: v, at: position(at)}, nil
		}
	}
	fx, floatA, numA := numOf(a)
	fy, floatB, numB := numOf(b)
	if numA && numB && (floatA || floatB || op == "/" || op == "**" && fy < 0) {
		return e.floatArith(op, fx, fy, at)
	}
	x, okA := intOf(a)
	y, okB := intOf(b)
	if okA && okB {
		var n int64
		switch op {
		case "**":
			if y < 0 {
				return nil, unsupported(at, "a negative exponent (its result is a float)")
			}
			n = 1
			for range y {
				if n *= x; n > maxInt || n < -maxInt {
					return nil, unsupported(at, "integers this large")
				}
				if n == 0 || n == 1 && x == 1 {
					break
				}
			}
		case "<<":
			if y < 0 {
				return nil, runtimeError(position(at), "negative shift count: Python stops with ValueError", "Shift by a positive count.")
			}
			if y > 53 || x<<y > maxInt || x<<y < -maxInt || (x<<y)>>y != x {
				return nil, unsupported(at, "integers this large")
			}
			n = x << y
		case ">>":
			if y < 0 {
				return nil, runtimeError(position(at), "negative shift count: Python stops with ValueError", "Shift by a positive count.")
			}
			n = x >> min(y, 63)
		case "&":
			n = x & y
		case "|":
			n = x | y
		case "^":
			n = x ^ y
		case "+":
			n = x + y
		case "-":
			n = x - y
		case "*":
			n = x * y
		case "//", "%":
			if y == 0 {
				return nil, runtimeError(position(at), "integer division or modulo by zero: Python stops with ZeroDivisionError", "Divide by a number other than 0.")
			}
			q, r := x/y, x%y
			if r != 0 && (r < 0) != (y < 0) { // Python floors
				q, r = q-1, r+y
			}
			n = q
			if op == "%" {
				n = r
			}
		default:
			return nil, unsupported(at, "the operator `"+op+"` on numbers")
		}
		if n > maxInt || n < -maxInt || x > maxInt || x < -maxInt || y > maxInt || y < -maxInt {
			return nil, unsupported(at, "integers this large")
		}
		return intValue(n, position(at)), nil
	}
	if op == "*" {
		if okA {
			a, b, y = b, a, x
			okB = true
		}
		if okB {
			switch s := a.(type) {
			case *str:
				if y <= 0 {
					return &str{at: s.at}, nil
				}
				if int64(len(s.s))*y > maxStrLen {
					return nil, tooLong(int(min(int64(len(s.s))*y, 1<<40)), at)
				}
				if err := e.charge(len(s.s)*int(y), at); err != nil {
					return nil, err
				}
				b := &strBuilder{at: s.at}
				for range y {
					b.str(s)
				}
				return b.done()
			case *list:
				out := &list{tuple: s.tuple, at: s.at}
				if y > 0 && int64(len(s.items))*y > maxListLen {
					return nil, unsupported(at, "a list this long")
				}
				if err := e.chargeItems(len(s.items)*int(max(y, 0)), at); err != nil {
					return nil, err
				}
				for range max(y, 0) {
					out.items = append(out.items, s.items...)
				}
				return out, nil
			}
		}
	}
	if isOpaque(a) || isOpaque(b) {
		// Known only when the script runs, as what it was computed from
		// (an exit status >> 8): a diagnostic only where it is used.
		what := a.describe()
		if !isOpaque(a) {
			what = b.describe()
		}
		return &opaque{what: "a value computed from " + what, at: position(at)}, nil
	}
	detail := "Use numbers, or a string or list and a number for *."
	if f, ok := a.(*function); ok && f.name == "print" && op == ">>" {
		detail = "This is Python 2's print statement (print >>stream, ...); in Python 3 write print(..., file=stream)."
	}
	return nil, runtimeError(position(at), fmt.Sprintf("unsupported operand types for %s: %s and %s: Python stops with TypeError", op, a.describe(), b.describe()), detail)
}

// assignDisplay unpacks v into a parenthesised or bracketed target list.
func (e *evaluator) assignDisplay(a *atom, v value, at lexer.Position) error {
	d := a.Paren
	if d == nil {
		d = a.List
	}
	if d.Comp != nil {
		return unsupported(at, "assigning to a comprehension")
	}
	t := &exprList{Pos: d.Pos, Comma: true}
	for _, it := range d.Items {
		if it.Star {
			return unsupported(it.Pos, "starred assignment")
		}
		t.Items = append(t.Items, it.Value)
	}
	return e.assignList(t, v)
}

// comprehension runs the clauses of c, calling each for every binding
// that passes the filters. The loop variables live in a frame of their
// own, as in Python 3.
func (e *evaluator) comprehension(c *comprehension, each func() error) error {
	var outer *frame
	if n := len(e.frames); n > 0 {
		outer = e.frames[n-1]
	}
	e.frames = append(e.frames, &frame{vars: map[string]value{}, outer: outer})
	defer func() { e.frames = e.frames[:len(e.frames)-1] }()
	var run func(i int) error
	run = func(i int) error {
		if i == len(c.Clauses) {
			return each()
		}
		cl := c.Clauses[i]
		seq, err := e.expr(cl.Iter)
		if err != nil {
			return err
		}
		items, err := e.iterable(seq, cl.Iter.Pos)
		if err != nil {
			return err
		}
	items:
		for _, it := range append([]value(nil), items...) {
			if err := e.step(cl.Pos); err != nil {
				return err
			}
			if err := e.assignList(cl.Targets, it); err != nil {
				return err
			}
			for _, cond := range cl.Ifs {
				v, err := e.expr(cond)
				if err != nil {
					return err
				}
				t, err := e.truth(v, cond.Pos)
				if err != nil {
					return err
				}
				if !t {
					continue items
				}
			}
			if err := run(i + 1); err != nil {
				return err
			}
		}
		return nil
	}
	return run(0)
}

// listComp is [x for ...] and (x for ...), the generator made a list.
func (e *evaluator) listComp(d *display, at apacheconf.Position) (value, error) {
	out := &list{at: at}
	err := e.comprehension(d.Comp, func() error {
		v, err := e.expr(d.Items[0].Value)
		if err != nil {
			return err
		}
		out.items = append(out.items, v)
		if err := e.chargeItems(1, d.Pos); err != nil {
			return err
		}
		_, err = sized(out, d.Pos)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// dictComp is {k: v for ...}.
func (e *evaluator) dictComp(d *dictDisplay, at apacheconf.Position) (value, error) {
	out := newDict(at, false)
	ent := d.Entries[0]
	err := e.comprehension(d.Comp, func() error {
		k, err := e.expr(ent.Key)
		if err != nil {
			return err
		}
		ks, err := e.dictKey(k, ent.Key.Pos)
		if err != nil {
			return err
		}
		v, err := e.expr(ent.Value)
		if err != nil {
			return err
		}
		out.set(ks.s, v, ks.at)
		out.setOrig(ks.s, k)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sliceBound evaluates one bound of a slice; nil is an absent one.
func (e *evaluator) sliceBound(x *expr) (*int64, error) {
	if x == nil {
		return nil, nil
	}
	v, err := e.expr(x)
	if err != nil {
		return nil, err
	}
	if _, ok := v.(*none); ok {
		return nil, nil
	}
	n, ok := intOf(v)
	if !ok {
		return nil, runtimeError(position(x.Pos), "slice indices must be integers or None: Python stops with TypeError", "Use integers in the slice.")
	}
	return &n, nil
}

// slice is v[lower:upper:step] on a string, list or tuple, with Python's
// rules for negative and out-of-range bounds.
func (e *evaluator) slice(v value, sub *subscript) (value, error) {
	lo, err := e.sliceBound(sub.Index)
	if err != nil {
		return nil, err
	}
	hi, err := e.sliceBound(sub.Upper)
	if err != nil {
		return nil, err
	}
	st, err := e.sliceBound(sub.Step)
	if err != nil {
		return nil, err
	}
	step := int64(1)
	if st != nil {
		step = *st
	}
	if step == 0 {
		return nil, runtimeError(position(sub.Pos), "slice step cannot be zero: Python stops with ValueError", "Use a step other than 0.")
	}
	var n int64
	var runes []int // byte offset of each character of a string
	switch v := v.(type) {
	case *str:
		for i := range v.s {
			runes = append(runes, i)
		}
		n = int64(len(runes))
	case *list:
		n = int64(len(v.items))
	case poisoned:
		return nil, errPoisoned
	default:
		return nil, unsupported(sub.Pos, "slicing "+v.describe())
	}
	indices := sliceIndices(lo, hi, step, n)
	switch v := v.(type) {
	case *str:
		if step == 1 {
			if len(indices) == 0 {
				return &str{at: v.at}, nil
			}
			start := runes[indices[0]]
			end := len(v.s)
			if last := indices[len(indices)-1] + 1; last < len(runes) {
				end = runes[last]
			}
			return v.slice(start, end), nil
		}
		b := &strBuilder{at: v.at, e: e}
		for _, i := range indices {
			end := len(v.s)
			if i+1 < len(runes) {
				end = runes[i+1]
			}
			b.str(v.slice(runes[i], end))
		}
		return b.done()
	case *list:
		out := &list{tuple: v.tuple, at: v.at}
		for _, i := range indices {
			out.items = append(out.items, v.items[i])
		}
		return out, nil
	}
	return nil, nil
}

// sliceIndices are the indexes a slice selects from a sequence of n
// items (Python's slice.indices).
func sliceIndices(lo, hi *int64, step, n int64) []int {
	clamp := func(p *int64, def, low, high int64) int64 {
		if p == nil {
			return def
		}
		x := *p
		if x < 0 {
			x += n
		}
		return max(low, min(x, high))
	}
	var out []int
	if step > 0 {
		start, stop := clamp(lo, 0, 0, n), clamp(hi, n, 0, n)
		for i := start; i < stop; i += step {
			out = append(out, int(i))
		}
	} else {
		start, stop := clamp(lo, n-1, -1, n-1), clamp(hi, -1, -1, n-1)
		for i := start; i > stop; i += step {
			out = append(out, int(i))
		}
	}
	return out
}

// runeLen is len() of a string: its characters, not its bytes.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
