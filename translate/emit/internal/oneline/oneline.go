// Package oneline renders user-supplied text so that it stays on one line
// of a comment or a Markdown list item whatever it contains: a newline in a
// path must not end a shell comment and start a command.
package oneline

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// String returns s with every character that is not graphic (newlines,
// carriage returns, tabs, escapes, line separators, invalid UTF-8) written
// as a Go escape sequence. Graphic text, non-ASCII letters included, is kept.
func String(s string) string {
	if printableASCII(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case r == ' ' || unicode.IsGraphic(r) && !unicode.Is(unicode.Zl, r) && !unicode.Is(unicode.Zp, r):
			b.WriteString(s[i : i+size])
		default:
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

// printableASCII says whether s is all printable ASCII, which String keeps
// as it is: the common case, answered without building a copy.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
