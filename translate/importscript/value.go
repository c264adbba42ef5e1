package importscript

import (
	"github.com/wsgidock/wsgidock/apacheconf"
)

// value is what an expression evaluates to. Only values a launcher script
// needs to compute a command line exist; anything else is a diagnostic.
type value interface {
	// describe names the value for diagnostics: "a list", "None".
	describe() string
}

// str is a Python str that is known statically, with the place in the
// script each of its bytes was written, so that words cut out of it (by
// shlex.split or the shell) keep exact positions.
type str struct {
	s  string
	at apacheconf.Position // where the expression that made it starts
	// spans say where each byte of s was written: the character itself
	// or the escape sequence that produced it; bytes that came from the
	// environment are placed at the lookup. Byte i of s is byte base+i
	// of the spans' offsets. No spans: every byte was written at at.
	spans []span
	base  int
}

// span places the bytes of a str from off up to the next span's off:
// all at at, or, when step is set, byte off+k at column at.Column+k (the
// text of a literal, as written).
type span struct {
	off  int
	at   apacheconf.Position
	step bool
}

func (*str) describe() string { return "a string" }

// newStr makes a str whose bytes all come from one place.
func newStr(s string, at apacheconf.Position) *str {
	return &str{s: s, at: at}
}

// posAt is where byte i of s was written, or where the string starts when
// it is empty.
func (s *str) posAt(i int) apacheconf.Position {
	if i < 0 || i >= len(s.s) || len(s.spans) == 0 {
		return s.at
	}
	off := s.base + i
	lo, hi := 0, len(s.spans)
	for hi-lo > 1 { // the last span that starts at or before off
		m := int(uint(lo+hi) >> 1)
		if s.spans[m].off <= off {
			lo = m
		} else {
			hi = m
		}
	}
	sp := s.spans[lo]
	if !sp.step {
		return sp.at
	}
	p := sp.at
	p.Column += off - sp.off
	return p
}

// slice is the part of s between byte offsets i and j.
func (s *str) slice(i, j int) *str {
	if i == j {
		return &str{at: s.posAt(i)}
	}
	return &str{s: s.s[i:j], at: s.posAt(i), spans: s.spans, base: s.base + i}
}

// appendSpan adds to spans the placing of n bytes at offset off (all at
// at, or stepping when step), merged with the last span where that places
// every byte where it already would be.
func appendSpan(spans []span, off, n int, at apacheconf.Position, step bool) []span {
	if n <= 0 {
		return spans
	}
	if k := len(spans); k > 0 {
		last := &spans[k-1]
		lastLen := off - last.off
		follows := last.at.Filename == at.Filename && last.at.Line == at.Line
		switch {
		case !last.step && !step && last.at == at:
			return spans
		case last.step && follows && at.Column == last.at.Column+lastLen && (step || n == 1):
			return spans
		case !last.step && lastLen == 1 && follows && at.Column == last.at.Column+1 && (step || n == 1):
			last.step = true
			return spans
		}
	}
	return append(spans, span{off: off, at: at, step: step})
}

// appendStrSpans adds the placing of the bytes of s, put at offset off.
func appendStrSpans(spans []span, off int, s *str) []span {
	n := len(s.s)
	if n == 0 {
		return spans
	}
	if len(s.spans) == 0 {
		return appendSpan(spans, off, n, s.at, false)
	}
	first := s.base
	lo, hi := 0, len(s.spans)
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if s.spans[m].off <= first {
			lo = m
		} else {
			hi = m
		}
	}
	for k := lo; k < len(s.spans) && s.spans[k].off < first+n; k++ {
		sp := s.spans[k]
		start := max(sp.off, first)
		end := first + n
		if k+1 < len(s.spans) {
			end = min(end, s.spans[k+1].off)
		}
		at := sp.at
		if sp.step {
			at.Column += start - sp.off
		}
		spans = appendSpan(spans, off+start-first, end-start, at, sp.step)
	}
	return spans
}

// concat is a + b as Python computes it.
func concat(a, b *str) *str {
	if len(a.spans) == 0 && len(b.spans) == 0 && (a.at == b.at || b.s == "") {
		return &str{s: a.s + b.s, at: a.at}
	}
	spans := appendStrSpans(make([]span, 0, len(a.spans)+len(b.spans)+2), 0, a)
	spans = appendStrSpans(spans, len(a.s), b)
	return &str{s: a.s + b.s, at: a.at, spans: spans}
}

// joinStrs is sep.join(parts), built in one pass.
func joinStrs(parts []*str, sep *str, at apacheconf.Position) *str {
	n := 0
	for i, p := range parts {
		if i > 0 {
			n += len(sep.s)
		}
		n += len(p.s)
	}
	b := make([]byte, 0, n)
	var spans []span
	for i, p := range parts {
		if i > 0 {
			spans = appendStrSpans(spans, len(b), sep)
			b = append(b, sep.s...)
		}
		spans = appendStrSpans(spans, len(b), p)
		b = append(b, p.s...)
	}
	return &str{s: string(b), at: at, spans: spans}
}

// Limits on the values a script may build: launcher scripts are small,
// and a script that doubles a string in a loop of statements must not
// exhaust memory.
const (
	maxStrLen  = 1 << 20
	maxListLen = 1 << 16
)

// list is a Python list or tuple. Lists are mutable and shared by
// reference, as in Python: `b = a; b.append(x)` changes a too.
type list struct {
	items []value
	tuple bool
	at    apacheconf.Position
	nt    *class // the namedtuple class of a named tuple
}

func (l *list) describe() string {
	if l.tuple {
		return "a tuple"
	}
	return "a list"
}

// dict is a mapping of str to str: a dict literal, dict(...), or
// os.environ and its copies. A mapping that inherits stands for the
// daemon's environment (what lookupEnv reports) with set on top.
type dict struct {
	inherits bool
	keys     []string // insertion order, as Python keeps it
	vals     map[string]value
	keyPos   map[string]apacheconf.Position
	// orig holds the keys that are not strings (80, (a, b), None), by
	// their encoded form in keys (see encodeKey).
	orig map[string]value
	// unset holds the variables of the daemon's environment that the
	// script removed from an inheriting mapping (os.environ.pop, del),
	// with where.
	unset map[string]apacheconf.Position
	at    apacheconf.Position
}

func (d *dict) describe() string {
	if d.inherits {
		return "an environment mapping"
	}
	return "a dict"
}

func newDict(at apacheconf.Position, inherits bool) *dict {
	return &dict{inherits: inherits, at: at} // its maps come with its first key
}

func (d *dict) set(k string, v value, at apacheconf.Position) {
	if d.unset != nil {
		delete(d.unset, k)
	}
	if d.vals == nil {
		d.vals, d.keyPos = map[string]value{}, map[string]apacheconf.Position{}
	}
	if _, ok := d.vals[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.vals[k] = v
	d.keyPos[k] = at
}

// setOrig records the value of a key that is not a string, once it is set.
func (d *dict) setOrig(k string, key value) {
	if _, isStr := key.(*str); isStr {
		return
	}
	if d.orig == nil {
		d.orig = map[string]value{}
	}
	if _, had := d.orig[k]; !had { // Python keeps the first of equal keys (1, True)
		d.orig[k] = key
	}
}

// keyValue is key k as the script wrote it: a str, or the value recorded.
func (d *dict) keyValue(k string) value {
	if v, ok := d.orig[k]; ok {
		return v
	}
	return &str{s: k, at: d.keyPos[k]}
}

// keyRepr is repr() of key k.
func (d *dict) keyRepr(k string) string {
	if v, ok := d.orig[k]; ok {
		if r, ok := reprOf(v); ok {
			return r
		}
	}
	return pyRepr(k)
}

// remove deletes key k.
func (d *dict) remove(k string) {
	delete(d.orig, k)
	delete(d.vals, k)
	delete(d.keyPos, k)
	for i, key := range d.keys {
		if key == k {
			d.keys = append(d.keys[:i:i], d.keys[i+1:]...)
			break
		}
	}
}

// copyDict is dict(d) or d.copy(): a new mapping with the same entries.
func (d *dict) copyDict(at apacheconf.Position) *dict {
	c := newDict(at, d.inherits)
	for k, p := range d.unset {
		c.unsetAt(k, p)
	}
	for _, k := range d.keys {
		c.set(k, d.vals[k], d.keyPos[k])
		if o, ok := d.orig[k]; ok {
			c.setOrig(k, o)
		}
	}
	return c
}

// none is Python's None, as returned by os.environ.get for an unset name.
type none struct {
	at  apacheconf.Position
	why string // how the None came about, for the diagnostic when it is used
}

func (*none) describe() string { return "None" }

// boolean is True or False.
type boolean struct {
	v  bool
	at apacheconf.Position
}

func (*boolean) describe() string { return "a bool" }

// number is a numeric literal; only passed along (timeout=10, sys.exit(1)).
type number struct {
	text string
	at   apacheconf.Position
}

func (*number) describe() string { return "a number" }

// module is an imported module. Only a few modules have known members.
type module struct {
	name string
}

func (m *module) describe() string { return "the module " + m.name }

// function is a known function or constant of a module, or a builtin,
// named by its qualified name ("os.execl", "print").
type function struct {
	name string
}

func (f *function) describe() string { return f.name }

// method is a known method bound to its receiver ("append" of a list).
type method struct {
	recv value
	name string
}

func (m *method) describe() string { return "the method " + m.name + " of " + m.recv.describe() }

// process is a subprocess.Popen object: the command it started, which
// becomes a blocking one when the script waits for it.
type process struct {
	cmd *Command
}

func (*process) describe() string { return "a Popen object" }

// bytesValue is a bytes literal: accepted where any value will do
// (input=b”), refused where a str is needed.
type bytesValue struct {
	at apacheconf.Position
}

func (*bytesValue) describe() string { return "a bytes literal (b'...')" }

// opaque is a value the script may compute but wsgidock does not follow,
// such as the return code of subprocess.call or subprocess.PIPE. Using it
// where a string is needed is a diagnostic.
type opaque struct {
	what string
	at   apacheconf.Position
}

func (o *opaque) describe() string { return o.what }

// poisoned stands for a name whose assignment already failed with a
// diagnostic; using it fails silently, so one mistake is reported once.
type poisoned struct{}

func (poisoned) describe() string { return "an unresolved value" }

// unsetAt records that the daemon's variable k was removed from d.
func (d *dict) unsetAt(k string, at apacheconf.Position) {
	if d.unset == nil {
		d.unset = map[string]apacheconf.Position{}
	}
	d.unset[k] = at
}
