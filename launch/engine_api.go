package launch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// API is the Engine of a local Docker engine: the docker program for what
// the command line defines (the container itself: `docker create` with
// exactly the argv spec.Spec.RunArgs built, `run --detach` made `create`;
// checks, lists), and the Engine API over the engine's unix socket for the
// hot path of supervision: starting, one event stream for every exit,
// output, signals, removal. No helper process runs per container.
//
// The client negotiates the API version down to the engine's (Docker
// 20.10 speaks 1.41; the client supports 1.40 and later), as it does by
// default.
type API struct {
	*CLI
	c *client.Client

	mu      sync.Mutex
	waiters map[string][]chan exit // container ID → those waiting for its exit
	stream  context.CancelFunc     // ends the event stream; nil while none runs
	live    chan struct{}          // closed once the event stream is up
}

// NewAPI returns the Engine for the engine program cli talks to, through
// its Engine API at host ("unix:///var/run/docker.sock").
func NewAPI(cli *CLI, host string) (*API, error) {
	c, err := client.New(client.WithHost(host))
	if err != nil {
		return nil, err
	}
	return &API{CLI: cli, c: c, waiters: map[string][]chan exit{}}, nil
}

// localSocket returns the unix socket of the docker engine the docker
// program would talk to, when wsgidock can be sure of it: DOCKER_HOST
// naming a unix socket, or nothing set at all (no DOCKER_HOST, no
// DOCKER_CONTEXT, no current context in the docker config). Otherwise
// it returns "" and the program is used for everything.
func localSocket() string {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		if strings.HasPrefix(h, "unix://") {
			return h
		}
		return ""
	}
	if os.Getenv("DOCKER_CONTEXT") != "" {
		return ""
	}
	dir := os.Getenv("DOCKER_CONFIG")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".docker")
	}
	if data, err := os.ReadFile(filepath.Join(dir, "config.json")); err == nil {
		var cfg struct {
			CurrentContext string `json:"currentContext"`
		}
		if json.Unmarshal(data, &cfg) != nil || (cfg.CurrentContext != "" && cfg.CurrentContext != "default") {
			return ""
		}
	}
	if _, err := os.Stat("/var/run/docker.sock"); err != nil {
		return ""
	}
	return "unix:///var/run/docker.sock"
}

// createArgs turns a detached run's argv into the create argv of the same
// container: `run --detach ARGS` becomes `create ARGS`.
func createArgs(args []string) ([]string, error) {
	if len(args) == 0 || args[0] != "run" {
		return nil, fmt.Errorf("not a run command: %q", args)
	}
	out := []string{"create"}
	for i, a := range args[1:] {
		if a == "--" {
			out = append(out, args[1+i:]...)
			break
		}
		if a != "--detach" && a != "-d" {
			out = append(out, a)
		}
	}
	return out, nil
}

// Create runs `docker create` with the run's argv made a create, and
// returns the container's ID. A failure is a *RunError, as Run's.
func (a *API) Create(ctx context.Context, args []string) (string, error) {
	cargs, err := createArgs(args)
	if err != nil {
		return "", &RunError{ExitCode: -1, Message: err.Error()}
	}
	return a.CLI.Run(ctx, cargs)
}

// Start starts a created container. The engine refusing (a host port
// taken, a missing network) is a *RunError with code 125, what
// `docker run` exits with for the same refusal.
func (a *API) Start(ctx context.Context, id string) error {
	if _, err := a.c.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		if client.IsErrConnectionFailed(err) {
			return &RunError{ExitCode: -1, Message: err.Error(), Err: ErrUnreachable}
		}
		return &RunError{ExitCode: startExitCode(err.Error()), Message: apiMessage(err)}
	}
	return nil
}

// startExitCode is what `docker run` exits with when the engine refuses to
// start a container for this reason: 127 when the command does not
// exist, 126 when it cannot be invoked, 125 for everything else.
func startExitCode(msg string) int {
	switch {
	case strings.Contains(msg, "executable file not found"), strings.Contains(msg, "no such file or directory"):
		return 127
	case strings.Contains(msg, syscall.EACCES.Error()), strings.Contains(msg, syscall.EISDIR.Error()):
		return 126
	}
	return 125
}

// Run creates the container with the CLI and starts it through the API.
func (a *API) Run(ctx context.Context, args []string) (string, error) {
	id, err := a.Create(ctx, args)
	if err != nil {
		return "", err
	}
	return id, a.Start(ctx, id)
}

// Rename renames a container.
func (a *API) Rename(ctx context.Context, id, name string) error {
	_, err := a.c.ContainerRename(ctx, id, client.ContainerRenameOptions{NewName: name})
	return apiError(err)
}

// exit is a container's end as the engine reported it.
type exit struct {
	code int
	// at is the engine's time of the die event; zero when unknown.
	at time.Time
}

// Wait waits for the container's exit on the engine's event stream.
func (a *API) Wait(ctx context.Context, id string) (int, error) {
	e, err := a.WaitExit(ctx, id)
	return e.code, err
}

// WaitExit is Wait that also says when the engine reported the exit (its
// die event's time), so that a restart's back-off counts from there, as
// the engine's own restart policy counts it.
func (a *API) WaitExit(ctx context.Context, id string) (exit, error) {
	ch := make(chan exit, 1)
	if err := a.subscribe(ctx, id, ch); err != nil {
		return exit{code: -1}, err
	}
	defer a.unsubscribe(id, ch)
	// It may have ended before the stream was listening for it.
	if e, done, err := a.exited(ctx, id); err != nil || done {
		return e, err
	}
	select {
	case e := <-ch:
		return e, nil
	case <-ctx.Done():
		return exit{code: -1}, ctx.Err()
	}
}

// exited reports whether the container has ended, and its exit code and
// time.
func (a *API) exited(ctx context.Context, id string) (exit, bool, error) {
	r, err := a.c.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return exit{code: -1}, false, apiError(err)
	}
	st := r.Container.State
	if st == nil || st.Running || st.Restarting || st.Status == "created" {
		return exit{}, false, nil
	}
	e := exit{code: st.ExitCode}
	if t, err := time.Parse(time.RFC3339Nano, st.FinishedAt); err == nil {
		e.at = t
	}
	return e, true, nil
}

func (a *API) subscribe(ctx context.Context, id string, ch chan exit) error {
	a.mu.Lock()
	a.waiters[id] = append(a.waiters[id], ch)
	if a.stream == nil {
		sctx, cancel := context.WithCancel(context.Background())
		a.stream, a.live = cancel, make(chan struct{})
		go a.follow(sctx, a.live)
	}
	live := a.live
	a.mu.Unlock()
	select {
	case <-live:
		return nil
	case <-ctx.Done():
		a.unsubscribe(id, ch)
		return ctx.Err()
	}
}

func (a *API) unsubscribe(id string, ch chan exit) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ws := a.waiters[id]
	for i, w := range ws {
		if w == ch {
			ws = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(a.waiters, id)
	} else {
		a.waiters[id] = ws
	}
}

// follow reads the engine's die events until ctx ends, and hands each
// exit to those waiting for it. When the stream breaks (the engine
// restarted), it connects again and checks every awaited container, so
// that no exit is missed.
func (a *API) follow(ctx context.Context, live chan struct{}) {
	first := true
	for ctx.Err() == nil {
		r := a.c.Events(ctx, client.EventsListOptions{Filters: client.Filters{}.Add("type", "container").Add("event", "die")})
		if first {
			close(live)
			first = false
		} else {
			a.recheck(ctx)
		}
	read:
		for {
			select {
			case m := <-r.Messages:
				a.deliver(m)
			case <-r.Err:
				break read
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (a *API) deliver(m events.Message) {
	if m.Action != events.ActionDie {
		return
	}
	e := exit{code: -1}
	if code, err := strconv.Atoi(m.Actor.Attributes["exitCode"]); err == nil {
		e.code = code
	}
	if m.TimeNano > 0 {
		e.at = time.Unix(0, m.TimeNano)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ch := range a.waiters[m.Actor.ID] {
		select {
		case ch <- e:
		default:
		}
	}
}

// recheck delivers the exits that happened while the stream was down.
func (a *API) recheck(ctx context.Context) {
	a.mu.Lock()
	var ids []string
	for id := range a.waiters {
		ids = append(ids, id)
	}
	a.mu.Unlock()
	for _, id := range ids {
		e, done, err := a.exited(ctx, id)
		if errors.Is(err, ErrNoSuchContainer) {
			e, done = exit{code: -1}, true
		}
		if done {
			m := events.Message{Action: events.ActionDie, Actor: events.Actor{ID: id, Attributes: map[string]string{"exitCode": strconv.Itoa(e.code)}}}
			if !e.at.IsZero() {
				m.TimeNano = e.at.UnixNano()
			}
			a.deliver(m)
		}
	}
}

// Close ends the event stream and the client's connections.
func (a *API) Close() error {
	a.mu.Lock()
	if a.stream != nil {
		a.stream()
		a.stream = nil
	}
	a.mu.Unlock()
	return a.c.Close()
}

// Kill sends the signal through the API.
func (a *API) Kill(ctx context.Context, id, signal string) error {
	_, err := a.c.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: signal})
	return apiError(err)
}

// Remove force-removes the container and its anonymous volumes; one
// already gone, or already being removed, is not an error.
func (a *API) Remove(ctx context.Context, id string) error {
	_, err := a.c.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	err = apiError(err)
	if errors.Is(err, ErrNoSuchContainer) || (err != nil && strings.Contains(err.Error(), "already in progress")) {
		return nil
	}
	return err
}

// Logs copies the container's output through the API.
func (a *API) Logs(ctx context.Context, id string, o LogOptions, stdout, stderr io.Writer) error {
	info, err := a.c.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return apiError(err)
	}
	lo := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: o.Follow, Timestamps: o.Timestamps, Since: o.Since, Tail: "all"}
	if o.Tail >= 0 {
		lo.Tail = strconv.Itoa(o.Tail)
	}
	r, err := a.c.ContainerLogs(ctx, id, lo)
	if err != nil {
		return apiError(err)
	}
	defer r.Close()
	if info.Container.Config != nil && info.Container.Config.Tty {
		_, err = io.Copy(stdout, r)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, r)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// apiError wraps the sentinel an API error means.
func apiError(err error) error {
	switch {
	case err == nil:
		return nil
	case client.IsErrConnectionFailed(err):
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	case cerrdefs.IsNotFound(err):
		return fmt.Errorf("%w: %s", ErrNoSuchContainer, apiMessage(err))
	case cerrdefs.IsConflict(err) && strings.Contains(strings.ToLower(err.Error()), "not running"):
		return fmt.Errorf("%w: %s", ErrNotRunning, apiMessage(err))
	}
	if k := classify(err.Error()); k != nil {
		return fmt.Errorf("%w: %s", k, apiMessage(err))
	}
	return err
}

// apiMessage is the engine's words without the client's prefix.
func apiMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "Error response from daemon: ")
}

// Inspect reads the container's state through the API.
func (a *API) Inspect(ctx context.Context, id string) (Container, error) {
	r, err := a.c.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return Container{}, apiError(err)
	}
	var in inspected
	if err := json.Unmarshal(r.Raw, &in); err != nil {
		return Container{}, fmt.Errorf("inspecting %s: %v", id, err)
	}
	return in.container(), nil
}

// List lists the containers carrying the label and inspects each,
// through the API, several at once. Containers removed in between are
// left out.
func (a *API) List(ctx context.Context, label string) ([]Container, error) {
	r, err := a.c.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", label)})
	if err != nil {
		return nil, apiError(err)
	}
	found := make([]Container, len(r.Items))
	errs := make([]error, len(r.Items))
	each(len(r.Items), func(i int) { found[i], errs[i] = a.Inspect(ctx, r.Items[i].ID) })
	var cs []Container
	for i, c := range found {
		if errors.Is(errs[i], ErrNoSuchContainer) {
			continue
		}
		if errs[i] != nil {
			return nil, errs[i]
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// ImageExists inspects the image through the API.
func (a *API) ImageExists(ctx context.Context, image string) (bool, error) {
	_, err := a.c.ImageInspect(ctx, image)
	switch {
	case err == nil:
		return true, nil
	case cerrdefs.IsNotFound(err):
		return false, nil
	}
	return false, apiError(err)
}

// Ping asks the engine through the API; when it does not answer, the
// docker program is asked too, for its words about why.
func (a *API) Ping(ctx context.Context) error {
	if _, err := a.c.Ping(ctx, client.PingOptions{}); err == nil {
		return nil
	}
	return a.CLI.Ping(ctx)
}
