package expr_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/expr"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// cases are expressions as users write them, valid and not, for every
// token, state and message of httpd's scanner and parser. httpd judges.
var cases = []string{
	// Valid.
	"%{HTTP_HOST} == 'example.com'", "-n %{HTTP_HOST} && !(%{REQUEST_URI} =~ m#^/static#i)", "true || false && !false",
	"!true", "'a' . 'b' == 'ab'", "%{HTTP:Host} == 'x'", "%{req:Host} == 'a'", "%{http_host} == 'a'", "-z 'a'",
	"-T 'a'", "-R '10.0.0.0/8'", "'a' -ipmatch '10.0.0.0/8'", "md5('a') == 'b'", "%{TIME_HOUR} -gt 12",
	"%{TIME_HOUR} gt 12 and %{TIME_HOUR} lt 18", "-f %{REQUEST_FILENAME}", "'a' =~ m#x#", "'a' =~ /x/i",
	"%{REQUEST_URI} =~ m#^/(?!static/)#", "%{REQUEST_URI} !~ /\\.php$/", "'a' -in {'a', 'b', 'c'}",
	"%{QUERY_STRING} =~ /(^|&)debug=1(&|$)/", "tolower(%{HTTP_HOST}) == 'www.example.com'",
	"'%{HTTP_HOST}%{REQUEST_URI}' == 'x'", "'\\101' == 'A'", "'it''s' == 'x'", "\"a\" == 'a'", "(true)", "((true))",
	"$1 == 'a'", "-1 -eq -1", "%{REQUEST_METHOD} in {'GET','HEAD'}", "'a' = 'a'", "'a' != 'b' || 'c' <= 'd'",
	"%{HTTP_USER_AGENT} =~ m|bot|i", "-n 'x' not", "%{ENV:FOO} == 'bar'", "reqenv('X') == 'y'",
	// Scanner errors.
	"@", "'a", "%{HTTP_HOST", "%{ HTTP_HOST} == 'a'", "'\\400' == 'a'", "'\\8' == 'a'", "'\\0123' == 'a'",
	"%{HTTP:abc", "'%{HTTP_HOST}a", "'a' =~ /abc", "%{HTTP_HOST} == 'a' ; 'b'", "'a' == $x",
	// Parser errors.
	"%{HTTP_HOST} == example.com", "%{HTTP_HOST}", "true false", "true &&", "(true", "!", "%{HTTP_HOST} ==", "-n",
	"'a' == 'b' 'c'", "'a' -in {'a' 'b'}", "'a' -in {'a',}", "'a' -in {}", "'a' -in 'b'", "'a' =~ 'b'",
	"'a' =~ /x/i 'c'", "'a' == 'b' )", "('a' == 'b') 'c'", "'a' == 'b' && ", "true || 'a'", "{'a'} == 'b'",
	"tolower('a' 'b') == 'a'", "-n 'a' 'b'", "'a' == ('b')", "'a' 'b'", "'a' . == 'b'", "m", "'a' == m", "true)",
	"((true)", "%{HTTP:} == 'a'", "'a' == 'b' and", "%{HTTP_HOST} == 'a' || -n", "", "(", ")", "'a' ==== 'b'",
	"%{REQUEST_URI} =~ /^\\/(?!static)/", "'a' =~ /x(/", "%{HTTP_HOST} -strmatch", "tolower(x) == 'a'",
	// Lookups.
	"%{NOPE} == 'a'", "nope('a') == 'a'", "'a' -zz 'b'", "%{HTTP_HOST:x} == 'a'", "'a' -in tolower('b')",
	"'a' -in PeerExtList('x')", "-Q 'a'", "%{REMOTE_ADDR} -ipmatch 10.0.0.0/8", "%{REMOTE_ADDR} -ipmatch 'localhost'", "%{REMOTE_ADDR} -ipmatch ''", "-R 10", "-R '10.1.0.0/16'", "foo(%{X}", "foo(%{X} x", "%{A} == %{B}", "nope(%{NOPE}) == 'a'",
}

var msgRe = regexp.MustCompile(`Could not parse expression "(?:[^"\\]|\\.)*": (.*)`)

// TestMatchesHTTPD parses every case with httpd (as a SetEnvIfExpr) and
// with Parse: the same verdict and the same message.
func TestMatchesHTTPD(t *testing.T) {
	httpdtest.Binary(t)
	dir := t.TempDir()
	for i, c := range cases {
		if c == "" {
			continue // SetEnvIfExpr refuses an empty expression itself.
		}
		conf := filepath.Join(dir, "e.conf")
		line := "SetEnvIfExpr \"" + escapeQuotes(c) + "\" X=1\n"
		if err := os.WriteFile(conf, []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
		r := httpdtest.Run(t, nil, "-d", dir, "-f", conf, "-C", httpdtest.LoadModule("mpm_event_module"),
			"-C", httpdtest.LoadModule("setenvif_module"), "-C", "ServerName x", "-C", "ErrorLog /dev/null")
		want := ""
		if !r.OK {
			m := msgRe.FindStringSubmatch(r.WalkError)
			if m == nil {
				t.Errorf("case %d %q: httpd fails without an expression error: %s", i, c, r.Stderr)
				continue
			}
			want = m[1]
		}
		got := ""
		if e := expr.Parse(c, expr.Options{}); e != nil {
			got = httpdtest.EscapeLog(e.Message)
			if e.Offset < 0 || e.Offset > len(c) {
				t.Errorf("case %q: offset %d outside the expression", c, e.Offset)
			}
		}
		if got != want {
			t.Errorf("case %d %q:\nhttpd: %s\nParse: %s", i, c, want, got)
		}
	}
}

// escapeQuotes writes s inside a double-quoted configuration word.
func escapeQuotes(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}
