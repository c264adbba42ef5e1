package oneline

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"ünïcödé ☃ 日本語", "ünïcödé ☃ 日本語"},
		{"a\nb", `a\nb`},
		{"a\r\nb", `a\r\nb`},
		{"tab\there", `tab\there`},
		{"\x1b[31mred", `\x1b[31mred`},
		{"\x7f", `\x7f`},
		{"line\u2028sep\u2029para", `line\u2028sep\u2029para`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"nul\x00", `nul\x00`},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"", "a\nb", "\u2028", "\xff", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		for _, r := range out {
			if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == 0x85 {
				t.Fatalf("String(%q) = %q keeps a line break", s, out)
			}
		}
	})
}

// TestPrintableASCII compares the eight-byte check with one byte at a
// time, on strings of the bytes at either side of each bound, at every
// position and length.
func TestPrintableASCII(t *testing.T) {
	edges := []byte{0x00, 0x1f, ' ', 'a', '~', 0x7f, 0x80, 0xe2, 0xff}
	byByte := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < ' ' || s[i] > '~' {
				return false
			}
		}
		return true
	}
	for n := range 20 {
		for pos := range n {
			for _, e := range edges {
				b := []byte(strings.Repeat("x", n))
				b[pos] = e
				if s := string(b); printableASCII(s) != byByte(s) {
					t.Fatalf("printableASCII(%q) = %v", s, printableASCII(s))
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		b := make([]byte, r.IntN(24))
		for i := range b {
			b[i] = ' ' + byte(r.IntN(95))
			if r.IntN(16) == 0 {
				b[i] = edges[r.IntN(len(edges))]
			}
		}
		if s := string(b); printableASCII(s) != byByte(s) {
			t.Fatalf("printableASCII(%q) = %v", s, printableASCII(s))
		}
	}
}
