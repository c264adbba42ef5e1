package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestAppendMatchesEncodingJSON compares Append with encoding/json's
// Encoder (HTML escaping off) on every kind of byte it escapes.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	cases := []string{"", "plain", `q"b\s`, "\b\f\n\r\t\x00\x1f\x7f", "<&>", "é ü 日本", "\u2028\u2029", "\xff\xfe bad", "a\xc3", "\U0001F600"}
	for b := range 256 {
		c := string([]byte{byte(b)})
		// Also within and after runs of eight plain bytes, which Append
		// takes at once.
		cases = append(cases, c, "x"+c+"y", "/srv/www/"+c+"/static/é/", "abcdefghijklmno"+c)
	}
	for _, s := range cases {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := string(Append(nil, s)); got+"\n" != want.String() {
			t.Errorf("Append(%q) = %s; encoding/json gives %s", s, got, want.String())
		}
	}
}

// TestPlain8 holds the eight-byte test to the byte-by-byte rule: every
// byte value at every position among plain ones, and with a second byte
// of the edges of the rule (whose borrows could hide the first).
func TestPlain8(t *testing.T) {
	plain := func(b []byte) bool {
		for _, c := range b {
			if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
				return false
			}
		}
		return true
	}
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			for pos2 := 0; pos2 < 8; pos2++ {
				for _, c2 := range []byte{'a', 0, 0x1f, 0x20, 0x21, '"', 0x23, '[', '\\', ']', 0x7f, 0x80, 0xff} {
					b := []byte("xabcdefgh")
					b[1+pos] = byte(c)
					b[1+pos2] = c2
					if got, want := Plain8(Load8(string(b), 1)), plain(b[1:]); got != want {
						t.Fatalf("Plain8(Load8(%q, 1)) = %v, want %v", b, got, want)
					}
				}
			}
		}
	}
}
