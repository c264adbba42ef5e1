// Package launchtest gives tests a real container engine and
// an image to run on it without a registry: the echoserver program, built
// static from this repository and packed with `docker import`. Tests that
// need the engine skip when none answers, and fail instead when
// WSGIDOCK_REQUIRE_DOCKER=1.
package launchtest

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Program is the path of the echoserver inside the image; it is the
// image's entrypoint.
const Program = "/echoserver"

// Require skips the test when no Docker engine answers, or fails it when
// WSGIDOCK_REQUIRE_DOCKER=1 says the engine must be there.
func Require(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping a Docker engine test in -short mode")
	}
	out, err := exec.Command("docker", "version", "--format", "{{.Server.Version}}").CombinedOutput()
	if err == nil {
		return
	}
	msg := "no Docker engine answers (`docker version`: " + strings.TrimSpace(string(out)) + "); install and start one to run this test"
	if os.Getenv("WSGIDOCK_REQUIRE_DOCKER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Name returns a name no other test run uses, for containers and projects.
// WSGIDOCK_TEST_NAME, when set, goes into every such name, so that whoever
// shares the engine can tell whose they are.
func Name(prefix string) string {
	if tag := os.Getenv("WSGIDOCK_TEST_NAME"); tag != "" {
		prefix += "-" + tag
	}
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

var (
	once     sync.Once
	tag      string
	buildErr error
)

// Image returns the tag of the test image, building it the first time
// (after a Sweep). Cleanup removes it.
func Image(t testing.TB) string {
	t.Helper()
	Require(t)
	once.Do(func() { tag, buildErr = build() })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return tag
}

// Cleanup removes the image, if one was built; TestMain calls it after
// the tests, or a test when it ends. An Image after it builds the image
// again.
func Cleanup() {
	if tag != "" {
		_ = exec.Command("docker", "rmi", "--force", tag).Run()
	}
	once, tag, buildErr = sync.Once{}, "", nil
}

// build sweeps what test runs cut short left (Sweep), then builds the
// image.
func build() (string, error) {
	Sweep()
	return Build(Name("wsgidock-launch-test") + ":latest")
}

// Build builds the echoserver image under the tag name: the program
// compiled static from this repository and packed with `docker import`.
// Benchmarks use it outside tests.
func Build(name string) (string, error) {
	dir, err := os.MkdirTemp("", "wsgidock-testimage-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "echoserver")
	goCmd := exec.Command("go", "build", "-trimpath", "-o", bin, "github.com/wsgidock/wsgidock/launch/launchtest/echoserver")
	goCmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := goCmd.CombinedOutput(); err != nil {
		return "", &buildError{"building the echoserver", err, out}
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	if err := tw.WriteHeader(&tar.Header{Name: Program[1:], Mode: 0o755, Size: int64(len(data)), ModTime: time.Unix(0, 0)}); err != nil {
		return "", err
	}
	if _, err := tw.Write(data); err != nil {
		return "", err
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	imp := exec.Command("docker", "import", "--change", `ENTRYPOINT ["`+Program+`"]`, "--change", "EXPOSE 80", "-", name)
	imp.Stdin = &layer
	if out, err := imp.CombinedOutput(); err != nil {
		return "", &buildError{"docker import", err, out}
	}
	return name, nil
}

type buildError struct {
	what string
	err  error
	out  []byte
}

func (e *buildError) Error() string { return e.what + ": " + e.err.Error() + "\n" + string(e.out) }
