package importscript

import (
	"github.com/alecthomas/participle/v2/lexer"
)

// sliceRange is the items a slice with no step covers in a list of n:
// slice(lo, hi).indices(n), with an empty range where hi is before lo.
// An extended slice (with a step) is not followed here.
func (e *evaluator) sliceRange(sub *subscript, n int, at lexer.Position) (int, int, error) {
	if sub.Step != nil || len(sub.Rest) > 0 {
		return 0, 0, unsupported(at, "an extended slice (with a step) as a target")
	}
	lo, err := e.sliceBound(sub.Index)
	if err != nil {
		return 0, 0, err
	}
	hi, err := e.sliceBound(sub.Upper)
	if err != nil {
		return 0, 0, err
	}
	clamp := func(b *int64, def int) int {
		if b == nil {
			return def
		}
		v := *b
		if v < 0 {
			v += int64(n)
		}
		return int(min(max(v, 0), int64(n)))
	}
	start, stop := clamp(lo, 0), clamp(hi, n)
	return start, max(start, stop), nil
}

// assignSlice is l[lo:hi] = iterable: the items replaced in place.
func (e *evaluator) assignSlice(l *list, sub *subscript, v value, at lexer.Position) error {
	start, stop, err := e.sliceRange(sub, len(l.items), at)
	if err != nil {
		return err
	}
	items, err := e.iterable(v, at)
	if err != nil {
		return err
	}
	if err := e.chargeItems(len(l.items)-(stop-start)+len(items), at); err != nil {
		return err
	}
	out := make([]value, 0, len(l.items)-(stop-start)+len(items))
	out = append(append(append(out, l.items[:start]...), items...), l.items[stop:]...)
	l.items = out
	_, err = sized(l, at)
	return err
}

// deleteSlice is del l[lo:hi].
func (e *evaluator) deleteSlice(l *list, sub *subscript, at lexer.Position) error {
	start, stop, err := e.sliceRange(sub, len(l.items), at)
	if err != nil {
		return err
	}
	l.items = append(l.items[:start:start], l.items[stop:]...)
	return nil
}
