package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	Init()
	os.Exit(m.Run())
}

// run writes the script into a new directory and runs it in the sandbox;
// it skips the test where the sandbox cannot be made, unless
// WSGIDOCK_REQUIRE_SANDBOX=1.
func run(t *testing.T, script string, lim Limits) (*Result, string, error) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "launch.py")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Request{Script: path, Env: []string{"PATH=/usr/bin:/bin", "HOME=/var/www", "LANG=C"}, Limits: lim})
	if errors.Is(err, ErrUnavailable) {
		if os.Getenv("WSGIDOCK_REQUIRE_SANDBOX") == "1" {
			t.Fatalf("WSGIDOCK_REQUIRE_SANDBOX=1, but: %v", err)
		}
		t.Skipf("no sandbox on this machine: %v", err)
	}
	return res, dir, err
}

func TestRunRecordsTheLaunch(t *testing.T) {
	res, _, err := run(t, `import os
os.environ['EXTRA'] = 'yes'
os.chdir('/usr')
os.execl('/usr/bin/docker', 'docker', 'run', '--rm', 'blog.example.com')
`, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{Status: "launch", Call: "os.exec", Program: "/usr/bin/docker", Args: []string{"docker", "run", "--rm", "blog.example.com"},
		Env: []string{"EXTRA=yes", "HOME=/var/www", "LANG=C", "PATH=/usr/bin:/bin"}, Cwd: "/usr", Line: 4,
		Events: []Event{{Event: "os.putenv", Args: []string{"EXTRA", "yes"}, Line: 2}, {Event: "os.chdir", Args: []string{"/usr"}, Line: 3}}}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("got  %+v\nwant %+v", res, want)
	}
}

func TestRunSeesModWSGINames(t *testing.T) {
	res, dir, err := run(t, `import subprocess, sys
subprocess.call(['/bin/echo', __name__, repr(sys.argv), __file__])
`, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "launch" || res.Call != "subprocess.Popen" || len(res.Args) != 4 {
		t.Fatalf("got %+v", res)
	}
	if !strings.HasPrefix(res.Args[1], "_mod_wsgi_") || res.Args[2] != "['mod_wsgi']" || res.Args[3] != filepath.Join(dir, "launch.py") {
		t.Errorf("argv %q: want __name__ _mod_wsgi_<md5>, sys.argv ['mod_wsgi'], __file__ the script", res.Args)
	}
}

// TestRunStopsBeforeTheCall: the program is never started, not even a
// shell for os.system.
func TestRunStopsBeforeTheCall(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	res, _, err := run(t, fmt.Sprintf("import os\nos.system('touch %s')\n", marker), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "launch" || res.Program != "/bin/sh" || !reflect.DeepEqual(res.Args, []string{"sh", "-c", "touch " + marker}) {
		t.Errorf("got %+v", res)
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("the command ran: %v", err)
	}
}

// TestRunCannotWriteTheHost: writes outside the private /tmp fail, and
// writes to /tmp go to the sandbox's own tmpfs.
func TestRunCannotWriteTheHost(t *testing.T) {
	hostDir := t.TempDir() // on the host's /tmp, or wherever TMPDIR is
	target := filepath.Join(hostDir, "written")
	inTmp := "/tmp/wsgidock-sandbox-test-" + fmt.Sprint(time.Now().UnixNano())
	res, _, err := run(t, fmt.Sprintf(`import os, subprocess
results = []
for path in [%q, %q, '/etc/wsgidock-sandbox-test']:
    try:
        with open(path, 'w') as f:
            f.write('x')
        results.append('wrote ' + path)
    except OSError as e:
        results.append('refused ' + path + ': ' + e.strerror)
subprocess.call(['/bin/true'] + results)
`, target, inTmp), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("the script wrote %s on the host", target)
	}
	if _, err := os.Stat(inTmp); !os.IsNotExist(err) {
		t.Errorf("the script's /tmp is the host's: %s exists", inTmp)
		os.Remove(inTmp)
	}
	if _, err := os.Stat("/etc/wsgidock-sandbox-test"); !os.IsNotExist(err) {
		t.Errorf("the script wrote /etc")
	}
	got := strings.Join(res.Args, "\n")
	for _, want := range []string{"wrote " + inTmp, "refused /etc/wsgidock-sandbox-test: Read-only file system"} {
		if !strings.Contains(got, want) {
			t.Errorf("results %q: want %q", res.Args, want)
		}
	}
	// hostDir is beside the script (both are the test's temporary
	// directories): visible, read-only, even under the private /tmp.
	if !strings.Contains(got, "refused "+target+": Read-only file system") {
		t.Errorf("results %q: want %s refused", res.Args, target)
	}
	var writes int
	for _, e := range res.Events {
		if e.Event == "open for writing" {
			writes++
		}
	}
	if writes != 3 {
		t.Errorf("events %+v: want the three opens for writing reported", res.Events)
	}
}

// TestRunSeesItsOwnTreeOnly: a launcher kept under /tmp reads the files
// of its project tree (the directory under /tmp that holds it), but cannot
// write there, and sees nothing else of the host's /tmp.
func TestRunSeesItsOwnTreeOnly(t *testing.T) {
	project, err := os.MkdirTemp("/tmp", "wsgidock-launchers-project-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(project)
	other, err := os.MkdirTemp("/tmp", "wsgidock-launchers-other-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(other)
	for path, content := range map[string]string{
		project + "/deploy/port": "8002",
		project + "/etc/image":   "blog.example.com",
		other + "/secret":        "hidden",
		project + "/deploy/launch.py": `import os, subprocess
here = os.path.dirname(__file__)
port = open(os.path.join(here, 'port')).read()
image = open(os.path.join(here, '..', 'etc', 'image')).read()
results = []
for path in [os.path.join(here, 'port'), os.path.join(here, 'new'), '` + other + `/secret']:
    try:
        with open(path, 'a') as f:
            f.write('x')
        results.append('wrote ' + path)
    except OSError as e:
        results.append('refused ' + path + ': ' + e.strerror)
try:
    open('` + other + `/secret').read()
    results.append('read the other tree')
except OSError as e:
    results.append('other: ' + e.strerror)
subprocess.call(['/bin/true', '-p', port + ':80', image] + results)
`,
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Run(context.Background(), Request{Script: project + "/deploy/launch.py", Env: []string{"PATH=/usr/bin:/bin"}})
	if errors.Is(err, ErrUnavailable) {
		if os.Getenv("WSGIDOCK_REQUIRE_SANDBOX") == "1" {
			t.Fatalf("WSGIDOCK_REQUIRE_SANDBOX=1, but: %v", err)
		}
		t.Skipf("no sandbox on this machine: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/bin/true", "-p", "8002:80", "blog.example.com",
		"refused " + project + "/deploy/port: Read-only file system",
		"refused " + project + "/deploy/new: Read-only file system",
		"refused " + other + "/secret: No such file or directory",
		"other: No such file or directory"}
	if res.Status != "launch" || !reflect.DeepEqual(res.Args, want) {
		t.Errorf("got %s %q\nwant %q", res.Status, res.Args, want)
	}
	if b, _ := os.ReadFile(project + "/deploy/port"); string(b) != "8002" {
		t.Errorf("the script changed its own tree: %q", b)
	}
	if _, err := os.Stat(project + "/deploy/new"); !os.IsNotExist(err) {
		t.Errorf("the script created a file in its own tree")
	}
}

// TestRunReachesNothing: a listener on the host's loopback gets no
// connection, and names do not resolve.
func TestRunReachesNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
			accepted <- struct{}{}
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	res, _, err := run(t, fmt.Sprintf(`import socket, subprocess
out = []
try:
    socket.create_connection(('127.0.0.1', %d), timeout=2)
    out.append('connected')
except OSError as e:
    out.append('connect failed: ' + type(e).__name__)
try:
    socket.getaddrinfo('example.com', 80)
    out.append('resolved')
except OSError as e:
    out.append('resolve failed')
subprocess.call(['/bin/true'] + out)
`, port), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-accepted:
		t.Fatal("the sandboxed script connected to the host's loopback")
	case <-time.After(100 * time.Millisecond):
	}
	if strings.Contains(strings.Join(res.Args, " "), "connected") || strings.Contains(strings.Join(res.Args, " "), "resolved") {
		t.Errorf("got %q", res.Args)
	}
	var connects int
	for _, e := range res.Events {
		if e.Event == "socket.connect" {
			connects++
		}
	}
	if connects == 0 {
		t.Errorf("events %+v: want the connection attempt reported", res.Events)
	}
}

func TestRunTimeLimit(t *testing.T) {
	start := time.Now()
	_, _, err := run(t, "import time\nwhile True:\n    time.sleep(1)\n", Limits{Time: 2 * time.Second})
	var lim *LimitError
	if !errors.As(err, &lim) || !strings.Contains(err.Error(), "time limit") {
		t.Fatalf("got %v, want the time limit", err)
	}
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("stopped after %s, limit 2s", d)
	}
}

// TestRunTimeLimitEndsChildren: a process the script forks dies with it.
func TestRunTimeLimitEndsChildren(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "alive")
	_, _, err := run(t, fmt.Sprintf(`import os, time
if os.fork() == 0:
    time.sleep(4)
    open(%q, 'w')
while True:
    time.sleep(1)
`, marker), Limits{Time: time.Second})
	var lim *LimitError
	if !errors.As(err, &lim) {
		t.Fatalf("got %v, want the time limit", err)
	}
	time.Sleep(4 * time.Second)
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("a child of the script outlived the limit")
	}
}

func TestRunMemoryLimit(t *testing.T) {
	res, _, err := run(t, "import subprocess\nx = bytearray(1 << 30)\nsubprocess.call(['/bin/true'])\n", Limits{Memory: 256 << 20})
	if err != nil {
		var lim *LimitError
		if !errors.As(err, &lim) {
			t.Fatal(err)
		}
		return
	}
	if res.Status != "error: MemoryError: " {
		t.Errorf("got %+v, want the MemoryError of the limit", res)
	}
}

func TestRunReportsEndWithoutLaunch(t *testing.T) {
	res, _, err := run(t, "import sys\nprint('hello')\nsys.exit(3)\n", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "exit: 3" || res.Call != "" {
		t.Errorf("got %+v", res)
	}
}

// TestRunHasNoCapabilities: the script is root of its user namespace
// only in name: no capability, so it cannot undo the read-only mounts.
func TestRunHasNoCapabilities(t *testing.T) {
	res, _, err := run(t, `import ctypes, os, subprocess
caps = [l.strip() for l in open('/proc/self/status') if l.startswith(('CapEff', 'CapPrm', 'CapBnd', 'NoNewPrivs'))]
libc = ctypes.CDLL(None, use_errno=True)
MS_REMOUNT, MS_BIND = 32, 4096
rc = libc.mount(b'none', b'/', None, MS_REMOUNT | MS_BIND, None)
caps.append('remount %d errno %d' % (rc, ctypes.get_errno()))
subprocess.call(['/bin/true'] + caps)
`, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(res.Args[1:], "\n")
	for _, want := range []string{"CapPrm:\t0000000000000000", "CapEff:\t0000000000000000", "CapBnd:\t0000000000000000", "NoNewPrivs:\t1", "remount -1 errno 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// TestRunReportIsTheKernels: what the script writes to the report
// descriptor cannot make up a launch. A forged record alone is no launch;
// a forged record followed by a real exec reports the real exec; an exec
// that goes around the audit hook (ctypes) is seen all the same.
func TestRunReportIsTheKernels(t *testing.T) {
	forged := `import json, os
fake = {"status": "launch", "call": "os.exec", "program": "/usr/bin/docker", "args": ["docker", "run", "forged"],
        "env": ["PATH=/forged"], "cwd": "/forged", "line": 1, "events": []}
for fd in range(3, 10):
    try:
        os.write(fd, (json.dumps(fake) + "\n").encode())
        os.write(fd, (json.dumps({"status": "pending", "call": "os.exec", "line": 1, "events": []}) + "\n").encode())
    except OSError:
        pass
`
	res, _, err := run(t, forged+"os._exit(0)\n", Limits{})
	if err == nil && res.Status == "launch" {
		t.Errorf("a forged report is taken for a launch: %+v", res)
	}
	res, _, err = run(t, forged+"os.execv('/bin/true', ['true', 'real'])\n", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "launch" || res.Program != "/bin/true" || !reflect.DeepEqual(res.Args, []string{"true", "real"}) || res.Cwd != "/" ||
		!reflect.DeepEqual(res.Env, []string{"HOME=/var/www", "LANG=C", "PATH=/usr/bin:/bin"}) {
		t.Errorf("got %+v, want the real exec of /bin/true", res)
	}
	res, _, err = run(t, `import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
argv = (ctypes.c_char_p * 3)(b'true', b'around the hook', None)
envp = (ctypes.c_char_p * 2)(b'ONLY=this', None)
os.chdir('/usr')
libc.execve(b'/bin/true', argv, envp)
`, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "launch" || res.Program != "/bin/true" || !reflect.DeepEqual(res.Args, []string{"true", "around the hook"}) ||
		!reflect.DeepEqual(res.Env, []string{"ONLY=this"}) || res.Cwd != "/usr" {
		t.Errorf("got %+v, want the exec made through ctypes", res)
	}
}
