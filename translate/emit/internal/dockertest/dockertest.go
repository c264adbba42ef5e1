// Package dockertest gives the emitters' tests a real Docker engine and an
// image to run on it without a registry: a static Go program that prints
// its argv and environment as JSON, then waits for a signal. The tests skip
// when no engine answers, and fail instead with WSGIDOCK_REQUIRE_DOCKER=1.
package dockertest

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/launch/launchtest"
)

// Require skips the test when no Docker engine answers, or fails it when
// WSGIDOCK_REQUIRE_DOCKER=1 says the engine must be there.
func Require(t testing.TB) { launchtest.Require(t) }

// Name returns a name no other test run uses, for images, containers and
// projects the test creates.
func Name(prefix string) string { return launchtest.Name(prefix) }

// Docker runs the docker CLI and returns its standard output, failing the
// test with its standard error when it fails.
func Docker(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command("docker", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("docker %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// The program inside the image. It reports what it was started with, so a
// test can compare the real argv and environment with the spec's, and ends
// on any of the signals the fixtures stop it with.
const program = `package main

import (
	"encoding/json"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1, syscall.SIGQUIT)
	wd, _ := os.Getwd()
	json.NewEncoder(os.Stdout).Encode(map[string]any{"args": os.Args, "env": os.Environ(), "dir": wd})
	<-c
}
`

// Report is what the image's program prints when it starts.
type Report struct {
	Args []string `json:"args"`
	Env  []string `json:"env"`
	Dir  string   `json:"dir"`
}

// Program is the path of the program inside the image; the image's
// entrypoint runs it.
const Program = "/reporter"

// Image builds the test image, imports it under a fresh tag and removes it
// when the test ends. It returns the tag.
func Image(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(program), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module reporter\n\ngo 1.21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "reporter")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the test image's program: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	hdr := &tar.Header{Name: Program[1:], Mode: 0o755, Size: int64(len(data)), ModTime: time.Unix(0, 0)}
	if err := tw.WriteHeader(hdr); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	tag := Name("wsgidock-emit-test") + ":latest"
	imp := exec.Command("docker", "import", "--change", `ENTRYPOINT ["`+Program+`"]`, "-", tag)
	imp.Stdin = &layer
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		// Best effort: a container a failed test left behind keeps the image.
		_ = exec.Command("docker", "rmi", "--force", tag).Run()
	})
	return tag
}

// Started waits for the program in container id to print its report and
// returns it. The wait is bounded: a container that reports nothing within
// the time fails the test.
func Started(t testing.TB, id string) Report {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := exec.Command("docker", "logs", id).Output()
		if err == nil && len(out) > 0 {
			var r Report
			if err := json.Unmarshal(out, &r); err != nil {
				t.Fatalf("container %s printed %q: %v", id, out, err)
			}
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s printed nothing in 30 s (logs error: %v)", id, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Inspect returns `docker inspect` of one container, decoded.
func Inspect(t testing.TB, id string) Container {
	t.Helper()
	var cs []Container
	if err := json.Unmarshal([]byte(Docker(t, "container", "inspect", id)), &cs); err != nil || len(cs) != 1 {
		t.Fatalf("docker inspect %s: %v", id, err)
	}
	return cs[0]
}

// Container is the part of `docker inspect` the tests compare.
type Container struct {
	ID     string `json:"Id"`
	Name   string `json:"Name"`
	Config struct {
		Image       string            `json:"Image"`
		Cmd         []string          `json:"Cmd"`
		Entrypoint  []string          `json:"Entrypoint"`
		Env         []string          `json:"Env"`
		Labels      map[string]string `json:"Labels"`
		WorkingDir  string            `json:"WorkingDir"`
		User        string            `json:"User"`
		StopSignal  string            `json:"StopSignal"`
		StopTimeout *int              `json:"StopTimeout"`
	} `json:"Config"`
	HostConfig struct {
		RestartPolicy struct {
			Name string `json:"Name"`
		} `json:"RestartPolicy"`
		PortBindings map[string][]struct {
			HostIP   string `json:"HostIp"`
			HostPort string `json:"HostPort"`
		} `json:"PortBindings"`
		Init *bool `json:"Init"`
	} `json:"HostConfig"`
	Mounts []struct {
		Type        string `json:"Type"`
		Destination string `json:"Destination"`
	} `json:"Mounts"`
}

// RemoveByLabel force-removes every container carrying label (KEY=VALUE),
// which the test's own spec put there, so only the test's containers go.
func RemoveByLabel(t testing.TB, label string) {
	t.Helper()
	ids := strings.Fields(Docker(t, "ps", "--all", "--quiet", "--filter", "label="+label))
	if len(ids) > 0 {
		Docker(t, append([]string{"rm", "--force", "--volumes"}, ids...)...)
	}
}
