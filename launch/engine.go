package launch

import (
	"context"
	"errors"
	"io"
	"time"
)

// Engine is the process control wsgidock needs from a container engine.
// CLI implements it with the `docker` or `podman` program; an Engine API
// client could implement it later without the supervisor changing.
//
// Containers are named by ID or name. Methods return ErrNoSuchContainer,
// ErrNotRunning or ErrUnreachable (wrapped) where those apply.
type Engine interface {
	// Program names the engine for messages: "docker", "podman".
	Program() string
	// Ping checks that the engine answers.
	Ping(ctx context.Context) error
	// ImageExists reports whether image is present locally.
	ImageExists(ctx context.Context, image string) (bool, error)
	// Pull fetches image from its registry.
	Pull(ctx context.Context, image string) error
	// Run creates and starts a container from args, exactly the argv
	// spec.Spec.RunArgs built (a detached run), and returns its ID. A
	// failure is a *RunError.
	Run(ctx context.Context, args []string) (id string, err error)
	// Wait blocks until the container is not running and returns its exit
	// code.
	Wait(ctx context.Context, id string) (int, error)
	// Kill sends the named signal ("SIGINT") to the container's main
	// process.
	Kill(ctx context.Context, id, signal string) error
	// Remove force-removes the container and its anonymous volumes.
	Remove(ctx context.Context, id string) error
	// NoRestart sets the container's restart policy to "no", so that an
	// engine-owned container stays stopped once it exits.
	NoRestart(ctx context.Context, id string) error
	// Logs copies the container's output to stdout and stderr; with
	// Follow it returns when the container stops or ctx ends.
	Logs(ctx context.Context, id string, o LogOptions, stdout, stderr io.Writer) error
	// Inspect returns the container's state.
	Inspect(ctx context.Context, id string) (Container, error)
	// List returns every container, running or not, carrying the label
	// KEY=VALUE.
	List(ctx context.Context, label string) ([]Container, error)
}

// LogOptions choose which of a container's log lines Logs copies.
type LogOptions struct {
	// Follow keeps copying new output until the container stops.
	Follow bool
	// Tail is how many of the last lines to start with; negative means
	// all of them.
	Tail int
	// Since, when set, starts with the lines written since then: a
	// duration back from now ("10m") or a time (RFC 3339 or Unix seconds),
	// as the engine reads it.
	Since string
	// Timestamps puts the engine's timestamp before each line.
	Timestamps bool
}

// Container is what wsgidock reads about one container.
type Container struct {
	ID     string
	Name   string
	Image  string
	Labels map[string]string
	// State is the engine's word: created, running, restarting, exited,
	// paused, dead, removing.
	State      string
	Running    bool
	ExitCode   int
	StartedAt  time.Time
	FinishedAt time.Time
	// RestartCount is how often the engine restarted it (its own policy).
	RestartCount int
	// RestartPolicy is the engine restart policy name ("no",
	// "unless-stopped").
	RestartPolicy string
	Ports         []PublishedPort
}

// PublishedPort is one host port bound to a container port.
type PublishedPort struct {
	HostIP        string
	HostPort      string
	ContainerPort string
	Protocol      string
}

// String renders the binding as `docker ps` does: 127.0.0.1:8002->80/tcp.
func (p PublishedPort) String() string {
	s := p.HostPort + "->" + p.ContainerPort + "/" + p.Protocol
	if p.HostIP != "" {
		ip := p.HostIP
		if containsByte(ip, ':') {
			ip = "[" + ip + "]"
		}
		s = ip + ":" + s
	}
	return s
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// Errors an Engine wraps.
var (
	// ErrNoSuchContainer: the container does not exist (any more).
	ErrNoSuchContainer = errors.New("no such container")
	// ErrNotRunning: the container exists but is not running.
	ErrNotRunning = errors.New("container is not running")
	// ErrUnreachable: the engine does not answer.
	ErrUnreachable = errors.New("engine unreachable")
	// ErrNoProgram: the engine program is not installed.
	ErrNoProgram = errors.New("program not found")
)

// RunError is a failed run. ExitCode is the engine program's: 125 when the
// engine refused the run (bad flag, name or port conflict, missing
// network), 126 when the container's command cannot be invoked, 127 when it
// does not exist.
type RunError struct {
	ExitCode int
	// Message is what the engine printed, trimmed.
	Message string
	// Err is the cause when the program could not be run at all.
	Err error
}

func (e *RunError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return "run failed"
}

func (e *RunError) Unwrap() error { return e.Err }

// isConfigExit reports whether an exit code says the command line, not the
// program, is wrong: such exits are reported, never retried.
func isConfigExit(code int) bool { return code == 125 || code == 126 || code == 127 }
