package launch

import (
	"context"
	"encoding/json"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/launch/launchtest"
	"github.com/wsgidock/wsgidock/translate/spec"
)

func TestCreateArgs(t *testing.T) {
	got, err := createArgs([]string{"run", "--detach", "--name", "x", "--label", "a=--detach", "--", "img", "--detach", "-d"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"create", "--name", "x", "--label", "a=--detach", "--", "img", "--detach", "-d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("createArgs = %q, want %q", got, want)
	}
	if _, err := createArgs([]string{"create", "img"}); err == nil {
		t.Error("a create command was taken for a run")
	}
}

// inspectConfig is what makes a container, from `docker inspect`: its
// Config and HostConfig, without what differs between any two
// containers (the hostname is the ID's start) and AttachStdout and
// AttachStderr, which record only whether the creating client meant to
// attach to the streams (`docker create` sets them, `run --detach` does
// not); the container's output goes to its log either way.
func inspectConfig(t *testing.T, name string) map[string]any {
	t.Helper()
	out, err := exec.Command("docker", "inspect", "--format", "{{json .Config}}\n{{json .HostConfig}}", name).Output()
	if err != nil {
		t.Fatalf("docker inspect %s: %v", name, err)
	}
	parts := strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)
	var cfg, host map[string]any
	if err := json.Unmarshal([]byte(parts[0]), &cfg); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(parts[1]), &host); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"Hostname", "AttachStdout", "AttachStderr"} {
		delete(cfg, k)
	}
	return map[string]any{"Config": cfg, "HostConfig": host}
}

// TestRealAPIRunIsTheCLIRun checks that a container the API engine runs
// (created by `docker create` from the argv, started through the API) is
// configured exactly as `docker run --detach` with the same argv makes it.
func TestRealAPIRunIsTheCLIRun(t *testing.T) {
	launchtest.Require(t)
	sock := localSocket()
	if sock == "" {
		t.Skip("the docker engine is not on a local socket: wsgidock uses the docker program alone")
	}
	svc := echoService(t, "blog", "GREETING=it's $HOME `x`")
	svc.Command = []string{"--detach", "-d"}
	sp := realSpec(t, svc)
	svc.Volumes = append(svc.Volumes, spec.Volume{Flag: "--volume", Spec: t.TempDir() + ":/data:ro"})
	api, err := NewAPI(&CLI{Path: "docker"}, sock)
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	args := runArgs(sp, svc, restartForeground, 1)
	id, err := api.Run(context.Background(), args)
	if err != nil {
		t.Fatal(err)
	}
	viaAPI := inspectConfig(t, id)
	if err := api.Remove(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %q: %v\n%s", args, err, out)
	}
	viaCLI := inspectConfig(t, svc.ContainerName)
	if !reflect.DeepEqual(viaAPI, viaCLI) {
		a, _ := json.MarshalIndent(viaAPI, "", "  ")
		c, _ := json.MarshalIndent(viaCLI, "", "  ")
		t.Errorf("create + API start:\n%s\ndocker run --detach:\n%s", a, c)
	}
	if out, err := exec.Command("docker", "rm", "--force", svc.ContainerName).CombinedOutput(); err != nil {
		t.Fatalf("docker rm: %v\n%s", err, out)
	}

	// A spare: created under another name, started, renamed to the
	// service's, as a restart does it.
	u := &containerUnit{eng: api, sp: sp, svc: svc, abort: context.Background(), helpers: context.Background()}
	open := make(chan struct{})
	close(open)
	u.makeSpare(0, open)
	spare := <-u.takeSpare(1)
	if spare.err != nil {
		t.Fatal(spare.err)
	}
	if err := api.Start(context.Background(), spare.id); err != nil {
		t.Fatal(err)
	}
	if err := api.Rename(context.Background(), spare.id, svc.ContainerName); err != nil {
		t.Fatal(err)
	}
	if viaSpare := inspectConfig(t, svc.ContainerName); !reflect.DeepEqual(viaSpare, viaAPI) {
		a, _ := json.MarshalIndent(viaSpare, "", "  ")
		c, _ := json.MarshalIndent(viaAPI, "", "  ")
		t.Errorf("spare, started, renamed:\n%s\ncreate + API start:\n%s", a, c)
	}
}
