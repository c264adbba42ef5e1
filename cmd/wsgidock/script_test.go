package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/translate/dockerrun"
	"github.com/wsgidock/wsgidock/translate/importscript"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// fakeDocker records every call's arguments, NUL-separated, one call a
// record, and prints nothing (so the script finds no leftover container).
const fakeDocker = `#!/bin/bash
{ printf '%s\0' "$@"; printf '\n\0'; } >> "$WSGIDOCK_FAKE_LOG"
`

// TestScriptStartsWhatTheLauncherStarted is the whole chain for the
// fixtures: the launcher script, `migrate` (sh), bash running the script
// against a recording docker. Each recorded `docker run` must give the
// container exactly the image, command, environment, ports and volumes the
// launcher's own `docker run` gave it, hostile values included.
func TestScriptStartsWhatTheLauncherStarted(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, fixture := range []string{"seed002", "multi", "hostile"} {
		t.Run(fixture, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(fakeDocker), 0o755); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(dir, "calls")
			conf := filepath.Join(root, "fixtures", fixture, "httpd.conf")
			script, stderr, code := wsgidock(t, "migrate", conf)
			if code != 0 {
				t.Fatalf("migrate: exit %d\n%s", code, stderr)
			}
			cmd := exec.Command("bash", "-c", script)
			cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "WSGIDOCK_FAKE_LOG="+log)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("the script failed: %v\n%s", err, out)
			}
			recorded := recordedRuns(t, log)

			wantByImage := launcherRuns(t, root, fixture)
			if len(recorded) != len(wantByImage) {
				t.Fatalf("the script ran %d containers, the launchers %d", len(recorded), len(wantByImage))
			}
			for _, args := range recorded {
				got := parseRun(t, args)
				want, ok := wantByImage[got.image]
				if !ok {
					t.Fatalf("the script runs image %q, which no launcher runs", got.image)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("image %s:\n script:   %+v\n launcher: %+v", got.image, got, want)
				}
			}
		})
	}
}

// runView is what a container gets from a run command line.
type runView struct {
	image   string
	command []string
	env     []string
	ports   []string
	volumes []string
}

func parseRun(t *testing.T, args []string) runView {
	t.Helper()
	run, diags := dockerrun.Parse(dockerrun.Docker, args, nil)
	if diags.HasErrors() {
		t.Fatalf("run %q: %v", args, diags)
	}
	s := &spec.Service{Where: spec.Positions{}}
	if _, _, diags := run.Apply(s); diags.HasErrors() {
		t.Fatalf("apply %q: %v", args, diags)
	}
	v := runView{image: s.Image, command: s.Command}
	for _, e := range s.Env {
		if e.HasValue {
			v.env = append(v.env, e.Name+"="+e.Value)
		} else {
			v.env = append(v.env, e.Name)
		}
	}
	for _, p := range s.Ports {
		v.ports = append(v.ports, p.String())
	}
	for _, vol := range s.Volumes {
		v.volumes = append(v.volumes, vol.Type+":"+vol.Source+":"+vol.Target)
	}
	sort.Strings(v.env)
	return v
}

// launcherRuns reads each launcher script of a fixture and returns its
// docker run, by image.
func launcherRuns(t *testing.T, root, fixture string) map[string]runView {
	t.Helper()
	var scripts []string
	filepath.Walk(filepath.Join(root, "fixtures", fixture), func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".py") {
			scripts = append(scripts, p)
		}
		return nil
	})
	byImage := map[string]runView{}
	for _, path := range scripts {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		launch, diags := importscript.Parse(path, src, os.LookupEnv)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", path, diags)
		}
		if _, ok := dockerrun.EngineOf(launch.Program); !ok {
			continue
		}
		v := parseRun(t, launch.Args[1:])
		byImage[v.image] = v
	}
	return byImage
}

// recordedRuns reads the fake docker's log and returns the arguments of
// each `run` call.
func recordedRuns(t *testing.T, log string) [][]string {
	t.Helper()
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatalf("the fake docker was never called: %v", err)
	}
	var runs [][]string
	for _, call := range bytes.Split(data, []byte("\n\x00")) {
		if len(call) == 0 {
			continue
		}
		args := strings.Split(strings.TrimSuffix(string(call), "\x00"), "\x00")
		if args[0] == "run" {
			runs = append(runs, args)
		}
	}
	return runs
}
