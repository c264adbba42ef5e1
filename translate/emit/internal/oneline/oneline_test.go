package oneline

import "testing"

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
