package launch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CLI is the Engine behind the `docker` or `podman` program. Every
// command runs without a shell, in its own process group (a Ctrl-C on the
// terminal reaches wsgidock, not the helpers it waits on) and dies with
// wsgidock (parent-death signal on Linux).
type CLI struct {
	// Path is the program to run: "docker", "podman" or a path.
	Path string
	// Env, when not nil, is the whole environment of the program;
	// nil inherits wsgidock's (DOCKER_HOST, docker contexts, -e NAME
	// values).
	Env []string
}

// Program returns the base name of Path.
func (c *CLI) Program() string {
	p := c.Path
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// output runs the program with args and returns its standard output; a
// failure carries the standard error in the message, classified.
func (c *CLI) output(ctx context.Context, args ...string) (string, error) {
	cmd := command(ctx, c.Path, args...)
	cmd.Env = c.Env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String(), c.commandError(args, stderr.String(), err)
	}
	return stdout.String(), nil
}

// commandError turns a failed command into an error that names the command
// and wraps the sentinel its message means.
func (c *CLI) commandError(args []string, stderr string, err error) error {
	msg := strings.TrimSpace(stderr)
	if msg == "" {
		msg = err.Error()
	}
	what := c.Program()
	if len(args) > 0 {
		what += " " + args[0]
	}
	if isNoProgram(err) {
		return &commandFailure{Command: what, Message: c.Path + ": program not found", Kind: ErrNoProgram}
	}
	return &commandFailure{Command: what, Message: msg, Kind: classify(msg)}
}

// commandFailure is a failed engine command: the command, what the engine
// said, and the sentinel that says what it means, if any.
type commandFailure struct {
	Command string
	Message string
	Kind    error
}

func (e *commandFailure) Error() string { return e.Command + ": " + e.Message }
func (e *commandFailure) Unwrap() error { return e.Kind }

// engineMessage is what the engine said, without the command.
func engineMessage(err error) string {
	var ee *commandFailure
	if errors.As(err, &ee) {
		return ee.Message
	}
	return err.Error()
}

// isNoProgram reports whether err says the program itself is missing.
func isNoProgram(err error) bool {
	return errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist)
}

// classify maps the engine's words to a sentinel error.
func classify(msg string) error {
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "no such container"), strings.Contains(lower, "no container with name or id"):
		return ErrNoSuchContainer
	case strings.Contains(lower, "is not running"), strings.Contains(lower, "can only kill running containers"):
		return ErrNotRunning
	case strings.Contains(lower, "cannot connect to the docker daemon"),
		strings.Contains(lower, "is the docker daemon running"),
		strings.Contains(lower, "cannot connect to podman"),
		strings.Contains(lower, "error during connect"),
		strings.Contains(lower, "permission denied while trying to connect"):
		return ErrUnreachable
	}
	return nil
}

// Ping asks the engine for its version: the cheapest call that needs the
// daemon to answer.
func (c *CLI) Ping(ctx context.Context) error {
	args := []string{"version", "--format", "{{.Server.Version}}"}
	if c.Program() == "podman" {
		// podman's version works without a service; info needs one.
		args = []string{"info", "--format", "{{.Version.Version}}"}
	}
	_, err := c.output(ctx, args...)
	var ee *commandFailure
	if errors.As(err, &ee) && ee.Kind == nil {
		ee.Kind = ErrUnreachable
	}
	return err
}

// ImageExists inspects the image locally.
func (c *CLI) ImageExists(ctx context.Context, image string) (bool, error) {
	_, err := c.output(ctx, "image", "inspect", "--format", "{{.Id}}", "--", image)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, ErrUnreachable) {
		return false, err
	}
	if strings.Contains(strings.ToLower(err.Error()), "no such image") || strings.Contains(err.Error(), "image not known") {
		return false, nil
	}
	return false, err
}

// Pull runs `pull IMAGE`.
func (c *CLI) Pull(ctx context.Context, image string) error {
	_, err := c.output(ctx, "pull", "--quiet", "--", image)
	return err
}

// Run runs the program with args, which must be a detached run, and
// returns the ID it prints.
func (c *CLI) Run(ctx context.Context, args []string) (string, error) {
	cmd := command(ctx, c.Path, args...)
	cmd.Env = c.Env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		re := &RunError{ExitCode: -1, Message: runMessage(stderr.String())}
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			re.ExitCode = ee.ExitCode()
		case isNoProgram(err):
			re.Err = fmt.Errorf("%s: %w", c.Path, ErrNoProgram)
		default:
			re.Err = err
		}
		if s := classify(re.Message); s == ErrUnreachable {
			re.Err = ErrUnreachable
		}
		return "", re
	}
	fields := strings.Fields(stdout.String())
	if len(fields) == 0 {
		return "", &RunError{ExitCode: -1, Message: "the engine printed no container ID"}
	}
	return fields[len(fields)-1], nil
}

// runMessage keeps the engine's own words from a failed run, without the
// "docker: " prefix and the usage hint the CLI adds.
func runMessage(stderr string) string {
	var keep []string
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "Run '") || strings.HasPrefix(line, "See '") {
			continue
		}
		for _, p := range []string{"docker: ", "Error: "} {
			line = strings.TrimPrefix(line, p)
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "; ")
}

// Wait runs `wait ID` and reads the exit code it prints.
func (c *CLI) Wait(ctx context.Context, id string) (int, error) {
	out, err := c.output(ctx, "wait", id)
	if err != nil {
		return -1, err
	}
	code, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		return -1, fmt.Errorf("%s wait %s printed %q, not an exit code", c.Program(), id, strings.TrimSpace(out))
	}
	return code, nil
}

// Kill runs `kill --signal SIGNAL ID`.
func (c *CLI) Kill(ctx context.Context, id, signal string) error {
	_, err := c.output(ctx, "kill", "--signal", signal, id)
	return err
}

// Remove runs `rm --force --volumes ID`; a container already gone is not
// an error.
func (c *CLI) Remove(ctx context.Context, id string) error {
	_, err := c.output(ctx, "rm", "--force", "--volumes", id)
	if errors.Is(err, ErrNoSuchContainer) {
		return nil
	}
	return err
}

// NoRestart runs `update --restart no ID`.
func (c *CLI) NoRestart(ctx context.Context, id string) error {
	_, err := c.output(ctx, "update", "--restart", "no", id)
	return err
}

// Logs runs `logs [--follow] [--tail N] ID`.
func (c *CLI) Logs(ctx context.Context, id string, o LogOptions, stdout, stderr io.Writer) error {
	args := []string{"logs"}
	if o.Follow {
		args = append(args, "--follow")
	}
	if o.Tail >= 0 {
		args = append(args, "--tail", strconv.Itoa(o.Tail))
	}
	if o.Since != "" {
		args = append(args, "--since", o.Since)
	}
	if o.Timestamps {
		args = append(args, "--timestamps")
	}
	args = append(args, id)
	cmd := command(ctx, c.Path, args...)
	cmd.Env = c.Env
	var errBuf tailBuffer
	cmd.Stdout = stdout
	cmd.Stderr = io.MultiWriter(stderr, &errBuf)
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return c.commandError(args, errBuf.String(), err)
	}
	return nil
}

// tailBuffer keeps the last bytes written to it, for error messages.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = t.b[len(t.b)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// inspected is the part of `inspect` output Container needs.
type inspected struct {
	ID     string `json:"Id"`
	Name   string `json:"Name"`
	Config struct {
		Image  string            `json:"Image"`
		Labels map[string]string `json:"Labels"`
	} `json:"Config"`
	State struct {
		Status     string    `json:"Status"`
		Running    bool      `json:"Running"`
		ExitCode   int       `json:"ExitCode"`
		StartedAt  time.Time `json:"StartedAt"`
		FinishedAt time.Time `json:"FinishedAt"`
	} `json:"State"`
	RestartCount int `json:"RestartCount"`
	HostConfig   struct {
		RestartPolicy struct {
			Name string `json:"Name"`
		} `json:"RestartPolicy"`
	} `json:"HostConfig"`
	NetworkSettings struct {
		Ports map[string][]struct {
			HostIP   string `json:"HostIp"`
			HostPort string `json:"HostPort"`
		} `json:"Ports"`
	} `json:"NetworkSettings"`
}

func (in inspected) container() Container {
	c := Container{
		ID:            in.ID,
		Name:          strings.TrimPrefix(in.Name, "/"),
		Image:         in.Config.Image,
		Labels:        in.Config.Labels,
		State:         in.State.Status,
		Running:       in.State.Running,
		ExitCode:      in.State.ExitCode,
		StartedAt:     in.State.StartedAt,
		FinishedAt:    in.State.FinishedAt,
		RestartCount:  in.RestartCount,
		RestartPolicy: in.HostConfig.RestartPolicy.Name,
	}
	if c.RestartPolicy == "" {
		c.RestartPolicy = "no"
	}
	for key, bindings := range in.NetworkSettings.Ports {
		port, proto, _ := strings.Cut(key, "/")
		if proto == "" {
			proto = "tcp"
		}
		for _, b := range bindings {
			c.Ports = append(c.Ports, PublishedPort{HostIP: b.HostIP, HostPort: b.HostPort, ContainerPort: port, Protocol: proto})
		}
	}
	sort.Slice(c.Ports, func(i, j int) bool { return c.Ports[i].String() < c.Ports[j].String() })
	return c
}

func (c *CLI) inspect(ctx context.Context, ids ...string) ([]Container, error) {
	out, err := c.output(ctx, append([]string{"container", "inspect"}, ids...)...)
	if err != nil {
		return nil, err
	}
	var raw []inspected
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		return nil, fmt.Errorf("%s container inspect: reading its output: %v", c.Program(), err)
	}
	cs := make([]Container, len(raw))
	for i, r := range raw {
		cs[i] = r.container()
	}
	return cs, nil
}

// Inspect runs `container inspect ID`.
func (c *CLI) Inspect(ctx context.Context, id string) (Container, error) {
	cs, err := c.inspect(ctx, id)
	if err != nil {
		return Container{}, err
	}
	if len(cs) != 1 {
		return Container{}, fmt.Errorf("%s container inspect %s: %w", c.Program(), id, ErrNoSuchContainer)
	}
	return cs[0], nil
}

// List runs `ps --all --quiet --filter label=LABEL`, then inspects what
// it finds. Containers removed in between are left out.
func (c *CLI) List(ctx context.Context, label string) ([]Container, error) {
	out, err := c.output(ctx, "ps", "--all", "--quiet", "--no-trunc", "--filter", "label="+label)
	if err != nil {
		return nil, err
	}
	var cs []Container
	for _, id := range strings.Fields(out) {
		ctr, err := c.Inspect(ctx, id)
		if errors.Is(err, ErrNoSuchContainer) {
			continue
		}
		if err != nil {
			return nil, err
		}
		cs = append(cs, ctr)
	}
	return cs, nil
}
