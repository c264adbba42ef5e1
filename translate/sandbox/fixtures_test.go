package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/importscript"
)

// fixtureEnv is the daemon environment of the launcher fixtures, as
// importscript's own tests read them.
var fixtureEnv = map[string]string{
	"PATH":              "/wsgidock-path-search",
	"LC_ALL":            "C.UTF-8",
	"HOME":              "/var/www",
	"POSTGRES_PASSWORD": "pa$$ 'w\"rd `id` *",
	"BLOG_IMAGE":        "blog.example.com:2024-06",
}

// TestFixturesMatchStaticReader runs every launcher fixture in the
// sandbox, under real python3 with the audit hook, and compares the
// first program it starts (program, argv, environment, working
// directory) with the first command importscript reads statically. A
// script the reader refuses as a syntax or run-time error must fail in
// Python too; one it refuses as unresolved or unsupported may do
// anything.
func TestFixturesMatchStaticReader(t *testing.T) {
	paths, err := filepath.Glob("../../fixtures/launchers/*.py")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var env []string
	for k, v := range fixtureEnv {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	lookup := func(name string) (string, bool) { v, ok := fixtureEnv[name]; return v, ok }
	for _, path := range paths {
		abs, err := filepath.Abs(path)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(path), ".py")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(abs)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), Request{Script: abs, Env: env})
			if errors.Is(err, ErrUnavailable) {
				if os.Getenv("WSGIDOCK_REQUIRE_SANDBOX") == "1" {
					t.Fatalf("WSGIDOCK_REQUIRE_SANDBOX=1, but: %v", err)
				}
				t.Skipf("no sandbox on this machine: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			l, diags := importscript.Parse(abs, src, lookup)
			if l == nil {
				code := diags.Err().(apacheconf.Diagnostic).Code
				if (code == importscript.CodeSyntax || code == importscript.CodeRuntime) && !strings.HasPrefix(res.Status, "error") {
					t.Errorf("Parse says %v, but Python ran the script: %s %q", diags.Err(), res.Status, res.Args)
				}
				if code == importscript.CodeNoLaunch && res.Status == "launch" {
					t.Errorf("Parse says %v, but Python started %s %q", diags.Err(), res.Program, res.Args)
				}
				return
			}
			first := l.Command
			if len(l.Setup) > 0 {
				first = l.Setup[0]
			}
			got := res
			if res.Status != "launch" && strings.Contains(res.Status, "FileNotFoundError") && (first.Dir != "" ||
				len(res.Events) > 0 && res.Events[len(res.Events)-1].Event == "os.chdir") {
				t.Skipf("the fixture changes into a directory this machine lacks: %s", res.Status)
			}
			if res.Status != "launch" {
				if res.Tried == nil {
					t.Fatalf("Parse gives %s %q, Python: %s", first.Program, first.Args, res.Status)
				}
				got = res.Tried // a PATH search that found nothing on this machine
			}
			program, args := first.Program, first.Args
			// The kernel sees the exec: a PATH search's first try, and
			// os.system's shell as the C library starts it.
			switch {
			case first.Shell != "" && first.Call == "os.system":
				program, args = "/bin/sh", []string{"sh", "-c", first.Shell}
			case first.Shell != "":
				program, args = "/bin/sh", []string{"/bin/sh", "-c", first.Shell}
			case first.SearchPath:
				program = filepath.Join(strings.Split(pathOf(first), ":")[0], first.Program)
			}
			if got.Program != program || !reflect.DeepEqual(got.Args, args) {
				t.Errorf("Parse gives %q %q, Python starts %q %q", program, args, got.Program, got.Args)
			}
			want := effectiveEnv(first)
			if first.Shell != "" {
				// The shell, not Python, applies NAME=value prefixes.
				sh, _, err := importscript.ShellCommand(first.Shell, first.Pos, first.Call)
				if err != nil {
					t.Fatal(err)
				}
				want = withoutNames(want, sh.Env)
			}
			if !reflect.DeepEqual(got.Env, want) {
				t.Errorf("Parse gives the environment %q, Python %q", want, got.Env)
			}
			// Python starts a shell line where the script is; the line's
			// own cd moves the command from there.
			dir, ran := first.Dir, got.Cwd
			if first.Shell != "" {
				sh, before, err := importscript.ShellCommand(first.Shell, first.Pos, first.Call)
				if err != nil {
					t.Fatal(err)
				}
				if len(before) > 0 {
					sh = &before[0]
				}
				if ran == "/" {
					ran = ""
				}
				ran = underDir(ran, sh.Dir)
			}
			if dir == "" {
				dir = "/"
			}
			if ran == "" {
				ran = "/"
			}
			if ran != dir {
				t.Errorf("Parse gives the directory %q, Python (and the shell line's cd) %q", dir, ran)
			}
			if got.Line != first.Pos.Line {
				t.Errorf("Parse puts the call at line %d, Python at %d", first.Pos.Line, got.Line)
			}
		})
	}
}

// effectiveEnv is the whole environment a command's program gets in the
// fixtures' daemon environment.
func effectiveEnv(c importscript.Command) []string {
	m := map[string]string{}
	if !c.ReplaceEnv {
		for k, v := range fixtureEnv {
			m[k] = v
		}
	}
	for _, kv := range c.Env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	out := []string{}
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// withoutNames drops the entries of env named in assigns, except those
// the daemon's environment has.
func withoutNames(env, assigns []string) []string {
	drop := map[string]bool{}
	for _, kv := range assigns {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := fixtureEnv[k]; !ok {
			drop[k] = true
		}
	}
	var out []string
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !drop[k] {
			out = append(out, kv)
		}
	}
	return out
}

// pathOf is PATH of the command's environment, or Python's os.defpath.
func pathOf(c importscript.Command) string {
	for _, kv := range effectiveEnv(c) {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			return v
		}
	}
	return "/bin:/usr/bin"
}
