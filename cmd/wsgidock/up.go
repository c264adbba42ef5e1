package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/launch"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// runFlags are the flags of the commands that talk to the engine.
type runFlags struct {
	planFlags
	Engine string `name:"engine" placeholder:"PROGRAM" help:"Engine program for every container: docker, podman or a path (default: $$WSGIDOCK_ENGINE, else the one each launcher called)."`
}

func (c *runFlags) options(io *streams) launch.Options {
	return launch.Options{Engine: c.Engine, Stdout: io.stdout, Stderr: io.stderr}
}

// scheduleFlag is --stop-schedule, for up and down.
type scheduleFlag struct {
	StopSchedule string `name:"stop-schedule" placeholder:"SCHEDULE" help:"How to stop every service, e.g. 'SIGINT,1s,SIGINT,1s,SIGINT,1s,SIGKILL' (default: each service's stop signal and timeout, else SIGINT at 0, 1 and 2 s, SIGKILL at 3 s)."`
}

// apply sets the schedule on o, when one was given.
func (f scheduleFlag) apply(o *launch.Options) error {
	if f.StopSchedule == "" {
		return nil
	}
	s, err := launch.ParseSchedule(f.StopSchedule)
	if err != nil {
		return &exitError{code: exitUsage, msg: "--stop-schedule: " + err.Error()}
	}
	o.StopSchedule = s
	return nil
}

// upCmd is `wsgidock up`.
type upCmd struct {
	runFlags
	scheduleFlag
	Detach        bool          `name:"detach" help:"Start the containers with the engine owning restarts (--restart unless-stopped), wait for readiness, print their status and return."`
	Wait          bool          `name:"wait" help:"Like --detach, but fail when a service is not ready within --timeout."`
	Timeout       time.Duration `name:"timeout" default:"1m" help:"How long to wait for readiness."`
	ForceRecreate bool          `name:"force-recreate" help:"Replace containers even when a running one was started with the same command."`
	Color         string        `name:"color" enum:"auto,always,never" default:"auto" help:"Colour the service prefixes: auto (on a terminal, unless NO_COLOR is set), always or never."`
	MaxRestarts   int           `name:"max-restarts" default:"0" help:"Give a failing service up after this many restarts in a row (0: never; the back-off grows to a minute)."`
	Watch         bool          `name:"watch" help:"In the foreground, reload when the config, a file it includes or a launcher changes (debounced), as SIGHUP does."`
	PostStart     []string      `name:"post-start" sep:"none" placeholder:"SERVICE=COMMAND" help:"Run COMMAND with /bin/sh on this machine, in the background, each time SERVICE becomes ready (the seed's \"post-deploy\" step; repeatable)."`
}

func (c *upCmd) Run(io *streams) error {
	tree, sp, _, err := c.plan(io.stderr)
	if err != nil {
		return err
	}
	if c.Watch && (c.Detach || c.Wait) {
		return &exitError{code: exitUsage, msg: "--watch reloads a foreground up: it does not go with --detach or --wait"}
	}
	if err := setPostStart(sp, c.PostStart); err != nil {
		return err
	}
	o := c.options(io)
	o.Detach, o.Wait, o.Timeout, o.ForceRecreate = c.Detach, c.Wait, c.Timeout, c.ForceRecreate
	o.Restart.MaxRestarts = c.MaxRestarts
	switch c.Color {
	case "always":
		o.Color = launch.ColorAlways
	case "never":
		o.Color = launch.ColorNever
	}
	if err := c.apply(&o); err != nil {
		return err
	}
	var w *watcher
	if c.Watch {
		if w, err = newWatcher(); err != nil {
			return &exitError{code: exitUsage, msg: "--watch: " + err.Error()}
		}
		defer w.close()
		w.set(inputs(tree, sp))
		o.ReloadOn = w.changes
	}
	o.Reload = c.reloader(io, w)
	return launchResult(io, launch.Up(context.Background(), sp, o))
}

// reloader reads the configuration again as up first read it: the same
// files, flags and launchers. The errors are on stderr, positioned.
// With --watch, the files watched become those the new spec came from.
func (c *upCmd) reloader(io *streams, w *watcher) func() (*spec.Spec, error) {
	return func() (*spec.Spec, error) {
		tree, sp, _, err := c.plan(io.stderr)
		if err == nil && w != nil {
			w.set(inputs(tree, sp))
		}
		if err == nil {
			err = setPostStart(sp, c.PostStart)
		}
		if err != nil {
			if err.Error() == "" {
				err = errors.New("the configuration has errors (see above)")
			}
			return nil, err
		}
		return sp, nil
	}
}

// setPostStart gives services their --post-start commands.
func setPostStart(sp *spec.Spec, flags []string) error {
	for _, f := range flags {
		name, command, ok := strings.Cut(f, "=")
		if !ok || name == "" || strings.TrimSpace(command) == "" {
			return &exitError{code: exitUsage, msg: fmt.Sprintf("--post-start %q: write SERVICE=COMMAND", f)}
		}
		var svc *spec.Service
		for _, s := range sp.Services {
			if s.Name == name || s.Group == name {
				svc = s
			}
		}
		if svc == nil {
			var names []string
			for _, s := range sp.Services {
				names = append(names, s.Name)
			}
			return &exitError{code: exitUsage, msg: fmt.Sprintf("--post-start: no service %q (the services are: %s)", name, strings.Join(names, ", "))}
		}
		svc.PostStart = []string{"/bin/sh", "-c", command}
	}
	return nil
}

// launchResult reports the launcher's errors at the user's lines and turns
// them into exit status 1.
func launchResult(io *streams, err error) error {
	if err == nil {
		return nil
	}
	var es launch.Errors
	var e *launch.Error
	switch {
	case errors.As(err, &es):
		writeLaunchErrors(io, es)
	case errors.As(err, &e):
		writeLaunchErrors(io, launch.Errors{e})
	default:
		return &exitError{code: exitFindings, msg: err.Error()}
	}
	return &exitError{code: exitFindings}
}

func writeLaunchErrors(io *streams, es launch.Errors) {
	for _, e := range es {
		apacheconf.WriteText(io.stderr, apacheconf.Diagnostics{e.Diagnostic()}, apacheconf.DiskSource)
		for _, l := range e.Log {
			io.stderr.Write([]byte("    | " + l + "\n"))
		}
	}
}

// downCmd is `wsgidock down`.
type downCmd struct {
	runFlags
	scheduleFlag
}

func (c *downCmd) Run(io *streams) error {
	_, sp, _, err := c.plan(io.stderr)
	if err != nil {
		return err
	}
	o := c.options(io)
	if err := c.apply(&o); err != nil {
		return err
	}
	return launchResult(io, launch.Down(context.Background(), sp, o))
}

// psCmd is `wsgidock ps`.
type psCmd struct {
	runFlags
	Format string `name:"format" enum:"table,json" default:"table" help:"table, or json for tools."`
}

func (c *psCmd) Run(io *streams) error {
	_, sp, _, err := c.plan(io.stderr)
	if err != nil {
		return err
	}
	statuses, err := launch.PS(context.Background(), sp, c.options(io))
	if err != nil {
		return launchResult(io, err)
	}
	if c.Format == "json" {
		enc := json.NewEncoder(io.stdout)
		enc.SetIndent("", "  ")
		if statuses == nil {
			statuses = []launch.Status{}
		}
		return enc.Encode(statuses)
	}
	return launch.WriteStatus(io.stdout, statuses)
}

// reloadCmd is `wsgidock reload`.
type reloadCmd struct {
	runFlags
	scheduleFlag
	Timeout time.Duration `name:"timeout" default:"1m" help:"For a detached project: how long to wait for readiness."`
}

func (c *reloadCmd) Run(io *streams) error {
	_, sp, _, err := c.plan(io.stderr)
	if err != nil {
		// Rejected whole: nothing was asked of anyone.
		return err
	}
	o := c.options(io)
	o.Timeout = c.Timeout
	if err := c.apply(&o); err != nil {
		return err
	}
	return launchResult(io, launch.Reload(context.Background(), sp, o))
}

// logsCmd is `wsgidock logs`.
type logsCmd struct {
	runFlags
	Services   []string `arg:"" optional:"" name:"SERVICE" help:"The services to show (default: all)."`
	Follow     bool     `short:"f" name:"follow" help:"Keep showing new output, on to the containers that replace those that end."`
	Since      string   `name:"since" placeholder:"WHEN" help:"Only what was written since then: a duration (10m) or a time (RFC 3339)."`
	Tail       int      `name:"tail" default:"-1" placeholder:"N" help:"Start with the last N lines of each container (default: all)."`
	Timestamps bool     `name:"timestamps" help:"Put the engine's timestamp before each line."`
	Color      string   `name:"color" enum:"auto,always,never" default:"auto" help:"Colour the service prefixes: auto (on a terminal, unless NO_COLOR is set), always or never."`
}

func (c *logsCmd) Run(io *streams) error {
	_, sp, _, err := c.plan(io.stderr)
	if err != nil {
		return err
	}
	o := c.options(io)
	switch c.Color {
	case "always":
		o.Color = launch.ColorAlways
	case "never":
		o.Color = launch.ColorNever
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return launchResult(io, launch.Logs(ctx, sp, o, launch.LogsOptions{
		Services: c.Services, Follow: c.Follow, Since: c.Since, Tail: c.Tail, Timestamps: c.Timestamps}))
}
