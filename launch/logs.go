package launch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// LogsOptions choose what Logs shows.
type LogsOptions struct {
	// Services are the services to show, by name or daemon group; none
	// means all of them.
	Services []string
	// Follow keeps showing new output until ctx ends, going on to the
	// container that replaces one that ended (a restart, a reload).
	Follow bool
	// Since and Tail and Timestamps are as in LogOptions; Tail negative
	// means every line.
	Since      string
	Tail       int
	Timestamps bool
}

// logPoll is how often a followed service whose container ended is
// looked at for the one that replaces it.
const logPoll = 50 * time.Millisecond

// Logs shows the output of the project's containers, foreground or
// detached, behind the same "service | " prefixes and colours as Up. It
// follows a service by its container name, so that after a restart or a
// reload it goes on with the new container, from that container's first
// line: nothing is lost between the two. Process services have no log
// but the output of the `up` that runs them.
func Logs(ctx context.Context, sp *spec.Spec, o Options, lo LogsOptions) error {
	o = o.withDefaults()
	if err := checkProject(sp); err != nil {
		return err
	}
	services, err := selectServices(sp, lo.Services)
	if err != nil {
		return err
	}
	var names []string
	for _, s := range services {
		names = append(names, s.Name)
	}
	con := newConsole(o.Stdout, o.Stderr, o.Color, names)
	engs := map[string]Engine{}
	defer func() {
		for _, e := range engs {
			closeEngine(e)
		}
	}()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs Errors
	)
	for _, s := range services {
		if s.Kind != spec.KindContainer {
			con.printf(s.Name, "a process service: its output is in the output of the `wsgidock up` that runs it")
			continue
		}
		prog := o.engineProgram(s)
		eng, ok := engs[prog]
		if !ok {
			eng = o.newEngine(prog)
			engs[prog] = eng
		}
		show := func() {
			if err := serviceLogs(ctx, eng, s, lo, con); err != nil {
				mu.Lock()
				errs = append(errs, &Error{Code: CodeEngineUnreachable, Service: s.Name, Pos: s.Origin.Exec, Err: err,
					Summary: "cannot read its output: " + err.Error(), Detail: "check that the engine works and the project runs (`wsgidock ps`)"})
				mu.Unlock()
			}
		}
		if lo.Follow {
			wg.Add(1)
			go func() {
				defer wg.Done()
				show()
			}()
		} else {
			show()
		}
	}
	wg.Wait()
	return errs.err()
}

// serviceLogs shows one service's output; following, it goes on with each
// container that takes the name after the one it showed ended.
func serviceLogs(ctx context.Context, eng Engine, s *spec.Service, lo LogsOptions, con *console) error {
	opts := LogOptions{Follow: lo.Follow, Tail: lo.Tail, Since: lo.Since, Timestamps: lo.Timestamps}
	shown := ""
	for {
		c, err := eng.Inspect(ctx, s.ContainerName)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrNoSuchContainer):
			if !lo.Follow {
				con.printf(s.Name, "no container %s: the service does not run", s.ContainerName)
				return nil
			}
		case err != nil:
			return err
		case c.ID != shown && (shown == "" || c.State != "created"):
			w := con.stream(s.Name, &tail{})
			e := con.stream(s.Name, &tail{})
			err := eng.Logs(ctx, c.ID, opts, w, e)
			w.Close()
			e.Close()
			if ctx.Err() != nil || !lo.Follow {
				return nil
			}
			if err != nil && !errors.Is(err, ErrNoSuchContainer) {
				return err
			}
			shown = c.ID
			// The next container is shown whole: it started after this
			// one ended.
			opts.Tail, opts.Since = -1, ""
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(logPoll):
		}
	}
}

// selectServices returns the services named, by service or group name, or
// all of them.
func selectServices(sp *spec.Spec, names []string) ([]*spec.Service, error) {
	if len(names) == 0 {
		return sp.Services, nil
	}
	var out []*spec.Service
	for _, n := range names {
		var found *spec.Service
		for _, s := range sp.Services {
			if s.Name == n || s.Group == n {
				found = s
			}
		}
		if found == nil {
			return nil, &Error{Code: CodeInvalidSpec, Pos: apacheconf.Position{Filename: sp.ConfigFile},
				Summary: fmt.Sprintf("no service %q in the configuration", n),
				Detail:  "the services are: " + strings.Join(serviceNames(sp), ", ")}
		}
		out = append(out, found)
	}
	return out, nil
}
