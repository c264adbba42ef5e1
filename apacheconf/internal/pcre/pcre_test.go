package pcre

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// patterns are regular expressions of the kinds configurations use, and
// the PCRE features and errors around them.
var patterns = []string{
	// Valid in PCRE.
	`^/(?!static/)(.*)$`, `^/(?=api/)`, `(?<=/)x`, `(?<!\.)php$`, `(?>a+)b`, `(?<name>a)\k<name>`, `(?'n'a)\k'n'`,
	`(a)\1`, `a+?b*?c??`, `a{2,3}?`, `\d+\w*\s?\b`, `\p{L}+`, `\x41\x{263a}`, `\cA`, `(?i)abc`, `(?i:gif|jpe?g)$`,
	`(?x) a b # comment`, `(?#comment)a`, `\z\Z\A\G`, `[a-z0-9._-]+`, `[^/]+`, `[]a]`, `[\]]`, `\.(css|js)$`,
	`^/(en|de)/(.*)$`, `a{,3}`, `x*`, `.*`, `^$`, `\/`, `a|`, `()`, `(?:)`, `\Qa.b\E`, `a++`, `(*UTF)a`, `[[:alpha:]]+`,
	`(?P<n>a)`, `\h\v`, `(?|(a)|(b))`, `a{0}`, `(?s).`, `(?m)^a$`, `\e\t\n\r\f`, `\0`, `\012`, `[\d-z]`,
	// Invalid in PCRE.
	`(`, `)`, `[`, `[a-`, `*a`, `a**`, `+`, `?`, `a{2,1}`, `[z-a]`, `\`, `(a|b`, `(?<n>a)(?<n>b)`, `\k<nope>`,
	`(?<=a+)b`, `\8`, `(?z)`, `a{99999}`, `\u0041`, `[[:foo:]]`, `(?P<1>a)`, `\c`, `\x{110000}`, `(?<>a)`,
}

// TestMatchesPCRE asks httpd (with <LocationMatch>) and Compile about every
// pattern. Compile must never refuse what httpd accepts; it may miss an
// error, and the test lists those.
func TestMatchesPCRE(t *testing.T) {
	httpdtest.Binary(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "r.conf")
	missed := 0
	for _, p := range patterns {
		quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p)
		if err := os.WriteFile(conf, []byte("<LocationMatch \""+quoted+"\">\n</LocationMatch>\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := httpdtest.Run(t, nil, "-d", dir, "-f", conf, "-C", httpdtest.LoadModule("mpm_event_module"),
			"-C", "ServerName x", "-C", "ErrorLog /dev/null")
		httpdOK := r.OK
		if !r.OK && !strings.Contains(r.WalkError, "Regex could not be compiled") {
			t.Fatalf("%q: httpd fails otherwise: %s", p, r.Stderr)
		}
		err := Compile(p)
		switch {
		case httpdOK && err != nil:
			t.Errorf("%q: PCRE compiles it, Compile says %v", p, err)
		case !httpdOK && err == nil:
			missed++
			t.Logf("%q: PCRE refuses it, Compile does not judge it or accepts it", p)
		}
	}
	t.Logf("%d patterns; %d errors missed, no false errors", len(patterns), missed)
}
