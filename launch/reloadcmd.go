package launch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Reload applies a changed configuration to a running project. A
// foreground `wsgidock up` of the project on this machine is asked to
// reload (SIGHUP to the PID in the project lock): it reads the
// configuration again itself and says what it did in its output. A
// detached project (no wsgidock holds the lock) gets the change from
// Reload itself, as `up --detach` gives it: the containers whose run
// command did not change are kept, the changed ones replaced (stopped,
// then started), those of services no longer in the configuration
// stopped and removed. A project with no container at all is not
// started: that is `up`.
//
// sp must already have been read and planned: a configuration that does
// not read or plan is rejected before anything is asked of anyone.
func Reload(ctx context.Context, sp *spec.Spec, o Options) error {
	o = o.withDefaults()
	if err := checkProject(sp); err != nil {
		return err
	}
	con := newConsole(o.Stdout, o.Stderr, o.Color, serviceNames(sp))
	switch pid := lockHolder(o.LockDir, sp.Project); {
	case pid > 0 && pid != os.Getpid():
		if err := syscall.Kill(pid, syscall.SIGHUP); err != nil && !errors.Is(err, syscall.ESRCH) {
			return &Error{Code: CodeBusy, Err: err, Pos: apacheconf.Position{Filename: sp.ConfigFile},
				Summary: fmt.Sprintf("cannot signal wsgidock (pid %d), which runs project %s: %v", pid, sp.Project, err),
				Detail:  "run `wsgidock reload` as its user, or send it SIGHUP"}
		}
		con.printf("", "asked wsgidock (pid %d), which runs project %s in the foreground, to reload; it says what it did in its output", pid, sp.Project)
		return nil
	case pid != 0:
		return busyError(sp, pid, errLocked)
	}
	statuses, err := PS(ctx, sp, o)
	if err != nil {
		return err
	}
	running := false
	for _, s := range statuses {
		running = running || (s.State != "missing" && s.State != "stopped")
	}
	if !running {
		return &Error{Code: CodeNotRunning, Pos: apacheconf.Position{Filename: sp.ConfigFile},
			Summary: fmt.Sprintf("project %s is not running: nothing to reload", sp.Project),
			Detail:  "start it with `wsgidock up`"}
	}
	o.Detach = true
	return Up(ctx, sp, o)
}
