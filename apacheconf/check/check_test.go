package check_test

import (
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/check"
)

func checkSource(t *testing.T, src string, opts check.Options) apacheconf.Diagnostics {
	t.Helper()
	tree, err := apacheconf.LoadSource("/t.conf", []byte(src), apacheconf.Options{ServerRoot: "/", NoFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	return check.Check(tree, opts)
}

// TestUnknownDirectiveDetail checks what the unknown-directive finding
// says to do: the module to load, Require for the 2.2 access directives,
// or the directive meant.
func TestUnknownDirectiveDetail(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"<Directory /srv>\nOrder allow,deny\n</Directory>\n", "mod_access_compat.c, which is not loaded: load it with LoadModule access_compat_module modules/mod_access_compat.so (on Debian, a2enmod access_compat), or better, replace the httpd 2.2 access directives with Require"},
		{"SSLEngine on\n", "SSLEngine is defined by mod_ssl.c, which is not loaded"},
		{"ServerNmae example.com\n", "Did you mean ServerName?"},
		{"<VirtualHst *:80>\n</VirtualHst>\n", "Did you mean <VirtualHost>?"},
	} {
		ds := checkSource(t, tc.src, check.Options{})
		if len(ds) == 0 || ds[0].Code != "httpd-unknown-directive" {
			t.Errorf("%q: got %v, want an unknown directive", tc.src, ds)
			continue
		}
		if !strings.Contains(ds[0].Detail, tc.want) {
			t.Errorf("%q: detail %q, want it to contain %q", tc.src, ds[0].Detail, tc.want)
		}
	}
}

// TestSubstitutionHint explains an argument count that a Define changed.
func TestSubstitutionHint(t *testing.T) {
	ds := checkSource(t, "Define B y\nDefine C \"${B} x\"\nAlias /${C} /tmp\n", check.Options{Modules: []string{"alias_module"}})
	want := `After ${VAR} substitution httpd reads 3 arguments: "/y" "x" "/tmp".`
	if len(ds) != 1 || !strings.Contains(ds[0].Detail, want) {
		t.Errorf("got %v, want a detail with %q", ds, want)
	}
}

// TestOptionsModules treats --module's modules as loaded.
func TestOptionsModules(t *testing.T) {
	src := "SSLEngine on\n"
	if ds := checkSource(t, src, check.Options{}); len(ds) != 1 {
		t.Fatalf("without the module: %v", ds)
	}
	for _, m := range []string{"ssl_module", "mod_ssl.c"} {
		if ds := checkSource(t, src, check.Options{Modules: []string{m}}); len(ds) != 0 {
			t.Errorf("with %s: %v", m, ds)
		}
	}
}

// TestReportsAll goes on after the first error, as httpd does not.
func TestReportsAll(t *testing.T) {
	ds := checkSource(t, "ServerName a b\nKeepAlive maybe\nNoSuch x\n", check.Options{})
	var lines []int
	for _, d := range ds {
		lines = append(lines, d.Subject.Start.Line)
	}
	if len(lines) != 3 || lines[0] != 1 || lines[1] != 2 || lines[2] != 3 {
		t.Errorf("lines %v, want 1 2 3: %v", lines, ds)
	}
}

// TestRules lists every code once, each an error with a summary and help.
func TestRules(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range check.Rules() {
		if seen[r.Code] || !strings.HasPrefix(r.Code, "httpd-") || r.Severity != apacheconf.SeverityError || r.Summary == "" || r.Help == "" {
			t.Errorf("rule %+v", r)
		}
		seen[r.Code] = true
	}
}
