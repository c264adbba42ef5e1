package bundle_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"mvdan.cc/sh/v3/syntax"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/emit/bundle"
	"github.com/wsgidock/wsgidock/translate/emit/internal/golden"
	"github.com/wsgidock/wsgidock/translate/spec"
)

func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// planFixture plans fixtures/apps/NAME with the given base, its @APP@
// replaced by the fixture's app/ directory, and returns the spec and the
// directory the config was written to.
func planFixture(t testing.TB, name string, base spec.Base) (*spec.Spec, string) {
	t.Helper()
	root := repoRoot(t)
	src, err := os.ReadFile(filepath.Join(root, "fixtures", "apps", name, "httpd.conf.in"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "httpd.conf")
	app := filepath.Join(root, "fixtures", "apps", name, "app")
	if err := os.WriteFile(conf, bytes.ReplaceAll(src, []byte("@APP@"), []byte(app)), 0o644); err != nil {
		t.Fatal(err)
	}
	tree, err := apacheconf.Load(conf, apacheconf.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sp, _, diags := translate.Plan(tree, translate.Options{Project: name, Base: base})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return sp, dir
}

type flavour struct {
	fixture string
	base    spec.Base
}

var flavours = []flavour{{"hello", spec.BaseDebian}, {"hello", spec.BaseExpress}, {"venv", spec.BaseExpress}, {"venv", spec.BaseDebian}}

func (f flavour) String() string { return f.fixture + "-" + string(f.base) }

var embeddedRe = regexp.MustCompile(`echo ([A-Za-z0-9+/=]+) \| base64 -d >(\S+)`)

// TestBundleGolden compares each fixture's bundle with testdata/apps/.
// The files the Dockerfile carries are checked to decode to the bundle's
// own and shown by name, so that the golden Dockerfile stays readable.
func TestBundleGolden(t *testing.T) {
	root := repoRoot(t)
	for _, fl := range flavours {
		t.Run(fl.String(), func(t *testing.T) {
			sp, dir := planFixture(t, fl.fixture, fl.base)
			files, err := bundle.Files(sp)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) < 4 {
				t.Fatalf("%d files", len(files))
			}
			byName := map[string][]byte{}
			for _, f := range files {
				byName[f.Name] = f.Data
			}
			for _, f := range files {
				data := f.Data
				if path.Base(f.Name) == "Dockerfile" {
					data = embeddedRe.ReplaceAllFunc(data, func(m []byte) []byte {
						sub := embeddedRe.FindSubmatch(m)
						dec, err := base64.StdEncoding.DecodeString(string(sub[1]))
						if err != nil {
							t.Fatalf("%s: %v", f.Name, err)
						}
						src := bundle.Embedded(sp.Services[0])[string(sub[2])]
						if !bytes.Equal(dec, byName[src]) {
							t.Errorf("%s writes %s with other contents than %s", f.Name, sub[2], src)
						}
						return []byte("echo <" + src + " in base64> | base64 -d >" + string(sub[2]))
					})
				}
				data = bytes.ReplaceAll(data, []byte(dir), []byte("$CONF"))
				data = bytes.ReplaceAll(data, []byte(root), []byte("$ROOT"))
				golden.Check(t, filepath.Join("..", "testdata", "apps", fl.String(), f.Name), data)
			}
		})
	}
}

// TestDockerfilesParse reads every Dockerfile with BuildKit's parser and
// checks the contract: FROM the base-image argument, the scripts written
// into the image, ENTRYPOINT the start script and CMD the app's arguments
// in exec form, the source tree copied to its own path, never USER root.
func TestDockerfilesParse(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.String(), func(t *testing.T) {
			sp, _ := planFixture(t, fl.fixture, fl.base)
			s := sp.Services[0]
			files, err := bundle.App(s)
			if err != nil {
				t.Fatal(err)
			}
			res, err := parser.Parse(bytes.NewReader(files[0].Data))
			if err != nil {
				t.Fatalf("BuildKit's parser refuses %s: %v", files[0].Name, err)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("parser warnings: %+v", res.Warnings)
			}
			var order []string
			args := map[string][]string{}
			json := map[string]bool{}
			for _, n := range res.AST.Children {
				order = append(order, strings.ToUpper(n.Value))
				var words []string
				for a := n.Next; a != nil; a = a.Next {
					words = append(words, a.Value)
				}
				args[strings.ToUpper(n.Value)] = words
				json[strings.ToUpper(n.Value)] = n.Attributes["json"]
			}
			if order[0] != "ARG" || order[1] != "FROM" || args["FROM"][0] != "${BASE_IMAGE}" {
				t.Errorf("starts %v %v", order[:2], args["FROM"])
			}
			if want := "BASE_IMAGE=" + s.Build.BaseImage; args["ARG"][0] != want {
				t.Errorf("ARG %v, want %s", args["ARG"], want)
			}
			if !json["ENTRYPOINT"] || strings.Join(args["ENTRYPOINT"], " ") != bundle.StartPath {
				t.Errorf("ENTRYPOINT %v (exec form %v)", args["ENTRYPOINT"], json["ENTRYPOINT"])
			}
			wantCmd := s.App.ExpressArgs
			if fl.base == spec.BaseDebian {
				wantCmd = []string{"--port", "80"}
			}
			if !json["CMD"] || strings.Join(args["CMD"], "\x00") != strings.Join(wantCmd, "\x00") {
				t.Errorf("CMD %q, want %q", args["CMD"], wantCmd)
			}
			if strings.Join(args["COPY"], " ") != ". "+s.Build.Context {
				t.Errorf("COPY %v", args["COPY"])
			}
			if u, ok := args["USER"]; ok {
				t.Errorf("USER %v: httpd must start as root to bind port 80 and drop to the app's account itself", u)
			}
			if order[len(order)-1] != "CMD" || order[len(order)-2] != "ENTRYPOINT" {
				t.Errorf("ends %v", order[len(order)-2:])
			}
		})
	}
}

// scripts returns the bundle's executable files.
func scripts(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	for _, fl := range flavours {
		sp, _ := planFixture(t, fl.fixture, fl.base)
		files, err := bundle.Files(sp)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.Executable {
				out[fl.String()+"/"+f.Name] = f.Data
			}
		}
	}
	return out
}

// TestScriptsParse parses each script with mvdan.cc/sh and checks that
// the start script ends by exec'ing the server, so that it is PID 1.
func TestScriptsParse(t *testing.T) {
	for name, data := range scripts(t) {
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(data), name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		switch path.Base(name) {
		case "start", "shell":
			last := f.Stmts[len(f.Stmts)-1]
			call, ok := last.Cmd.(*syntax.CallExpr)
			if !ok || len(call.Args) < 2 || call.Args[0].Lit() != "exec" {
				t.Errorf("%s does not end with exec", name)
				continue
			}
			want := map[string]string{"start": "mod_wsgi-express", "shell": "bash"}[path.Base(name)]
			if strings.Contains(name, "-debian/") && path.Base(name) == "start" {
				want = "/usr/sbin/apache2"
			}
			if got := call.Args[1].Lit(); got != want {
				t.Errorf("%s execs %q, want %q", name, got, want)
			}
		case "build":
			if !bytes.Contains(data, []byte("\nset -eo pipefail\n")) {
				t.Errorf("%s does not run under set -eo pipefail", name)
			}
		}
	}
}

// TestShellcheck runs shellcheck on every script.
func TestShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		if os.Getenv("WSGIDOCK_REQUIRE_APACHE") == "1" {
			t.Fatal("shellcheck is required with the oracles (WSGIDOCK_REQUIRE_APACHE=1) but not installed; run .ci/install-deps as root")
		}
		t.Skip("shellcheck is not installed (Debian package shellcheck; .ci/install-deps installs it)")
	}
	dir := t.TempDir()
	for name, data := range scripts(t) {
		p := filepath.Join(dir, strings.ReplaceAll(name, "/", "_"))
		if err := os.WriteFile(p, data, 0o755); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(sc, "--shell=bash", "--severity=style", p).CombinedOutput()
		if err != nil {
			t.Errorf("shellcheck %s: %v\n%s", name, err, out)
		}
	}
}

// TestSpecJSONKeepsBuild checks that the JSON spec keeps the build.
func TestSpecJSONKeepsBuild(t *testing.T) {
	sp, _ := planFixture(t, "hello", spec.BaseDebian)
	data, err := json.Marshal(sp)
	if err != nil {
		t.Fatal(err)
	}
	var back spec.Spec
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Services[0].Build == nil || back.Services[0].Build.Base != spec.BaseDebian || back.Services[0].App.Script == "" {
		t.Errorf("round trip lost the build: %+v", back.Services[0].Build)
	}
}

// TestExpressConfAccepted checks, with the real httpd, the configuration
// the express base adds to mod_wsgi-express's: the user from the trusted
// proxy, the headers taken away, WSGIPassAuthorization, UnsetEnv and a
// <Location>'s SetEnv.
func TestExpressConfAccepted(t *testing.T) {
	sp, dir := planFixture(t, "hello", spec.BaseExpress)
	s := sp.Services[0]
	s.App.PassAuthorization = true
	s.App.RequestEnv = append(s.App.RequestEnv, spec.RequestEnv{Name: "APP_GONE", Unset: true}, spec.RequestEnv{Name: "APP_PART", Value: "a b", Location: "/part"})
	conf := bundle.ExpressConf(s)
	for _, want := range []string{"REMOTE_USER=$1", "AUTH_TYPE=$1", "RequestHeader unset " + spec.HeaderRemoteUser, "WSGIPassAuthorization On", "UnsetEnv APP_GONE", "<Location /part>\n    SetEnv APP_PART \"a b\"\n</Location>"} {
		if !strings.Contains(conf, want) {
			t.Errorf("express.conf lacks %q:\n%s", want, conf)
		}
	}
	if !slices.Contains(s.App.ExpressArgs, spec.ExpressConfPath) {
		t.Errorf("express arguments %q do not include %s", s.App.ExpressArgs, spec.ExpressConfPath)
	}
	inc := filepath.Join(dir, "express.conf")
	main := filepath.Join(dir, "main.conf")
	if err := os.WriteFile(inc, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(main, []byte(httpdtest.LoadModule("mpm_event_module")+"\n"+httpdtest.LoadModule("authz_core_module")+"\n"+httpdtest.LoadModule("wsgi_module")+
		"\nServerName localhost\nErrorLog /dev/null\nInclude "+inc+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := httpdtest.Run(t, []string{"WSGIDOCK_TRUSTED_PROXY=172.17.0.1"}, "-f", main); !res.OK {
		t.Fatalf("httpd refuses express.conf:\n%s\n%s", res.Stderr, conf)
	}
}
