package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/translate/emit/internal/dockertest"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// TestRealEngine runs the emitted script against the real Docker engine
// and compares what the container got with the spec; then runs it again
// and checks that the first container was replaced, not duplicated.
func TestRealEngine(t *testing.T) {
	dockertest.Require(t)
	image := dockertest.Image(t)
	project := dockertest.Name("wsgidock-emit-sh")
	t.Cleanup(func() { dockertest.RemoveByLabel(t, spec.LabelProject+"="+project) })

	// No invalid UTF-8: the engine API is JSON, which turns it into U+FFFD
	// whatever the script passes.
	command := []string{"", " ", "a b", "$HOME", "$(id)", "`id`", "*", "~", "'", `"`, `\`, "-x", "--",
		"a\nb", "tab\t", "ünïcödé ☃", "\u2028", "#c", "!x", "{a,b}", "\x1b", "%s"}
	sp := &spec.Spec{
		Project:    project,
		ConfigFile: "/etc/httpd/conf/httpd.conf",
		ConfigHash: "abc123",
		Services: []*spec.Service{{
			Name:          "reporter",
			Kind:          spec.KindContainer,
			Group:         "reporter",
			ContainerName: project,
			Image:         image,
			Command:       command,
			Env: []spec.EnvVar{
				{Name: "HOSTILE", Value: "$x `y` $(z) 'q' \"d\"\nnext", HasValue: true},
				{Name: "EMPTY", HasValue: true},
				{Name: "PASSTHROUGH"},
			},
			Labels:  []spec.Label{{Key: "com.example.note", Value: "a=b $c `d`"}},
			Workdir: "/work dir/$HOME",
			Stop:    spec.Stop{Signal: "SIGUSR1", Timeout: 1500 * time.Millisecond},
			Extra:   []spec.Flag{{Name: "--read-only"}, {Name: "--hostname", Value: "reporter.example", HasValue: true}},
		}},
	}
	script, _, err := Script(sp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "run.sh")
	if err := os.WriteFile(path, script, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func() {
		t.Helper()
		cmd := exec.Command(path)
		cmd.Env = append(os.Environ(), "PASSTHROUGH=from the client", "LC_ALL=C")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("script: %v\n%s", err, out)
		}
	}

	run()
	first := dockertest.Inspect(t, project)
	got := dockertest.Started(t, first.ID)
	if want := append([]string{dockertest.Program}, command...); !reflect.DeepEqual(got.Args, want) {
		t.Errorf("container argv:\n got %q\nwant %q", got.Args, want)
	}
	for _, kv := range []string{"HOSTILE=$x `y` $(z) 'q' \"d\"\nnext", "EMPTY=", "PASSTHROUGH=from the client"} {
		if !slices.Contains(got.Env, kv) {
			t.Errorf("container environment %q lacks %q", got.Env, kv)
		}
	}
	if got.Dir != "/work dir/$HOME" {
		t.Errorf("working directory %q", got.Dir)
	}
	c := first.Config
	wantLabels := map[string]string{
		spec.LabelProject: project, spec.LabelService: "reporter", spec.LabelConfigHash: "abc123",
		"com.example.note": "a=b $c `d`",
	}
	if !reflect.DeepEqual(c.Labels, wantLabels) {
		t.Errorf("labels %q, want %q", c.Labels, wantLabels)
	}
	if c.StopSignal != "SIGUSR1" || c.StopTimeout == nil || *c.StopTimeout != 2 {
		t.Errorf("stop signal %q timeout %v, want SIGUSR1 and 2", c.StopSignal, c.StopTimeout)
	}
	if p := first.HostConfig.RestartPolicy.Name; p != Restart {
		t.Errorf("restart policy %q, want %q", p, Restart)
	}
	if first.Name != "/"+project {
		t.Errorf("container name %q", first.Name)
	}

	run()
	second := dockertest.Inspect(t, project)
	if second.ID == first.ID {
		t.Fatal("running the script again kept the old container")
	}
	ids := strings.Fields(dockertest.Docker(t, "ps", "--all", "--quiet", "--no-trunc", "--filter", "label="+spec.LabelProject+"="+project))
	if !reflect.DeepEqual(ids, []string{second.ID}) {
		t.Errorf("containers of the project after a re-run: %q, want only %s", ids, second.ID)
	}
}
