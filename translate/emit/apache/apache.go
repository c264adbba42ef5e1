// Package apache writes the front-end Apache configuration once wsgidock
// runs the services: every WSGIDaemonProcess and WSGIImportScript pair that
// started a service is commented out with a marker; for a WSGI application
// moved into a container (spec.Service.App) its WSGI directives and static
// Aliases are commented out and proxy directives to the container take the
// WSGIScriptAlias's place. Every other byte of the user's files is kept as
// it was (the reader's lossless printer).
package apache

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Marker starts every line wsgidock comments out, so that a person (or
// sed) can find and restore them.
const Marker = " wsgidock: "

// File is one rewritten configuration file.
type File struct {
	// Name is the file's path as the reader named it.
	Name string
	Data []byte
	// Changed are the lines commented out.
	Changed []apacheconf.Range
}

// Rewrite returns the files of tree that hold a directive a service of sp
// came from, with those directives commented out. Files are in the order
// httpd read them; a file included twice is rewritten once.
func Rewrite(tree *apacheconf.Tree, sp *spec.Spec) ([]File, []spec.Item, error) {
	type target struct {
		svc  *spec.Service
		what string // the directive expected there; "" for any
		// proxy marks an app's WSGIScriptAlias(Match): the proxy
		// directives take its place.
		proxy bool
	}
	targets := map[apacheconf.Position]target{}
	// access are the <Location> sections of the applications' access
	// control, by the line they go before.
	type accessOf struct {
		svc *spec.Service
		sec spec.AccessSection
	}
	access := map[apacheconf.Position][]accessOf{}
	key := func(p apacheconf.Position) apacheconf.Position {
		return apacheconf.Position{Filename: p.Filename, Line: p.Line}
	}
	for _, s := range sp.Services {
		targets[key(s.Origin.Daemon)] = target{svc: s, what: "WSGIDaemonProcess"}
		if s.App != nil {
			for _, p := range s.App.Directives[2:] {
				targets[key(p)] = target{svc: s}
			}
			// Each script alias the container serves (one for each
			// virtual host) gets the proxy directives of its routes.
			targets[key(s.App.Directives[0])] = target{svc: s, proxy: true}
			for _, a := range s.App.Access {
				access[key(a.Before)] = append(access[key(a.Before)], accessOf{s, a})
			}
			for _, r := range s.Front {
				targets[key(r.Source)] = target{svc: s, proxy: true}
			}
			continue
		}
		targets[key(s.Origin.ImportScript)] = target{svc: s, what: "WSGIImportScript"}
	}
	modules := newModuleLoader(tree)
	editors := map[string]*apacheconf.Editor{}
	var order []string
	found := map[apacheconf.Position]bool{}
	var notes []spec.Item
	for _, f := range tree.Files {
		if f.CommandLine {
			continue
		}
		var walk func([]*apacheconf.Node) error
		walk = func(ns []*apacheconf.Node) error {
			for _, n := range ns {
				walk(n.Children)
				if as := access[key(n.Pos())]; len(as) > 0 && n.Active {
					ed := editors[f.Name]
					if ed == nil {
						ed = apacheconf.NewEditor(f)
						editors[f.Name] = ed
						order = append(order, f.Name)
					}
					var text strings.Builder
					for _, a := range as {
						text.WriteString(accessLines(f.Src, n, a.svc, a.sec))
					}
					if err := ed.InsertBefore(n, text.String()); err != nil {
						return err
					}
					delete(access, key(n.Pos()))
				}
				t, ok := targets[key(n.Pos())]
				if !ok || !n.Active || t.what != "" && !n.Is(t.what) || found[key(n.Pos())] {
					continue
				}
				found[key(n.Pos())] = true
				ed := editors[f.Name]
				if ed == nil {
					ed = apacheconf.NewEditor(f)
					editors[f.Name] = ed
					order = append(order, f.Name)
				}
				if t.proxy {
					if err := modules.insert(ed, n); err != nil {
						return err
					}
					if err := ed.InsertBefore(n, proxyLines(f.Src, n, t.svc)); err != nil {
						return err
					}
				}
				if t.what == "WSGIDaemonProcess" {
					how := "wsgidock up"
					if t.svc.App != nil {
						how = fmt.Sprintf("its application runs in container %s, built from image %s", t.svc.ContainerName, t.svc.Image)
					} else if t.svc.Kind == spec.KindContainer {
						how = fmt.Sprintf("container %s, started by wsgidock", t.svc.ContainerName)
					}
					if err := ed.InsertBefore(n, fmt.Sprintf("#%sservice %s now runs outside Apache (%s)\n", Marker, t.svc.Name, how)); err != nil {
						return err
					}
				}
				if err := ed.CommentOut(n, Marker); err != nil {
					return err
				}
				what := t.what
				if what == "" {
					what = n.Name
				}
				notes = append(notes, spec.Item{Service: t.svc.Name, What: what,
					Why: "commented out in the front-end config: wsgidock runs the service now", Source: n.Pos(), Info: true})
			}
			return nil
		}
		if err := walk(f.Nodes); err != nil {
			return nil, nil, err
		}
	}
	var missing []string
	for p := range access {
		missing = append(missing, p.String())
	}
	for p := range targets {
		if !found[p] {
			missing = append(missing, p.String())
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, nil, fmt.Errorf("no directive of the config is at %v; the spec does not come from this config", missing)
	}
	notes = append(notes, modules.notes...)
	var files []File
	for _, name := range order {
		ed := editors[name]
		files = append(files, File{Name: name, Data: ed.Bytes(), Changed: ed.Changed()})
	}
	return files, notes, nil
}

// proxyLines are the directives that send an app's requests to its
// container, indented as the WSGIScriptAlias they replace.
func proxyLines(src string, n *apacheconf.Node, s *spec.Service) string {
	indent := indentOf(src, n)
	at := apacheconf.Position{Filename: n.Pos().Filename, Line: n.Pos().Line}
	here := func(p apacheconf.Position) bool { return p.Filename == at.Filename && p.Line == at.Line }
	proto := map[bool]string{true: "https"}[s.App.TLS]
	var routes []spec.Route
	for _, r := range s.Front {
		if here(r.Source) {
			routes = append(routes, r)
		}
	}
	if len(routes) > 0 {
		proto = routes[0].ForwardedProto
	}
	if proto == "" {
		// Not a client's claim: on a plain virtual host the scheme is
		// http whatever the request says.
		proto = "http"
	}
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s#%sapplication %s now runs in container %s (image %s)\n", indent, Marker, s.Name, s.ContainerName, s.Image)
	fmt.Fprintf(b, "%sProxyPreserveHost On\n", indent)
	for _, a := range s.App.Excluded {
		if here(a.Source) {
			fmt.Fprintf(b, "%sProxyPass %s !\n", indent, quote(a.URL))
		}
	}
	// nocanon: the container's httpd gets the request's path as the
	// client wrote it (REQUEST_URI unchanged, %7E not made ~) and decodes
	// it itself, as the front end's mod_wsgi did.
	for _, r := range routes {
		if r.Directive == "ProxyPassMatch" {
			// The expression as httpd matched it for WSGIScriptAliasMatch,
			// against the decoded path; the backend gets the whole path.
			fmt.Fprintf(b, "%sProxyPassMatch %s %s nocanon\n", indent, quote(r.Path), quote(r.URL))
			fmt.Fprintf(b, "%sProxyPassReverse / %s\n", indent, quote(r.URL+"/"))
			continue
		}
		fmt.Fprintf(b, "%sProxyPass %s %s nocanon\n", indent, quote(r.Path), quote(r.URL))
		fmt.Fprintf(b, "%sProxyPassReverse %s %s\n", indent, quote(r.Path), quote(r.URL))
	}
	// The port as mod_wsgi on the front end took it for SERVER_PORT
	// (ap_get_server_port: the Host header's, else the connection's),
	// rather than the one the virtual host names, which a main-server
	// application does not have.
	fmt.Fprintf(b, "%sRequestHeader set X-Forwarded-Port \"expr=%%{SERVER_PORT}\"\n", indent)
	fmt.Fprintf(b, "%sRequestHeader set X-Forwarded-Proto %s\n", indent, proto)
	// The user the front end authenticated, which mod_wsgi gave the
	// application as REMOTE_USER and AUTH_TYPE; the container takes them
	// from the bridge's gateway only.
	fmt.Fprintf(b, "%sRequestHeader set %s \"expr=%%{REMOTE_USER}\"\n", indent, spec.HeaderRemoteUser)
	fmt.Fprintf(b, "%sRequestHeader set %s \"expr=%%{AUTH_TYPE}\"\n", indent, spec.HeaderAuthType)
	return b.String()
}

// accessLines is the <Location> section that carries the access control
// of one of an application's <Directory> and <Files> sections, indented
// as the line it goes before.
func accessLines(src string, n *apacheconf.Node, s *spec.Service, a spec.AccessSection) string {
	indent := indentOf(src, n)
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s#%saccess control for %s of the section at %s, which governed these requests under mod_wsgi\n", indent, Marker, s.Name, a.From)
	fmt.Fprintf(b, "%s<%s>\n", indent, a.Open)
	for _, l := range a.Lines {
		fmt.Fprintf(b, "%s    %s\n", indent, l)
	}
	fmt.Fprintf(b, "%s</%s>\n", indent, strings.Fields(a.Open)[0])
	return b.String()
}

// indentOf is the white space that starts n's line, or "" when n does
// not start its line (n.Offset is where its line starts otherwise).
func indentOf(src string, n *apacheconf.Node) string {
	start := strings.LastIndexByte(src[:n.Offset], '\n') + 1
	if start != n.Offset {
		return ""
	}
	i := start
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return src[start:i]
}

// quote writes an argument so that ap_getword_conf reads it back as is.
func quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"'\\") {
		return s
	}
	return "\"" + strings.NewReplacer("\\", "\\\\", "\"", "\\\"").Replace(s) + "\""
}

// moduleLoader loads the modules the proxy directives need, once, from
// the directory the configuration loads its other modules from, before
// the first top-level section holding an app.
type moduleLoader struct {
	dir   string
	done  bool
	notes []spec.Item
}

// proxyModules are the modules ProxyPass to http:// and RequestHeader
// need.
var proxyModules = []struct{ name, file string }{
	{"proxy_module", "mod_proxy.so"},
	{"proxy_http_module", "mod_proxy_http.so"},
	{"headers_module", "mod_headers.so"},
}

func newModuleLoader(tree *apacheconf.Tree) *moduleLoader {
	m := &moduleLoader{}
	var find func([]*apacheconf.Node)
	find = func(ns []*apacheconf.Node) {
		for _, n := range ns {
			if m.dir != "" || !n.Active {
				return
			}
			if n.Is("LoadModule") {
				if w := n.Words(); len(w) == 2 {
					m.dir = path.Dir(w[1])
				}
			}
			find(n.Children)
		}
	}
	for _, f := range tree.Files {
		find(f.Nodes)
	}
	return m
}

func (m *moduleLoader) insert(ed *apacheconf.Editor, n *apacheconf.Node) error {
	if m.done {
		return nil
	}
	m.done = true
	if m.dir == "" {
		m.notes = append(m.notes, spec.Item{What: "mod_proxy, mod_proxy_http, mod_headers",
			Why: "the configuration loads no module by LoadModule, so wsgidock cannot tell where they are: enable them (a2enmod proxy_http headers)", Source: n.Pos()})
		return nil
	}
	top := n
	for top.Parent != nil {
		top = top.Parent
	}
	b := &strings.Builder{}
	fmt.Fprintf(b, "#%smodules for the proxy to the application containers\n", Marker)
	for _, pm := range proxyModules {
		fmt.Fprintf(b, "<IfModule !%s>\n    LoadModule %s %s\n</IfModule>\n", pm.name, pm.name, quote(path.Join(m.dir, pm.file)))
	}
	return ed.InsertBefore(top, b.String())
}
