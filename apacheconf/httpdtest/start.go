package httpdtest

import (
	"bytes"
	"net"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// FreePort returns a loopback TCP port nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Server is an httpd the test started.
type Server struct {
	cmd *exec.Cmd
	mu  sync.Mutex
	out bytes.Buffer
}

// Write collects httpd's output.
func (s *Server) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.Write(p)
}

// Output is what httpd printed so far.
func (s *Server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// Start runs httpd in the foreground with the configuration file conf
// until the test ends, then stops it (SIGTERM, and SIGKILL to its process
// group if it has not gone after 10 s). The caller waits for it to answer.
func Start(t testing.TB, conf string, args ...string) *Server {
	t.Helper()
	bin := Binary(t)
	s := &Server{}
	s.cmd = exec.Command(bin, append([]string{"-f", conf, "-D", "FOREGROUND"}, args...)...)
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s.cmd.Stdout, s.cmd.Stderr = s, s
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- s.cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	return s
}
