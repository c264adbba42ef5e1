package apacheconf_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/envvars"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// The real fixtures are configurations from public projects (see
// fixtures/apacheconf/real/PROVENANCE.md). Every *.args file under real/
// describes how to start httpd on one or more of them, one item a line:
//
//	-f PATTERN     main file(s), relative to the .args file; a glob makes one fixture per match
//	-d DIR         ServerRoot, relative to the .args file (default: the main file's directory)
//	-D NAME, -C DIRECTIVE, -c DIRECTIVE   as on httpd's command line
//	env NAME=VALUE   an environment variable for httpd and the reader
//	envvars FILE     a Debian envvars file, run as apache2ctl runs it
//	tempdir NAME     an environment variable naming a fresh empty directory
//	modules all|none   every Debian module (default), or only mod_info
//	without SYMBOL   a module left out of "modules all"
//	expect ok|read-error   what httpd -t says
//	known PATTERN REASON   main files matching PATTERN differ from httpd for REASON, a reader bug
//
// Values may use {dir}, the .args file's directory, and {modules},
// Debian's module directory. Lines are applied in order, so a tempdir after
// envvars overrides what the envvars file set.
const realDir = "../fixtures/apacheconf/real"

// realFixture is one main file and what httpd is started with for it.
type realFixture struct {
	name     string
	main     string
	root     string
	defines  []string
	pre      []string
	post     []string
	env      []envStep
	modules  bool
	without  map[string]bool
	expectOK bool
	// known names a difference between the reader and httpd already
	// reported: the fixture is skipped while it persists and fails once
	// it is gone, so that the line is removed.
	known    string
	argsFile string
}

// envStep is one env, envvars or tempdir line.
type envStep struct{ kind, name, value string }

// TestRealFixturesMatchHTTPD runs httpd -t -D DUMP_CONFIG and the reader on
// every real fixture with the same inputs: httpd's verdict, its effective
// configuration byte for byte, or its exact read error must come out of the
// reader, and every file read must print back to its bytes.
func TestRealFixturesMatchHTTPD(t *testing.T) {
	httpdtest.Binary(t)
	fixtures := loadRealFixtures(t)
	if len(fixtures) < 40 {
		t.Fatalf("only %d real fixtures found under %s", len(fixtures), realDir)
	}
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			problems := f.check(t)
			switch {
			case f.known == "":
				for _, p := range problems {
					t.Error(p)
				}
			case len(problems) == 0:
				t.Errorf("the reader now agrees with httpd: remove the line %q from %s", "known "+f.known, f.argsFile)
			default:
				t.Skipf("known reader difference: %s\n%s", f.known, problems[0])
			}
		})
	}
}

// check compares the reader with httpd on the fixture and returns what
// differs.
func (f realFixture) check(t *testing.T) []string {
	env := f.environment(t)
	lookup := func(k string) (string, bool) {
		if v, ok := env[k]; ok {
			return v, true
		}
		return os.LookupEnv(k)
	}
	opts := apacheconf.Options{
		ServerRoot:     f.root,
		Defines:        append([]string{"DUMP_CONFIG"}, f.defines...),
		PreDirectives:  append(f.prelude(), f.pre...),
		PostDirectives: f.post,
		LookupEnv:      lookup,
		Version:        httpdtest.Version(t),
	}
	var envList []string
	for k, v := range env {
		envList = append(envList, k+"="+v)
	}
	sort.Strings(envList)
	want := httpdtest.Run(t, envList, httpdArgs(f.root, f.main, opts)...)
	tree, err := apacheconf.Load(f.main, opts)
	var problems []string
	if f.expectOK {
		if !want.OK {
			t.Fatalf("fixture is meant to be accepted, but httpd says:\n%s", want.Stderr)
		}
		if err != nil {
			return []string{fmt.Sprintf("httpd accepts the configuration, the reader does not: %v", err)}
		}
		var got bytes.Buffer
		if err := tree.Flatten(&got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.Stdout {
			problems = append(problems, "flattened config differs from httpd's DUMP_CONFIG:\n"+lineDiff(want.Stdout, got.String()))
		}
	} else {
		if want.ReadError == "" {
			t.Fatalf("fixture is meant to fail while reading, but httpd says:\n%s", want.Stderr)
		}
		var re *apacheconf.ReadError
		if !errors.As(err, &re) {
			return []string{fmt.Sprintf("httpd fails with %q; the reader returned %v", want.ReadError, err)}
		}
		if got := httpdtest.ReadErrorLine(re.Message); got != want.ReadError {
			problems = append(problems, fmt.Sprintf("message differs\nhttpd:  %s\nreader: %s", clip(want.ReadError), clip(got)))
		}
		if !re.Subject.Start.IsValid() || !strings.Contains(want.ReadError, re.Subject.Start.Filename) {
			problems = append(problems, fmt.Sprintf("error position %s is not in httpd's message %q", re.Subject.Start, want.ReadError))
		}
	}
	for _, file := range tree.Files {
		if !file.CommandLine && !bytes.Equal(file.Print(), []byte(file.Src)) {
			problems = append(problems, fmt.Sprintf("%s: printing gives different bytes:\n%s", file.Name, lineDiff(file.Src, string(file.Print()))))
		}
	}
	return problems
}

// environment runs the fixture's env, envvars and tempdir lines in order.
func (f realFixture) environment(t *testing.T) map[string]string {
	env := map[string]string{}
	for _, s := range f.env {
		switch s.kind {
		case "env":
			env[s.name] = s.value
		case "tempdir":
			env[s.name] = t.TempDir()
		case "envvars":
			vars, err := envvars.Read(s.value, []string{"APACHE_CONFDIR=" + f.root})
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range vars {
				env[k] = v
			}
		}
	}
	return env
}

// debianModules are the modules Debian's apache2 ships, in an order that
// loads every module after those whose symbols it needs. mpm_event is the
// MPM; the other two MPMs are left out, since httpd takes only one.
var debianModules = []string{
	"mpm_event", "authn_core", "authz_core", "mime", "filter", "socache_shmcb", "setenvif",
	"cache", "dav", "dbd", "ldap", "session", "proxy", "slotmem_shm", "proxy_balancer", "alias",
	"env", "xml2enc", "http2", "heartmonitor",
	"access_compat", "actions", "allowmethods", "asis", "auth_basic", "auth_digest", "auth_form",
	"authn_anon", "authn_dbd", "authn_dbm", "authn_file", "authn_socache", "authnz_fcgi",
	"authnz_ldap", "authz_dbd", "authz_dbm", "authz_groupfile", "authz_host", "authz_owner",
	"authz_user", "autoindex", "brotli", "buffer", "cache_disk", "cache_socache", "cern_meta",
	"cgi", "cgid", "charset_lite", "data", "dav_fs", "dav_lock", "deflate", "dialup", "dir",
	"dumpio", "echo", "expires", "ext_filter", "file_cache", "headers", "heartbeat", "ident",
	"imagemap", "include", "lbmethod_bybusyness", "lbmethod_byrequests", "lbmethod_bytraffic",
	"lbmethod_heartbeat", "log_debug", "log_forensic", "lua", "macro", "md", "mime_magic",
	"negotiation", "proxy_ajp", "proxy_connect", "proxy_express", "proxy_fcgi", "proxy_fdpass",
	"proxy_ftp", "proxy_hcheck", "proxy_html", "proxy_http", "proxy_http2", "proxy_scgi",
	"proxy_uwsgi", "proxy_wstunnel", "ratelimit", "reflector", "remoteip", "reqtimeout",
	"request", "rewrite", "sed", "session_cookie", "session_crypto", "session_dbd",
	"slotmem_plain", "socache_dbm", "socache_memcache", "socache_redis", "speling", "ssl",
	"status", "substitute", "suexec", "unique_id", "userdir", "usertrack", "vhost_alias", "wsgi",
}

// prelude is the -C directives every fixture starts with: mod_info for
// DUMP_CONFIG and, unless the fixture loads its own, every installed
// module; a ServerName and ErrorLog keep httpd quiet.
func (f realFixture) prelude() []string {
	p := []string{httpdtest.LoadModule("info_module")}
	if f.modules {
		for _, m := range debianModules {
			sym := m + "_module"
			if f.without[sym] || sym == "info_module" {
				continue
			}
			if _, err := os.Stat(filepath.Join(httpdtest.ModuleDir, "mod_"+m+".so")); err != nil {
				continue
			}
			p = append(p, httpdtest.LoadModule(sym))
		}
	}
	return append(p, "ServerName localhost", "ErrorLog /dev/null")
}

// loadRealFixtures reads every .args file under real/.
func loadRealFixtures(t *testing.T) []realFixture {
	t.Helper()
	base, err := filepath.Abs(realDir)
	if err != nil {
		t.Fatal(err)
	}
	var argsFiles []string
	err = filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".args") {
			argsFiles = append(argsFiles, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []realFixture
	for _, a := range argsFiles {
		out = append(out, parseRealArgs(t, base, a)...)
	}
	return out
}

// parseRealArgs reads one .args file into the fixtures it describes.
func parseRealArgs(t *testing.T, base, path string) []realFixture {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	expand := strings.NewReplacer("{dir}", dir, "{modules}", httpdtest.ModuleDir).Replace
	tmpl := realFixture{modules: true, without: map[string]bool{}}
	var pattern, root, expect string
	known := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		key, value, _ := strings.Cut(text, " ")
		value = expand(strings.TrimSpace(value))
		bad := func(why string) {
			t.Fatalf("%s:%d: %s: %q", path, line, why, text)
		}
		if value == "" {
			bad("missing value")
		}
		switch key {
		case "-f":
			pattern = value
		case "-d":
			root = filepath.Join(dir, value)
		case "-D":
			tmpl.defines = append(tmpl.defines, value)
		case "-C":
			tmpl.pre = append(tmpl.pre, value)
		case "-c":
			tmpl.post = append(tmpl.post, value)
		case "env":
			name, v, ok := strings.Cut(value, "=")
			if !ok {
				bad("env needs NAME=VALUE")
			}
			tmpl.env = append(tmpl.env, envStep{kind: key, name: name, value: v})
		case "tempdir":
			tmpl.env = append(tmpl.env, envStep{kind: key, name: value})
		case "envvars":
			tmpl.env = append(tmpl.env, envStep{kind: key, value: filepath.Join(dir, value)})
		case "modules":
			if value != "all" && value != "none" {
				bad("modules is all or none")
			}
			tmpl.modules = value == "all"
		case "without":
			tmpl.without[value] = true
		case "known":
			p, reason, ok := strings.Cut(value, " ")
			if !ok {
				bad("known needs a file pattern and a reason")
			}
			known[p] = strings.TrimSpace(reason)
		case "expect":
			if value != "ok" && value != "read-error" {
				bad("expect is ok or read-error")
			}
			expect = value
		default:
			bad("unknown item (see the comment in real_test.go)")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if pattern == "" || expect == "" {
		t.Fatalf("%s: needs a -f line and an expect line", path)
	}
	tmpl.expectOK = expect == "ok"
	mains, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(mains) == 0 {
		t.Fatalf("%s: -f %s matches no file (%v)", path, pattern, err)
	}
	name, err := filepath.Rel(base, strings.TrimSuffix(path, ".args"))
	if err != nil {
		t.Fatal(err)
	}
	var out []realFixture
	used := map[string]bool{}
	for _, m := range mains {
		f := tmpl
		f.main, f.root, f.name, f.argsFile = m, root, name, path
		for p, reason := range known {
			if ok, _ := filepath.Match(p, filepath.Base(m)); ok {
				f.known = p + " " + reason
				used[p] = true
			}
		}
		if f.root == "" {
			f.root = filepath.Dir(m)
		}
		if len(mains) > 1 {
			f.name += "/" + filepath.Base(m)
		}
		out = append(out, f)
	}
	for p := range known {
		if !used[p] {
			t.Fatalf("%s: known %s matches no main file", path, p)
		}
	}
	return out
}

// TestRealFixturesPrintBack prints every file under real/ back from its
// nodes, the files no fixture reads included: the bytes must be the
// file's.
func TestRealFixturesPrintBack(t *testing.T) {
	n := 0
	err := filepath.WalkDir(realDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || strings.HasSuffix(path, ".args") || strings.HasSuffix(path, ".md") {
			return err
		}
		n++
		src := readFixture(t, path)
		// Includes are read from an empty directory: only this file's
		// bytes matter here.
		tree, _ := apacheconf.LoadSource(path, src, apacheconf.Options{NoFileChecks: true, FS: apacheconf.RootedFileSystem{Root: t.TempDir()}})
		if got := tree.Main().Print(); !bytes.Equal(got, src) {
			t.Errorf("%s: printing gives different bytes:\n%s", path, lineDiff(string(src), string(got)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d files under %s", n, realDir)
	}
}
