package apacheconf

import (
	"encoding/binary"
	"testing"
)

// TestJSONSafe8 holds the eight-byte test to jsonSafe, byte by byte: every
// byte value at every position among safe ones, and pairs of unsafe bytes
// (whose borrows could hide one another).
func TestJSONSafe8(t *testing.T) {
	want := func(b []byte) bool {
		for _, c := range b {
			if !jsonSafe[c] {
				return false
			}
		}
		return true
	}
	check := func(b []byte) {
		t.Helper()
		if got := jsonSafe8(binary.LittleEndian.Uint64(b)); got != want(b) {
			t.Fatalf("jsonSafe8(%q) = %v, want %v", b, got, want(b))
		}
		if got := jsonSafe8(load64(string(b), 0)); got != want(b) {
			t.Fatalf("jsonSafe8(load64(%q)) = %v, want %v", b, got, want(b))
		}
	}
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			b := []byte("abcdefgh")
			b[pos] = byte(c)
			check(b)
			for pos2 := 0; pos2 < 8; pos2++ {
				for _, c2 := range []byte{0, 0x1f, 0x20, '"', '\\', 0x7f, 0x80, 0xff, 0x21, 0x5b, 0x5d} {
					b2 := append([]byte(nil), b...)
					b2[pos2] = c2
					check(b2)
				}
			}
		}
	}
}
