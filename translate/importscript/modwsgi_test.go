package importscript

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	apacheBinary = "/usr/sbin/apache2"
	apacheMods   = "/usr/lib/apache2/modules"
)

// probeScript records how mod_wsgi runs an import script. Its guarded
// block runs before the record is written, so a record without
// main-ran means the block was skipped.
const probeScript = `import json, os, sys
here = os.path.dirname(__file__)
if __name__ == '__main__':
    open(os.path.join(here, 'main-ran'), 'w').close()
with open(os.path.join(here, 'probe.tmp'), 'w') as f:
    json.dump({'name': __name__, 'argv': sys.argv, 'file': __file__}, f)
os.rename(os.path.join(here, 'probe.tmp'), os.path.join(here, 'probe.json'))
`

// TestModWSGIImportsScriptAsModule runs a real Apache with mod_wsgi and a
// WSGIImportScript in a threads=0 daemon group, the seed's setup, to check
// the facts the reader relies on: the script's __name__ is not
// '__main__' (so the main guard never runs) but _mod_wsgi_ and the MD5 of
// the path, sys.argv is ['mod_wsgi'], and __file__ is the script's path.
func TestModWSGIImportsScriptAsModule(t *testing.T) {
	requireApache := os.Getenv("WSGIDOCK_REQUIRE_APACHE") == "1"
	for _, need := range []string{apacheBinary, filepath.Join(apacheMods, "mod_wsgi.so"), filepath.Join(apacheMods, "mod_mpm_event.so")} {
		if _, err := os.Stat(need); err != nil {
			if requireApache {
				t.Fatalf("WSGIDOCK_REQUIRE_APACHE=1 but %s is missing", need)
			}
			t.Skipf("%s is missing; install apache2 and libapache2-mod-wsgi-py3 to run this test", need)
		}
	}
	dir, err := os.MkdirTemp("", "wsgidock-modwsgi-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// The daemon process runs as Apache's User and writes its record here.
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "probe.py")
	if err := os.WriteFile(script, []byte(probeScript), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(conf, []byte(apacheConfig(t, dir, script)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(apacheBinary, "-f", conf, "-DFOREGROUND")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { stopApache(t, cmd, done) })

	var probe struct {
		Name string   `json:"name"`
		Argv []string `json:"argv"`
		File string   `json:"file"`
	}
	record := filepath.Join(dir, "probe.json")
	for i := 0; ; i++ {
		data, err := os.ReadFile(record)
		if err == nil {
			if err := json.Unmarshal(data, &probe); err != nil {
				t.Fatalf("probe record: %v", err)
			}
			break
		}
		select {
		case err := <-done:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("apache2 exited (%v) before the import script ran:\n%s", err, log)
		default:
		}
		if i == 150 {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("the import script did not run within 15 s:\n%s", log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.HasPrefix(probe.Name, "_mod_wsgi_") {
		t.Errorf("__name__ under mod_wsgi is %q, want _mod_wsgi_<hash>", probe.Name)
	}
	if probe.File != script {
		t.Errorf("__file__ under mod_wsgi is %q, want the script's path %q, as the evaluator gives it", probe.File, script)
	}
	if want := moduleName(script); probe.Name != want {
		t.Errorf("__name__ under mod_wsgi is %q, want %q", probe.Name, want)
	}
	if strings.Join(probe.Argv, " ") != "mod_wsgi" {
		t.Errorf("sys.argv under mod_wsgi is %q, want ['mod_wsgi']", probe.Argv)
	}
	if _, err := os.Stat(filepath.Join(dir, "main-ran")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the `if __name__ == '__main__':` block ran under mod_wsgi")
	}
	_, diags := Parse("probe.py", []byte(probeScript), nil)
	found := false
	for _, d := range diags {
		found = found || d.Code == CodeMainGuard
	}
	if !found {
		t.Errorf("Parse does not warn about the main guard: %v", diags)
	}
}

// apacheConfig is a minimal httpd.conf with the seed's daemon group.
func apacheConfig(t *testing.T, dir, script string) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "ServerRoot %s\nServerName 127.0.0.1\nListen 127.0.0.1:%d\n", dir, port)
	for _, m := range []string{"mpm_event", "authz_core", "wsgi"} {
		fmt.Fprintf(&b, "LoadModule %s_module %s/mod_%s.so\n", m, apacheMods, m)
	}
	if os.Geteuid() == 0 {
		// As root, Apache runs its children as User; nobody can write
		// into dir, which is world-writable.
		group := "nogroup"
		if _, err := user.LookupGroup(group); err != nil {
			group = "nobody"
		}
		fmt.Fprintf(&b, "User nobody\nGroup %s\n", group)
	}
	fmt.Fprintf(&b, "PidFile %[1]s/httpd.pid\nErrorLog %[1]s/error.log\nLogLevel info\nWSGISocketPrefix %[1]s/wsgi\n", dir)
	fmt.Fprintf(&b, "WSGIDaemonProcess probe threads=0\nWSGIImportScript %s process-group=probe application-group=%%{GLOBAL}\n", script)
	return b.String()
}

// stopApache stops the Apache this test started, by its pid.
func stopApache(t *testing.T, cmd *exec.Cmd, done chan error) {
	if cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Errorf("apache2 did not stop within 10 s of SIGTERM; killing it")
		_ = cmd.Process.Kill()
		<-done
	}
}
