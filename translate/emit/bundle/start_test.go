package bundle_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/translate/emit/bundle"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// fakeExpress is a mod_wsgi-express stand-in: it records its pid and
// arguments, then answers HTTP on the last --port it was given.
const fakeExpress = `#!/usr/bin/env python3
import http.server, os, sys
with open(os.environ["FAKE_RECORD"], "w") as f:
    f.write("%d\n%s\n" % (os.getpid(), "\0".join(sys.argv[1:])))
port = 80
for i, a in enumerate(sys.argv):
    if a == "--port":
        port = int(sys.argv[i + 1])
http.server.HTTPServer(("127.0.0.1", port), http.server.SimpleHTTPRequestHandler).serve_forever()
`

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestExpressStartScript runs the express image's start script on this
// machine, with mod_wsgi-express replaced by a recorder: the deploy hook
// runs and its failure is logged without stopping the start, the server
// replaces the script (same pid, so PID 1 in a container) with the seed's
// flags, the application's arguments and the ones given after them, and
// the post-deploy hook runs once the server answers, told its port.
func TestExpressStartScript(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 runs the stand-in server")
	}
	sp, _ := planFixture(t, "hello", spec.BaseExpress)
	files, err := bundle.App(sp.Services[0])
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var start []byte
	for _, f := range files {
		if filepath.Base(f.Name) == "start" {
			start = f.Data
		}
	}
	app := filepath.Join(dir, "app")
	bin := filepath.Join(dir, "bin")
	hooks := filepath.Join(app, ".docker", "action_hooks")
	for _, d := range []string{bin, hooks} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	deployed, postDeployed, record := filepath.Join(dir, "deployed"), filepath.Join(dir, "post-deployed"), filepath.Join(dir, "record")
	for name, body := range map[string]string{
		filepath.Join(bin, "mod_wsgi-express"): fakeExpress,
		filepath.Join(dir, "start"):            string(start),
		filepath.Join(hooks, "deploy"):         "#!/bin/bash\necho ran > " + deployed + "\nexit 3\n",
		filepath.Join(hooks, "post-deploy"):    "#!/bin/bash\nif [ -s " + record + " ]; then echo \"$WSGIDOCK_PORT\" > " + postDeployed + "; fi\n",
	} {
		if err := os.WriteFile(name, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	port := freePort(t)
	cmd := exec.Command("bash", filepath.Join(dir, "start"), "--port", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), "WSGIDOCK_APP="+app, "PATH="+bin+":"+os.Getenv("PATH"), "FAKE_RECORD="+record)
	var out syncBuf
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	wait := func(path string) string {
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if b, err := os.ReadFile(path); err == nil && len(b) > 0 && bytes.HasSuffix(b, []byte("\n")) {
				return string(b)
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s did not appear; the script said:\n%s", path, out.String())
			}
		}
	}
	rec := strings.SplitN(wait(record), "\n", 2)
	if rec[0] != fmt.Sprint(cmd.Process.Pid) {
		t.Errorf("the server runs as pid %s, the script was %d: it was not exec'd", rec[0], cmd.Process.Pid)
	}
	args := strings.Split(strings.TrimSuffix(rec[1], "\n"), "\x00")
	want := []string{"start-server", "--log-to-terminal", "--startup-log", "--port", "80"}
	if len(args) < len(want)+2 || strings.Join(args[:len(want)], " ") != strings.Join(want, " ") || strings.Join(args[len(args)-2:], " ") != fmt.Sprintf("--port %d", port) {
		t.Errorf("server arguments %q", args)
	}
	// Given only --port, the start script puts the application's own
	// arguments (CMD) first, so that the server still serves it.
	if !strings.Contains(strings.Join(args, " "), " "+strings.Join(sp.Services[0].App.ExpressArgs, " ")+" --port ") {
		t.Errorf("the application's arguments are not passed with --port: %q", args)
	}
	if wait(deployed) != "ran\n" {
		t.Error("deploy hook did not run")
	}
	if got := wait(postDeployed); got != fmt.Sprintf("%d\n", port) {
		t.Errorf("post-deploy hook saw port %q", got)
	}
	if !strings.Contains(out.String(), ".docker/action_hooks/deploy failed (exit status 3); starting the server anyway") {
		t.Errorf("the failing deploy hook is not logged:\n%s", out.String())
	}
}
