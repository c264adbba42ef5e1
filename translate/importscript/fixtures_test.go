package importscript

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const fixtureDir = "../../fixtures/launchers"

// searchDir is the only PATH entry of the fixtures' environment, so that
// the harness can tell a PATH search from an explicit path.
const searchDir = "/wsgidock-path-search"

// fixtureEnv is the daemon environment every fixture is read and run in.
var fixtureEnv = map[string]string{
	"PATH":              searchDir,
	"LC_ALL":            "C.UTF-8",
	"HOME":              "/var/www",
	"POSTGRES_PASSWORD": "pa$$ 'w\"rd `id` *",
	"BLOG_IMAGE":        "blog.example.com:2024-06",
}

func lookupFixtureEnv(name string) (string, bool) {
	v, ok := fixtureEnv[name]
	return v, ok
}

func fixtures(t testing.TB) []string {
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.py"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtureDir, err)
	}
	return paths
}

// goldenDiag is a diagnostic as the golden files show it.
type goldenDiag struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Pos      string `json:"pos"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
}

type golden struct {
	Launch      *Launch      `json:"launch"`
	Diagnostics []goldenDiag `json:"diagnostics"`
}

func render(l *Launch, diags apacheconf.Diagnostics) []byte {
	g := golden{Launch: l, Diagnostics: []goldenDiag{}}
	for _, d := range diags {
		g.Diagnostics = append(g.Diagnostics, goldenDiag{
			Severity: d.Severity.String(), Code: d.Code, Pos: d.Pos().String(), Summary: d.Summary, Detail: d.Detail,
		})
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(g); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// TestFixturesGolden reads every fixture and compares the launch and the
// diagnostics with its .golden file (go test -update rewrites them).
func TestFixturesGolden(t *testing.T) {
	for _, path := range fixtures(t) {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".py"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			l, diags := Parse(name, src, lookupFixtureEnv)
			got := render(l, diags)
			goldenPath := strings.TrimSuffix(path, ".py") + ".golden"
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", name, goldenPath, got)
			}
			if strings.HasPrefix(name, "broken_") || strings.HasPrefix(name, "unsupported_") || strings.HasPrefix(name, "unresolved_") {
				if !diags.HasErrors() {
					t.Errorf("%s should be refused", name)
				}
			} else if l == nil && name != "main_guard.py" {
				t.Errorf("%s should launch: %v", name, diags)
			}
		})
	}
}

// harnessRun is what testdata/harness.py reports.
type harnessRun struct {
	Status   string           `json:"status"`
	Commands []harnessCommand `json:"commands"`
}

type harnessCommand struct {
	Program    string   `json:"program"`
	Args       []string `json:"args"`
	Env        []string `json:"env"`
	Dir        string   `json:"dir"`
	Background bool     `json:"background"`
}

// TestFixturesMatchPython runs every fixture under python3 with the
// process-starting calls recorded instead of made (testdata/harness.py)
// and checks Parse against what Python did: the same commands, in order,
// with the same program, argv, environment, directory and waiting; no
// launch where Python launched nothing; and a syntax or runtime
// diagnostic only where Python fails too. (An unresolved value may well
// work when the script runs; that is why it is refused.)
func TestFixturesMatchPython(t *testing.T) {
	python := pythonExecutable(t)
	harness, err := filepath.Abs("testdata/harness.py")
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for k, v := range fixtureEnv {
		env = append(env, k+"="+v)
	}
	for _, path := range fixtures(t) {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".py"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Run from the fixtures' directory with the name Parse is given,
			// so that __file__ (and __name__, its hash) agree.
			cmd := exec.Command(python, harness, name)
			cmd.Dir = fixtureDir
			cmd.Env = env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("harness: %v\n%s", err, stderr.Bytes())
			}
			var run harnessRun
			if err := json.Unmarshal(out, &run); err != nil {
				t.Fatalf("harness output %s: %v", out, err)
			}
			l, diags := Parse(name, src, lookupFixtureEnv)
			compareWithPython(t, l, diags, run)
		})
	}
}

// pythonExecutable is the real interpreter behind python3, which may be
// a wrapper script that needs a PATH the fixtures' environment lacks.
func pythonExecutable(t *testing.T) string {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed; the differential test runs the fixtures with it (apt-get install python3)")
	}
	out, err := exec.Command(python, "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func compareWithPython(t *testing.T, l *Launch, diags apacheconf.Diagnostics, run harnessRun) {
	failed := strings.HasPrefix(run.Status, "error")
	if l == nil {
		code := diags.Err().(apacheconf.Diagnostic).Code
		switch code {
		case CodeSyntax, CodeRuntime:
			if !failed {
				t.Errorf("Parse says %v, but Python ran the script (%s, %d commands)", diags.Err(), run.Status, len(run.Commands))
			}
		case CodeNoLaunch:
			if len(run.Commands) > 0 || failed {
				t.Errorf("Parse says %v, but Python ran %+v (%s)", diags.Err(), run.Commands, run.Status)
			}
		}
		return
	}
	if failed {
		t.Fatalf("Parse gives a launch, but Python fails: %s", run.Status)
	}
	var want []Command
	for _, c := range append(append([]Command{}, l.Setup...), l.Command) {
		// The commands of one shell line (a; b) are one /bin/sh to Python.
		if n := len(want); n > 0 && c.Shell != "" && c.Shell == want[n-1].Shell && c.Pos == want[n-1].Pos {
			want[n-1] = c
			continue
		}
		want = append(want, c)
	}
	if len(want) != len(run.Commands) {
		t.Fatalf("Parse finds %d commands, Python ran %d: %+v", len(want), len(run.Commands), run.Commands)
	}
	for i, c := range want {
		got := run.Commands[i]
		program, args := c.Program, c.Args
		if c.Shell != "" {
			program, args = "/bin/sh", []string{"/bin/sh", "-c", c.Shell}
		} else if c.SearchPath {
			program = filepath.Join(firstPathDir(c), c.Program)
		}
		if got.Program != program || !reflect.DeepEqual(got.Args, args) {
			t.Errorf("command %d: Parse gives %q %q, Python runs %q %q", i, program, args, got.Program, got.Args)
		}
		// A cd in the shell line moves the shell, not Python: the command
		// runs there (TestShellListsMatchSh checks that against sh).
		if wantDir := shellDir(c.Shell, got.Dir); c.Dir != wantDir {
			t.Errorf("command %d: Parse gives dir %q, Python (and the shell line's cd) %q", i, c.Dir, wantDir)
		}
		if c.Background != got.Background {
			t.Errorf("command %d: Parse gives background=%v, Python %v", i, c.Background, got.Background)
		}
		if c.Shell != "" && shellAssigns(c.Shell) {
			continue // the shell, not Python, applies its NAME=VALUE prefixes
		}
		if env := effectiveEnv(c); !reflect.DeepEqual(env, got.Env) {
			t.Errorf("command %d: Parse gives environment %q, Python %q", i, env, got.Env)
		}
	}
}

// effectiveEnv is the whole environment a command's program gets when the
// daemon's environment is fixtureEnv.
func effectiveEnv(c Command) []string {
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

// firstPathDir is the first directory a PATH search tries: PATH of the
// program's environment, or Python's os.defpath when that has none.
func firstPathDir(c Command) string {
	path, ok := "", false
	for _, kv := range effectiveEnv(c) {
		if v, found := strings.CutPrefix(kv, "PATH="); found {
			path, ok = v, true
		}
	}
	if !ok {
		path = "/bin:/usr/bin"
	}
	return strings.Split(path, ":")[0]
}

// shellDir is where the last command of a shell line runs when Python
// starts the shell in dir.
func shellDir(line, dir string) string {
	if line == "" {
		return dir
	}
	sh, err := parseShell(&str{s: line})
	if err != nil || sh.dir == "" {
		return dir
	}
	if strings.HasPrefix(sh.dir, "/") || dir == "" {
		return sh.dir
	}
	return filepath.Join(dir, sh.dir)
}

func shellAssigns(line string) bool {
	sh, err := parseShell(&str{s: line})
	return err == nil && len(sh.assign) > 0
}
