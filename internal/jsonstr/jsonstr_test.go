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
		cases = append(cases, string([]byte{byte(b)}), "x"+string([]byte{byte(b)})+"y")
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
