package launch

import (
	"fmt"
	"strings"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// ReloadAction is what a reload does with one service.
type ReloadAction string

// Reload actions, as the reload reports them.
const (
	// Kept: the same service hash; its container is not touched.
	Kept ReloadAction = "kept"
	// Started: a service the configuration did not have.
	Started ReloadAction = "started"
	// Replaced: the service changed; a new run replaces the old one.
	Replaced ReloadAction = "replaced"
	// Stopped: a service the configuration no longer has, stopped by its
	// schedule.
	Stopped ReloadAction = "stopped"
)

// ReloadStep is the plan of a reload for one service.
type ReloadStep struct {
	Service string
	Action  ReloadAction
	Old     *spec.Service // nil when Started
	New     *spec.Service // nil when Stopped
	// StartFirst, for Replaced: the new run starts, and is ready, before
	// the old one is stopped. It is false when they cannot run side by
	// side: a host port both publish, or a process (whose ports wsgidock
	// does not know).
	StartFirst bool
	// Why says why the step is what it is.
	Why string
}

// planReload is the difference between the running spec and the new one:
// one step per service of either, in the new spec's order, then the
// services the new one dropped.
func planReload(old, cur *spec.Spec) []ReloadStep {
	before := map[string]*spec.Service{}
	for _, s := range old.Services {
		before[s.Name] = s
	}
	var steps []ReloadStep
	seen := map[string]bool{}
	for _, n := range cur.Services {
		seen[n.Name] = true
		o := before[n.Name]
		switch {
		case o == nil:
			steps = append(steps, ReloadStep{Service: n.Name, Action: Started, New: n, Why: "new in the configuration"})
		case old.ServiceHash(o) == cur.ServiceHash(n):
			steps = append(steps, ReloadStep{Service: n.Name, Action: Kept, Old: o, New: n, Why: "unchanged"})
		default:
			st := ReloadStep{Service: n.Name, Action: Replaced, Old: o, New: n}
			switch shared := sharedPorts(o, n); {
			case o.Kind != spec.KindContainer || n.Kind != spec.KindContainer:
				st.Why = "changed; a process: stopped, then started"
			case len(shared) > 0:
				st.Why = fmt.Sprintf("changed; stopped, then started (both publish %s)", strings.Join(shared, ", "))
			default:
				st.StartFirst = true
				st.Why = "changed; the new container started and ready before the old one stopped"
			}
			steps = append(steps, st)
		}
	}
	for _, o := range old.Services {
		if !seen[o.Name] {
			steps = append(steps, ReloadStep{Service: o.Name, Action: Stopped, Old: o, Why: "no longer in the configuration"})
		}
	}
	return steps
}

// sharedPorts lists the host ports both services publish.
func sharedPorts(a, b *spec.Service) []string {
	taken := map[string]bool{}
	for _, p := range a.Ports {
		if p.HostPort != "" {
			taken[p.HostPort+"/"+protocol(p)] = true
		}
	}
	var out []string
	for _, p := range b.Ports {
		if key := p.HostPort + "/" + protocol(p); p.HostPort != "" && taken[key] {
			out = append(out, p.String())
		}
	}
	return out
}

func protocol(p spec.Port) string {
	if p.Protocol == "" {
		return "tcp"
	}
	return p.Protocol
}
