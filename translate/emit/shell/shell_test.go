package shell

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/emit/internal/golden"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// The test binary doubles as the fake engine: linked into PATH as `docker`
// or `podman`, it appends its argv to the log file and exits.
const (
	envFakeLog  = "WSGIDOCK_FAKE_ENGINE_LOG"
	envFakePS   = "WSGIDOCK_FAKE_ENGINE_PS"   // what `ps` prints
	envFakeFail = "WSGIDOCK_FAKE_ENGINE_FAIL" // a subcommand that fails like a stopped daemon
)

func TestMain(m *testing.M) {
	if log := os.Getenv(envFakeLog); log != "" {
		os.Exit(fakeEngine(log))
	}
	os.Exit(m.Run())
}

// call is one recorded run of the fake engine.
type call struct {
	Program string
	Args    []string
}

// logLine is a call as the fake engine logs it: bytes, not strings, so that
// invalid UTF-8 survives JSON.
type logLine struct {
	Program string   `json:"program"`
	Args    [][]byte `json:"args"`
}

func fakeEngine(log string) int {
	f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake engine:", err)
		return 3
	}
	defer f.Close()
	entry := logLine{Program: filepath.Base(os.Args[0])}
	for _, a := range os.Args[1:] {
		entry.Args = append(entry.Args, []byte(a))
	}
	line, _ := json.Marshal(entry)
	if _, err := f.Write(append(line, '\n')); err != nil {
		fmt.Fprintln(os.Stderr, "fake engine:", err)
		return 3
	}
	if len(os.Args) > 1 && os.Args[1] == os.Getenv(envFakeFail) {
		fmt.Fprintln(os.Stderr, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
		return 1
	}
	if len(os.Args) > 1 && os.Args[1] == "ps" {
		fmt.Print(os.Getenv(envFakePS))
	}
	return 0
}

// runScript executes the script (through its #! line) with the fake engine
// first on PATH and returns the recorded calls.
func runScript(t *testing.T, script []byte, env ...string) ([]call, error) {
	t.Helper()
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"docker", "podman"} {
		if err := os.Symlink(self, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "run.sh")
	if err := os.WriteFile(path, script, 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "calls.jsonl")
	cmd := exec.Command(path)
	cmd.Env = append([]string{"PATH=" + dir + ":/usr/local/bin:/usr/bin:/bin", envFakeLog + "=" + log}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	if runErr != nil {
		runErr = fmt.Errorf("%v: %s", runErr, stderr.String())
	}
	data, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var calls []call
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l logLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("fake engine log: %v", err)
		}
		c := call{Program: l.Program, Args: []string{}}
		for _, a := range l.Args {
			c.Args = append(c.Args, string(a))
		}
		calls = append(calls, c)
	}
	return calls, runErr
}

// wantCalls is what running the script must do: for each container service,
// look for leftovers, then run exactly RunArgs.
func wantCalls(sp *spec.Spec, opts Options) []call {
	var calls []call
	for _, s := range sp.Services {
		if s.Kind != spec.KindContainer {
			continue
		}
		eng := engineOf(s, opts)
		calls = append(calls,
			call{eng, []string{"ps", "--all", "--quiet",
				"--filter", "label=" + spec.LabelProject + "=" + sp.Project,
				"--filter", "label=" + spec.LabelService + "=" + s.Name}},
			call{eng, sp.RunArgs(s, spec.RunOptions{Restart: Restart})})
	}
	return calls
}

// parsedRuns parses the script with a bash parser and returns the words of
// every engine call, expanded as bash would. It fails the test when the
// script holds anything but the helper, its calls and engine calls, or when
// a run word could expand to something other than itself (a parameter,
// command substitution or arithmetic) or to more or fewer than one field.
func parsedRuns(t *testing.T, script []byte, engines map[string]bool) [][]string {
	t.Helper()
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(script), "run.sh")
	if err != nil {
		t.Fatalf("emitted script does not parse: %v\n%s", err, script)
	}
	var runs [][]string
	for _, st := range f.Stmts {
		switch x := st.Cmd.(type) {
		case *syntax.FuncDecl:
			if x.Name.Value != "remove_leftover" || len(runs) > 0 {
				t.Errorf("unexpected function %s", x.Name.Value)
			}
		case *syntax.CallExpr:
			words := literalFields(t, x.Args)
			switch {
			case len(words) == 0:
				t.Errorf("empty call at %s", x.Pos())
			case reflect.DeepEqual(words, []string{"set", "-euo", "pipefail"}):
			case words[0] == "remove_leftover":
				if len(words) != 4 {
					t.Errorf("remove_leftover %q: want 3 arguments", words[1:])
				}
			case engines[words[0]]:
				runs = append(runs, words)
			default:
				t.Errorf("unexpected command %q at %s", words, x.Pos())
			}
			if len(x.Assigns) > 0 || len(st.Redirs) > 0 || st.Background || st.Negated {
				t.Errorf("call at %s has assignments, redirections or modifiers", x.Pos())
			}
		default:
			t.Errorf("unexpected statement %T at %s", st.Cmd, st.Pos())
		}
	}
	return runs
}

func literalFields(t *testing.T, words []*syntax.Word) []string {
	t.Helper()
	out := make([]string, 0, len(words))
	for _, w := range words {
		syntax.Walk(w, func(n syntax.Node) bool {
			switch n.(type) {
			case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp, *syntax.ProcSubst, *syntax.ExtGlob, *syntax.BraceExp:
				t.Errorf("word at %s expands (%T)", w.Pos(), n)
			}
			return true
		})
		fields, err := expand.Fields(nil, w)
		if err != nil {
			t.Fatalf("expand word at %s: %v", w.Pos(), err)
		}
		if len(fields) != 1 {
			t.Errorf("word at %s gives %d fields %q, want 1", w.Pos(), len(fields), fields)
			continue
		}
		out = append(out, fields[0])
	}
	return out
}

func runsOf(calls []call) [][]string {
	var runs [][]string
	for _, c := range calls {
		if len(c.Args) > 0 && c.Args[0] == "run" {
			runs = append(runs, append([]string{c.Program}, c.Args...))
		}
	}
	return runs
}

func TestGolden(t *testing.T) {
	type variant struct {
		suffix string
		opts   Options
	}
	for _, c := range fixtures.All() {
		variants := []variant{{"", Options{}}}
		if c.Name == "seed" {
			variants = append(variants, variant{"-podman", Options{Engine: "podman"}})
		}
		for _, v := range variants {
			t.Run(c.Name+v.suffix, func(t *testing.T) {
				script, notes, err := Script(c.Spec, v.opts)
				if err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join("..", "testdata", c.Name, "run"+v.suffix+".sh"), script)
				golden.Check(t, filepath.Join("..", "testdata", c.Name, "run"+v.suffix+".sh.notes"), golden.Notes(notes))
			})
		}
	}
}

// TestArgv proves, for every fixture, that the script's engine calls are
// exactly RunArgs, first by parsing the script, then by running it.
func TestArgv(t *testing.T) {
	for _, c := range fixtures.All() {
		for _, opts := range []Options{{}, {Engine: "podman"}} {
			t.Run(c.Name+"/"+opts.Engine, func(t *testing.T) {
				checkArgv(t, c.Spec, opts)
			})
		}
	}
}

func checkArgv(t *testing.T, sp *spec.Spec, opts Options, env ...string) {
	t.Helper()
	script, _, err := Script(sp, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := runsOf(wantCalls(sp, opts))
	got := parsedRuns(t, script, map[string]bool{"docker": true, "podman": true})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsed run calls:\n got %q\nwant %q", got, want)
	}
	calls, err := runScript(t, script, env...)
	if err != nil {
		t.Fatalf("script failed: %v", err)
	}
	if w := wantCalls(sp, opts); !reflect.DeepEqual(calls, w) {
		t.Errorf("recorded engine calls:\n got %q\nwant %q", calls, w)
	}
}

// TestHostileValues runs each script under a C and a UTF-8 locale: bash
// decodes some escapes through the locale, so one of them alone could hide
// a quoting that works only by luck.
func TestHostileValues(t *testing.T) {
	for _, locale := range []string{"C", "C.UTF-8"} {
		for _, v := range fixtures.HostileValues {
			t.Run(fmt.Sprintf("%s/%q", locale, v), func(t *testing.T) {
				checkArgv(t, hostileSpec(v), Options{}, "LC_ALL="+locale)
			})
		}
	}
}

// hostileSpec puts v into every string of a container service that RunArgs
// copies into the argv.
func hostileSpec(v string) *spec.Spec {
	return &spec.Spec{
		Project:    v,
		ConfigFile: v,
		ConfigHash: v,
		Services: []*spec.Service{{
			Name:          "svc" + v,
			Kind:          spec.KindContainer,
			Group:         v,
			Origin:        spec.Origin{Script: v},
			ContainerName: "c" + v,
			Image:         "img" + v,
			Entrypoint:    &v,
			Command:       []string{v, "x" + v + "y", v},
			Ports:         []spec.Port{{HostIP: v, HostPort: v, ContainerPort: v, Protocol: v}},
			Env:           []spec.EnvVar{{Name: v, Value: v, HasValue: true}, {Name: v}},
			Volumes:       []spec.Volume{{Flag: "--volume", Spec: v}},
			Workdir:       v,
			User:          v,
			Network:       v,
			Labels:        []spec.Label{{Key: v, Value: v}},
			Stop:          spec.Stop{Signal: v},
			Extra:         []spec.Flag{{Name: "--hostname", Value: v, HasValue: true}},
			PostStart:     []string{v},
		}},
	}
}

func TestEngine(t *testing.T) {
	sp := fixtures.Process().Spec // its container names podman
	tests := []struct {
		opts Options
		want string
	}{
		{Options{}, "podman"},
		{Options{Engine: "docker"}, "docker"},
		{Options{Engine: "podman"}, "podman"},
	}
	for _, tt := range tests {
		script, _, err := Script(sp, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		runs := parsedRuns(t, script, map[string]bool{"docker": true, "podman": true})
		if len(runs) != 1 || runs[0][0] != tt.want {
			t.Errorf("Engine %q: runs %q, want one %s run", tt.opts.Engine, runs, tt.want)
		}
	}
	seed := fixtures.Seed().Spec
	seed.Services[0].Engine = ""
	script, _, err := Script(seed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if runs := parsedRuns(t, script, map[string]bool{"docker": true}); len(runs) != 1 {
		t.Errorf("a service without an engine should run with docker: %q", runs)
	}
}

// TestLeftovers checks the re-run path: a container found by the labels is
// stopped and removed before the new one starts.
func TestLeftovers(t *testing.T) {
	c := fixtures.Seed()
	script, _, err := Script(c.Spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	calls, err := runScript(t, script, envFakePS+"=0123abcd\n4567ef01\n")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range calls {
		got = append(got, strings.Join(c.Args, " "))
	}
	want := []string{
		"ps --all --quiet --filter label=io.wsgidock.project=blog --filter label=io.wsgidock.service=blog.example.com",
		"stop 0123abcd 4567ef01",
		"rm 0123abcd 4567ef01",
		strings.Join(c.Spec.RunArgs(c.Spec.Services[0], spec.RunOptions{Restart: Restart}), " "),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("calls:\n got %q\nwant %q", got, want)
	}
}

// TestEngineErrorsStopTheScript checks that a failing engine is not hidden:
// nothing runs after the failed call and the script exits non-zero.
func TestEngineErrorsStopTheScript(t *testing.T) {
	sp := fixtures.Multi().Spec
	script, _, err := Script(sp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"ps", "run"} {
		calls, err := runScript(t, script, envFakeFail+"="+sub)
		if err == nil || !strings.Contains(err.Error(), "Cannot connect to the Docker daemon") {
			t.Errorf("failing %s: script error = %v, want the engine's message", sub, err)
		}
		if n := len(calls); n == 0 || calls[n-1].Args[0] != sub {
			t.Errorf("failing %s: the script went on after it: %q", sub, calls)
		}
	}
	calls, err := runScript(t, script, envFakeFail+"=stop", envFakePS+"=0123abcd\n")
	if err == nil || len(calls) != 2 {
		t.Errorf("failing stop: err %v, calls %q; want the script to stop after it", err, calls)
	}
}

func TestNotes(t *testing.T) {
	_, notes, err := Script(fixtures.Process().Spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var whats []string
	for _, n := range notes {
		whats = append(whats, n.Service+": "+n.What)
		if !n.Source.IsValid() || n.Why == "" {
			t.Errorf("note %+v lacks a source or a reason", n)
		}
	}
	want := []string{"cache: post-start command", "worker: process service /srv/tasks/venv/bin/celery"}
	if !reflect.DeepEqual(whats, want) {
		t.Errorf("notes %q, want %q", whats, want)
	}
	_, notes, err = Script(fixtures.Seed().Spec, Options{})
	if err != nil || len(notes) != 0 {
		t.Errorf("seed: notes %v, err %v; want none", notes, err)
	}
}

func TestErrors(t *testing.T) {
	withNUL := fixtures.Seed().Spec
	withNUL.Services[0].Command = []string{"ok", "bad\x00arg"}
	bad := fixtures.Seed().Spec
	bad.Services[0].Image = ""
	tests := []struct {
		name string
		sp   *spec.Spec
		opts Options
		want string
	}{
		{"NUL in a run word", withNUL, Options{}, `/etc/httpd/docker/blog.py:2:1: service "blog.example.com": run argument 22 "bad\x00arg": cannot be written as a shell word`},
		{"NUL in the engine", fixtures.Seed().Spec, Options{Engine: "dock\x00er"}, `engine "dock\x00er"`},
		{"invalid spec", bad, Options{}, "without an image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, notes, err := Script(tt.sp, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
			if out != nil || notes != nil {
				t.Errorf("half-written output on error: %q", out)
			}
		})
	}
}

func TestComments(t *testing.T) {
	// The hostile fixture's config path and script path hold newlines; they
	// must stay inside their comment lines.
	script, _, err := Script(fixtures.Hostile().Spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(script), "\n") {
		if strings.HasPrefix(line, "rm -rf") || strings.HasPrefix(line, "# injected") {
			t.Errorf("a value escaped its comment: %q", line)
		}
	}
}

// FuzzQuote checks that any word without a NUL byte quotes to one bash
// word that expands back to itself.
func FuzzQuote(f *testing.F) {
	for _, v := range fixtures.HostileValues {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := quote(s)
		if strings.IndexByte(s, 0) >= 0 {
			if err == nil {
				t.Fatalf("quote(%q) = %q, want an error", s, q)
			}
			return
		}
		if err != nil {
			t.Fatalf("quote(%q): %v", s, err)
		}
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader("x "+q+"\n"), "")
		if err != nil {
			t.Fatalf("quote(%q) = %q does not parse: %v", s, q, err)
		}
		call, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
		if !ok || len(f.Stmts) != 1 || len(call.Args) != 2 {
			t.Fatalf("quote(%q) = %q is not one word", s, q)
		}
		if got := literalFields(t, call.Args[1:]); len(got) != 1 || got[0] != s {
			t.Fatalf("quote(%q) = %q expands to %q", s, q, got)
		}
	})
}
