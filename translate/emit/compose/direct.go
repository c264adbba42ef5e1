package compose

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v4"
)

// writePiece appends the mapping of one service (one key, the service's
// name, with its comment) to b as encode and indentBy2 together write it,
// without the library's events and emitter, which took most of the time
// of thousands of services. It knows the nodes this package makes:
// block mappings and sequences, plain and double-quoted scalars, comments
// above the service's key; on anything else it reports false and leaves b
// as it was, for the library to write. The tests compare it with the
// library on every fixture, on random services and on many services.
func writePiece(b *bytes.Buffer, one *yaml.Node) bool {
	start := b.Len()
	p := piece{b: b}
	if one.Kind != yaml.MappingNode || !p.mapping(one, 2, false, true) {
		b.Truncate(start)
		return false
	}
	return true
}

type piece struct{ b *bytes.Buffer }

func (p *piece) indent(n int) {
	for range n {
		p.b.WriteByte(' ')
	}
}

// mapping writes n's entries at column indent; inItem says the first key
// follows a "- " already written; top allows comments above the keys.
func (p *piece) mapping(n *yaml.Node, indent int, inItem, top bool) bool {
	if len(n.Content) == 0 || len(n.Content)%2 != 0 || hasComments(n) || n.Style != 0 || n.Anchor != "" {
		return false
	}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		// A key of more than 128 characters is not a simple key.
		if k.Kind != yaml.ScalarNode || k.Tag != "!!str" || k.Style != 0 || !plainWord(k.Value) || len(k.Value) > 128 ||
			k.LineComment != "" || k.FootComment != "" || k.Anchor != "" || hasComments(v) || v.Anchor != "" {
			return false
		}
		if k.HeadComment != "" {
			if !top || inItem {
				return false
			}
			for _, line := range strings.Split(k.HeadComment, "\n") {
				if !strings.HasPrefix(line, "# ") || strings.ContainsAny(line, "\r") {
					return false
				}
				p.indent(indent)
				p.b.WriteString(line)
				p.b.WriteByte('\n')
			}
		}
		if i > 0 || !inItem {
			p.indent(indent)
		}
		p.b.WriteString(k.Value)
		p.b.WriteByte(':')
		switch v.Kind {
		case yaml.MappingNode:
			p.b.WriteByte('\n')
			if !p.mapping(v, indent+2, false, false) {
				return false
			}
		case yaml.SequenceNode:
			p.b.WriteByte('\n')
			if !p.sequence(v, indent+2) {
				return false
			}
		case yaml.ScalarNode:
			p.b.WriteByte(' ')
			if !p.scalar(v) {
				return false
			}
			p.b.WriteByte('\n')
		default:
			return false
		}
	}
	return true
}

// sequence writes n's items at column indent.
func (p *piece) sequence(n *yaml.Node, indent int) bool {
	if len(n.Content) == 0 || n.Style != 0 || n.Tag != "!!seq" {
		return false
	}
	for _, item := range n.Content {
		if hasComments(item) || item.Anchor != "" {
			return false
		}
		p.indent(indent)
		p.b.WriteString("- ")
		switch item.Kind {
		case yaml.MappingNode:
			if !p.mapping(item, indent+2, true, false) {
				return false
			}
		case yaml.ScalarNode:
			if !p.scalar(item) {
				return false
			}
			p.b.WriteByte('\n')
		default:
			return false
		}
	}
	return true
}

func hasComments(n *yaml.Node) bool {
	return n.HeadComment != "" || n.LineComment != "" || n.FootComment != ""
}

// scalar writes a scalar as str, boolean and plain make them.
func (p *piece) scalar(n *yaml.Node) bool {
	switch {
	case n.Tag == "!!str" && n.Style == yaml.DoubleQuotedStyle:
		return p.doubleQuoted(n.Value)
	case n.Tag == "!!str" && n.Style == 0:
		if !plainWord(n.Value) {
			return false
		}
	case n.Tag == "!!bool" && n.Style == 0:
		if n.Value != "true" && n.Value != "false" {
			return false
		}
	case n.Tag == "!!int" && n.Style == 0:
		if n.Value == "" || strings.Trim(n.Value, "0123456789") != "" || len(n.Value) > 1 && n.Value[0] == '0' {
			return false
		}
	default:
		return false
	}
	p.b.WriteString(n.Value)
	return true
}

// doubleQuoted writes s as the library's emitter writes a double-quoted
// scalar with no line width and Unicode allowed: printable characters as
// they are, line breaks, quotes, backslashes and the rest escaped.
func (p *piece) doubleQuoted(s string) bool {
	if strings.HasPrefix(s, "\xef\xbb\xbf") {
		// The emitter escapes every character of a value that starts
		// with a byte order mark.
		return false
	}
	b := p.b
	b.WriteByte('"')
	for i := 0; i < len(s); {
		w := runeWidth(s[i])
		if w == 0 || i+w > len(s) {
			return false
		}
		if printable(s, i) && !lineBreak(s, i) && s[i] != '"' && s[i] != '\\' {
			b.WriteString(s[i : i+w])
			i += w
			continue
		}
		v := rune(s[i])
		switch w {
		case 2:
			v = v & 0x1F
		case 3:
			v = v & 0x0F
		case 4:
			v = v & 0x07
		}
		for k := 1; k < w; k++ {
			v = v<<6 + rune(s[i+k])&0x3F
		}
		i += w
		b.WriteByte('\\')
		switch v {
		case 0x00:
			b.WriteByte('0')
		case 0x07:
			b.WriteByte('a')
		case 0x08:
			b.WriteByte('b')
		case 0x09:
			b.WriteByte('t')
		case 0x0A:
			b.WriteByte('n')
		case 0x0b:
			b.WriteByte('v')
		case 0x0c:
			b.WriteByte('f')
		case 0x0d:
			b.WriteByte('r')
		case 0x1b:
			b.WriteByte('e')
		case 0x22:
			b.WriteByte('"')
		case 0x5c:
			b.WriteByte('\\')
		case 0x85:
			b.WriteByte('N')
		case 0xA0:
			b.WriteByte('_')
		case 0x2028:
			b.WriteByte('L')
		case 0x2029:
			b.WriteByte('P')
		default:
			digits := 8
			switch {
			case v <= 0xFF:
				b.WriteByte('x')
				digits = 2
			case v <= 0xFFFF:
				b.WriteByte('u')
				digits = 4
			default:
				b.WriteByte('U')
			}
			for k := (digits - 1) * 4; k >= 0; k -= 4 {
				b.WriteByte("0123456789ABCDEF"[(v>>uint(k))&0x0F])
			}
		}
	}
	b.WriteByte('"')
	return true
}

// runeWidth is the length of the UTF-8 sequence that starts with c, as
// the emitter reads it; 0 for a byte that starts none.
func runeWidth(c byte) int {
	switch {
	case c&0x80 == 0:
		return 1
	case c&0xE0 == 0xC0:
		return 2
	case c&0xF0 == 0xE0:
		return 3
	case c&0xF8 == 0xF0:
		return 4
	}
	return 0
}

// printable is the emitter's test of the character at i.
func printable(s string, i int) bool {
	at := func(j int) byte {
		if j < len(s) {
			return s[j]
		}
		return 0
	}
	c := s[i]
	return c == 0x0A || c >= 0x20 && c <= 0x7E ||
		c == 0xC2 && at(i+1) >= 0xA0 ||
		c > 0xC2 && c < 0xED ||
		c == 0xED && at(i+1) < 0xA0 ||
		c == 0xEE ||
		c == 0xEF && !(at(i+1) == 0xBB && at(i+2) == 0xBF) && !(at(i+1) == 0xBF && (at(i+2) == 0xBE || at(i+2) == 0xBF))
}

// lineBreak is the emitter's test for a line break at i: CR, LF, NEL,
// LS, PS.
func lineBreak(s string, i int) bool {
	switch c := s[i]; {
	case c == '\r' || c == '\n':
		return true
	case c == 0xC2:
		return i+1 < len(s) && s[i+1] == 0x85
	case c == 0xE2:
		return i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9)
	}
	return false
}
