package spec

import (
	"strconv"
	"time"
)

// Default stop schedule, from the seed: SIGINT, again after 1 s and 2 s,
// SIGKILL at 3 s. Engines know only "signal, then SIGKILL after a timeout",
// so generated specs carry the first signal and the total time.
const (
	DefaultStopSignal  = "SIGINT"
	DefaultStopTimeout = 3 * time.Second
)

// RunOptions are the parts of a `run` command that depend on how wsgidock
// runs the service rather than on what the launcher script said.
type RunOptions struct {
	// Restart is the engine restart policy: "unless-stopped" when the engine
	// owns restarts (the shell script, --detach), "no" when wsgidock's
	// supervisor does.
	Restart string
	// Labels are added after wsgidock's own labels.
	Labels []Label
}

// StopSignal is the signal that starts the service's stop schedule.
func (s *Service) StopSignal() string {
	if s.Stop.Signal != "" {
		return s.Stop.Signal
	}
	return DefaultStopSignal
}

// StopTimeout is how long the service gets between the first stop signal
// and SIGKILL.
func (s *Service) StopTimeout() time.Duration {
	if s.Stop.Timeout > 0 {
		return s.Stop.Timeout
	}
	return DefaultStopTimeout
}

// OwnLabels are the labels wsgidock puts on the service's container.
func (spec *Spec) OwnLabels(s *Service) []Label {
	return []Label{
		{Key: LabelProject, Value: spec.Project},
		{Key: LabelService, Value: s.Name},
		{Key: LabelConfigHash, Value: spec.ConfigHash},
	}
}

// RunArgs is the one argv of a container service: the arguments to give the
// engine program (`docker` or `podman`) to create and start it, detached and
// named. The shell emitter quotes exactly these words and the launcher
// executes exactly these words; nothing else builds a run command.
func (spec *Spec) RunArgs(s *Service, opts RunOptions) []string {
	args := make([]string, 0, 24+2*(len(s.Ports)+len(s.Env)+len(s.Volumes)+len(s.Labels)+len(s.Extra))+len(s.Command))
	args = append(args, "run", "--detach", "--name", s.ContainerName)
	if opts.Restart != "" {
		args = append(args, "--restart", opts.Restart)
	}
	for _, l := range spec.OwnLabels(s) {
		args = append(args, "--label", l.Key+"="+l.Value)
	}
	for _, l := range opts.Labels {
		args = append(args, "--label", l.Key+"="+l.Value)
	}
	for _, l := range s.Labels {
		args = append(args, "--label", l.Key+"="+l.Value)
	}
	args = append(args, "--stop-signal", s.StopSignal(),
		"--stop-timeout", strconv.Itoa(int((s.StopTimeout()+time.Second-1)/time.Second)))
	for _, p := range s.Ports {
		args = append(args, "--publish", p.String())
	}
	for _, e := range s.Env {
		if e.HasValue {
			args = append(args, "--env", e.Name+"="+e.Value)
		} else {
			args = append(args, "--env", e.Name)
		}
	}
	for _, v := range s.Volumes {
		args = append(args, v.Flag, v.Spec)
	}
	if s.Workdir != "" {
		args = append(args, "--workdir", s.Workdir)
	}
	if s.User != "" {
		args = append(args, "--user", s.User)
	}
	if s.Network != "" {
		args = append(args, "--network", s.Network)
	}
	if s.Entrypoint != nil {
		args = append(args, "--entrypoint", *s.Entrypoint)
	}
	for _, f := range s.Extra {
		if f.HasValue {
			args = append(args, f.Name+"="+f.Value)
		} else {
			args = append(args, f.Name)
		}
	}
	args = append(args, "--", s.Image)
	return append(args, s.Command...)
}

// String renders the port in `--publish` syntax.
func (p Port) String() string {
	s := p.ContainerPort
	if p.HostPort != "" || p.HostIP != "" {
		s = p.HostPort + ":" + s
	}
	if p.HostIP != "" {
		ip := p.HostIP
		if containsColon(ip) && ip[0] != '[' {
			ip = "[" + ip + "]"
		}
		s = ip + ":" + s
	}
	if p.Protocol != "" && p.Protocol != "tcp" {
		s += "/" + p.Protocol
	}
	return s
}

func containsColon(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return true
		}
	}
	return false
}
