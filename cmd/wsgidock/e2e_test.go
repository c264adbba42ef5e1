package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/launch/launchtest"
)

// wsgidock runs the CLI in the test process.
func wsgidock(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, streams{&o, &e})
	return o.String(), e.String(), code
}

// TestEndToEnd is the whole migration on the real engine and a real Apache
// front end: the seed's pattern (a daemon group whose launcher runs the
// container, a ProxyPass to its port, X-Forwarded-Port set), the front end
// rewritten by `migrate --format apache` and started with httpd, the
// container run by `up --detach --wait`, a request through Apache, `ps`,
// and `down`.
func TestEndToEnd(t *testing.T) {
	image := launchtest.Image(t)
	t.Cleanup(launchtest.Cleanup)
	httpdtest.Binary(t)
	dir := t.TempDir()
	front, back := httpdtest.FreePort(t), httpdtest.FreePort(t)
	project := launchtest.Name("wsgidock-e2e")
	var conf strings.Builder
	fmt.Fprintf(&conf, "ServerName localhost\nListen 127.0.0.1:%d\n", front)
	for _, m := range []string{"mpm_event_module", "authz_core_module", "proxy_module", "proxy_http_module", "headers_module", "wsgi_module"} {
		conf.WriteString(httpdtest.LoadModule(m) + "\n")
	}
	fmt.Fprintf(&conf, "PidFile %s/httpd.pid\nErrorLog %s/error.log\nDefaultRuntimeDir %s\n", dir, dir, dir)
	if os.Getuid() == 0 {
		conf.WriteString("User nobody\nGroup nogroup\n")
	}
	fmt.Fprintf(&conf, `<VirtualHost 127.0.0.1:%[1]d>
    ServerName blog.example.com
    ProxyPass / http://127.0.0.1:%[2]d/
    ProxyPassReverse / http://127.0.0.1:%[2]d/
    RequestHeader set X-Forwarded-Port 8443
    WSGIDaemonProcess blog threads=0
    WSGIImportScript launch.py process-group=blog application-group=%%{GLOBAL}
</VirtualHost>
`, front, back)
	confPath := filepath.Join(dir, "httpd.conf")
	write(t, confPath, conf.String())
	write(t, filepath.Join(dir, "launch.py"), fmt.Sprintf(
		"import os\nos.execlp('docker', 'docker', 'run', '--rm', '-p', '127.0.0.1:%d:80', '-e', 'GREETING=hello from wsgidock', '%s')\n", back, image))
	if res := httpdtest.Run(t, nil, "-d", dir, "-f", confPath); !res.OK {
		t.Fatalf("httpd refuses the original config:\n%s", res.Stderr)
	}

	rewritten, stderr, code := wsgidock(t, "migrate", "--format", "apache", "--project", project, confPath)
	if code != 0 {
		t.Fatalf("migrate --format apache: exit %d\n%s", code, stderr)
	}
	frontConf := filepath.Join(dir, "front.conf")
	write(t, frontConf, rewritten)
	server := httpdtest.Start(t, frontConf, "-d", dir)

	t.Cleanup(func() { wsgidock(t, "down", "--project", project, confPath) })
	marker := filepath.Join(dir, "post-start")
	if _, stderr, code := wsgidock(t, "up", "--detach", "--wait", "--timeout", "60s", "--project", project,
		"--post-start", "blog=echo ready > "+marker, confPath); code != 0 {
		t.Fatalf("up --detach --wait: exit %d\n%s", code, stderr)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if b, err := os.ReadFile(marker); err == nil && string(b) == "ready\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the post-start command did not run")
		}
	}

	var answer struct {
		Header map[string][]string `json:"header"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/through-apache", front))
		if err == nil && resp.StatusCode == http.StatusOK {
			err = json.NewDecoder(resp.Body).Decode(&answer)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		if resp != nil {
			resp.Body.Close()
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer through Apache: %v\nhttpd said:\n%s", err, server.Output())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := answer.Header["X-Forwarded-Port"]; len(got) != 1 || got[0] != "8443" {
		t.Errorf("X-Forwarded-Port through Apache = %q, want 8443", got)
	}

	ps, stderr, code := wsgidock(t, "ps", "--project", project, confPath)
	if code != 0 || !strings.Contains(ps, "blog") || !strings.Contains(ps, "running") {
		t.Errorf("ps: exit %d\n%s%s", code, ps, stderr)
	}
	if _, stderr, code := wsgidock(t, "down", "--project", project, confPath); code != 0 {
		t.Fatalf("down: exit %d\n%s", code, stderr)
	}
	out, err := exec.Command("docker", "ps", "--all", "--quiet", "--filter", "label=io.wsgidock.project="+project).Output()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("containers left after down: %q %v", out, err)
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
