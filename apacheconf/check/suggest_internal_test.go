package check

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// levenshtein is the textbook table, unbounded: the reference the bounded
// editDistance must agree with below its limit.
func levenshtein(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
		}
	}
	return d[len(a)][len(b)]
}

func TestEditDistanceBounded(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = "abcde"[r.IntN(5)]
		}
		return string(b)
	}
	var rows []int
	for range 20000 {
		a, b, limit := word(), word(), 1+r.IntN(8)
		var got int
		got, rows = editDistance(a, b, limit, rows)
		if want := min(levenshtein(a, b), limit); got != want {
			t.Fatalf("editDistance(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
		}
	}
}

// TestSuggest: the misspellings people make still get their directive, and
// a name far longer than any directive (a line of data where a directive
// was expected) gets none.
func TestSuggest(t *testing.T) {
	for name, want := range map[string]string{
		"ServerNmae":                  "ServerName",
		"ProxyPassRevers":             "ProxyPassReverse",
		"WSGIDaemonProces":            "WSGIDaemonProcess",
		"<VirtualHots":                "<VirtualHost>",
		"Xyzzy":                       "",
		strings.Repeat("\xa6", 1<<20): "",
	} {
		if got := suggest(name); got != want {
			t.Errorf("suggest(%.20q) = %q, want %q", name, got, want)
		}
	}
}
