package check_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/check"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// TestOutputFiltersRegistered holds the table of registered output filters
// against httpd: with every module of the table loaded, httpd takes each
// name as a provider of AddOutputFilterByType. A name the table has and
// httpd does not would hide an error; a name httpd has and the table does
// not is a false error, which the corpus and the sweep look for.
func TestOutputFiltersRegistered(t *testing.T) {
	httpdtest.Binary(t)
	mods := map[string]bool{"mpm_event_module": true, "authz_core_module": true, "filter_module": true, "proxy_module": true, "xml2enc_module": true}
	var names []string
	for name, mod := range check.OutputFiltersForTest {
		names = append(names, name)
		if mod != "" {
			mods[mod] = true
		}
	}
	sort.Strings(names)
	var lines []string
	for _, m := range []string{"mpm_event_module", "authz_core_module", "filter_module", "proxy_module", "xml2enc_module", "cache_module"} {
		lines = append(lines, httpdtest.LoadModule(m))
		delete(mods, m)
	}
	var rest []string
	for m := range mods {
		rest = append(rest, m)
	}
	sort.Strings(rest)
	for _, m := range rest {
		lines = append(lines, httpdtest.LoadModule(m))
	}
	lines = append(lines, "ServerName localhost", "ErrorLog /dev/null")
	for _, name := range names {
		lines = append(lines, "AddOutputFilterByType \""+strings.ToUpper(name)+"\" text/html")
	}
	root := t.TempDir()
	file := filepath.Join(root, "httpd.conf")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := httpdtest.Run(t, nil, "-d", root, "-f", file); !r.OK {
		t.Fatalf("httpd refuses a filter of the table:\n%s", r.Stderr)
	}
}

// TestSSLConfCmdsKnown holds the table of OpenSSL's configuration
// commands against httpd: each is taken by SSLOpenSSLConfCmd, given a
// file or directory that is there.
func TestSSLConfCmdsKnown(t *testing.T) {
	httpdtest.Binary(t)
	root := t.TempDir()
	pem := filepath.Join(root, "x.pem")
	if err := os.WriteFile(pem, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := []string{httpdtest.LoadModule("mpm_event_module"), httpdtest.LoadModule("authz_core_module"), httpdtest.LoadModule("ssl_module"),
		"ServerName localhost", "ErrorLog /dev/null"}
	var names []string
	for name := range check.SSLConfCmdsForTest {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		arg := "x"
		switch check.SSLConfCmdsForTest[name] {
		case 'f':
			arg = pem
		case 'd':
			arg = root
		}
		lines = append(lines, "SSLOpenSSLConfCmd "+name+" "+arg)
	}
	file := filepath.Join(root, "httpd.conf")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := httpdtest.Run(t, nil, "-d", root, "-f", file); !r.OK {
		t.Fatalf("httpd refuses a command of the table:\n%s", r.Stderr)
	}
}
