package specjson

import (
	"slices"
	"strconv"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/internal/jsonstr"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// writer appends a service or a report item in the bytes encoding/json's
// Encoder gives it with SetEscapeHTML(false) and SetIndent(prefix, "  "),
// without reflection and without the compact text the Encoder indents
// afterwards: at 10,000 services that pair took half of migrate's time.
// Field names, order, omitempty and null follow the struct tags of package
// spec; the tests compare it with the Encoder on every fixture and on
// random values.
type writer struct {
	b      []byte
	prefix string
	depth  int
	first  bool // nothing written yet in the innermost object or array
}

func (w *writer) newline() {
	w.b = append(w.b, '\n')
	w.b = append(w.b, w.prefix...)
	for range w.depth {
		w.b = append(w.b, ' ', ' ')
	}
}

func (w *writer) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.first = true
}

func (w *writer) close(c byte) {
	w.depth--
	if !w.first {
		w.newline()
	}
	w.b = append(w.b, c)
	w.first = false
}

// elem starts an element of an array.
func (w *writer) elem() {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.newline()
}

// key starts a member of an object; k needs no escaping.
func (w *writer) key(k string) {
	w.elem()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':', ' ')
}

func (w *writer) str(k, v string) {
	w.key(k)
	w.b = jsonstr.Append(w.b, v)
}

func (w *writer) strOmit(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *writer) boolean(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
}

func (w *writer) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
}

// strings writes a []string that has no omitempty: null when nil.
func (w *writer) strings(k string, ss []string) {
	w.key(k)
	if ss == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.open('[')
	for _, s := range ss {
		w.elem()
		w.b = jsonstr.Append(w.b, s)
	}
	w.close(']')
}

func (w *writer) stringsOmit(k string, ss []string) {
	if len(ss) > 0 {
		w.strings(k, ss)
	}
}

func (w *writer) position(k string, p apacheconf.Position) {
	w.key(k)
	w.pos(p)
}

func (w *writer) pos(p apacheconf.Position) {
	w.open('{')
	w.strOmit("file", p.Filename)
	if p.Line != 0 {
		w.int("line", int64(p.Line))
	}
	if p.Column != 0 {
		w.int("column", int64(p.Column))
	}
	w.close('}')
}

func (w *writer) item(it *spec.Item) {
	w.open('{')
	w.strOmit("service", it.Service)
	w.str("what", it.What)
	w.str("why", it.Why)
	w.position("source", it.Source)
	w.close('}')
}

func (w *writer) service(s *spec.Service) {
	w.open('{')
	w.str("name", s.Name)
	w.str("kind", string(s.Kind))
	w.str("group", s.Group)
	w.key("origin")
	w.open('{')
	w.position("daemon", s.Origin.Daemon)
	w.position("importScript", s.Origin.ImportScript)
	w.position("exec", s.Origin.Exec)
	w.str("script", s.Origin.Script)
	w.close('}')
	w.strOmit("engine", s.Engine)
	w.strOmit("containerName", s.ContainerName)
	w.strOmit("image", s.Image)
	if s.Entrypoint != nil {
		w.str("entrypoint", *s.Entrypoint)
	}
	w.stringsOmit("command", s.Command)
	if len(s.Ports) > 0 {
		w.key("ports")
		w.open('[')
		for _, p := range s.Ports {
			w.elem()
			w.open('{')
			w.strOmit("hostIP", p.HostIP)
			w.strOmit("hostPort", p.HostPort)
			w.str("containerPort", p.ContainerPort)
			w.strOmit("protocol", p.Protocol)
			w.position("source", p.Source)
			w.close('}')
		}
		w.close(']')
	}
	if len(s.Env) > 0 {
		w.key("env")
		w.open('[')
		for _, e := range s.Env {
			w.elem()
			w.open('{')
			w.str("name", e.Name)
			w.strOmit("value", e.Value)
			w.boolean("hasValue", e.HasValue)
			w.position("source", e.Source)
			w.close('}')
		}
		w.close(']')
	}
	if len(s.Volumes) > 0 {
		w.key("volumes")
		w.open('[')
		for _, v := range s.Volumes {
			w.elem()
			w.open('{')
			w.str("flag", v.Flag)
			w.str("spec", v.Spec)
			w.strOmit("source", v.Source)
			w.str("target", v.Target)
			if v.ReadOnly {
				w.boolean("readOnly", true)
			}
			w.str("type", v.Type)
			w.position("where", v.Where)
			w.close('}')
		}
		w.close(']')
	}
	w.strOmit("workdir", s.Workdir)
	w.strOmit("user", s.User)
	if len(s.Labels) > 0 {
		w.key("labels")
		w.open('[')
		for _, l := range s.Labels {
			w.elem()
			w.open('{')
			w.str("key", l.Key)
			w.str("value", l.Value)
			w.position("source", l.Source)
			w.close('}')
		}
		w.close(']')
	}
	w.strOmit("network", s.Network)
	w.strOmit("restart", s.Restart)
	w.key("stop")
	w.open('{')
	w.strOmit("signal", s.Stop.Signal)
	if s.Stop.Timeout != 0 {
		w.int("timeout", int64(s.Stop.Timeout))
	}
	w.position("source", s.Stop.Source)
	w.close('}')
	if s.Ready != nil {
		w.key("ready")
		w.open('{')
		w.str("url", s.Ready.URL)
		w.position("source", s.Ready.Source)
		w.close('}')
	}
	if len(s.Extra) > 0 {
		w.key("extra")
		w.open('[')
		for _, f := range s.Extra {
			w.elem()
			w.open('{')
			w.str("name", f.Name)
			w.strOmit("value", f.Value)
			w.boolean("hasValue", f.HasValue)
			w.position("source", f.Source)
			w.close('}')
		}
		w.close(']')
	}
	if len(s.Front) > 0 {
		w.key("front")
		w.open('[')
		for _, r := range s.Front {
			w.elem()
			w.open('{')
			w.str("directive", r.Directive)
			w.str("path", r.Path)
			w.str("url", r.URL)
			w.strOmit("serverName", r.ServerName)
			w.strOmit("forwardedPort", r.ForwardedPort)
			w.strOmit("forwardedProto", r.ForwardedProto)
			w.boolean("hasReverse", r.HasReverse)
			w.position("source", r.Source)
			w.close('}')
		}
		w.close(']')
	}
	if p := s.Process; p != nil {
		w.key("process")
		w.open('{')
		w.str("program", p.Program)
		w.strings("args", p.Args)
		w.stringsOmit("env", p.Env)
		if p.ReplaceEnv {
			w.boolean("replaceEnv", true)
		}
		w.strOmit("dir", p.Dir)
		w.close('}')
	}
	if len(s.Where) > 0 {
		w.key("where")
		w.open('{')
		keys := make([]string, 0, len(s.Where))
		for k := range s.Where {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			w.elem()
			w.b = jsonstr.Append(w.b, k)
			w.b = append(w.b, ':', ' ')
			w.pos(s.Where[k])
		}
		w.close('}')
	}
	w.stringsOmit("postStart", s.PostStart)
	if a := s.App; a != nil {
		w.key("app")
		w.app(a)
	}
	if b := s.Build; b != nil {
		w.key("build")
		w.open('{')
		w.str("context", b.Context)
		w.str("base", string(b.Base))
		w.str("baseImage", b.BaseImage)
		w.strOmit("pythonVersion", b.PythonVersion)
		w.key("requirements")
		w.open('{')
		w.str("kind", b.Requirements.Kind)
		w.strOmit("file", b.Requirements.File)
		w.stringsOmit("pinned", b.Requirements.Pinned)
		w.close('}')
		w.str("dockerfile", b.Dockerfile)
		w.position("source", b.Source)
		w.close('}')
	}
	w.strOmit("hash", s.Hash)
	w.close('}')
}

func (w *writer) app(a *spec.App) {
	w.open('{')
	w.str("script", a.Script)
	w.str("mountPoint", a.MountPoint)
	w.strOmit("mountMatch", a.MountMatch)
	w.str("callable", a.Callable)
	w.str("processGroup", a.ProcessGroup)
	w.str("applicationGroup", a.ApplicationGroup)
	w.strOmit("serverName", a.ServerName)
	w.stringsOmit("serverAliases", a.ServerAliases)
	w.aliases("aliases", a.Aliases)
	w.strOmit("home", a.Home)
	w.stringsOmit("pythonPath", a.PythonPath)
	w.strOmit("pythonHome", a.PythonHome)
	w.str("user", a.User)
	w.str("group", a.Group)
	w.strOmit("umask", a.Umask)
	w.strings("expressArgs", a.ExpressArgs)
	w.stringsOmit("daemonOptions", a.DaemonOptions)
	if a.TLS {
		w.boolean("tls", true)
	}
	w.str("forwardedPort", a.ForwardedPort)
	w.key("directives")
	if a.Directives == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for _, p := range a.Directives {
			w.elem()
			w.pos(p)
		}
		w.close(']')
	}
	if a.PassAuthorization {
		w.boolean("passAuthorization", true)
	}
	if len(a.RequestEnv) > 0 {
		w.key("requestEnv")
		w.open('[')
		for _, e := range a.RequestEnv {
			w.elem()
			w.open('{')
			w.str("name", e.Name)
			w.strOmit("value", e.Value)
			if e.Unset {
				w.boolean("unset", true)
			}
			w.strOmit("location", e.Location)
			w.position("source", e.Source)
			w.close('}')
		}
		w.close(']')
	}
	w.aliases("excluded", a.Excluded)
	if len(a.Access) > 0 {
		w.key("access")
		w.open('[')
		for _, sec := range a.Access {
			w.elem()
			w.open('{')
			w.str("open", sec.Open)
			w.strings("lines", sec.Lines)
			w.position("from", sec.From)
			w.position("before", sec.Before)
			w.close('}')
		}
		w.close(']')
	}
	if len(a.Mounts) > 0 {
		w.key("mounts")
		w.open('[')
		for _, m := range a.Mounts {
			w.elem()
			w.open('{')
			w.str("script", m.Script)
			w.str("mountPoint", m.MountPoint)
			w.strOmit("mountMatch", m.MountMatch)
			w.str("callable", m.Callable)
			w.str("applicationGroup", m.ApplicationGroup)
			w.position("source", m.Source)
			w.close('}')
		}
		w.close(']')
	}
	w.stringsOmit("unsetEnv", a.UnsetEnv)
	w.close('}')
}

// aliases writes a list of static-files aliases under k, omitted when
// empty.
func (w *writer) aliases(k string, as []spec.Alias) {
	if len(as) == 0 {
		return
	}
	w.key(k)
	w.open('[')
	for _, al := range as {
		w.elem()
		w.open('{')
		w.str("url", al.URL)
		w.str("path", al.Path)
		w.position("source", al.Source)
		w.close('}')
	}
	w.close(']')
}
