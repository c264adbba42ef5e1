package compose

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/translate/emit/internal/dockertest"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// TestRealCompose brings the emitted file up with the docker-compose found
// on PATH against the real engine and compares what the container got with
// the spec: the `$$` escapes, quoting and key choices must all survive a
// real compose implementation (here v1, a YAML 1.1 reader).
func TestRealCompose(t *testing.T) {
	dockertest.Require(t)
	composeBin, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose is not installed; install it to run this test")
	}
	image := dockertest.Image(t)
	project := dockertest.Name("wsgidock-emit-compose")
	t.Cleanup(func() { dockertest.RemoveByLabel(t, spec.LabelProject+"="+project) })

	command := []string{"", " ", "a b", "$HOME", "${HOME}", "$$", "$(id)", "`id`", "*", "~", "'", `"`, `\`,
		"-x", "--", "a\nb", "tab\t", "ünïcödé ☃", "\u2028", "#c", "yes", "off", "0755", "20:30", "1e3", "null", "~x", "{a: b}", "[x]"}
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
				{Name: "HOSTILE", Value: "$HOME ${HOME} `y` $(z) 'q' \"d\"\nnext", HasValue: true},
				{Name: "EMPTY", HasValue: true},
				{Name: "PASSTHROUGH"},
			},
			Labels:  []spec.Label{{Key: "com.example.note", Value: "a=b $HOME `d`"}},
			Workdir: "/work dir/$HOME",
			Volumes: []spec.Volume{{Flag: "--mount", Spec: "type=tmpfs,target=/scratch", Target: "/scratch", Type: "tmpfs"}},
			Stop:    spec.Stop{Signal: "SIGUSR1", Timeout: 2 * time.Second},
			Extra:   []spec.Flag{{Name: "--read-only"}, {Name: "--hostname", Value: "reporter.example", HasValue: true}},
		}},
	}
	data, _, err := File(sp)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	compose := func(args ...string) {
		t.Helper()
		cmd := exec.Command(composeBin, append([]string{"--project-name", project, "--file", path}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME=/not/this", "PASSTHROUGH=from the shell")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("docker-compose %v: %v\n%s", args, err, out)
		}
	}
	compose("up", "--detach")
	t.Cleanup(func() { compose("down", "--timeout", "5") })

	c := dockertest.Inspect(t, project)
	got := dockertest.Started(t, c.ID)
	if want := append([]string{dockertest.Program}, command...); !reflect.DeepEqual(got.Args, want) {
		t.Errorf("container argv:\n got %q\nwant %q", got.Args, want)
	}
	for _, kv := range []string{"HOSTILE=$HOME ${HOME} `y` $(z) 'q' \"d\"\nnext", "EMPTY=", "PASSTHROUGH=from the shell"} {
		if !slices.Contains(got.Env, kv) {
			t.Errorf("container environment %q lacks %q", got.Env, kv)
		}
	}
	if got.Dir != "/work dir/$HOME" {
		t.Errorf("working directory %q", got.Dir)
	}
	for k, v := range map[string]string{spec.LabelProject: project, spec.LabelService: "reporter", spec.LabelConfigHash: "abc123", "com.example.note": "a=b $HOME `d`"} {
		if c.Config.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, c.Config.Labels[k], v)
		}
	}
	if c.Config.StopSignal != "SIGUSR1" || c.Config.StopTimeout == nil || *c.Config.StopTimeout != 2 {
		t.Errorf("stop signal %q timeout %v, want SIGUSR1 and 2", c.Config.StopSignal, c.Config.StopTimeout)
	}
	if p := c.HostConfig.RestartPolicy.Name; p != Restart {
		t.Errorf("restart policy %q, want %q", p, Restart)
	}
	if len(c.Mounts) != 1 || c.Mounts[0].Type != "tmpfs" || c.Mounts[0].Destination != "/scratch" {
		t.Errorf("mounts %+v, want one tmpfs at /scratch", c.Mounts)
	}
}
