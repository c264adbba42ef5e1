package kube

import "strings"

// escapeRefs escapes s for the fields in which the kubelet expands
// $(VAR) references: command, args and env values. The kubelet reads "$$"
// as "$" and "$(NAME)" as a reference, and leaves any other "$" alone; so a
// "$" followed by "$" or "(" is doubled and every other "$" is kept, which
// the kubelet reads back as s exactly. (Escaping only "$(" would turn a
// literal "$$" into "$".)
func escapeRefs(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == '$' && i+1 < len(s) && (s[i+1] == '$' || s[i+1] == '(') {
			b.WriteByte('$')
		}
	}
	return b.String()
}

func escapeAll(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = escapeRefs(s)
	}
	return out
}
