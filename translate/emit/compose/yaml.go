package compose

import (
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/wsgidock/wsgidock/translate/emit/internal/plainword"
)

// Compose interpolates ${VAR} and $VAR in every string value when it loads
// a file; $$ is its escape for a literal $.
func escape(s string) string { return strings.ReplaceAll(s, "$", "$$") }

// str is a string scalar, escaped for interpolation. Anything but a plain
// word is double-quoted: YAML 1.1 readers (docker-compose v1, PyYAML) take
// yes, off, 0755 or 20:30 for booleans and numbers, and read U+2028 in a
// single-quoted scalar as a line break; double quotes with escapes read
// back the same everywhere.
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: escape(s)}
	if !plainWord(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// plainWord reports whether s is what every YAML reader takes for a string
// when unquoted: no leading digit, sign or dot (numbers), no ':' (YAML 1.1
// base-60 numbers, mapping keys), no spaces or indicators, no YAML 1.1
// boolean or null. The library writes such a word as it is, as a key or a
// value.
func plainWord(s string) bool { return plainword.Is(s, "._/-@+=") }

// plain is a scalar written as is, for numbers and booleans wsgidock made.
func plain(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

func boolean(b bool) *yaml.Node {
	if b {
		return plain("!!bool", "true")
	}
	return plain("!!bool", "false")
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

func strSeq(values []string) *yaml.Node {
	n := seq()
	for _, v := range values {
		n.Content = append(n.Content, str(v))
	}
	return n
}

// mapping is a YAML mapping that keeps its keys in insertion order, with
// an index from key to place so that a file of many services is written
// in linear time.
type mapping struct {
	node *yaml.Node
	keys map[string]int // key -> index of the key node in node.Content
}

func newMapping() mapping {
	return mapping{node: &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, keys: map[string]int{}}
}

// set adds key, or replaces its value when the key is already there.
func (m mapping) set(key string, value *yaml.Node) {
	if v := m.get(key); v != nil {
		*v = *value
		return
	}
	m.keys[key] = len(m.node.Content)
	m.node.Content = append(m.node.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, value)
}

func (m mapping) get(key string) *yaml.Node {
	if i, ok := m.keys[key]; ok {
		return m.node.Content[i+1]
	}
	return nil
}

// appendTo adds value to the sequence under key, creating it.
func (m mapping) appendTo(key string, value *yaml.Node) {
	s := m.get(key)
	if s == nil {
		m.set(key, seq())
		s = m.get(key)
	}
	s.Content = append(s.Content, value)
}

// sub returns the mapping under key, creating it.
func (m mapping) sub(key string) mapping {
	v := m.get(key)
	if v == nil {
		m.set(key, newMapping().node)
		v = m.get(key)
	}
	sub := mapping{node: v, keys: map[string]int{}}
	for i := 0; i+1 < len(v.Content); i += 2 {
		sub.keys[v.Content[i].Value] = i
	}
	return sub
}

// comment puts a comment line above key, which must be present.
func (m mapping) comment(key, text string) {
	if i, ok := m.keys[key]; ok {
		m.node.Content[i].HeadComment = text
	}
}
