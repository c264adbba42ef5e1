package launch

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/wsgidock/wsgidock/launch/launchtest"
)

// Every signal of the table, sent to a real wsgidock process running a
// real container: a stopping signal leaves nothing behind, an ignored one
// leaves the same container serving and the supervisor supervising.

func TestRealStoppingSignals(t *testing.T) {
	launchtest.Require(t)
	for _, u := range Signals {
		if u.action != sigStop {
			continue
		}
		t.Run(SignalName(u.Signal), func(t *testing.T) {
			t.Parallel()
			svc := echoService(t, "blog")
			sp := realSpec(t, svc)
			c := startChild(t, sp, t.TempDir())
			serving(t, svc.Ready.URL, 60*time.Second)
			if err := c.cmd.Process.Signal(u.Signal); err != nil {
				t.Fatal(err)
			}
			if code := c.wait(t, 30*time.Second); code != 0 {
				t.Fatalf("wsgidock exited with %d after %s\nstderr:\n%s", code, SignalName(u.Signal), c.stderr.String())
			}
			want := SignalName(u.Signal) + ": stopping"
			if stderr := c.stderr.String(); !strings.Contains(stderr, want) || !strings.Contains(stderr, "stopped (exit code 0)") {
				t.Errorf("stderr lacks %q or the stop:\n%s", want, stderr)
			}
			if left := projectContainers(t, sp.Project); len(left) != 0 {
				t.Errorf("containers left after %s: %q", SignalName(u.Signal), left)
			}
		})
	}
}

func TestRealIgnoredSignals(t *testing.T) {
	launchtest.Require(t)
	svc := echoService(t, "blog")
	sp := realSpec(t, svc)
	c := startChild(t, sp, t.TempDir())
	serving(t, svc.Ready.URL, 60*time.Second)
	id := containerID(t, svc.ContainerName)
	for _, u := range Signals {
		if u.action == sigStop {
			continue
		}
		name := SignalName(u.Signal)
		if err := c.cmd.Process.Signal(u.Signal); err != nil {
			t.Fatal(err)
		}
		if u.action == sigIgnore {
			c.until(t, "the note of "+name, func() bool { return strings.Contains(c.stderr.String(), name+" ignored") })
		} else {
			time.Sleep(100 * time.Millisecond)
		}
		select {
		case <-c.done:
			t.Fatalf("wsgidock ended on %s\nstderr:\n%s", name, c.stderr.String())
		default:
		}
		if got := containerID(t, svc.ContainerName); got != id {
			t.Fatalf("after %s the container is %s, was %s", name, got[:12], id[:12])
		}
		if _, err := get(svc.Ready.URL); err != nil {
			t.Fatalf("after %s: %v", name, err)
		}
	}
	stillSupervises(t, c, svc.ContainerName, svc.Ready.URL, id)
	stopChild(t, c, sp.Project)
}

// stillSupervises kills the container and waits for the supervisor to
// serve from a new one.
func stillSupervises(t *testing.T, c *child, container, url, id string) {
	t.Helper()
	if out, err := exec.Command("docker", "kill", container).CombinedOutput(); err != nil {
		t.Fatalf("docker kill: %v: %s", err, out)
	}
	c.until(t, "a new container serving", func() bool {
		_, err := get(url)
		out, _ := exec.Command("docker", "inspect", "--format", "{{.Id}}", container).Output()
		return err == nil && strings.TrimSpace(string(out)) != id
	})
}

// stopChild sends SIGTERM and checks that wsgidock ends well and leaves
// nothing behind.
func stopChild(t *testing.T, c *child, project string) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 30*time.Second); code != 0 {
		t.Errorf("wsgidock exited with %d\nstderr:\n%s", code, c.stderr.String())
	}
	if left := projectContainers(t, project); len(left) != 0 {
		t.Errorf("containers left: %q", left)
	}
}

// openPTY opens a pseudo-terminal pair.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// TestRealTerminalGoesAway runs wsgidock on a terminal of its own, as a
// login shell's job, and closes the terminal: the kernel sends SIGHUP and
// every later write fails with EIO. The supervisor must go on.
func TestRealTerminalGoesAway(t *testing.T) {
	launchtest.Require(t)
	svc := echoService(t, "blog")
	sp := realSpec(t, svc)
	master, slave := openPTY(t)
	c := startChildWith(t, sp, t.TempDir(), func(cmd *exec.Cmd) {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	})
	slave.Close()
	// Read the terminal, as a terminal emulator does, until it goes.
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, err := master.Read(buf); err != nil {
				return
			}
		}
	}()
	serving(t, svc.Ready.URL, 60*time.Second)
	id := containerID(t, svc.ContainerName)
	master.Close()
	time.Sleep(300 * time.Millisecond)
	select {
	case <-c.done:
		t.Fatalf("wsgidock ended when its terminal went away (%v)", c.cmd.ProcessState)
	default:
	}
	if got := containerID(t, svc.ContainerName); got != id {
		t.Fatalf("the container is %s, was %s", got[:12], id[:12])
	}
	// Writing its messages and the service's output to the dead terminal
	// fails; supervising goes on.
	stillSupervises(t, c, svc.ContainerName, svc.Ready.URL, id)
	stopChild(t, c, sp.Project)
}

// TestRealClosedPipe runs wsgidock with its output into a pipe whose
// reader has gone (`wsgidock up | head -1`): writes raise SIGPIPE and fail
// with EPIPE. The supervisor must go on.
func TestRealClosedPipe(t *testing.T) {
	launchtest.Require(t)
	svc := echoService(t, "blog")
	sp := realSpec(t, svc)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c := startChildWith(t, sp, t.TempDir(), func(cmd *exec.Cmd) { cmd.Stdout = w })
	w.Close()
	r.Close()
	serving(t, svc.Ready.URL, 60*time.Second)
	id := containerID(t, svc.ContainerName)
	// The new container's output goes to the closed pipe.
	stillSupervises(t, c, svc.ContainerName, svc.Ready.URL, id)
	select {
	case <-c.done:
		t.Fatalf("wsgidock ended writing to a closed pipe (%v)\nstderr:\n%s", c.cmd.ProcessState, c.stderr.String())
	default:
	}
	stopChild(t, c, sp.Project)
}

// TestREADMESignals checks that the README's table of signals is the
// table Up follows.
func TestREADMESignals(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "| SIG") {
			rows = append(rows, l)
		}
	}
	var want []string
	for _, u := range Signals {
		want = append(want, "| "+SignalName(u.Signal)+" | "+u.Effect+" |")
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("README's table of signals:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}
