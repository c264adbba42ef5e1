package launch

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// upDetached starts the containers with the engine owning restarts, waits
// for readiness, prints the status table and returns.
//
// A running container of a changed service is replaced as a foreground
// reload replaces it: where the engine renames containers and the two
// publish no host port in common, it is moved out of the name's way, the
// new one started and waited for, and only then the old one stopped;
// otherwise it is stopped first. Each replacement says which.
func upDetached(helpers context.Context, sp *spec.Spec, o Options, p *plan, con *console, st *stopper) error {
	con.startLive(serviceNames(sp))
	defer con.stopLive()
	first := map[*planned]Container{}
	for _, ps := range p.services {
		if c, ok := startFirst(ps); ok {
			first[ps] = c
			ps.replace = without(ps.replace, c)
		}
	}
	if errs := removeLeftovers(helpers, p, o, con, st.killCh); len(errs) > 0 {
		return errs
	}
	// Readiness and post-start commands share one deadline.
	waitCtx, cancel := context.WithTimeout(helpers, o.Timeout)
	defer cancel()
	go func() {
		select {
		case <-st.stopCh:
			cancel()
		case <-waitCtx.Done():
		}
	}()

	var (
		mu       sync.Mutex
		errs     Errors
		notReady Errors
		wg       sync.WaitGroup
	)
	for _, ps := range p.services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var e, late *Error
			tr := newRestartTrace(p.began, "up began")
			tr.mark(traceChecked)
			if c, ok := first[ps]; ok {
				e, late = replaceDetached(helpers, waitCtx, sp, o, ps, c, con, st.killCh, tr)
			} else {
				e, late = startDetached(helpers, waitCtx, sp, o, ps, con, tr)
			}
			if tr != nil {
				con.printf(ps.svc.Name, "%s", tr)
			}
			mu.Lock()
			defer mu.Unlock()
			if e != nil {
				errs = append(errs, e)
			}
			if late != nil {
				notReady = append(notReady, late)
			}
		}()
	}
	wg.Wait()
	con.stopLive()
	if st.requested() {
		con.printf("", "interrupted: the containers started keep running under the engine; `wsgidock down` stops them")
		return ErrInterrupted
	}
	if o.Wait {
		errs = append(errs, notReady...)
	} else {
		for _, e := range notReady {
			con.printf(e.Service, "%s", e.Summary)
		}
	}
	statuses, err := PS(helpers, sp, o)
	if err != nil {
		errs = append(errs, &Error{Code: CodeEngineUnreachable, Summary: "cannot read the services' state: " + err.Error(), Err: err})
	} else if err := WriteStatus(o.Stdout, statuses); err != nil {
		return err
	}
	return errs.err()
}

// startFirst returns the running container of ps that its new run can
// replace without a gap: under the service's name, on an engine that
// renames, publishing no host port the new run publishes.
func startFirst(ps *planned) (Container, bool) {
	if _, ok := ps.eng.(preparer); !ok || ps.adopt != nil {
		return Container{}, false
	}
	for _, c := range ps.replace {
		if c.Running && c.Name == ps.svc.ContainerName && len(sharedHostPorts(c.Ports, ps.svc)) == 0 {
			return c, true
		}
	}
	return Container{}, false
}

// sharedHostPorts lists the host ports of ports that s publishes too.
func sharedHostPorts(ports []PublishedPort, s *spec.Service) []string {
	taken := map[string]bool{}
	for _, p := range ports {
		taken[p.HostPort+"/"+p.Protocol] = true
	}
	var out []string
	for _, p := range s.Ports {
		if p.HostPort != "" && taken[p.HostPort+"/"+protocol(p)] {
			out = append(out, p.String())
		}
	}
	return out
}

func without(cs []Container, c Container) []Container {
	var out []Container
	for _, x := range cs {
		if x.ID != c.ID {
			out = append(out, x)
		}
	}
	return out
}

// replaceDetached replaces the running container old of ps, start first:
// old is renamed out of the name's way, the new run started and waited
// for, then old stopped by its schedule and removed. A new run that
// cannot start is removed and old goes on under its name.
func replaceDetached(helpers, waitCtx context.Context, sp *spec.Spec, o Options, ps *planned, old Container, con *console, kill <-chan struct{}, tr *restartTrace) (failed, late *Error) {
	s := ps.svc
	aside := s.ContainerName + "-replaced-" + shortID(old.ID)
	if err := ps.eng.(preparer).Rename(helpers, old.ID, aside); err != nil {
		con.printf(s.Name, "replacing %s: stopped, then started (it cannot be renamed: %v)", shortID(old.ID), err)
		l := leftover{eng: ps.eng, c: old, schedule: ps.schedule, why: "started with another configuration or mode"}
		if err := removeContainer(helpers, o.Clock, l, con, kill); err != nil {
			return &Error{Code: CodeStop, Service: s.Name, Err: err,
				Summary: fmt.Sprintf("cannot remove container %s of an earlier run: %v", old.Name, err),
				Detail:  fmt.Sprintf("remove it by hand (`%s rm -f %s`) and try again", ps.eng.Program(), old.Name)}, nil
		}
		return startDetached(helpers, waitCtx, sp, o, ps, con, tr)
	}
	old.Name = aside
	con.printf(s.Name, "replacing %s: the new container starts, and is ready, before the old one stops", shortID(old.ID))
	failed, late = startDetached(helpers, waitCtx, sp, o, ps, con, tr)
	if failed != nil {
		_ = ps.eng.Remove(helpers, s.ContainerName)
		if err := ps.eng.(preparer).Rename(helpers, old.ID, s.ContainerName); err != nil {
			con.printf(s.Name, "cannot rename %s back to %s: %v", shortID(old.ID), s.ContainerName, err)
		}
		con.printf(s.Name, "rejected: its new run failed (%s); the old one goes on", failed.Summary)
		return failed, nil
	}
	l := leftover{eng: ps.eng, c: old, schedule: ps.schedule, why: "replaced by the new run"}
	if err := removeContainer(helpers, o.Clock, l, con, kill); err != nil {
		return &Error{Code: CodeStop, Service: s.Name, Err: err,
			Summary: fmt.Sprintf("cannot remove container %s it replaced: %v", old.Name, err),
			Detail:  fmt.Sprintf("remove it by hand (`%s rm -f %s`)", ps.eng.Program(), old.Name)}, late
	}
	con.printf(s.Name, "replaced: the new container started and ready before the old one stopped")
	return nil, late
}

// startDetached starts one service, or keeps its adopted container, and
// waits for it to be ready. It returns the error that kept it from
// starting, or the one saying it was not ready in time.
//
// tr, when tracing, records its steps.
func startDetached(helpers, waitCtx context.Context, sp *spec.Spec, o Options, ps *planned, con *console, tr *restartTrace) (failed, late *Error) {
	s := ps.svc
	started := o.Clock.Now()
	if c := ps.adopt; c != nil {
		con.setState(s.Name, fmt.Sprintf("up to date: %s has run the same command since %s", shortID(c.ID), c.StartedAt.Local().Format(time.DateTime)))
	} else {
		con.setState(s.Name, "starting")
		id, err := runTraced(helpers, ps.eng, runArgs(sp, s, restartDetached, 1), tr)
		if err != nil {
			e := runFailure(s, err)
			con.setState(s.Name, "failed")
			return e, nil
		}
		con.setState(s.Name, "started "+shortID(id))
	}
	url := ""
	if s.Ready != nil {
		url = s.Ready.URL
	}
	if url != "" {
		con.setState(s.Name, "waiting for "+url)
		if !waitReady(waitCtx, o.Clock, o.probe, url, nil) {
			if helpers.Err() == nil && waitCtx.Err() != nil {
				con.setState(s.Name, "not ready")
			}
			return nil, notReadyError(helpers, s, ps.eng, url, o.Timeout)
		}
	}
	tr.mark(traceReady)
	con.setState(s.Name, readyText(url, o.Clock.Now().Sub(started)))
	if ps.adopt == nil && len(s.PostStart) > 0 {
		runPostStart(waitCtx, s, con, &tail{})
	}
	return nil, nil
}

// runFailure explains a detached run the engine refused or could not do.
func runFailure(s *spec.Service, err error) *Error {
	if e := permanent(s, err); e != nil {
		return e
	}
	return &Error{Code: CodeRunRefused, Service: s.Name, Pos: s.Origin.Exec, Err: err,
		Summary: "could not start the container: " + err.Error(), Detail: "check the engine, then try again"}
}

// notReadyError says a service did not answer in time, with its last
// output from the engine.
func notReadyError(ctx context.Context, s *spec.Service, eng Engine, url string, timeout time.Duration) *Error {
	t := &tail{}
	w := &lineWriter{emit: t.add}
	logCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = eng.Logs(logCtx, s.ContainerName, LogOptions{Tail: tailLines}, w, w)
	w.Close()
	pos := s.Origin.Exec
	if s.Ready != nil && s.Ready.Source.IsValid() {
		pos = s.Ready.Source
	}
	return &Error{Code: CodeNotReady, Service: s.Name, Pos: pos, Log: t.last(),
		Summary: fmt.Sprintf("%s did not answer within %s", url, timeout),
		Detail:  "the container runs under the engine; check its output, the port it listens on, and the ProxyPass URL"}
}

// runTraced is eng.Run, in its two steps where the engine has them, each
// recorded in tr.
func runTraced(ctx context.Context, eng Engine, args []string, tr *restartTrace) (string, error) {
	p, ok := eng.(preparer)
	if !ok || tr == nil {
		id, err := eng.Run(ctx, args)
		tr.mark(traceStarted)
		return id, err
	}
	id, err := p.Create(ctx, args)
	if err != nil {
		return "", err
	}
	tr.mark(traceCreated)
	if err := p.Start(ctx, id); err != nil {
		return id, err
	}
	tr.mark(traceStarted)
	return id, nil
}
