package spec

import (
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ServiceHash identifies what makes service s run: the project and every
// field of the service but where each came from (Origin, Where and the
// positions inside fields) and Hash itself. Editing one launcher, or one
// daemon group's directives, changes the hash of its service only;
// moving lines around changes none. It is the spec's per-service config
// hash, and what a reload compares.
//
// The hash is taken over the service's JSON with the keys of every object
// sorted, without origin, where and hash, and without any object that
// holds only a position's keys (file, line, column): the bytes a JSON
// round trip through map[string]any would give. Those hashes are labels
// on running containers, so the bytes must never change; the writer below
// produces them without the round trip, and the tests compare the two.
func (spec *Spec) ServiceHash(s *Service) string {
	buf := hashBufs.Get().(*[]byte)
	data := appendCanonical((*buf)[:0], reflect.ValueOf(s).Elem(), true)
	h := sha256.New()
	h.Write([]byte(spec.Project))
	h.Write([]byte{0})
	h.Write(data)
	*buf = data
	hashBufs.Put(buf)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

var hashBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// hashDropped are the Service fields the hash leaves out.
var hashDropped = map[string]bool{"origin": true, "where": true, "hash": true}

// field is one JSON field of a struct, as encoding/json sees it.
type field struct {
	name      string
	index     int
	omitEmpty bool
}

// structFields lists the JSON fields of a struct type sorted by name, as
// a map round trip writes them; ok is false for a struct that
// encoding/json would treat in a way appendCanonical does not follow
// (embedded fields, the string option), which then takes the round trip.
type structFields struct {
	fields []field
	ok     bool
}

var fieldCache sync.Map // reflect.Type -> structFields

func fieldsOf(t reflect.Type) structFields {
	if c, ok := fieldCache.Load(t); ok {
		return c.(structFields)
	}
	sf := structFields{ok: true}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if f.Anonymous {
			sf.ok = false
			break
		}
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		omit := false
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				omit = true
			default: // omitzero, string
				sf.ok = false
			}
		}
		sf.fields = append(sf.fields, field{name: name, index: i, omitEmpty: omit})
	}
	slices.SortFunc(sf.fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(sf.fields); i++ {
		if sf.fields[i].name == sf.fields[i-1].name {
			sf.ok = false // encoding/json's rules for clashing names
		}
	}
	fieldCache.Store(t, sf)
	return sf
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

var marshalers sync.Map // reflect.Type -> bool

// marshals reports whether t writes its own JSON or text, which only the
// library knows how to follow.
func marshals(t reflect.Type) bool {
	if m, ok := marshalers.Load(t); ok {
		return m.(bool)
	}
	pt := reflect.PointerTo(t)
	m := t.Implements(jsonMarshaler) || t.Implements(textMarshaler) || pt.Implements(jsonMarshaler) || pt.Implements(textMarshaler)
	marshalers.Store(t, m)
	return m
}

// appendCanonical appends v's canonical JSON; top drops Service's
// origin, where and hash.
func appendCanonical(b []byte, v reflect.Value, top bool) []byte {
	t := v.Type()
	if marshals(t) {
		return appendRoundTrip(b, v)
	}
	switch v.Kind() {
	case reflect.String:
		return appendString(b, v.String())
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := v.Int()
		if n > 1<<53 || n < -(1<<53) {
			// The round trip reads numbers as float64.
			return appendRoundTrip(b, reflect.ValueOf(float64(n)))
		}
		return strconv.AppendInt(b, n, 10)
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, "null"...)
		}
		return appendCanonical(b, v.Elem(), false)
	case reflect.Slice:
		if v.IsNil() {
			return append(b, "null"...)
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return appendRoundTrip(b, v)
		}
		b = append(b, '[')
		first := true
		for i := range v.Len() {
			e := v.Index(i)
			if isPositionValue(e) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendCanonical(b, e, false)
		}
		return append(b, ']')
	case reflect.Struct:
		sf := fieldsOf(t)
		if !sf.ok {
			return appendRoundTrip(b, v)
		}
		b = append(b, '{')
		first := true
		for _, f := range sf.fields {
			if top && hashDropped[f.name] {
				continue
			}
			fv := v.Field(f.index)
			if f.omitEmpty && isEmptyValue(fv) || isPositionValue(fv) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendString(b, f.name)
			b = append(b, ':')
			b = appendCanonical(b, fv, false)
		}
		return append(b, '}')
	}
	return appendRoundTrip(b, v)
}

// isPositionValue reports whether v is written as an object whose keys
// are all a position's (file, line, column), and at least one: the round
// trip drops those wherever they appear in an object or a list.
func isPositionValue(v reflect.Value) bool {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String {
		if v.Len() == 0 {
			return false
		}
		for _, k := range v.MapKeys() {
			if k := k.String(); k != "file" && k != "line" && k != "column" {
				return false
			}
		}
		return true
	}
	if v.Kind() != reflect.Struct {
		return false
	}
	sf := fieldsOf(v.Type())
	if !sf.ok {
		return false
	}
	n := 0
	for _, f := range sf.fields {
		fv := v.Field(f.index)
		if f.omitEmpty && isEmptyValue(fv) {
			continue
		}
		if f.name != "file" && f.name != "line" && f.name != "column" {
			return false
		}
		n++
	}
	return n > 0
}

// isEmptyValue is encoding/json's omitempty test.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// appendString writes s as the round trip does: plain printable ASCII is
// copied, anything else goes through the library twice (the first pass
// turns bytes that are not UTF-8 into U+FFFD, the second writes that as
// is).
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return appendRoundTrip(b, reflect.ValueOf(s))
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendRoundTrip writes v the slow way, as the definition says: through
// JSON, a generic value, positions dropped, and JSON again.
func appendRoundTrip(b []byte, v reflect.Value) []byte {
	data, err := json.Marshal(v.Interface())
	if err != nil {
		// Spec values are plain data: this cannot fail.
		panic(err)
	}
	var x any
	if err := json.Unmarshal(data, &x); err != nil {
		panic(err)
	}
	data, _ = json.Marshal(stripPositions(x))
	return append(b, data...)
}

// stripPositions drops every position (an object of file, line and
// column) from a decoded JSON value.
func stripPositions(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if isPosition(e) {
				continue
			}
			out[k] = stripPositions(e)
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if !isPosition(e) {
				out = append(out, stripPositions(e))
			}
		}
		return out
	}
	return v
}

func isPosition(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return false
	}
	for k := range m {
		if k != "file" && k != "line" && k != "column" {
			return false
		}
	}
	return true
}
