package launch

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// Status is the state of one service, or of a container of the project
// whose service the configuration no longer has (Orphan).
type Status struct {
	Service string    `json:"service"`
	Kind    spec.Kind `json:"kind"`
	// Container is the container's name and ID its short ID; both empty
	// when the service has no container.
	Container string `json:"container,omitempty"`
	ID        string `json:"id,omitempty"`
	// State is the engine's word (running, exited, restarting, created),
	// "missing" when there is no container, and for process services
	// "supervised" or "stopped".
	State string `json:"state"`
	// StartedAt is when the current run started; Uptime is how long it
	// has been running (zero when not running; nanoseconds in JSON).
	StartedAt time.Time     `json:"startedAt"`
	Uptime    time.Duration `json:"uptime"`
	// ExitCode is the last run's, when not running.
	ExitCode int `json:"exitCode"`
	// Restarts counts restarts by whoever owns them: wsgidock's foreground
	// supervisor, or the engine.
	Restarts int      `json:"restarts"`
	Ports    []string `json:"ports,omitempty"`
	// Ready is "yes" when the readiness URL answers now, "no" when it does
	// not, "-" when there is nothing to ask (no URL, not running).
	Ready string `json:"ready"`
	// Owner says who restarts the service: "wsgidock (pid N)", "engine
	// (unless-stopped)", or "nobody" for a container a killed wsgidock left.
	Owner  string `json:"owner"`
	Orphan bool   `json:"orphan,omitempty"`
	// Changed says the container runs another configuration of the
	// service than the one PS was given (its LabelServiceHash differs):
	// `wsgidock reload` would replace it. A container a reload kept is
	// not changed, whatever its config-hash label says.
	Changed bool `json:"changed,omitempty"`
	// Image is the container's image (the spec's when there is no
	// container); Built says, for an image wsgidock builds, what the last
	// `up` did with it: "built" or "up to date" ("" when it has not run).
	Image string `json:"image,omitempty"`
	Built string `json:"built,omitempty"`
}

// PS reports the state of every service of the spec, in the spec's order,
// then of every container of the project whose service the spec does not
// have. It asks each readiness URL once.
func PS(ctx context.Context, sp *spec.Spec, o Options) ([]Status, error) {
	o = o.withDefaults()
	if err := checkProject(sp); err != nil {
		return nil, err
	}
	supervisor := lockHolder(o.LockDir, sp.Project)
	byService := map[string]Container{}
	var orphans []Container
	var errs Errors
	for _, u := range engines(sp, o) {
		defer closeEngine(u.eng)
		cs, err := u.eng.List(ctx, spec.LabelProject+"="+sp.Project)
		if err != nil {
			errs = append(errs, unusableEngine(u.first, u.eng, err))
			continue
		}
		for _, c := range cs {
			name := c.Labels[spec.LabelService]
			if s := serviceNamed(sp, name); s != nil && o.engineProgram(s) == o.engineProgram(u.first) {
				// The container under the service's name is the service's;
				// another one of it (an ended run renamed away while it is
				// removed) only when there is none.
				if _, seen := byService[name]; !seen || c.Name == s.ContainerName {
					byService[name] = c
				}
			} else {
				orphans = append(orphans, c)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	now := o.Clock.Now()
	built := readBuilds(o.LockDir, sp.Project)
	var out []Status
	var probes []int // the statuses whose readiness URL is asked, all at once below
	for _, s := range sp.Services {
		st := Status{Service: s.Name, Kind: s.Kind, Ready: "-"}
		if s.Kind == spec.KindProcess {
			st.State, st.Owner = "stopped", "nobody"
			if supervisor != 0 {
				st.State, st.Owner = "supervised", owner(supervisor)
			}
		} else if c, ok := byService[s.Name]; ok {
			st = containerStatus(c, s.Name, now, supervisor)
			if h := c.Labels[LabelServiceHash]; h != "" && h != sp.ServiceHash(s) {
				st.Changed = true
			}
		} else {
			st.State = "missing"
		}
		st.Kind = s.Kind
		if st.Image == "" {
			st.Image = s.Image
		}
		if s.Build != nil {
			st.Built = built[s.Name]
		}
		if s.Ready != nil && (st.State == "running" || st.State == "supervised") {
			st.Ready = "no"
			probes = append(probes, len(out))
		}
		out = append(out, st)
	}
	each(len(probes), func(i int) {
		st := &out[probes[i]]
		if o.probe(ctx, serviceNamed(sp, st.Service).Ready.URL) == nil {
			st.Ready = "yes"
		}
	})
	for _, c := range orphans {
		st := containerStatus(c, c.Labels[spec.LabelService], now, supervisor)
		st.Orphan = true
		out = append(out, st)
	}
	return out, nil
}

func serviceNamed(sp *spec.Spec, name string) *spec.Service {
	for _, s := range sp.Services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func owner(pid int) string {
	if pid > 0 {
		return fmt.Sprintf("wsgidock (pid %d)", pid)
	}
	return "wsgidock"
}

// containerStatus reads a container's state; supervisor is the PID of the
// foreground wsgidock running the project, or 0.
func containerStatus(c Container, service string, now time.Time, supervisor int) Status {
	st := Status{
		Service: service, Kind: spec.KindContainer, Container: c.Name, ID: shortID(c.ID),
		State: c.State, StartedAt: c.StartedAt, ExitCode: c.ExitCode, Ready: "-", Image: c.Image,
	}
	if c.Running && !c.StartedAt.IsZero() {
		st.Uptime = now.Sub(c.StartedAt)
	}
	for _, p := range c.Ports {
		st.Ports = append(st.Ports, p.String())
	}
	switch {
	case c.RestartPolicy != "" && c.RestartPolicy != restartForeground:
		st.Owner = "engine (" + c.RestartPolicy + ")"
		st.Restarts = c.RestartCount
	case supervisor != 0:
		st.Owner = owner(supervisor)
		if run, err := strconv.Atoi(c.Labels[LabelRun]); err == nil && run > 1 {
			st.Restarts = run - 1
		}
	default:
		st.Owner = "nobody"
	}
	return st
}

// WriteStatus prints statuses as an aligned table.
func WriteStatus(w io.Writer, statuses []Status) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tCONTAINER\tIMAGE\tSTATE\tUPTIME\tRESTARTS\tPORTS\tREADY\tOWNER")
	for _, st := range statuses {
		name := st.Service
		if st.Orphan {
			name += " (not in config)"
		}
		container := "-"
		if st.Container != "" {
			container = st.Container + " (" + st.ID + ")"
		} else if st.Kind == spec.KindProcess {
			container = "(process)"
		}
		state := st.State
		if st.State == "exited" {
			state = fmt.Sprintf("exited (%d)", st.ExitCode)
		}
		if st.Changed {
			state += " (config changed)"
		}
		uptime := "-"
		if st.Uptime > 0 {
			uptime = round(st.Uptime).String()
		}
		ports := strings.Join(st.Ports, ", ")
		if ports == "" {
			ports = "-"
		}
		owner := st.Owner
		if owner == "" {
			owner = "-"
		}
		image := st.Image
		switch {
		case image == "":
			image = "-"
		case st.Built != "":
			image += " (" + st.Built + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", name, container, image, state, uptime, st.Restarts, ports, st.Ready, owner)
	}
	return tw.Flush()
}
