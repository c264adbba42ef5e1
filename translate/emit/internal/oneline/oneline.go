// Package oneline renders user-supplied text so that it stays on one line
// of a comment or a Markdown list item whatever it contains: a newline in a
// path must not end a shell comment and start a command.
package oneline

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wsgidock/wsgidock/internal/jsonstr"
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
// Every emitter asks it of most strings it writes, so it looks at eight
// bytes at a time.
func printableASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if !printable8(jsonstr.Load8(s, i)) {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// printable8 reports whether the eight bytes x are all from ' ' to '~':
// none has its high bit, none is below 0x20, none is 0x7f (a zero byte of
// x^0x7f...).
func printable8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	del := x ^ (0x7f * ones)
	return (x|(x-0x20*ones)&^x|(del-ones)&^del)&highs == 0
}
