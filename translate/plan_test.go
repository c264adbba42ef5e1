package translate_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// repoRoot is the repository's absolute path, replaced by $ROOT in golden
// files so that they do not depend on where the repository is.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// plan reads a fixture's httpd.conf and plans it.
func plan(t testing.TB, dir string) (*spec.Spec, *spec.Report, apacheconf.Diagnostics, *apacheconf.Tree) {
	t.Helper()
	tree, err := apacheconf.Load(filepath.Join(dir, "httpd.conf"), apacheconf.Options{})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	sp, rep, diags := translate.Plan(tree, translate.Options{})
	return sp, rep, diags, tree
}

type diagJSON struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Pos      string `json:"pos"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail,omitempty"`
}

// TestPlanGolden plans every fixture configuration and compares the spec,
// the report and the diagnostics with the golden file next to it
// (plan.golden.json); `go test ./translate -update` rewrites them.
func TestPlanGolden(t *testing.T) {
	root := repoRoot(t)
	dirs, _ := filepath.Glob(filepath.Join(root, "fixtures", "*", "httpd.conf"))
	more, _ := filepath.Glob(filepath.Join(root, "fixtures", "broken", "*", "httpd.conf"))
	dirs = append(dirs, more...)
	if len(dirs) < 5 {
		t.Fatalf("only %d fixture configs", len(dirs))
	}
	for _, conf := range dirs {
		dir := filepath.Dir(conf)
		name, _ := filepath.Rel(filepath.Join(root, "fixtures"), dir)
		t.Run(name, func(t *testing.T) {
			sp, rep, diags, _ := plan(t, dir)
			out := struct {
				Spec        *spec.Spec     `json:"spec"`
				Report      *spec.Report   `json:"report"`
				Diagnostics []diagJSON     `json:"diagnostics"`
				Argv        map[string]any `json:"argv"`
			}{Spec: sp, Report: rep, Diagnostics: []diagJSON{}, Argv: map[string]any{}}
			for _, d := range diags {
				out.Diagnostics = append(out.Diagnostics, diagJSON{d.Severity.String(), d.Code, d.Subject.Start.String(), d.Summary, d.Detail})
			}
			for _, s := range sp.Services {
				if s.Kind == spec.KindContainer {
					out.Argv[s.Name] = append([]string{s.Engine}, sp.RunArgs(s, spec.RunOptions{Restart: "unless-stopped"})...)
				} else {
					out.Argv[s.Name] = s.Process.Args
				}
			}
			got, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = bytes.ReplaceAll(append(got, '\n'), []byte(root), []byte("$ROOT"))
			golden := filepath.Join(dir, "plan.golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./translate -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("plan differs from %s (run with -update and review the diff):\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) && i < len(g); i++ {
		if w[i] != g[i] {
			return "want: " + w[i] + "\n got: " + g[i]
		}
	}
	return "lengths differ"
}

// TestDaemonLocale: lang= and locale= set LANG and LC_ALL for the daemon
// process. A container sees them only through a launcher's -e NAME, which
// gets the value; a plain process inherited them, which is reported.
func TestDaemonLocale(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"httpd.conf": "WSGIDaemonProcess web threads=0 lang=C.UTF-8 locale=de_DE.UTF-8\n" +
			"WSGIImportScript web.py process-group=web application-group=%{GLOBAL}\n" +
			"WSGIDaemonProcess tool threads=0 lang=C.UTF-8\n" +
			"WSGIImportScript tool.py process-group=tool application-group=%{GLOBAL}\n",
		"web.py":  "import os\nos.execl('/usr/bin/docker', 'docker', 'run', '--rm', '-e', 'LANG', '-e', 'TZ', 'img')\n",
		"tool.py": "import os\nos.execl('/usr/bin/tool', 'tool')\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sp, rep, diags, _ := plan(t, dir)
	if diags.HasErrors() || len(sp.Services) != 2 {
		t.Fatalf("%d services, %v", len(sp.Services), diags)
	}
	env := sp.Services[0].Env
	if len(env) != 2 || env[0].Name != "LANG" || env[0].Value != "C.UTF-8" || !env[0].HasValue || env[1].HasValue {
		t.Errorf("env %+v, want LANG=C.UTF-8 and TZ without a value", env)
	}
	where := map[string]string{}
	for _, it := range rep.Mapped {
		where[it.Service+" "+it.What] = "mapped"
	}
	for _, it := range rep.Unmapped {
		where[it.Service+" "+it.What] = "unmapped"
	}
	for item, want := range map[string]string{"web lang=C.UTF-8": "mapped", "web locale=de_DE.UTF-8": "mapped",
		"web --env LANG": "mapped", "tool lang=C.UTF-8": "unmapped"} {
		if where[item] != want {
			t.Errorf("%s is %q in the report, want %s", item, where[item], want)
		}
	}
}
