// Package sandbox runs a launcher script the way mod_wsgi would, inside a
// sandbox that cannot touch the host, and reports the first program it
// would start: what `--evaluate-launchers` does for a script the static
// reader (package importscript) cannot follow.
//
// The script runs under python3 as mod_wsgi runs a WSGIImportScript: as a
// module named _mod_wsgi_<md5 of its path>, sys.argv ['mod_wsgi'], with
// the environment httpd gives it, in the daemon's working directory. A
// Python audit hook (PEP 578, runner.py) records the first os.exec*,
// os.posix_spawn, subprocess.Popen or os.system (program, argv,
// environment, working directory) and ends the process before that call
// runs; what the script did before (files opened for writing, sockets,
// directory changes) is reported with it.
//
// The sandbox is made by wsgidock itself, without a helper program: the
// binary re-executes itself (Init, called first thing in main) in new
// user, mount, network, PID, IPC and UTS namespaces. As root of the new
// user namespace it turns the whole mount tree read-only and nosuid
// (mount_setattr with AT_RECURSIVE), mounts private tmpfs on /tmp,
// /var/tmp and /dev/shm and a proc of its own PID namespace, drops every
// capability from the bounding set, sets no_new_privs and resource limits
// (CPU time, file size, open files), and execs python3, whose first act
// is to limit its address space.
// The network namespace has only a loopback interface, which is down:
// nothing is reachable. The parent kills the namespace's init on the
// time limit, which ends every process in it.
//
// Doing it in Go rather than with bubblewrap keeps the sandbox the same
// wherever the wsgidock binary runs (no package to install, no setuid
// helper), and it needs only what bubblewrap needs from the kernel:
// unprivileged user namespaces (and Linux 5.12 for mount_setattr). Where
// those are missing, Evaluate says why and runs nothing.
package sandbox

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

//go:embed runner.py
var runner string

// Limits bound what a script may use.
type Limits struct {
	// Time is the wall-clock limit (default 10 s).
	Time time.Duration
	// Memory is the address-space limit in bytes (default 512 MiB).
	Memory uint64
}

func (l Limits) withDefaults() Limits {
	if l.Time <= 0 {
		l.Time = 10 * time.Second
	}
	if l.Memory == 0 {
		l.Memory = 512 << 20
	}
	return l
}

// Request is one script to run.
type Request struct {
	// Script is the launcher's absolute path, as WSGIImportScript names
	// it; it must be readable on this machine.
	Script string
	// Env is the environment httpd gives the daemon process, NAME=VALUE.
	Env []string
	// Dir is the daemon's working directory (WSGIDaemonProcess home=);
	// empty means /.
	Dir string
	Limits
}

// Event is something the script did before it launched.
type Event struct {
	Event string   `json:"event"` // "open for writing", "socket.connect", "os.chdir", ...
	Args  []string `json:"args"`
	Line  int      `json:"line"` // in the script; 0 when elsewhere
}

// Result is what the run found.
type Result struct {
	// Status is "launch" when the script started a program, else how it
	// ended: "end", "exit: CODE", "error: TYPE: MESSAGE".
	Status string `json:"status"`
	// Call is the audit event of the launch: os.exec, os.posix_spawn,
	// subprocess.Popen or os.system.
	Call    string   `json:"call"`
	Program string   `json:"program"`
	Args    []string `json:"args"`
	Env     []string `json:"env"`
	Cwd     string   `json:"cwd"`
	Line    int      `json:"line"`
	Events  []Event  `json:"events"`
	// Tried is, when the script ended without a launch, the first
	// os.exec* it made of a file that does not exist or cannot run here:
	// os.execvp found its program nowhere on PATH.
	Tried *Result `json:"tried,omitempty"`
}

// ErrUnavailable wraps the reason the sandbox cannot be made here.
var ErrUnavailable = errors.New("the sandbox cannot be made on this machine")

// initEnv marks the re-executed binary as the sandbox's init; its value
// is the JSON of initConfig.
const initEnv = "WSGIDOCK_SANDBOX_INIT"

// initConfig is what the parent tells the init inside the namespaces.
type initConfig struct {
	Python string   `json:"python"`
	Script string   `json:"script"`
	Env    []string `json:"env"`
	Dir    string   `json:"dir"`
	Memory uint64   `json:"memory"`
	CPU    uint64   `json:"cpu"` // seconds
}

// reportFD is the descriptor the runner writes its JSON to: the first of
// ExtraFiles.
const reportFD = 3

var (
	pythonOnce sync.Once
	pythonPath string
	pythonErr  error
)

// python finds the real interpreter behind python3 (which may be a
// wrapper that needs an environment the script's lacks).
func python() (string, error) {
	pythonOnce.Do(func() {
		p, err := exec.LookPath("python3")
		if err != nil {
			pythonErr = fmt.Errorf("%w: python3 is not installed (apt-get install python3)", ErrUnavailable)
			return
		}
		out, err := exec.Command(p, "-c", "import sys; print(sys.executable)").Output()
		if err != nil {
			pythonErr = fmt.Errorf("%w: python3 does not start: %v", ErrUnavailable, err)
			return
		}
		pythonPath = strings.TrimSpace(string(out))
		if !filepath.IsAbs(pythonPath) {
			pythonErr = fmt.Errorf("%w: python3 does not know its own path", ErrUnavailable)
		}
	})
	return pythonPath, pythonErr
}

// Run runs the script in the sandbox and returns what it did. An error
// wrapping ErrUnavailable means nothing ran.
func Run(ctx context.Context, req Request) (*Result, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("%w: it needs Linux namespaces", ErrUnavailable)
	}
	py, err := python()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("%w: cannot find wsgidock's own binary to re-execute: %v", ErrUnavailable, err)
	}
	src, err := os.ReadFile(req.Script)
	if err != nil {
		return nil, err
	}
	lim := req.Limits.withDefaults()
	dir := req.Dir
	if dir == "" {
		dir = "/"
	}
	cfg, err := json.Marshal(initConfig{Python: py, Script: req.Script, Env: req.Env, Dir: dir,
		Memory: lim.Memory, CPU: uint64((lim.Time + time.Second - 1) / time.Second)})
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(ctx, lim.Time)
	defer cancel()
	cmd := exec.CommandContext(ctx, self)
	cmd.Args = []string{"wsgidock-sandbox"}
	cmd.Env = []string{initEnv + "=" + string(cfg)}
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stdin = bytes.NewReader(src)
	var stderr bytes.Buffer
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 64 << 10}
	cmd.Stdout = cmd.Stderr
	cmd.SysProcAttr = sysProcAttr()
	// Pdeathsig is sent when the thread that started the child ends, not
	// the process: keep this goroutine on that thread until the child has
	// been waited for, or the runtime may retire the thread and kill it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("%w: creating the user, mount, network and PID namespaces failed: %v "+
			"(unprivileged user namespaces may be disabled: sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, "+
			"or an AppArmor policy such as kernel.apparmor_restrict_unprivileged_userns)", ErrUnavailable, err)
	}
	w.Close()
	var out bytes.Buffer
	readDone := make(chan error, 1)
	go func() {
		_, err := out.ReadFrom(io.LimitReader(r, 8<<20))
		io.Copy(io.Discard, r)
		readDone <- err
	}()
	waitErr := cmd.Wait()
	<-readDone
	if ctx.Err() == context.DeadlineExceeded {
		return nil, &LimitError{What: fmt.Sprintf("the time limit (%s)", lim.Time), Partial: partial(out.Bytes())}
	}
	var res Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Status == "" {
		msg := strings.TrimSpace(stderr.String())
		if status, ok := strings.CutPrefix(msg, "sandbox: "); ok {
			return nil, fmt.Errorf("%w: %s", ErrUnavailable, status)
		}
		var exit *exec.ExitError
		if errors.As(waitErr, &exit) {
			if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				return nil, &LimitError{What: fmt.Sprintf("a limit (%s; memory %d MiB, CPU %s)", ws.Signal(), lim.Memory>>20, lim.Time), Output: lastLines(msg, 5)}
			}
		}
		return nil, fmt.Errorf("python3 ended without a report (%v): %s", waitErr, lastLines(msg, 5))
	}
	return &res, nil
}

// LimitError is a run stopped by the time or memory limit.
type LimitError struct {
	What    string
	Output  string  // the end of what the script printed
	Partial *Result // what it did before, when known
}

func (e *LimitError) Error() string {
	s := "the script was stopped by " + e.What + " before it started a program"
	if e.Output != "" {
		s += ": " + e.Output
	}
	return s
}

func partial(b []byte) *Result {
	var r Result
	if json.Unmarshal(b, &r) != nil {
		return nil
	}
	return &r
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// limitedBuffer keeps at most max bytes of what is written.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// Check makes the sandbox once and runs an empty script in it: nil when
// Run can work on this machine, else an error wrapping ErrUnavailable
// that says why.
func Check(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "wsgidock-sandbox-check")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "check.py")
	if err := os.WriteFile(script, []byte("pass\n"), 0o644); err != nil {
		return err
	}
	res, err := Run(ctx, Request{Script: script, Limits: Limits{Time: 10 * time.Second}})
	if err != nil {
		return err
	}
	if res.Status != "end" {
		return fmt.Errorf("%w: an empty script ended with %q", ErrUnavailable, res.Status)
	}
	return nil
}
