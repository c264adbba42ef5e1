package lint

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

func TestWeakProtocols(t *testing.T) {
	for in, want := range map[string]string{
		"all -SSLv3":               "TLSv1, TLSv1.1",
		"-all +TLSv1.2 +TLSv1.3":   "",
		"TLSv1.2":                  "",
		"all -TLSv1 -TLSv1.1":      "",
		"+TLSv1.1 +TLSv1.2":        "TLSv1.1",
		"TLSv1 TLSv1.2":            "",
		"all -SSLv3 -TLSv1 +SSLv3": "SSLv3, TLSv1.1",
	} {
		if got := weakProtocols(strings.Fields(in)); got != want {
			t.Errorf("SSLProtocol %s: %q, want %q", in, got, want)
		}
	}
}

func TestProtocolOverride(t *testing.T) {
	for in, want := range map[string]string{
		"TLSv1.2 TLSv1.3":               "TLSv1.3 after TLSv1.2",
		"TLSv1 TLSv1.2":                 "TLSv1.2 after TLSv1",
		"+TLSv1.2 TLSv1.3":              "TLSv1.3 after +TLSv1.2",
		"all -SSLv3 TLSv1.2":            "TLSv1.2 after all -SSLv3",
		"-all TLSv1.2":                  "",
		"+TLSv1.2 -TLSv1.2 TLSv1.3":     "",
		"-all +TLSv1.2 +TLSv1.3":        "",
		"all -SSLv3 -TLSv1 -TLSv1.1":    "",
		"TLSv1.2":                       "",
		"TLSv1.2 bogus":                 "",
		"-all +TLSv1.2 TLSv1.3 TLSv1.2": "TLSv1.3 after -all +TLSv1.2",
	} {
		word, before := protocolOverride(strings.Fields(in))
		got := ""
		if word != "" {
			got = word + " after " + before
		}
		if got != want {
			t.Errorf("SSLProtocol %s: %q, want %q", in, got, want)
		}
	}
}

// TestProtocolOverrideMatchesHTTPD holds protocolOverride against the
// installed httpd: the word it names is the one mod_ssl's AH02532 names,
// and where it names none httpd does not warn.
func TestProtocolOverrideMatchesHTTPD(t *testing.T) {
	httpdtest.Binary(t)
	for _, in := range []string{"TLSv1.2 TLSv1.3", "TLSv1 TLSv1.2", "+TLSv1.2 TLSv1.3", "all -SSLv3 TLSv1.2", "-all TLSv1.2",
		"+TLSv1.2 -TLSv1.2 TLSv1.3", "-all +TLSv1.2 +TLSv1.3", "all -SSLv3 -TLSv1 -TLSv1.1", "TLSv1.2", "-all +TLSv1.2 TLSv1.3 TLSv1.2", "all"} {
		root := t.TempDir()
		file := filepath.Join(root, "httpd.conf")
		conf := strings.Join([]string{httpdtest.LoadModule("mpm_event_module"), httpdtest.LoadModule("authz_core_module"),
			httpdtest.LoadModule("ssl_module"), "ServerName localhost", "ErrorLog /dev/null", "SSLProtocol " + in, "SSLProxyProtocol " + in}, "\n") + "\n"
		if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		r := httpdtest.Run(t, nil, "-d", root, "-f", file)
		if !r.OK {
			t.Fatalf("SSLProtocol %s: httpd fails: %s", in, r.Stderr)
		}
		word, _ := protocolOverride(strings.Fields(in))
		for _, name := range []string{"SSLProtocol", "SSLProxyProtocol"} {
			warned := strings.Contains(r.Stderr, "AH02532: "+name+": Protocol '"+word+"' overrides")
			if word == "" {
				warned = strings.Contains(r.Stderr, "AH02532: "+name+":")
			}
			if warned != (word != "") {
				t.Errorf("%s %s: lint names %q; httpd says:\n%s", name, in, word, r.Stderr)
			}
		}
	}
}

func TestCovers(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"/", "/static", true}, {"/api", "/api/v2", true}, {"/api", "/apiv2", false},
		{"/api/", "/api/v2", true}, {"/api/v2", "/api", false}, {"/a", "/a", true},
	} {
		if got := covers(c.a, c.b); got != c.want {
			t.Errorf("covers(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func load(t *testing.T, src string) *apacheconf.Tree {
	t.Helper()
	tree, err := apacheconf.LoadSource(filepath.Join(t.TempDir(), "httpd.conf"), []byte(src), apacheconf.Options{NoFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func codes(ds apacheconf.Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Pos().String()[strings.LastIndexByte(d.Pos().Filename, '/')+1:]+" "+d.Code)
	}
	return out
}

// TestSuppressions: a comment on the line before a directive (continued
// lines included) turns off the named codes there, and nowhere else.
func TestSuppressions(t *testing.T) {
	tree := load(t, "# wsgidock:disable trace-enable, server-tokens-full\nTraceEnable \\\n  On\nTraceEnable On\n# wsgidock:disable trace-enable\n\nServerTokens Full\n")
	l := &Linter{Checks: []func(*apacheconf.Tree) apacheconf.Diagnostics{Check}, Known: ruleByCode}
	got := strings.Join(codes(l.Lint(tree, nil)), "; ")
	want := "httpd.conf:4:1 trace-enable; httpd.conf:7:1 server-tokens-full"
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestNormalize(t *testing.T) {
	d := func(file string, line int, code string) apacheconf.Diagnostic {
		return apacheconf.Diagnostic{Code: code, Summary: "s", Subject: apacheconf.Range{Start: apacheconf.Position{Filename: file, Line: line}}}
	}
	got := Normalize(apacheconf.Diagnostics{d("b", 1, "x"), d("a", 2, "x"), d("a", 1, "y"), d("a", 2, "x")})
	if len(got) != 3 || got[0].Pos().String() != "a:1" || got[1].Pos().String() != "a:2" || got[2].Pos().String() != "b:1" {
		t.Errorf("got %v", got)
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b.conf", "a/x.conf", "a/y.txt", "c/z.conf"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "c/z.conf"), filepath.Join(dir, "d.conf")); err != nil {
		t.Fatal(err)
	}
	got, err := Files([]string{dir, filepath.Join(dir, "b.conf")})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range got {
		r, _ := filepath.Rel(dir, p)
		rel = append(rel, r)
	}
	if strings.Join(rel, " ") != "a/x.conf b.conf c/z.conf" {
		t.Errorf("got %v", rel)
	}
	if _, err := Files([]string{filepath.Join(dir, "none")}); err == nil {
		t.Error("a missing path is not an error")
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, ConfigName)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg, err := LoadConfig(write("disable: trace-enable, open-proxy\nenable: [open-proxy]\nfail-on: warning\n"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Disable, ",") != "trace-enable,open-proxy" || strings.Join(cfg.Enable, ",") != "open-proxy" || cfg.FailOn != FailOnWarning {
		t.Errorf("got %+v", cfg)
	}
	if err := cfg.CheckCodes(ruleByCode); err != nil {
		t.Error(err)
	}
	cfg, _ = LoadConfig(write("disable:\n  - nope\n"))
	if err := cfg.CheckCodes(ruleByCode); err == nil || !strings.Contains(err.Error(), ":2:5: unknown rule code \"nope\"") {
		t.Errorf("unknown code: %v", err)
	}
	for _, bad := range []string{"fail-on: sometimes\n", "- a\n", "disable: {a: b}\n", "disabled: [a]\n"} {
		if _, err := LoadConfig(write(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	sub := filepath.Join(dir, "x", "y")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := FindConfig(sub); got != filepath.Join(dir, ConfigName) {
		t.Errorf("FindConfig: %q", got)
	}
}

// TestProxyReverse: a ProxyPassReverse matches by path and URL (trailing
// slashes aside, the URL after the bar for a Unix socket); WebSocket
// backends need none.
func TestProxyReverse(t *testing.T) {
	tree := load(t, `<VirtualHost *:80>
ProxyPass /a http://127.0.0.1:8000/a/
ProxyPassReverse /a/ http://127.0.0.1:8000/a
ProxyPass /s unix:/run/app.sock|http://app/s
ProxyPassReverse /s http://app/s
ProxyPass /ws ws://127.0.0.1:8001/ws
ProxyPass /b http://127.0.0.1:8000/b
ProxyPassReverse /b http://127.0.0.1:9000/b
</VirtualHost>
`)
	var got []string
	for _, d := range Check(tree) {
		if d.Code == CodeProxyNoReverse {
			got = append(got, d.Summary)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "ProxyPass /b ") {
		t.Errorf("got %q", got)
	}
}

func asReadError(err error, re **apacheconf.ReadError) bool { return errors.As(err, re) }

// TestWeakTLSNeedsLevelZero: Debian's stock SSLProtocol all -SSLv3 with
// its SSLCipherSuite is not weak (OpenSSL 3 refuses TLS 1.0 and 1.1 at its
// default level); lowered to @SECLEVEL=0, for the server or the virtual
// host, it is.
func TestWeakTLSNeedsLevelZero(t *testing.T) {
	for conf, want := range map[string]int{
		"SSLCipherSuite HIGH:!aNULL\nSSLProtocol all -SSLv3\n":                                                       0,
		"SSLProtocol all -SSLv3\n":                                                                                   0,
		"SSLCipherSuite HIGH:!aNULL:@SECLEVEL=0\nSSLProtocol all -SSLv3\n":                                           1,
		"SSLProtocol all\n<VirtualHost *:443>\n  SSLCipherSuite DEFAULT:@SECLEVEL=0\n</VirtualHost>\n":               0,
		"<VirtualHost *:443>\n  SSLProtocol all\n  SSLCipherSuite DEFAULT:@SECLEVEL=0\n</VirtualHost>\n":             1,
		"SSLCipherSuite DEFAULT:@SECLEVEL=0\n<VirtualHost *:443>\n  SSLProtocol +TLSv1.1 +TLSv1.2\n</VirtualHost>\n": 1,
		"SSLCipherSuite DEFAULT:@SECLEVEL=0\nSSLProtocol -all +TLSv1.2 +TLSv1.3\n":                                   0,
	} {
		tree, err := apacheconf.LoadSource("/t.conf", []byte(conf), apacheconf.Options{ServerRoot: "/", NoFileChecks: true, Modules: []string{"ssl_module"}})
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, d := range Check(tree) {
			if d.Code == CodeWeakTLS {
				got++
			}
		}
		if got != want {
			t.Errorf("%q: %d weak-tls-protocol findings, want %d", conf, got, want)
		}
	}
}

// TestForwardedPortBehindFrontEnd: a virtual host httpd listens for only
// at a loopback address sits behind a front end, whose port the header
// carries; on a public address, the header must be the host's port.
func TestForwardedPortBehindFrontEnd(t *testing.T) {
	vhost := "<VirtualHost *:8080>\n  ProxyPass / http://127.0.0.1:8000/\n  ProxyPassReverse / http://127.0.0.1:8000/\n  RequestHeader set X-Forwarded-Port 80\n</VirtualHost>\n"
	for listen, want := range map[string]int{
		"Listen 127.0.0.1:8080\n":                       0,
		"Listen [::1]:8080\nListen 127.0.0.1:8080\n":    0,
		"Listen 8080\n":                                 1,
		"Listen 127.0.0.1:8080\nListen 10.0.0.1:8080\n": 1,
	} {
		tree, err := apacheconf.LoadSource("/t.conf", []byte(listen+vhost), apacheconf.Options{ServerRoot: "/", NoFileChecks: true, Modules: []string{"proxy_module", "headers_module"}})
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, d := range Check(tree) {
			if d.Code == CodeForwardedPort {
				got++
			}
		}
		if got != want {
			t.Errorf("%q: %d forwarded-port findings, want %d", listen, got, want)
		}
	}
}

// TestDuplicateListenLeavesHTTPDErrors: a Listen repeated as written is
// httpd's error, reported by the walk-phase checks; the rule warns about
// the overlaps httpd -t accepts.
func TestDuplicateListenLeavesHTTPDErrors(t *testing.T) {
	for conf, want := range map[string]int{
		"Listen 8080\nListen 8080\n":           0,
		"Listen 8080\nListen *:8080\n":         0,
		"Listen 8080\nListen 0.0.0.0:8080\n":   1,
		"Listen 0.0.0.0:8080\nListen 8080\n":   1,
		"Listen 8080\nListen 127.0.0.1:8080\n": 1,
	} {
		tree, err := apacheconf.LoadSource("/t.conf", []byte(conf), apacheconf.Options{ServerRoot: "/", NoFileChecks: true})
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, d := range Check(tree) {
			if d.Code == CodeDuplicateListen {
				got++
			}
		}
		if got != want {
			t.Errorf("%q: %d duplicate-listen findings, want %d", conf, got, want)
		}
	}
}

// TestUnicodeSpaceLeads checks that every character nonASCIISpace finds
// starts with one of unicodeSpaceLeads, so that a file with none of those
// bytes can skip it.
func TestUnicodeSpaceLeads(t *testing.T) {
	found := 0
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		if _, _, ok := nonASCIISpace(s); !ok {
			continue
		}
		found++
		if !mayHaveUnicodeSpace(s) {
			t.Errorf("%U is found by nonASCIISpace, but its first byte %#x is not among the leads", r, s[0])
		}
	}
	if found < 20 {
		t.Errorf("only %d non-ASCII spaces found", found)
	}
	if mayHaveUnicodeSpace("ServerName caf\u00e9.example.com\n") {
		t.Error("é (0xC3 0xA9) counted as a possible space")
	}
}
