package kube

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// maxName is the length limit of a DNS-1123 label, which Service names,
// container names and label values share.
const maxName = 63

// dnsLabel turns s into a DNS-1035 label (lower-case letters, digits and
// '-', starting with a letter, at most 63 characters): the strictest of the
// name rules the objects use, since a Service name must be one. Names cut
// short keep a hash of the original, so two long names stay distinct.
func dnsLabel(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.TrimRight(b.String(), "-")
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		name = strings.TrimSuffix("x-"+name, "-")
	}
	if len(name) > maxName {
		sum := sha256.Sum256([]byte(s))
		name = strings.TrimRight(name[:maxName-9], "-") + "-" + hex.EncodeToString(sum[:4])
	}
	return name
}

// names hands out distinct DNS labels.
type names map[string]bool

// take returns the label for s, with -2, -3... added when an earlier name
// already has it.
func (n names) take(s string) string {
	base := dnsLabel(s)
	name := base
	for i := 2; n[name]; i++ {
		suffix := "-" + strconv.Itoa(i)
		name = strings.TrimRight(base[:min(len(base), maxName-len(suffix))], "-") + suffix
	}
	n[name] = true
	return name
}

// labelValue turns s into a valid label value: at most 63 characters of
// letters, digits, '-', '_' and '.', starting and ending with a letter or
// digit, or empty.
func labelValue(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	v := b.String()
	if len(v) > maxName {
		v = v[:maxName]
	}
	return strings.TrimFunc(v, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
}
