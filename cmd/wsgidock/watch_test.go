package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/launch/launchtest"
)

// lockedBuffer is a strings.Builder safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestUpWatch runs `up --watch` on the real engine: a changed launcher
// replaces its service, a broken config is rejected and changes nothing,
// and SIGTERM stops everything.
func TestUpWatch(t *testing.T) {
	image := launchtest.Image(t)
	t.Cleanup(launchtest.Cleanup)
	dir := t.TempDir()
	port := httpdtest.FreePort(t)
	project := launchtest.Project(t, "wsgidock-watch")
	conf := fmt.Sprintf("ProxyPass / http://127.0.0.1:%d/\nWSGIDaemonProcess blog threads=0\nWSGIImportScript launch.py process-group=blog application-group=%%{GLOBAL}\n", port)
	confPath := filepath.Join(dir, "httpd.conf")
	write(t, confPath, conf)
	launcher := func(greeting string) string {
		return fmt.Sprintf("import os\nos.execlp('docker', 'docker', 'run', '--rm', '-p', '127.0.0.1:%d:80', '-e', 'GREETING=%s', '%s')\n", port, greeting, image)
	}
	write(t, filepath.Join(dir, "launch.py"), launcher("one"))

	stderr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"up", "--watch", "--color", "never", "--project", project, confPath}, streams{&lockedBuffer{}, stderr})
	}()
	until := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waited for %s\nstderr:\n%s", what, stderr.String())
			}
		}
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	answers := func() bool {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}
	id := func() string {
		out, _ := exec.Command("docker", "inspect", "--format", "{{.Id}}", project+"-blog").Output()
		return strings.TrimSpace(string(out))
	}
	until("the service", answers)
	first := id()

	write(t, filepath.Join(dir, "launch.py"), launcher("two"))
	until("the replacement", func() bool { return strings.Contains(stderr.String(), "blog: replaced: changed") })
	until("the new container", func() bool { return answers() && id() != first && id() != "" })
	second := id()

	write(t, confPath, conf+"WSGIDaemonProcess\n")
	until("the rejection", func() bool { return strings.Contains(stderr.String(), "reload rejected, nothing changed") })
	if !strings.Contains(stderr.String(), "httpd.conf:4:") {
		t.Errorf("the rejection does not say where:\n%s", stderr.String())
	}
	if got := id(); got != second || !answers() {
		t.Errorf("a rejected reload changed the service (container %s, was %s)", got, second)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("up --watch exited with %d\nstderr:\n%s", code, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("up --watch did not stop\nstderr:\n%s", stderr.String())
	}
	if out, _ := exec.Command("docker", "ps", "--all", "--quiet", "--filter", "label=io.wsgidock.project="+project).Output(); strings.TrimSpace(string(out)) != "" {
		t.Errorf("containers left: %s", out)
	}
}
