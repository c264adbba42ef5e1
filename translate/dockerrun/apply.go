package dockerrun

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// scalarFlags are the mapped flags that hold one value: the engine keeps
// the last one given.
var scalarFlags = map[string]bool{
	"--name": true, "--entrypoint": true, "--workdir": true, "--user": true,
	"--restart": true, "--stop-signal": true, "--stop-timeout": true,
}

// endpointFlags are engine options that choose which engine runs the
// container.
var endpointFlags = map[string]bool{
	"--host": true, "--context": true, "--connection": true, "--url": true, "--config": true,
	"--tls": true, "--tlsverify": true, "--tlscacert": true, "--tlscert": true, "--tlskey": true,
	"--tls-ca": true, "--tls-cert": true, "--tls-key": true, "--identity": true, "--remote": true, "--ssh": true,
}

// Apply fills s from the run: the engine, image, command and every option,
// each with the place it came from. mapped says where each flag went,
// unmapped which flags wsgidock drops or overrides and why; diags holds
// values the engine would refuse (errors) and changes in behaviour the
// user should know about (warnings).
func (r *Run) Apply(s *spec.Service) (mapped, unmapped []spec.Item, diags apacheconf.Diagnostics) {
	a := applier{s: s}
	if s.Where == nil {
		s.Where = spec.Positions{}
	}
	s.Engine = r.Engine
	for _, o := range r.Global {
		if endpointFlags[o.Name] {
			a.warn(o.ValuePos, describe(o)+" chooses which engine runs the container; wsgidock does not pass engine options on",
				"run wsgidock with the engine chosen by its environment instead (DOCKER_HOST or DOCKER_CONTEXT for docker, CONTAINER_HOST or CONTAINER_CONNECTION for podman)")
		}
		a.drop(o, "an option of the "+r.Engine+" program itself, not of the container; wsgidock runs the engine with its own options")
	}

	last := map[string]int{}
	for i, o := range r.Options {
		if scalarFlags[o.Name] {
			last[o.Name] = i
		}
		if o.Name == "--volume-driver" && o.Value != "" && o.Value != "local" {
			a.volumeDriver = true
		}
	}
	var tty, stdin, rm *Option
	var restart string
	for i, o := range r.Options {
		if j, ok := last[o.Name]; ok && j != i {
			a.drop(o, "overridden by the later "+r.Options[j].Written+" at "+r.Options[j].Pos.String()+": the engine keeps the last one")
			continue
		}
		switch o.Name {
		case "--name":
			if err := checkContainerName(o.Value); err != nil {
				a.refuse(o, err)
				continue
			}
			s.ContainerName = o.Value
			a.set("containerName", o, "the container's name (containerName)")
		case "--entrypoint":
			v := o.Value
			s.Entrypoint = &v
			a.set("entrypoint", o, "the entry point (entrypoint)")
		case "--workdir":
			if o.Value != "" && !path.IsAbs(o.Value) {
				a.refuse(o, fmt.Errorf("the working directory '%s' is invalid, it needs to be an absolute path", o.Value))
				continue
			}
			s.Workdir = o.Value
			a.set("workdir", o, "the working directory (workdir)")
		case "--user":
			s.User = o.Value
			a.set("user", o, "the user (user)")
		case "--restart":
			if err := checkRestart(o.Value); err != nil {
				a.refuse(o, err)
				continue
			}
			s.Restart, restart = o.Value, o.Value
			s.Where["restart"] = o.ValuePos
			a.drop(o, "recorded as restart but overridden: wsgidock alone owns restarts (its supervisor in the foreground, the engine's unless-stopped policy with --detach)")
		case "--stop-signal":
			if err := checkSignal(o.Value); err != nil {
				a.refuse(o, err)
				continue
			}
			s.Stop.Signal, s.Stop.Source = o.Value, o.ValuePos
			a.set("stop.signal", o, "the first stop signal (stop.signal)")
		case "--stop-timeout":
			a.stopTimeout(o)
		case "--publish":
			a.publish(o)
		case "--env":
			a.env(o)
		case "--volume":
			a.volume(o, parseVolume)
		case "--mount":
			a.volume(o, parseMount)
		case "--tmpfs":
			a.volume(o, parseTmpfs)
		case "--label":
			l, err := parseLabel(o.Value)
			if err != nil {
				a.refuse(o, err)
				continue
			}
			l.Source = o.ValuePos
			s.Labels = append(s.Labels, l)
			a.item(o, "a label (labels)")
		case "--network":
			if s.Network == "" {
				s.Network = o.Value
				a.set("network", o, "the network (network)")
				continue
			}
			a.warn(o.ValuePos, "a second --network needs an engine with API 1.44 (Docker 25) or later; older engines refuse the container",
				"connect the container to further networks after it starts, with `docker network connect`, on older engines")
			a.extra(o, "carried through: connects the container to a further network")
		case "--rm":
			if o.On() {
				rm = &r.Options[i]
			}
			a.item(o, "handled by wsgidock, which creates and removes the service's containers itself: nothing to do")
		case "--detach":
			a.item(o, "handled by wsgidock, which always starts containers detached: nothing to do")
		case "--attach":
			a.item(o, "handled by wsgidock: containers run detached (the engine refuses --attach with --detach) and their output is read from the engine's log: nothing to do")
		case "--help":
			a.drop(o, "prints the usage; it runs no container")
		case "--tty":
			if o.On() {
				tty = &r.Options[i]
			}
			a.extra(o, "carried through: the process gets a terminal, so stdout and stderr reach the log as one stream, and Ctrl-C style signals come from the terminal driver; wsgidock stops containers through the engine, by name, so stopping does not depend on it")
		case "--interactive":
			if o.On() {
				stdin = &r.Options[i]
			}
			a.extra(o, "carried through: STDIN stays open, but wsgidock attaches nothing to it, so a process that reads STDIN waits")
		case "--env-file", "--label-file":
			a.extra(o, "carried through: the engine program reads the file each time it starts the container, relative to its working directory")
		case "--cidfile":
			a.extra(o, "carried through: the engine refuses to start while the file exists, so each restart needs it removed first")
		default:
			a.extra(o, "carried through unchanged")
		}
	}
	if tty != nil && stdin != nil {
		a.warn(tty.Pos, "-i with -t needs a terminal: run from a launcher without one, docker stops with \"the input device is not a TTY\"",
			"wsgidock starts the container detached, where the check does not apply; drop -i -t unless the program needs a terminal")
	}
	if rm != nil && restart != "" && restart != "no" {
		a.warn(rm.Pos, "the engine refuses --rm together with --restart "+restart+" (\"conflicting options\"): this launcher never started its container",
			"wsgidock drops both and owns removal and restarts itself")
	}

	if r.Image == "" {
		// Parse reported why there is none.
		return a.mapped, a.unmapped, a.diags
	}
	s.Image = r.Image
	s.Where["image"] = r.ImagePos
	a.mapped = append(a.mapped, spec.Item{Service: s.Name, What: "image " + quoteArg(r.Image), Why: "the image (image)", Source: r.ImagePos})
	if len(r.Command) > 0 {
		s.Command = append([]string(nil), r.Command...)
		s.Where["command"] = r.CommandPos[0]
		words := make([]string, len(r.Command))
		for i, w := range r.Command {
			words[i] = quoteArg(w)
		}
		a.mapped = append(a.mapped, spec.Item{Service: s.Name, What: strings.Join(words, " "),
			Why: "the container's arguments, after the image (command)", Source: r.CommandPos[0]})
	}
	return a.mapped, a.unmapped, a.diags
}

// applier collects what Apply finds.
type applier struct {
	s *spec.Service
	// volumeDriver says --volume-driver names volumes, not the local
	// driver.
	volumeDriver     bool
	mapped, unmapped []spec.Item
	diags            apacheconf.Diagnostics
}

func (a *applier) item(o Option, why string) {
	a.mapped = append(a.mapped, spec.Item{Service: a.s.Name, What: describe(o), Why: why, Source: o.Pos})
}

func (a *applier) set(field string, o Option, why string) {
	a.s.Where[field] = o.ValuePos
	a.item(o, why)
}

func (a *applier) drop(o Option, why string) {
	a.unmapped = append(a.unmapped, spec.Item{Service: a.s.Name, What: describe(o), Why: why, Source: o.Pos})
}

func (a *applier) extra(o Option, why string) {
	a.s.Extra = append(a.s.Extra, spec.Flag{Name: o.Name, Value: o.Value, HasValue: o.HasValue, Source: o.Pos})
	a.item(o, why+" as "+o.Name+" (extra)")
}

func (a *applier) warn(at apacheconf.Position, summary, detail string) {
	a.diags = append(a.diags, apacheconf.Diagnostic{Severity: apacheconf.SeverityWarning, Code: CodeMapping,
		Summary: summary, Detail: detail, Subject: apacheconf.Range{Start: at, End: at}})
}

func (a *applier) note(at apacheconf.Position, summary, detail string) {
	a.diags = append(a.diags, apacheconf.Diagnostic{Severity: apacheconf.SeverityInfo, Code: CodeMapping,
		Summary: summary, Detail: detail, Subject: apacheconf.Range{Start: at, End: at}})
}

// refuse reports a value the engine would refuse; the flag is left out.
func (a *applier) refuse(o Option, err error) {
	a.diags = append(a.diags, apacheconf.Diagnostic{Severity: apacheconf.SeverityError, Code: CodeValue,
		Summary: "invalid value for " + o.Written + ": " + err.Error(),
		Detail:  "the engine refuses this command line; correct the value in the launcher script",
		Subject: apacheconf.Range{Start: o.ValuePos, End: o.ValuePos}})
	a.drop(o, "invalid value: "+err.Error())
}

func (a *applier) stopTimeout(o Option) {
	n, err := strconv.ParseInt(o.Value, 0, 64)
	if err != nil {
		a.refuse(o, err)
		return
	}
	if n <= 0 || n > int64(time.Duration(1<<63-1)/time.Second) {
		// The spec's zero means "the default"; the engine's 0 means "kill
		// at once" and -1 "wait for ever". The flag keeps that meaning as
		// an extra, which comes after wsgidock's own --stop-timeout.
		a.extra(o, "carried through: the spec has no place for a timeout of "+o.Value+" seconds, and the engine keeps the last --stop-timeout")
		return
	}
	a.s.Stop.Timeout, a.s.Stop.Source = time.Duration(n)*time.Second, o.ValuePos
	a.set("stop.timeout", o, "the time between the stop signal and SIGKILL (stop.timeout)")
}

func (a *applier) publish(o Option) {
	p, notes, err := parsePublish(o.Value)
	if err != nil {
		a.refuse(o, err)
		return
	}
	for _, n := range notes {
		a.warn(o.ValuePos, n, "write the short form, [IP:]HOSTPORT:CONTAINERPORT[/PROTOCOL]")
	}
	if p.HostIP == "" {
		a.note(o.ValuePos, "-p "+o.Value+" publishes the port on every interface of the host, around the Apache front end",
			"publish on the loopback address Apache proxies to, e.g. -p 127.0.0.1:"+portOr(p.HostPort, p.ContainerPort)+":"+p.ContainerPort)
	}
	p.Source = o.ValuePos
	a.s.Ports = append(a.s.Ports, p)
	a.item(o, "a published port (ports)")
}

func portOr(host, container string) string {
	if host != "" {
		return host
	}
	return container
}

func (a *applier) env(o Option) {
	e, err := parseEnv(o.Value)
	if err != nil {
		a.refuse(o, err)
		return
	}
	e.Source = o.ValuePos
	a.s.Env = append(a.s.Env, e)
	if !e.HasValue {
		a.item(o, "an environment variable (env) whose value the engine program takes from its own environment when it starts the container: Apache's under mod_wsgi, wsgidock's now")
		return
	}
	a.item(o, "an environment variable (env)")
}

func (a *applier) volume(o Option, parse func(string) (spec.Volume, error)) {
	v, err := parse(o.Value)
	if err != nil {
		a.refuse(o, err)
		return
	}
	v.Where = o.ValuePos
	if err := checkMount(v, a.volumeDriver); err != nil {
		a.refuse(o, err)
		return
	}
	if v.Type == "bind" && strings.HasPrefix(v.Source, ".") {
		a.warn(o.ValuePos, "the bind source "+v.Source+" is relative: the engine program resolves it against its working directory, which differs between mod_wsgi and wsgidock",
			"write an absolute path")
	}
	a.s.Volumes = append(a.s.Volumes, v)
	a.item(o, "a "+v.Type+" mount at "+v.Target+" (volumes)")
}

// describe renders an option as written, for reports.
func describe(o Option) string {
	if !o.HasValue {
		return o.Written
	}
	if strings.HasPrefix(o.Written, "--") {
		return o.Written + "=" + quoteArg(o.Value)
	}
	return o.Written + " " + quoteArg(o.Value)
}

// quoteArg quotes an argument for a report when it would not read as one
// word.
func quoteArg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\"'\\$`") || strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}
