package launch

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// processService runs the test binary as a helper program.
func processService(t *testing.T, name, mode string) *spec.Service {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s := service(name)
	s.Kind, s.ContainerName, s.Image, s.Engine = spec.KindProcess, "", "", ""
	s.Process = &spec.Process{Program: self, Args: []string{"(" + name + ")"}, Env: []string{envHelper + "=" + mode}, Dir: t.TempDir()}
	return s
}

func TestProcessCrashLoop(t *testing.T) {
	f := newFixture(t)
	f.up(testSpec(processService(t, "worker", "crash")))
	exits := func() int { return strings.Count(f.stderr.String(), "exited with code 3") }
	for i := 1; i <= 3; i++ {
		f.until(fmt.Sprintf("exit %d", i), func() bool { return exits() == i })
		if d := f.clock.next(t); d != time.Duration(1<<(i-1))*100*time.Millisecond {
			t.Errorf("restart %d after %v", i, d)
		}
	}
	f.until("the fourth run", func() bool { return strings.Count(f.stdout.String(), "worker | helper crashing\n") == 4 })
	f.sigs <- syscall.SIGTERM
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.stderr.String(), "worker: keeps failing: 3 exits in a row within 10s of starting; its last output:\n    | helper crashing") {
		t.Errorf("stderr:\n%s", f.stderr.String())
	}
}

// alive reports whether pid is a process that has not ended (a zombie has).
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

func TestProcessGroupIsStoppedBySchedule(t *testing.T) {
	f := newFixture(t)
	f.up(testSpec(processService(t, "worker", "group")))
	var grandchild int
	f.until("the grandchild's PID", func() bool {
		for _, l := range strings.Split(f.stdout.String(), "\n") {
			if rest, ok := strings.CutPrefix(l, "worker | grandchild "); ok {
				grandchild, _ = strconv.Atoi(rest)
			}
		}
		return grandchild > 0
	})
	t.Cleanup(func() { _ = syscall.Kill(grandchild, syscall.SIGKILL) })
	f.sigs <- syscall.SIGTERM
	// Both ignore SIGINT: the schedule goes on to SIGKILL at 3 s.
	for range 3 {
		f.clock.next(t)
	}
	if err := f.result(); err != nil {
		t.Fatal(err)
	}
	stderr := f.stderr.String()
	for _, s := range []string{"stopping pid", "still running after 1s: SIGINT", "still running after 2s: SIGINT", "still running after 3s: SIGKILL", "stopped (exit code 137) after 3s"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(grandchild) {
		if time.Now().After(deadline) {
			t.Fatalf("the grandchild %d outlived the stop", grandchild)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestProcessNotFoundIsNotRetried(t *testing.T) {
	f := newFixture(t)
	svc := processService(t, "worker", "crash")
	svc.Process.Program = "wsgidock-no-such-program"
	es := upErrors(t, f, testSpec(svc))
	if len(es) != 1 || es[0].Code != CodeNotRunnable || !strings.Contains(es[0].Summary, "wsgidock-no-such-program is not found in PATH") {
		t.Fatalf("errors %v", es)
	}
}
