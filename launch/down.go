package launch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Down stops every service of the spec's project and removes its
// containers. A foreground `wsgidock up` of the project on this machine is
// asked to stop (SIGTERM to it), as Ctrl-C would, and Down waits for it:
// it stops its services by their schedules. Then every container that
// carries the project's label, on every engine the spec uses, is stopped
// by its service's schedule (the default one for services the
// configuration no longer has) and removed; engine-owned containers lose
// their restart policy first, so the engine does not bring them back.
//
// To stop an Up running in the same process, cancel its context instead.
func Down(ctx context.Context, sp *spec.Spec, o Options) error {
	o = o.withDefaults()
	if err := checkProject(sp); err != nil {
		return err
	}
	con := newConsole(o.Stdout, o.Stderr, o.Color, serviceNames(sp))
	if err := stopSupervisor(ctx, sp, o, con); err != nil {
		return err
	}
	lock, holder, err := lockProject(o.LockDir, sp.Project)
	if err != nil {
		return busyError(sp, holder, err)
	}
	defer lock.release()

	var errs Errors
	var todo []leftover
	for _, u := range engines(sp, o) {
		defer closeEngine(u.eng)
		eng := u.eng
		if err := eng.Ping(ctx); err != nil {
			errs = append(errs, unusableEngine(u.first, eng, err))
			continue
		}
		cs, err := eng.List(ctx, spec.LabelProject+"="+sp.Project)
		if err != nil {
			errs = append(errs, &Error{Code: CodeEngineUnreachable, Pos: apacheconf.Position{Filename: sp.ConfigFile}, Err: err,
				Summary: "cannot list the project's containers: " + err.Error(), Detail: "check that the engine works"})
			continue
		}
		for _, c := range cs {
			l := leftover{eng: eng, c: c, schedule: scheduleOr(o.StopSchedule), why: "wsgidock down"}
			for _, s := range sp.Services {
				if s.Name == c.Labels[spec.LabelService] {
					if sched, err := scheduleFor(s, o.StopSchedule); err == nil {
						l.schedule = sched
					}
				}
			}
			todo = append(todo, l)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	helpers, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	errs = removeLeftovers(helpers, &plan{leftovers: todo}, o, con, nil)
	if len(errs) == 0 {
		con.printf("", "project %s: %d container(s) stopped and removed", sp.Project, len(todo))
	}
	return errs.err()
}

// stopSupervisor asks the foreground wsgidock that runs the project, if
// any, to stop, and waits until it has.
func stopSupervisor(ctx context.Context, sp *spec.Spec, o Options, con *console) error {
	pid := lockHolder(o.LockDir, sp.Project)
	if pid == 0 || pid == os.Getpid() {
		return nil
	}
	if pid > 0 {
		con.printf("", "asking wsgidock (pid %d), which runs project %s, to stop", pid, sp.Project)
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
			return &Error{Code: CodeBusy, Err: err, Pos: apacheconf.Position{Filename: sp.ConfigFile},
				Summary: fmt.Sprintf("cannot signal wsgidock (pid %d), which runs project %s: %v", pid, sp.Project, err),
				Detail:  "stop it where it runs (Ctrl-C), or run `wsgidock down` as its user"}
		}
	}
	// Long enough for the slowest schedule plus the wait after SIGKILL.
	limit := scheduleOr(o.StopSchedule).Total()
	for _, s := range sp.Services {
		if sched, err := scheduleFor(s, o.StopSchedule); err == nil && sched.Total() > limit {
			limit = sched.Total()
		}
	}
	limit += killWait + 5*time.Second
	deadline := time.Now().Add(limit)
	for lockHolder(o.LockDir, sp.Project) != 0 {
		if time.Now().After(deadline) {
			return &Error{Code: CodeBusy, Pos: apacheconf.Position{Filename: sp.ConfigFile},
				Summary: fmt.Sprintf("wsgidock (pid %d) still runs project %s %s after being asked to stop", pid, sp.Project, limit),
				Detail:  "see what it is waiting for in its output; stop it there"}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// engineUse is an engine the spec's container services use, with the
// first of them, for positions in errors.
type engineUse struct {
	eng   Engine
	first *spec.Service
}

// engines returns the engine of each program the spec's container services
// use, in the order they first appear.
func engines(sp *spec.Spec, o Options) []engineUse {
	var out []engineUse
	seen := map[string]bool{}
	for _, s := range sp.Services {
		if s.Kind != spec.KindContainer {
			continue
		}
		prog := o.engineProgram(s)
		if seen[prog] {
			continue
		}
		seen[prog] = true
		out = append(out, engineUse{eng: o.newEngine(prog), first: s})
	}
	return out
}

// checkProject checks what Down and PS need of a spec: a project name and
// no empty services.
func checkProject(sp *spec.Spec) error {
	if sp == nil || sp.Project == "" {
		return &Error{Code: CodeInvalidSpec, Summary: "the launch spec has no project name"}
	}
	for i, s := range sp.Services {
		if s == nil {
			return &Error{Code: CodeInvalidSpec, Pos: apacheconf.Position{Filename: sp.ConfigFile},
				Summary: fmt.Sprintf("service %d of the launch spec is empty", i+1)}
		}
	}
	return nil
}
