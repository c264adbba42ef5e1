package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/apacheconf/lint"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/sandbox"
)

// lintFixture is one directory of fixtures/lint: a rule's code, with
// bad.conf (a config as users write it, which the rule flags) and good.conf
// (the same config fixed). A bad/ or good/ directory beside them is that
// config's ServerRoot (its launchers); a file args holds more lint
// arguments, one a line.
type lintFixture struct {
	code, dir string
}

// args are the lint arguments of the fixture's kind ("bad" or "good") of
// config, ahead of the file. A fixture that needs the sandbox skips where
// none can be made, unless WSGIDOCK_REQUIRE_SANDBOX=1.
func (f lintFixture) args(t *testing.T, kind string, more ...string) []string {
	t.Helper()
	out := append([]string{"lint"}, more...)
	out = append(out, "-d", f.serverRoot(kind))
	if data, err := os.ReadFile(filepath.Join(f.dir, "args")); err == nil {
		for _, a := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if a == "--evaluate-launchers" {
				requireSandbox(t)
			}
			out = append(out, a)
		}
	}
	return append(out, filepath.Join(f.dir, kind+".conf"))
}

// requireSandbox skips the test where the launcher sandbox cannot be made,
// or fails it when WSGIDOCK_REQUIRE_SANDBOX=1.
func requireSandbox(t *testing.T) {
	t.Helper()
	if err := sandbox.Check(context.Background()); err != nil {
		if os.Getenv("WSGIDOCK_REQUIRE_SANDBOX") == "1" {
			t.Fatalf("WSGIDOCK_REQUIRE_SANDBOX=1, but: %v", err)
		}
		t.Skipf("no launcher sandbox here: %v", err)
	}
}

func lintFixtures(t *testing.T) []lintFixture {
	t.Helper()
	root, err := filepath.Abs("../../fixtures/lint")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []lintFixture
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, lintFixture{e.Name(), filepath.Join(root, e.Name())})
		}
	}
	return out
}

// serverRoot is the -d for one of a fixture's configs.
func (f lintFixture) serverRoot(kind string) string {
	if st, err := os.Stat(filepath.Join(f.dir, kind)); err == nil && st.IsDir() {
		return filepath.Join(f.dir, kind)
	}
	return f.dir
}

type jsonFindings struct {
	Findings []struct {
		File, Code, Severity string
		Line                 int
	}
}

// TestLintRuleFixtures lints every rule's bad and good fixture: the bad one
// must be flagged by its rule and the good one not, with no errors; the
// text output of the bad one is compared with bad.golden (-update rewrites
// it). Every rule of section 2 (the Apache-only rules and the service
// rules) must have a fixture.
func TestLintRuleFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range lintFixtures(t) {
		seen[f.code] = true
		t.Run(f.code, func(t *testing.T) {
			for _, kind := range []string{"bad", "good"} {
				stdout, stderr, code := wsgidock(t, f.args(t, kind, "--format", "json")...)
				if code != 0 {
					t.Fatalf("%s: exit status %d\n%s%s", kind, code, stdout, stderr)
				}
				var r jsonFindings
				if err := json.Unmarshal([]byte(stdout), &r); err != nil {
					t.Fatalf("%s: %v\n%s", kind, err, stdout)
				}
				flagged := false
				for _, fd := range r.Findings {
					flagged = flagged || fd.Code == f.code
					if fd.Severity == "error" {
						t.Errorf("%s: an error: %+v", kind, fd)
					}
				}
				if kind == "bad" && !flagged {
					t.Errorf("bad.conf is not flagged %s: %+v", f.code, r.Findings)
				}
				if kind == "good" && len(r.Findings) > 0 {
					t.Errorf("good.conf has findings: %+v", r.Findings)
				}
			}
			root, _ := filepath.Abs("../..")
			stdout, _, _ := wsgidock(t, f.args(t, "bad")...)
			got := strings.ReplaceAll(stdout, root, "$ROOT")
			golden := filepath.Join(f.dir, "bad.golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/wsgidock -update)", err)
			}
			if got != string(want) {
				t.Errorf("lint output differs from %s (run with -update and review the diff):\n%s", golden, got)
			}
		})
	}
	var missing []string
	for _, r := range append(lint.Rules(), translate.Rules()...) {
		if !seen[r.Code] {
			missing = append(missing, r.Code)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("rules without a fixture in fixtures/lint: %s", strings.Join(missing, ", "))
	}
}

// TestLintBadFixturesPassHTTPD runs the real `apache2 -t` on every bad
// fixture: these are things httpd accepts, which is why lint flags them.
func TestLintBadFixturesPassHTTPD(t *testing.T) {
	httpdtest.Binary(t)
	for _, f := range lintFixtures(t) {
		t.Run(f.code, func(t *testing.T) {
			for _, kind := range []string{"bad", "good"} {
				r := httpdtest.Run(t, nil, "-d", f.serverRoot(kind), "-f", filepath.Join(f.dir, kind+".conf"))
				if !r.OK {
					t.Errorf("apache2 -t rejects %s.conf:\n%s", kind, r.Stderr)
				}
			}
		})
	}
}

// TestLintDebian lints Debian's whole /etc/apache2 with its envvars, as
// apache2ctl reads it: no errors.
func TestLintDebian(t *testing.T) {
	httpdtest.Binary(t)
	if _, err := os.Stat("/etc/apache2/apache2.conf"); err != nil {
		t.Skip("no /etc/apache2/apache2.conf")
	}
	stdout, stderr, code := wsgidock(t, "lint", "--format", "json", "--envvars", "/etc/apache2/envvars", "/etc/apache2")
	if code != 0 {
		t.Fatalf("exit status %d\n%s%s", code, stdout, stderr)
	}
	var r jsonFindings
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.Severity == "error" {
			t.Errorf("error: %+v", f)
		}
	}
	if !bytes.Contains([]byte(stdout), []byte("/etc/apache2/apache2.conf")) {
		t.Logf("no finding in apache2.conf itself:\n%s", stdout)
	}
}

// TestLintUnfollowedLauncher: without --evaluate-launchers, a launcher the
// static reader cannot follow is reported under the launcher rule, at the
// line where the reader stopped.
func TestLintUnfollowedLauncher(t *testing.T) {
	f := lintFixture{"launcher-evaluated", filepath.Join("..", "..", "fixtures", "lint", "launcher-evaluated")}
	stdout, stderr, code := wsgidock(t, "lint", "--format", "json", "-d", f.serverRoot("bad"), filepath.Join(f.dir, "bad.conf"))
	if code != 0 {
		t.Fatalf("exit status %d\n%s%s", code, stdout, stderr)
	}
	var r jsonFindings
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(r.Findings) != 1 || r.Findings[0].Code != translate.CodeScript || r.Findings[0].Line != 3 ||
		filepath.Base(r.Findings[0].File) != "blog.py" {
		t.Errorf("want one %s finding at blog.py:3, got %+v", translate.CodeScript, r.Findings)
	}
}
