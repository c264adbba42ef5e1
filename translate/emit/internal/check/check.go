// Package check rejects launch specs no emitter can write faithfully, with
// an error that points at the configuration line the bad service came from.
// translate.Plan should never produce such a Spec; the check keeps a bug
// there from turning into a script or manifest that silently does
// something else.
package check

import (
	"fmt"
	"unicode/utf8"

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

// UTF8 reports the first value of s that is not valid UTF-8, which YAML and
// JSON cannot carry (encoders refuse it or replace it with U+FFFD), naming
// the place it came from.
func UTF8(sp *spec.Spec, s *spec.Service) error {
	if allUTF8(sp, s) {
		return nil
	}
	return firstNotUTF8(sp, s)
}

// firstNotUTF8 is UTF8's error, nil when there is none.
func firstNotUTF8(sp *spec.Spec, s *spec.Service) error {
	at := Where(s)
	type value struct {
		what string
		v    string
		pos  apacheconf.Position
	}
	vals := []value{
		{"project name", sp.Project, at}, {"service name", s.Name, at}, {"daemon group", s.Group, s.Origin.Daemon},
		{"image", s.Image, at}, {"container name", s.ContainerName, at}, {"working directory", s.Workdir, at},
		{"user", s.User, at}, {"network", s.Network, at}, {"stop signal", s.Stop.Signal, s.Stop.Source},
	}
	if s.Entrypoint != nil {
		vals = append(vals, value{"entrypoint", *s.Entrypoint, at})
	}
	for _, c := range s.Command {
		vals = append(vals, value{"command argument", c, at})
	}
	for _, p := range s.Ports {
		vals = append(vals, value{"published port", p.String(), p.Source})
	}
	for _, e := range s.Env {
		vals = append(vals, value{"environment variable", e.Name + "=" + e.Value, e.Source})
	}
	for _, v := range s.Volumes {
		vals = append(vals, value{"volume", v.Spec, v.Where})
	}
	for _, l := range s.Labels {
		vals = append(vals, value{"label", l.Key + "=" + l.Value, l.Source})
	}
	for _, f := range s.Extra {
		vals = append(vals, value{f.Name, f.Value, f.Source})
	}
	if s.Process != nil {
		for _, a := range append([]string{s.Process.Program, s.Process.Dir}, append(s.Process.Args, s.Process.Env...)...) {
			vals = append(vals, value{"process argument", a, at})
		}
	}
	for _, r := range s.Front {
		vals = append(vals, value{r.Directive, r.Path + " " + r.URL + " " + r.ServerName, r.Source})
	}
	if s.Ready != nil {
		vals = append(vals, value{"readiness URL", s.Ready.URL, s.Ready.Source})
	}
	for _, v := range vals {
		if !utf8.ValidString(v.v) {
			return fmt.Errorf("%s: service %q: %s %q is not valid UTF-8 text, which this format cannot hold; fix the encoding of the file", v.pos, s.Name, v.what, v.v)
		}
	}
	return nil
}

// allUTF8 reports whether every string UTF8 looks at, and so every value
// it joins from them, is valid UTF-8, without building those values: the
// common case, checked for each service of every format.
func allUTF8(sp *spec.Spec, s *spec.Service) bool {
	ok := func(ss ...string) bool {
		for _, v := range ss {
			if !utf8.ValidString(v) {
				return false
			}
		}
		return true
	}
	if !ok(sp.Project, s.Name, s.Group, s.Image, s.ContainerName, s.Workdir, s.User, s.Network, s.Stop.Signal) ||
		!ok(s.Command...) || s.Entrypoint != nil && !ok(*s.Entrypoint) ||
		s.Ready != nil && !ok(s.Ready.URL) {
		return false
	}
	for _, p := range s.Ports {
		if !ok(p.HostIP, p.HostPort, p.ContainerPort, p.Protocol) {
			return false
		}
	}
	for _, e := range s.Env {
		if !ok(e.Name, e.Value) {
			return false
		}
	}
	for _, v := range s.Volumes {
		if !ok(v.Spec) {
			return false
		}
	}
	for _, l := range s.Labels {
		if !ok(l.Key, l.Value) {
			return false
		}
	}
	for _, f := range s.Extra {
		if !ok(f.Value) {
			return false
		}
	}
	if p := s.Process; p != nil && (!ok(p.Program, p.Dir) || !ok(p.Args...) || !ok(p.Env...)) {
		return false
	}
	for _, r := range s.Front {
		if !ok(r.Path, r.URL, r.ServerName) {
			return false
		}
	}
	return true
}

// Or returns p when it names a line, else the service's own place: a note
// about a field the Plan gave no position still points somewhere useful.
func Or(p apacheconf.Position, s *spec.Service) apacheconf.Position {
	if p.IsValid() {
		return p
	}
	return Where(s)
}
