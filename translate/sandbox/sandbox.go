// Package sandbox runs a launcher script the way mod_wsgi would, inside a
// sandbox that cannot touch the host, and reports the first program it
// would start: what `--evaluate-launchers` does for a script the static
// reader (package importscript) cannot follow.
//
// The script runs under python3 as mod_wsgi runs a WSGIImportScript: as a
// module named _mod_wsgi_<md5 of its path>, sys.argv ['mod_wsgi'], with
// the environment httpd gives it, in the daemon's working directory.
// The first program it starts is learnt from the kernel, never from the
// script: a seccomp filter turns each execve of the sandbox into a user
// notification that wsgidock answers (seccomp_linux.go). It reads the
// program, argv and environment from the caller's memory and its working
// directory from /proc, lets a PATH search go on past files that cannot
// run, and kills the sandbox before a real exec happens. A Python audit
// hook (PEP 578, runner.py) only adds which call it was and at which line,
// and what the script did before (files opened for writing, sockets,
// directory changes); a script that writes its own report can change those
// notes, not the launch.
//
// The sandbox is made by wsgidock itself, without a helper program: the
// binary re-executes itself (Init, called first thing in main) in new
// user, mount, network, PID, IPC and UTS namespaces. As root of the new
// user namespace it turns the whole mount tree read-only and nosuid
// (mount_setattr with AT_RECURSIVE), mounts private tmpfs on /tmp,
// /var/tmp and /dev/shm (with the launcher's own tree put back, read-only,
// at its path when it lives there: visibleTrees) and a proc of its own
// PID namespace, drops every capability from the bounding set, sets
// no_new_privs and resource limits (CPU time, file size, open files),
// installs the exec filter and execs python3, whose first act is to limit
// its address space.
// The network namespace has only a loopback interface, which is down:
// nothing is reachable. The parent kills the namespace's init on the
// time limit, which ends every process in it.
//
// Doing it in Go rather than with bubblewrap keeps the sandbox the same
// wherever the wsgidock binary runs (no package to install, no setuid
// helper), and it needs only what bubblewrap needs from the kernel:
// unprivileged user namespaces, Linux 5.12 for mount_setattr, and
// seccomp user notification. Where those are missing, Evaluate says why
// and runs nothing.
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
	"sort"
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
	// ReadOnly are more paths the script may read (its project tree),
	// besides the script's own tree and Dir, which are always readable.
	ReadOnly []string
	Limits
}

// privateDirs are the directories the sandbox replaces with private
// tmpfs mounts: what the host keeps there is hidden, except visibleTrees.
var privateDirs = []string{"/tmp", "/var/tmp", "/dev/shm"}

// visibleTrees are the trees the sandbox keeps visible (read-only, at
// the same path) inside its private directories: for each path of the
// script's directory, the daemon's directory and the extra ones, the
// directory right under /tmp (or /var/tmp, /dev/shm) that holds it, so
// that a launcher under /tmp/project/deploy reads /tmp/project/...; the
// rest of /tmp stays hidden. Paths elsewhere are visible anyway.
func visibleTrees(paths ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		if p == "" || !filepath.IsAbs(p) {
			continue
		}
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		for _, private := range privateDirs {
			rest, ok := strings.CutPrefix(filepath.Clean(p), private+"/")
			if !ok || rest == "" {
				continue
			}
			top := filepath.Join(private, strings.SplitN(rest, "/", 2)[0])
			if fi, err := os.Stat(top); err == nil && fi.IsDir() && !seen[top] {
				seen[top] = true
				out = append(out, top)
			}
		}
	}
	return out
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
	// Visible are the trees under privateDirs kept visible, read-only.
	Visible []string `json:"visible"`
	Memory  uint64   `json:"memory"`
	CPU     uint64   `json:"cpu"` // seconds
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
	visible := visibleTrees(append([]string{filepath.Dir(req.Script), req.Dir}, req.ReadOnly...)...)
	cfg, err := json.Marshal(initConfig{Python: py, Script: req.Script, Env: req.Env, Dir: dir, Visible: visible,
		Memory: lim.Memory, CPU: uint64((lim.Time + time.Second - 1) / time.Second)})
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	pair, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_SEQPACKET|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		w.Close()
		return nil, err
	}
	sup := &supervisor{sock: os.NewFile(uintptr(pair[0]), "seccomp-listener")}
	initSock := os.NewFile(uintptr(pair[1]), "seccomp-listener-init")
	ctx, cancel := context.WithTimeout(ctx, lim.Time)
	defer cancel()
	cmd := exec.CommandContext(ctx, self)
	cmd.Args = []string{"wsgidock-sandbox"}
	cmd.Env = []string{initEnv + "=" + string(cfg)}
	cmd.ExtraFiles = []*os.File{w, initSock}
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
		initSock.Close()
		sup.sock.Close()
		return nil, fmt.Errorf("%w: creating the user, mount, network and PID namespaces failed: %v "+
			"(unprivileged user namespaces may be disabled: sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, "+
			"or an AppArmor policy such as kernel.apparmor_restrict_unprivileged_userns)", ErrUnavailable, err)
	}
	w.Close()
	initSock.Close()
	sup.kill = func() { cmd.Process.Kill() }
	stop := make(chan struct{})
	supDone := make(chan struct{})
	go func() {
		sup.run(stop)
		close(supDone)
	}()
	var out bytes.Buffer
	readDone := make(chan error, 1)
	go func() {
		_, err := out.ReadFrom(io.LimitReader(r, 8<<20))
		io.Copy(io.Discard, r)
		readDone <- err
	}()
	waitErr := cmd.Wait()
	<-readDone
	close(stop)
	select {
	case <-supDone:
	case <-time.After(afterKill):
	}
	pending, final := records(out.Bytes())
	if sup.launch != nil {
		return sup.result(pending), nil
	}
	var first *Result
	if len(pending) > 0 {
		first = pending[0]
	}
	if ctx.Err() == context.DeadlineExceeded {
		return nil, &LimitError{What: fmt.Sprintf("the time limit (%s)", lim.Time), Partial: final}
	}
	if final != nil && sup.tried != nil {
		// The exec that failed was the first one: that of the first call.
		final.Tried = tried(sup.tried, first)
	}
	if final == nil || sup.failure != nil {
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
		if sup.failure != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, sup.failure)
		}
		return nil, fmt.Errorf("python3 ended without a report (%v): %s", waitErr, lastLines(msg, 5))
	}
	return final, nil
}

// records reads what the runner wrote on the report pipe: one JSON object
// a line, "pending" before each call that would start a program, and the
// way the script ended last. Code in the script can write there too, so
// only the call's name, its line and the events come from these, never
// a launch: a record that claims one is ignored.
func records(b []byte) (pending []*Result, final *Result) {
	for _, line := range bytes.Split(b, []byte("\n")) {
		var r Result
		if json.Unmarshal(line, &r) != nil || r.Status == "" || r.Status == "launch" {
			continue
		}
		if r.Status == "pending" {
			pending = append(pending, &r)
			continue
		}
		final = &r
	}
	return pending, final
}

// result is the launch the kernel reported, with the name of the call,
// its line and the events before it from the runner's last pending record.
func (s *supervisor) result(pending []*Result) *Result {
	res := &Result{Status: "launch", Call: "execve"}
	if n := len(pending); n > 0 {
		last := pending[n-1]
		res.Call, res.Line, res.Events = last.Call, last.Line, last.Events
	}
	fill(res, s.launch)
	return res
}

func tried(seen *execSeen, pending *Result) *Result {
	res := &Result{Status: "launch", Call: "execve"}
	if pending != nil {
		res.Call, res.Line = pending.Call, pending.Line
	}
	fill(res, seen)
	return res
}

func fill(res *Result, seen *execSeen) {
	res.Program, res.Args, res.Cwd = seen.Program, seen.Args, seen.Cwd
	res.Env = append([]string{}, seen.Env...)
	sort.Strings(res.Env)
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
