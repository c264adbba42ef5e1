package plainword

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The definitions the emitters had before they shared this one: compose's
// pattern and word list, and kube's shorter set of bytes.
var (
	composeWord = regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9_./@+=-]*$`)
	kubeWord    = regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9_./-]*$`)
	words       = map[string]bool{"y": true, "yes": true, "n": true, "no": true, "true": true, "false": true, "on": true, "off": true, "null": true}
)

func TestIs(t *testing.T) {
	tests := []struct {
		s    string
		more string
		want bool
	}{
		{"site0.example.com", "._/-", true},
		{"/etc/httpd.conf", "._/-", true},
		{"_x", "", true},
		{"", "._/-", false},
		{"0755", "._/-", false},
		{"-x", "._/-", false},
		{".x", "._/-", false},
		{"a:b", "._/-", false},
		{"user@host", "._/-", false},
		{"user@host", "._/-@+=", true},
		{"Yes", "._/-", false},
		{"OFF", "._/-", false},
		{"offs", "._/-", true},
		{"Null", "", false},
		{"nulls", "", true},
		{"é", "._/-", false},
	}
	for _, tt := range tests {
		if got := Is(tt.s, tt.more); got != tt.want {
			t.Errorf("Is(%q, %q) = %v, want %v", tt.s, tt.more, got, tt.want)
		}
	}
}

// TestIsAsBefore compares Is with the emitters' former definitions on
// random strings of the bytes that decide.
func TestIsAsBefore(t *testing.T) {
	const alphabet = "aAzZyYnNoOtTrRuUeEfFlLsS019_./-@+=: #\"'é\n"
	r := rand.New(rand.NewPCG(1, 2))
	check := func(s string) {
		lower := words[strings.ToLower(s)]
		if got, want := Is(s, "._/-@+="), composeWord.MatchString(s) && !lower; got != want {
			t.Fatalf("compose: Is(%q) = %v, want %v", s, got, want)
		}
		if got, want := Is(s, "._/-"), kubeWord.MatchString(s) && !lower; got != want {
			t.Fatalf("kube: Is(%q) = %v, want %v", s, got, want)
		}
	}
	for w := range words {
		check(w)
		check(strings.ToUpper(w))
		check(strings.ToUpper(w[:1]) + w[1:])
	}
	for range 200000 {
		b := make([]byte, r.IntN(7))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		check(string(b))
	}
}
