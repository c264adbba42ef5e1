// Package check rejects launch specs no emitter can write faithfully, with
// an error that points at the configuration line the bad service came from.
// translate.Plan should never produce such a Spec; the check keeps a bug
// there from turning into a script or manifest that silently does
// something else.
package check

import (
	"fmt"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Spec reports the first problem in sp: a missing service, an empty or
// repeated name, an unknown kind, a container without an image or a
// container name, a process without a program.
func Spec(sp *spec.Spec) error {
	if sp == nil {
		return fmt.Errorf("no launch spec to write")
	}
	seen := map[string]apacheconf.Position{}
	for i, s := range sp.Services {
		if s == nil {
			return fmt.Errorf("launch spec service %d is missing", i+1)
		}
		at := Where(s)
		if s.Name == "" {
			return fmt.Errorf("%s: daemon group %q has no service name", at, s.Group)
		}
		if prev, dup := seen[s.Name]; dup {
			return fmt.Errorf("%s: service name %q is already used by the daemon group at %s; rename one of the groups", at, s.Name, prev)
		}
		seen[s.Name] = at
		switch s.Kind {
		case spec.KindContainer:
			if s.Image == "" {
				return fmt.Errorf("%s: service %q runs a container without an image", at, s.Name)
			}
			if s.ContainerName == "" {
				return fmt.Errorf("%s: service %q has no container name", at, s.Name)
			}
		case spec.KindProcess:
			if s.Process == nil || s.Process.Program == "" {
				return fmt.Errorf("%s: service %q runs a process without a program", at, s.Name)
			}
		default:
			return fmt.Errorf("%s: service %q has unknown kind %q (want %q or %q)", at, s.Name, s.Kind, spec.KindContainer, spec.KindProcess)
		}
	}
	return nil
}

// Where is the best place to point at for a whole service: the launcher
// line that starts it, else its WSGIDaemonProcess directive.
func Where(s *spec.Service) apacheconf.Position {
	if s.Origin.Exec.IsValid() {
		return s.Origin.Exec
	}
	return s.Origin.Daemon
}
