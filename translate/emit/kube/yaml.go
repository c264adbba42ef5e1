package kube

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v2"

	"github.com/wsgidock/wsgidock/translate/emit/internal/plainword"
)

// yamlWriter writes the generic value of one manifest (maps, lists,
// strings, json.Number, booleans, null) in the very bytes yaml.Marshal
// gives, without the library's per-node machinery, which cost most of the
// time of thousands of objects. What it does not know to be the same (a
// string on several lines, a long line the library would fold, a number
// that is no integer, a list in a list) makes it give up on the object,
// which the library then writes: a result is always the library's.
//
// Every decision it takes for itself comes from the library: each string
// is written as yaml.Marshal writes it alone, remembered, and each map's
// key order is the one yaml.Marshal gives that set of keys. The tests
// compare both writers on every fixture and on random values.
type yamlWriter struct {
	scalars map[string]string   // value -> as the library writes it, "" when it cannot be reused
	keys    map[string]string   // key -> as the library writes it
	orders  map[string][]string // the keys of a map, sorted bytewise and joined -> the library's order
	sortBuf []string
	joinBuf []byte
}

func newYAMLWriter() *yamlWriter {
	return &yamlWriter{scalars: map[string]string{}, keys: map[string]string{}, orders: map[string][]string{}}
}

// bestWidth is the column after which the library folds a scalar at a
// space.
const bestWidth = 80

// write appends v, a mapping at the top level, to b; false means the
// writer gave up and b is to be discarded.
func (w *yamlWriter) write(b *bytes.Buffer, m map[string]any) bool {
	if len(m) == 0 {
		b.WriteString("{}\n")
		return true
	}
	return w.mapping(b, m, 0, false)
}

// mapping writes the entries of m at column indent; inItem says the first
// key follows a "- " already written.
func (w *yamlWriter) mapping(b *bytes.Buffer, m map[string]any, indent int, inItem bool) bool {
	order, ok := w.order(m)
	if !ok {
		return false
	}
	for i, k := range order {
		if i > 0 || !inItem {
			writeIndent(b, indent)
		}
		key, ok := w.key(k)
		if !ok {
			return false
		}
		b.WriteString(key)
		b.WriteByte(':')
		switch v := m[k].(type) {
		case map[string]any:
			if len(v) == 0 {
				b.WriteString(" {}\n")
				continue
			}
			b.WriteByte('\n')
			if !w.mapping(b, v, indent+2, false) {
				return false
			}
		case []any:
			if len(v) == 0 {
				b.WriteString(" []\n")
				continue
			}
			b.WriteByte('\n')
			if !w.sequence(b, v, indent) {
				return false
			}
		default:
			b.WriteByte(' ')
			if !w.scalar(b, v, indent+len(key)+2) {
				return false
			}
			b.WriteByte('\n')
		}
	}
	return true
}

// sequence writes the items of s at column indent, as the library does
// for a list under a key: not indented further.
func (w *yamlWriter) sequence(b *bytes.Buffer, s []any, indent int) bool {
	for _, item := range s {
		writeIndent(b, indent)
		b.WriteString("- ")
		switch v := item.(type) {
		case map[string]any:
			if len(v) == 0 {
				b.WriteString("{}\n")
				continue
			}
			if !w.mapping(b, v, indent+2, true) {
				return false
			}
		case []any:
			return false
		default:
			if !w.scalar(b, v, indent+2) {
				return false
			}
			b.WriteByte('\n')
		}
	}
	return true
}

func writeIndent(b *bytes.Buffer, n int) {
	for range n {
		b.WriteByte(' ')
	}
}

// scalar writes v starting at column col.
func (w *yamlWriter) scalar(b *bytes.Buffer, v any, col int) bool {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			return false
		}
		b.WriteString(strconv.FormatInt(n, 10))
	case string:
		if plainValue(x) {
			b.WriteString(x)
			return true
		}
		r, ok := w.scalars[x]
		if !ok {
			r = libraryScalar(x)
			w.scalars[x] = r
		}
		// The library folds a line at a space past column 80; a string
		// that ends before then, or has no space, is written the same
		// wherever it starts.
		if r == "" || strings.IndexByte(x, ' ') >= 0 && col+len(r) > bestWidth {
			return false
		}
		b.WriteString(r)
	default:
		return false
	}
	return true
}

// libraryScalar is s as the library writes it as a list item on its own,
// or "" when that takes more than one line.
func libraryScalar(s string) string {
	out, err := yaml.Marshal([]any{s})
	if err != nil {
		return ""
	}
	r, ok := strings.CutPrefix(string(out), "- ")
	r, ok2 := strings.CutSuffix(r, "\n")
	if !ok || !ok2 || strings.ContainsAny(r, "\n\r") {
		return ""
	}
	return r
}

// plainWord reports whether the library writes s as it is, in any block
// context, by its rules: a letter, '/' or '_' first, then only letters,
// digits and "._/-" (no indicator, no space, nothing to escape), and not
// one of the words YAML 1.1 reads as a boolean or null, which the library
// quotes (the tests check these against the library too). Names, images
// and paths are such words: most strings of a manifest skip the library.
func plainWord(s string) bool { return plainword.Is(s, "._/-") }

// plainValue reports whether the library writes s as it is as a value in
// a block: a plain word, or one with colons that each have a character of
// a plain word after them ("/etc/httpd.conf:20", "a:b"). By its rules a
// ':' is an indicator only when a space or the end follows it, and a
// string that starts with a letter, '/' or '_' is read as a string
// whatever follows, unless it is one of the words plainWord refuses. Keys
// keep to plainWord.
func plainValue(s string) bool {
	if plainWord(s) {
		return true
	}
	if s == "" || s[len(s)-1] == ':' || !strings.Contains(s, ":") {
		return false
	}
	return plainWord(strings.ReplaceAll(s, ":", "."))
}

// key is k as the library writes a mapping key.
func (w *yamlWriter) key(k string) (string, bool) {
	if plainWord(k) {
		return k, true
	}
	if r, ok := w.keys[k]; ok {
		return r, r != ""
	}
	r := ""
	if out, err := yaml.Marshal(map[string]int{k: 1}); err == nil {
		if s, ok := strings.CutSuffix(string(out), ": 1\n"); ok && !strings.ContainsAny(s, "\n\r") && !strings.HasPrefix(s, "? ") {
			r = s
		}
	}
	w.keys[k] = r
	return r, r != ""
}

// order is the library's order of m's keys, found once per set of keys.
func (w *yamlWriter) order(m map[string]any) ([]string, bool) {
	keys := w.sortBuf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	return w.orderOf(keys)
}

// orderOf is the library's order of keys, which it sorts in place (it
// may be w.sortBuf).
func (w *yamlWriter) orderOf(keys []string) ([]string, bool) {
	slices.Sort(keys)
	w.sortBuf = keys
	if len(keys) == 1 {
		return keys, true
	}
	id := w.joinBuf[:0]
	for _, k := range keys {
		id = append(id, k...)
		id = append(id, 0)
	}
	w.joinBuf = id
	if o, ok := w.orders[string(id)]; ok {
		return o, o != nil
	}
	o := libraryOrder(keys)
	w.orders[string(id)] = o
	return o, o != nil
}

// libraryOrder is the order in which the library writes a map of keys,
// or nil when its output cannot be read back line by line.
func libraryOrder(keys []string) []string {
	m := make(map[string]int, len(keys))
	for i, k := range keys {
		m[k] = i
	}
	out, err := yaml.Marshal(m)
	if err != nil {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(keys) {
		return nil
	}
	order := make([]string, 0, len(keys))
	seen := make([]bool, len(keys))
	for _, l := range lines {
		_, n, ok := cutLast(l, ": ")
		i, err := strconv.Atoi(n)
		if !ok || err != nil || i < 0 || i >= len(keys) || seen[i] {
			return nil
		}
		seen[i] = true
		order = append(order, keys[i])
	}
	return order
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
