package launch

import (
	"io"
	"os"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// EnvEngine names the environment variable that chooses the engine program
// when Options.Engine is empty.
const EnvEngine = "WSGIDOCK_ENGINE"

// DefaultTimeout bounds the wait for readiness.
const DefaultTimeout = time.Minute

// Options say how Up, Down and PS run. The zero value runs in the
// foreground with Docker's restart numbers and the seed's stop schedule.
type Options struct {
	// Engine is the engine program for every container service: "docker",
	// "podman" or a path. Empty: $WSGIDOCK_ENGINE, else the program each
	// service's launcher ran (spec.Service.Engine), else "docker".
	Engine string
	// Driver, when set, is used instead of the engine program (tests, or
	// an Engine API client).
	Driver Engine

	// Detach starts the containers with the engine owning restarts
	// (--restart unless-stopped), waits for readiness, prints a status
	// table and returns. A service not ready within Timeout is reported
	// but not an error.
	Detach bool
	// Wait is Detach where a service not ready within Timeout is an error.
	Wait bool
	// Timeout bounds the wait for readiness (DefaultTimeout when zero). In
	// the foreground, a run not ready by then is reported, with its last
	// output, and waited for further.
	Timeout time.Duration
	// ForceRecreate replaces running containers even when they were
	// started with the same run command.
	ForceRecreate bool

	// StopSchedule, when set, stops every service; otherwise each service
	// is stopped by its own stop signal and timeout, or DefaultSchedule.
	StopSchedule Schedule
	// Restart is the back-off of the foreground supervisor.
	Restart RestartPolicy

	// Stdout receives the services' output, Stderr wsgidock's messages
	// (os.Stdout and os.Stderr when nil).
	Stdout, Stderr io.Writer
	// Color chooses colour for the services' prefixes.
	Color ColorMode

	// Clock is the time source of back-off and stop schedules
	// (SystemClock when nil).
	Clock Clock
	// Signals, when set, replaces the process's signals: each value is
	// handled as the table Signals says (one not in it stops), the first
	// stopping one stops the services by their schedules, the second
	// kills them at once. Up listens for the signals of the table itself
	// when nil.
	Signals <-chan os.Signal
	// Reload, when set, reads the configuration again for a reload of a
	// foreground Up (SIGHUP, `wsgidock reload`, --watch): the same files,
	// flags and launchers the first spec came from. An error rejects the
	// reload whole; it has told the user where (positioned diagnostics).
	Reload func() (*spec.Spec, error)
	// ReloadOn, when set, asks a foreground Up for a reload with each
	// value (`up --watch`), as SIGHUP does.
	ReloadOn <-chan struct{}
	// LockDir holds the per-project lock files (os.TempDir() when empty).
	LockDir string

	// probe replaces the readiness probe in tests.
	probe probeFunc
}

func (o Options) withDefaults() Options {
	if o.Wait {
		o.Detach = true
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.LockDir == "" {
		o.LockDir = os.TempDir()
	}
	if o.probe == nil {
		o.probe = probeHTTP
	}
	o.Restart = o.Restart.withDefaults()
	return o
}

// engineProgram is the engine program that runs s; with a Driver, the
// driver's.
func (o Options) engineProgram(s *spec.Service) string {
	switch {
	case o.Driver != nil:
		return o.Driver.Program()
	case o.Engine != "":
		return o.Engine
	case os.Getenv(EnvEngine) != "":
		return os.Getenv(EnvEngine)
	case s.Engine != "":
		return s.Engine
	}
	return "docker"
}

// newEngine returns the engine that runs program: for docker on a local
// socket, the docker program and the Engine API together (API);
// otherwise the program alone.
func (o Options) newEngine(program string) Engine {
	if o.Driver != nil {
		return o.Driver
	}
	cli := &CLI{Path: program}
	if cli.Program() == "docker" {
		if sock := localSocket(); sock != "" {
			if a, err := NewAPI(cli, sock); err == nil {
				return a
			}
		}
	}
	return cli
}

// closeEngine ends what an engine keeps open (an event stream).
func closeEngine(e Engine) {
	if c, ok := e.(io.Closer); ok {
		_ = c.Close()
	}
}
