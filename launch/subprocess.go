package launch

import (
	"context"
	"errors"
	"os/exec"
	"syscall"
	"time"
)

// command prepares a helper program: its own process group, so that the
// terminal's Ctrl-C reaches wsgidock alone and wsgidock decides what to
// stop; killed with its whole group when ctx ends; and, where the system
// allows, killed when wsgidock dies (see procAttr).
func command(ctx context.Context, path string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.SysProcAttr = procAttr()
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	// A helper whose output pipe a grandchild keeps open must not hold
	// wsgidock up once it has exited.
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// signalGroup sends sig to every process in the group led by pid. A group
// already gone is not an error.
func signalGroup(pid int, sig syscall.Signal) error {
	err := syscall.Kill(-pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

func killGroup(pid int) error { return signalGroup(pid, syscall.SIGKILL) }
