// Package translate turns the mod_wsgi daemon groups of a parsed Apache
// configuration into a launch spec (package spec) and a report of what it
// mapped and what it could not, each with its place in the user's files.
//
// The pattern it reads is the seed's: a WSGIDaemonProcess that runs no
// WSGI application, plus a WSGIImportScript whose Python launcher execs
// `docker run ...` (or another program, which becomes a "process" service).
// The front end's ProxyPass lines tell which backend URL each service
// serves.
package translate

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/dockerrun"
	"github.com/wsgidock/wsgidock/translate/importscript"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Options change how a configuration is planned.
type Options struct {
	// Project names the set of services; empty means the main config
	// file's name without its extension.
	Project string
	// LookupEnv resolves os.environ reads in launcher scripts; nil means
	// nothing is set, so that a plan does not depend on who runs it.
	LookupEnv func(string) (string, bool)
	// FS reads the launcher scripts; nil means the machine's files. It is
	// called from several goroutines at once, as is LookupEnv.
	FS apacheconf.FileSystem
	// Evaluate, when set, is asked for the launch of a script the static
	// reader cannot follow: `--evaluate-launchers` sets it to run the
	// script in a sandbox (package translate/sandbox, Evaluator). Nil
	// means no script is ever run.
	Evaluate Evaluator
	// Base is the kind of image WSGI applications are built on (default
	// express); BaseImage, when set, the image their Dockerfile starts
	// FROM instead of the base's usual one.
	Base      spec.Base
	BaseImage string
	// AppPort is the first loopback port tried for the applications'
	// containers (8000 when zero).
	AppPort int
	// Envvars is what the envvars file apache2ctl sources before httpd
	// (--envvars) does to httpd's environment, which mod_wsgi's daemon
	// processes inherit: the variables it exports (set or changed) and
	// those it unsets. An application's container gets the same.
	Envvars *Envvars
}

// Envvars is the effect of an envvars file on the environment.
type Envvars struct {
	File  string
	Set   map[string]string
	Unset []string
}

// Diagnostic codes of the planner.
const (
	CodeDaemon = "wsgi-daemon" // a WSGIDaemonProcess httpd would refuse
	CodeImport = "wsgi-import" // a WSGIImportScript httpd would refuse
	CodeScript = "launcher"    // a launcher script that cannot be read
	// CodeEvaluated (warning): a launcher read by running it in the
	// sandbox, because the static reader could not follow it.
	CodeEvaluated = "launcher-evaluated"
	CodeUnmapped  = "unmapped"     // something the spec cannot carry
	CodeFront     = "front-end"    // a ProxyPass or published port that does not line up
	CodeName      = "service-name" // a name made safe or made unique
)

// planner holds what one Plan call has found.
type planner struct {
	tree         *apacheconf.Tree
	opts         Options
	fs           apacheconf.FileSystem
	global       string // the server-level ServerName
	daemons      []*daemon
	byName       map[string]*daemon // the first daemon group of each name
	imports      []*importScript
	routes       []*route
	serverRoutes scopeRoutes                    // the main server's routes, for ProxyPassReverse
	apps         map[string]apacheconf.Position // groups that serve a WSGI application
	scopes       []*appScope                    // the main server and virtual hosts, for the apps
	daemonIndex  map[string]*daemon             // the daemons by name, made by daemonNamed
	// accessOf and accessOrder are the <Directory> and <Files> sections
	// (addAccessSection), by node and in the order httpd read them.
	accessOf    map[*apacheconf.Node]*accessSection
	accessOrder []*accessSection
	diags       apacheconf.Diagnostics
	report      spec.Report
	lintOnly    bool // planning for Lint: no hashes, no report (plan)
	// lint, when set, is filled by the planner's walk with what lint's own
	// checks read (Lint).
	lint *linter
	// keep, when set, says which of errorf's and warnf's codes to record:
	// Lint reports only some, and leaves the others unformatted.
	keep func(code string) bool
}

// route is a ProxyPass or ProxyPassMatch to a backend.
type route struct {
	directive  string
	path       string
	url        string
	node       *apacheconf.Node
	vhost      *vhost
	hasReverse bool
	// backend and isLocal are localBackend(url), once readLocal (local).
	backend            backend
	isLocal, readLocal bool
}

// local is localBackend(r.url), read once for appPorts and correlate.
func (r *route) local() (backend, bool) {
	if !r.readLocal {
		r.backend, r.isLocal = localBackend(r.url)
		r.readLocal = true
	}
	return r.backend, r.isLocal
}

// Plan reads tree's daemon groups and launcher scripts and returns the
// spec, the report, and diagnostics (errors for what httpd itself would
// refuse or what cannot be read statically; warnings for what does not
// line up).
func Plan(tree *apacheconf.Tree, opts Options) (*spec.Spec, *spec.Report, apacheconf.Diagnostics) {
	return plan(tree, opts, false)
}

// plan is Plan; lintOnly plans for Lint, which reads only the diagnostics
// and the services: the config's and the services' hashes are left empty
// (a JSON round trip per service, more than the rest of a plan of
// thousands of services), the report is left empty and the launchers'
// text is not kept once read, so that less stays in memory.
func plan(tree *apacheconf.Tree, opts Options, lintOnly bool) (*spec.Spec, *spec.Report, apacheconf.Diagnostics) {
	p := newPlanner(tree, opts, lintOnly)
	sp := p.plan()
	return sp, &p.report, p.diags
}

func newPlanner(tree *apacheconf.Tree, opts Options, lintOnly bool) *planner {
	return &planner{tree: tree, opts: opts, fs: opts.FS, apps: map[string]apacheconf.Position{},
		byName: map[string]*daemon{}, lintOnly: lintOnly}
}

// plan makes the spec and fills the planner's report and diagnostics.
func (p *planner) plan() *spec.Spec {
	tree := p.tree
	hashes := !p.lintOnly
	if p.fs == nil {
		p.fs = apacheconf.OSFileSystem{}
	}
	p.collect(p.lint)
	sp := &spec.Spec{Project: p.project()}
	if m := tree.Main(); m != nil {
		sp.ConfigFile = m.Name
	}
	h := sha256.New()
	var hw io.Writer = io.Discard
	if hashes {
		hw = h
		for _, f := range tree.Files {
			hw.Write([]byte(p.hashName(f.Name)))
			hw.Write([]byte{0})
			hw.Write([]byte(f.Src))
		}
	}
	p.readLaunchers()
	unread := 0
	for _, imp := range p.imports {
		if imp.readErr != nil {
			unread++
		}
	}
	p.diags = slices.Grow(p.diags, unread) // one finding each
	for _, imp := range p.imports {
		if svc := p.service(sp, imp, hw); svc != nil {
			sp.Services = append(sp.Services, svc)
		}
	}
	p.appServices(sp)
	p.reportIdleDaemons(sp)
	p.uniqueNames(sp)
	p.appPorts(sp)
	p.correlate(sp)
	if hashes {
		sp.ConfigHash = hex.EncodeToString(h.Sum(nil))[:16]
		for _, s := range sp.Services {
			s.Hash = sp.ServiceHash(s)
		}
	}
	p.diags.Sort()
	return sp
}

// hashName is the name of a file as it counts in the config hash: relative
// to ServerRoot, so that the same config has the same hash wherever its
// directory is.
func (p *planner) hashName(name string) string {
	if rel, err := filepath.Rel(p.tree.ServerRoot, name); err == nil {
		return rel
	}
	return name
}

func (p *planner) project() string {
	if p.opts.Project != "" {
		return p.opts.Project
	}
	name := "wsgidock"
	if m := p.tree.Main(); m != nil {
		name = strings.TrimSuffix(filepath.Base(m.Name), filepath.Ext(m.Name))
	}
	return safeName(name)
}

func (p *planner) errorf(code string, pos apacheconf.Position, detail, format string, args ...any) {
	if p.keep != nil && !p.keep(code) {
		return
	}
	p.diags = append(p.diags, apacheconf.Diagnostic{Severity: apacheconf.SeverityError, Code: code,
		Summary: fmt.Sprintf(format, args...), Detail: detail, Subject: apacheconf.Range{Start: pos}})
}

func (p *planner) warnf(code string, pos apacheconf.Position, detail, format string, args ...any) {
	if p.keep != nil && !p.keep(code) {
		return
	}
	p.diags = append(p.diags, apacheconf.Diagnostic{Severity: apacheconf.SeverityWarning, Code: code,
		Summary: fmt.Sprintf(format, args...), Detail: detail, Subject: apacheconf.Range{Start: pos}})
}

func (p *planner) mapped(service, what, why string, pos apacheconf.Position) {
	if p.lintOnly {
		return
	}
	p.report.Mapped = append(p.report.Mapped, spec.Item{Service: service, What: what, Why: why, Source: pos})
}

func (p *planner) unmapped(service, what, why string, pos apacheconf.Position) {
	if p.lintOnly {
		return
	}
	p.report.Unmapped = append(p.report.Unmapped, spec.Item{Service: service, What: what, Why: why, Source: pos})
}

// collect walks the effective configuration once, in httpd's order, for
// every reader of the planner: the launchers' daemon groups and import
// scripts with the enclosing virtual host of each directive, the front
// end's ProxyPass lines, the WSGI applications (collectApps' share, see
// app.go), and, when l is not nil, what lint's own checks read (see
// lint.go). Each directive's arguments are split once for all of them.
func (p *planner) collect(l *linter) {
	main := &appScope{}
	p.scopes = []*appScope{main}
	if l != nil {
		l.apps = map[string]bool{}
		l.hasProxies = map[*apacheconf.Node]bool{}
	}
	// What encloses the nodes at depth d: the innermost virtual host and
	// <Location> (vhostAt, locationAt), the virtual host's scope for the
	// applications (scopeAt), the innermost section other than a virtual
	// host (sectionAt), and the sections themselves (ancestors).
	vhostAt := []*vhost{nil}
	locationAt := []*apacheconf.Node{nil}
	scopeAt := []*appScope{main}
	sectionAt := []*apacheconf.Node{nil}
	var ancestors []*apacheconf.Node
	// words are the words of the node at hand, in one list for the walk.
	words := make([]string, 0, 8)
	split := func(n *apacheconf.Node) []string {
		words = n.AppendWords(words[:0])
		return words
	}
	p.tree.Walk(func(n *apacheconf.Node, depth int) bool {
		cur, location := vhostAt[depth], locationAt[depth]
		scope, section := scopeAt[depth], sectionAt[depth]
		ancestors = ancestors[:depth]
		isSection := n.Kind == apacheconf.KindSection
		if isSection {
			v, loc, sc, sec := cur, location, scope, section
			switch {
			case n.Is("VirtualHost"):
				v = &vhost{node: n}
				sc = &appScope{node: n, port: "80"}
				for _, a := range split(n) {
					if i := strings.LastIndexByte(a, ':'); i >= 0 && !strings.HasSuffix(a, "]") {
						sc.port = a[i+1:]
					}
				}
				p.scopes = append(p.scopes, sc)
			case n.Is("Location"), n.Is("LocationMatch"):
				loc, sec = n, n
			default:
				sec = n
			}
			vhostAt = append(vhostAt[:depth+1], v)
			locationAt = append(locationAt[:depth+1], loc)
			scopeAt = append(scopeAt[:depth+1], sc)
			sectionAt = append(sectionAt[:depth+1], sec)
		}
		var in *apacheconf.Node // the innermost section, for lint
		if depth > 0 {
			in = ancestors[depth-1]
		}
		if isSection {
			ancestors = append(ancestors, n)
		}
		switch {
		case isSection && n.Is("VirtualHost"):
			// Made above, for the directives inside.
		case isSection && (n.Is("Directory") || n.Is("DirectoryMatch") || n.Is("Files") || n.Is("FilesMatch")):
			p.addAccessSection(n, ancestors[:depth], scope)
		case isSection && (n.Is("Location") || n.Is("LocationMatch")) && scope == main:
			main.locations = append(main.locations, n)
		case n.Is("ServerName"):
			if w := split(n); len(w) > 0 {
				if cur != nil {
					cur.serverName = hostOnly(w[0])
				} else if p.global == "" {
					p.global = hostOnly(w[0])
				}
				if scope != main {
					scope.name = hostOnly(w[0])
				}
			}
		case n.Is("ServerAlias"):
			scope.aliases = append(scope.aliases, split(n)...)
		case n.Is("SSLEngine"):
			if w := split(n); len(w) == 1 && strings.EqualFold(w[0], "on") {
				scope.tls = true
			}
		case n.Is("Alias"):
			if section != nil {
				break
			}
			if w := split(n); len(w) == 2 {
				scope.statics = append(scope.statics, spec.Alias{URL: w[0], Path: w[1], Source: n.Pos()})
			}
		case n.Is("WSGIDaemonProcess"):
			if d := p.addDaemon(n, cur); d != nil && l != nil {
				l.daemons = append(l.daemons, d)
			}
		case n.Is("WSGIImportScript"):
			opts, ok := p.addImport(n, cur)
			if l != nil && ok {
				imp := groupRef{node: n}
				for _, o := range opts {
					if o.Name == "process-group" {
						imp.name = o.Value
					}
				}
				l.imports = append(l.imports, imp)
			}
		case n.Is("WSGIScriptAlias"), n.Is("WSGIScriptAliasMatch"):
			url, rest := apacheconf.GetwordConf(n.Args)
			script, rest := apacheconf.GetwordConf(rest)
			opts, ok := parseWSGIOptions(rest)
			if !ok {
				break
			}
			for _, o := range opts {
				if o.Name == "process-group" {
					p.apps[o.Value] = n.Pos()
					if l != nil {
						l.apps[o.Value] = true
						if !isSection {
							l.groupRefs = append(l.groupRefs, groupRef{n, o.Value})
						}
					}
				}
			}
			if script != "" {
				p.addScriptAlias(n, url, script, opts, scope)
			}
		case n.Is("SetEnv"), n.Is("UnsetEnv"):
			if len(split(n)) > 0 {
				p.addSetting(n, n.ArgText(), section, scope)
			}
		case (n.Is("User") || n.Is("Group")) && scope == main && section == nil:
			p.addAccount(n, split(n))
		case n.Is("WSGIProcessGroup"), n.Is("WSGIApplicationGroup"), n.Is("WSGICallableObject"), n.Is("WSGIPassAuthorization"):
			w := split(n)
			if len(w) != 1 {
				break
			}
			if n.Is("WSGIProcessGroup") {
				p.apps[w[0]] = n.Pos()
				if l != nil {
					l.apps[w[0]] = true
					if !isSection {
						l.groupRefs = append(l.groupRefs, groupRef{n, w[0]})
					}
				}
			}
			p.addSetting(n, w[0], section, scope)
		case n.Is("ProxyPass"), n.Is("ProxyPassMatch"), n.Is("ProxyPassReverse"):
			p.addProxy(n, cur, location)
		case n.Is("RequestHeader"):
			w := split(n)
			if len(w) >= 3 && strings.EqualFold(w[0], "set") && cur != nil {
				cur.setHeader(w[1], w[2])
			}
		case l == nil || isSection:
		case n.Is("WSGITrustedProxies"):
			l.hasProxies[in] = true
		case n.Is("WSGITrustedProxyHeaders"):
			l.trusted = append(l.trusted, trustedHeaders{n, append([]*apacheconf.Node{nil}, ancestors[:depth]...)})
		}
		return true
	})
}

func hostOnly(serverName string) string {
	s := serverName
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if strings.HasPrefix(s, "[") {
		if i := strings.IndexByte(s, ']'); i > 0 {
			return s[:i+1]
		}
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return s
}

// addDaemon records a WSGIDaemonProcess, or the error httpd gives it. It
// returns the group as lint reads it, whenever its name and options read
// (httpd may still refuse an option or a repeated name): the planner's
// own, or a copy for lint alone; nil otherwise.
func (p *planner) addDaemon(n *apacheconf.Node, v *vhost) *daemon {
	name, rest := apacheconf.GetwordConf(n.Args)
	if name == "" {
		p.errorf(CodeDaemon, n.Pos(), "Give the daemon group a name: WSGIDaemonProcess NAME [option=value ...].",
			"WSGIDaemonProcess has no name")
		return nil
	}
	opts, ok := parseWSGIOptions(rest)
	if !ok {
		p.errorf(CodeDaemon, n.Pos(), "Options are name=value with no space around '='; httpd refuses this line too.",
			"Invalid option to WSGI daemon process definition.")
		return nil
	}
	for _, o := range opts {
		if !daemonOptions[o.Name] {
			p.errorf(CodeDaemon, n.Pos(), fmt.Sprintf("%q is not a WSGIDaemonProcess option; httpd refuses this line too.", o.Name),
				"Invalid option to WSGI daemon process definition.")
			return &daemon{name: name, opts: opts, node: n}
		}
	}
	if d, ok := p.byName[name]; ok {
		p.errorf(CodeDaemon, n.Pos(), fmt.Sprintf("The first definition is at %s; group names must be unique for the whole server.", d.node.Pos()),
			"Name duplicates previous WSGI daemon definition.")
		return &daemon{name: name, opts: opts, node: n}
	}
	d := &daemon{name: name, opts: opts, node: n, vhost: v}
	p.daemons = append(p.daemons, d)
	p.byName[name] = d
	return d
}

// addImport records a WSGIImportScript, or the error httpd gives it; it
// returns the options as read, and whether they read.
func (p *planner) addImport(n *apacheconf.Node, v *vhost) ([]wsgiOption, bool) {
	path, rest := apacheconf.GetwordConf(n.Args)
	opts, ok := parseWSGIOptions(rest)
	if path == "" || !ok {
		p.errorf(CodeImport, n.Pos(), "Write WSGIImportScript PATH process-group=NAME application-group=NAME; httpd refuses this line too.",
			"Invalid option to WSGI import script definition.")
		return opts, ok
	}
	imp := &importScript{path: path, node: n, vhost: v}
	for _, o := range opts {
		switch o.Name {
		case "process-group":
			imp.group = o.Value
		case "application-group":
			imp.appGroup = o.Value
		default:
			p.errorf(CodeImport, n.Pos(), fmt.Sprintf("%q is not a WSGIImportScript option (only process-group and application-group are).", o.Name),
				"Invalid option to WSGI import script definition.")
			return opts, ok
		}
	}
	if imp.appGroup == "" {
		p.errorf(CodeImport, n.Pos(), "Add application-group=%{GLOBAL}, as the seed pattern does.", "Name of WSGI application group required.")
		return opts, ok
	}
	if imp.group == "" {
		p.errorf(CodeImport, n.Pos(), "Add process-group=NAME naming the WSGIDaemonProcess the script runs in.", "Name of WSGI process group required.")
		return opts, ok
	}
	if imp.group == "%{GLOBAL}" {
		p.unmapped("", "WSGIImportScript "+path, "it runs in Apache's own child processes (process-group=%{GLOBAL}), not in a daemon group: nothing to run as a service", n.Pos())
		return opts, ok
	}
	p.imports = append(p.imports, imp)
	return opts, ok
}

// addProxy records ProxyPass, ProxyPassMatch and ProxyPassReverse. Inside
// <Location> the path is the location's and is not written.
func (p *planner) addProxy(n *apacheconf.Node, v *vhost, location *apacheconf.Node) {
	w0, w1, words := twoWords(n.ArgText())
	var path, target string
	switch {
	case location != nil && words >= 1:
		if lw0, _, lwords := twoWords(location.ArgText()); lwords > 0 {
			path = lw0
		}
		target = w0
	case words >= 2:
		path, target = w0, w1
	default:
		return
	}
	routes := &p.serverRoutes
	if v != nil {
		routes = &v.routes
	}
	if n.Is("ProxyPassReverse") {
		routes.reverse(path, strings.TrimSuffix(target, "/"))
		return
	}
	if target == "!" {
		return
	}
	r := &route{directive: canonicalProxy(n), path: path, url: target, node: n, vhost: v}
	p.routes = append(p.routes, r)
	routes.add(r)
}

// twoWords are the first two of apacheconf.Words(s), and how many of
// the two there are, without the list.
func twoWords(s string) (w0, w1 string, n int) {
	rest := strings.TrimLeft(s, " \t\n\v\f\r")
	if rest == "" {
		return "", "", 0
	}
	w0, rest = apacheconf.GetwordConf(rest)
	if rest == "" {
		return w0, "", 1
	}
	w1, _ = apacheconf.GetwordConf(rest)
	return w0, w1, 2
}

// scopeRoutes are the routes of one virtual host (or of the main server),
// for pairing a ProxyPassReverse with them: by path and by URL without a
// trailing slash, through a map once there are many.
type scopeRoutes struct {
	list  []*route
	byKey map[[2]string][]*route
}

// manyRoutes is how many routes a scope has before they are found through
// a map.
const manyRoutes = 16

func (s *scopeRoutes) add(r *route) {
	s.list = append(s.list, r)
	if s.byKey != nil {
		k := [2]string{r.path, strings.TrimSuffix(r.url, "/")}
		s.byKey[k] = append(s.byKey[k], r)
	}
}

// reverse marks the routes that a ProxyPassReverse of path and url (no
// trailing slash) pairs with.
func (s *scopeRoutes) reverse(path, url string) {
	if s.byKey == nil && len(s.list) > manyRoutes {
		s.byKey = make(map[[2]string][]*route, len(s.list))
		for _, r := range s.list {
			k := [2]string{r.path, strings.TrimSuffix(r.url, "/")}
			s.byKey[k] = append(s.byKey[k], r)
		}
	}
	if s.byKey != nil {
		for _, r := range s.byKey[[2]string{path, url}] {
			r.hasReverse = true
		}
		return
	}
	for _, r := range s.list {
		if r.path == path && strings.TrimSuffix(r.url, "/") == url {
			r.hasReverse = true
		}
	}
}

func canonicalProxy(n *apacheconf.Node) string {
	if n.Is("ProxyPassMatch") {
		return "ProxyPassMatch"
	}
	return "ProxyPass"
}

// daemonFor finds the daemon group an import script names, with mod_wsgi's
// rules: defined earlier in the file order, and, when defined in a virtual
// host, usable only from a host of the same ServerName.
func (p *planner) daemonFor(imp *importScript) *daemon {
	d := p.byName[imp.group]
	later := d != nil && (d.node.File == imp.node.File && d.node.Line > imp.node.Line || d.node.File != imp.node.File && d.node.File.Index > imp.node.File.Index)
	if d != nil && !later {
		if d.vhost != nil && serverNameOf(d.vhost, p.global) != serverNameOf(imp.vhost, p.global) {
			p.errorf(CodeImport, imp.node.Pos(), fmt.Sprintf("The group is defined at %s in a virtual host named %q; a group defined in a virtual host serves only hosts of the same ServerName.", d.node.Pos(), serverNameOf(d.vhost, p.global)),
				"WSGI process group not accessible.")
			return nil
		}
		return d
	}
	p.errorf(CodeImport, imp.node.Pos(), fmt.Sprintf("Define WSGIDaemonProcess %s before this line; httpd refuses a WSGIImportScript that names a group not yet defined.", imp.group),
		"WSGI process group not yet configured.")
	return nil
}

// service builds the service an import script starts, or nil when it
// cannot.
func (p *planner) service(sp *spec.Spec, imp *importScript, h interface{ Write([]byte) (int, error) }) *spec.Service {
	d := p.daemonFor(imp)
	if d == nil {
		return nil
	}
	if pos, ok := p.apps[d.name]; ok {
		p.warnf(CodeUnmapped, imp.node.Pos(), fmt.Sprintf("A WSGI application is routed to the group at %s; only the launcher becomes a service, the application stays with Apache.", pos),
			"daemon group %s also serves a WSGI application", d.name)
	}
	name := safeName(d.name)
	if name != d.name {
		p.warnf(CodeName, d.node.Pos(), "Container and DNS names allow letters, digits, '.', '_' and '-'.",
			"daemon group %q becomes service %q", d.name, name)
	}
	script, src, err := imp.script, imp.src, imp.readErr
	if err != nil {
		p.errorf(CodeScript, imp.node.Pos(), "wsgidock reads the launcher to know what it starts; make the file readable, or give -d so that relative paths resolve as on the server.",
			"cannot read launcher script %s: %v", script, unwrap(err))
		return nil
	}
	svc := &spec.Service{
		Name:  name,
		Group: d.name,
		Origin: spec.Origin{
			Daemon:       d.node.Pos(),
			ImportScript: imp.node.Pos(),
			Script:       script,
		},
		Where: spec.Positions{},
	}
	if !p.lintOnly {
		h.Write([]byte(p.hashName(script)))
		h.Write([]byte{0})
		h.Write(src)
	}
	launch, diags := imp.launch, imp.diags
	if (launch == nil || diags.HasErrors()) && p.opts.Evaluate != nil {
		launch, diags = p.evaluate(svc, d, imp, diags)
	}
	p.diags = append(p.diags, diags...)
	if launch == nil || diags.HasErrors() {
		return nil
	}
	svc.Origin.Exec = launch.Pos
	engine, isEngine := dockerrun.EngineOf(launch.Program)
	container := isEngine && len(launch.Args) > 1 && dockerrun.IsRun(engine, launch.Args[1:])
	p.mapDaemonOptions(svc, d, container)
	p.mapLaunchDetails(svc, launch)
	if container {
		var pos []apacheconf.Position
		if len(launch.ArgPos) > 1 {
			pos = launch.ArgPos[1:]
		}
		run, diags := dockerrun.Parse(engine, launch.Args[1:], pos)
		p.diags = append(p.diags, diags...)
		if run == nil || diags.HasErrors() {
			return nil
		}
		svc.Kind = spec.KindContainer
		svc.Engine = engine
		mapped, unmapped, diags := run.Apply(svc)
		p.diags = append(p.diags, diags...)
		if diags.HasErrors() {
			return nil
		}
		if !p.lintOnly {
			p.report.Mapped = append(p.report.Mapped, mapped...)
			p.report.Unmapped = append(p.report.Unmapped, unmapped...)
		}
		p.passLauncherEnv(svc, launch)
		p.passDaemonLocale(svc, d, launch)
		if svc.ContainerName == "" {
			svc.ContainerName = sp.Project + "-" + svc.Name
			p.mapped(svc.Name, "container name", fmt.Sprintf("the launcher gave no --name; wsgidock names the container %s so that it can find it again", svc.ContainerName), launch.Pos)
		}
		if svc.Stop.Timeout == 0 {
			if v, ok := d.option("shutdown-timeout"); ok {
				if secs, err := parseSeconds(v); err == nil && secs > 0 {
					svc.Stop.Timeout = secs
					svc.Stop.Source = d.node.Pos()
					svc.Where["stop.timeout"] = d.node.Pos()
					p.mapped(svc.Name, "shutdown-timeout="+v, "stop timeout: SIGKILL comes this long after the stop signal", d.node.Pos())
				}
			}
		}
		return svc
	}
	svc.Kind = spec.KindProcess
	svc.Process = &spec.Process{Program: launch.Program, Args: launch.Args, Env: launch.Env, ReplaceEnv: launch.ReplaceEnv}
	if launch.Dir != "" {
		svc.Process.Dir = launch.Dir
		svc.Where["process.dir"] = launch.Pos
	} else if home, ok := d.option("home"); ok {
		svc.Process.Dir = home
		svc.Where["process.dir"] = d.node.Pos()
	}
	p.mapped(svc.Name, launch.Call, "a process service: wsgidock's supervisor runs "+launch.Program+" itself", launch.Pos)
	p.unmapped(svc.Name, launch.Call, "the launcher runs "+launch.Program+", not a container: compose and Kubernetes cannot run it; wsgidock up supervises it as a process", launch.Pos)
	return svc
}

// Evaluator runs a launcher script and returns the program it starts, as
// the static reader would describe it; dir is the daemon's working
// directory (home=, or empty). Events are what the script did before it
// started the program, each with its place in the script.
type Evaluator func(script string, dir string) (*importscript.Launch, []spec.Item, error)

// evaluate runs a launcher the static reader could not follow, when asked
// to. Its launch replaces the reader's errors, which become one warning
// naming the first of them; a failure is an error with the reader's.
func (p *planner) evaluate(svc *spec.Service, d *daemon, imp *importScript, static apacheconf.Diagnostics) (*importscript.Launch, apacheconf.Diagnostics) {
	first := static.Err()
	home, _ := d.option("home")
	launch, events, err := p.opts.Evaluate(imp.script, home)
	at := apacheconf.Position{Filename: imp.script, Line: 1, Column: 1}
	if err != nil {
		return nil, append(static, apacheconf.Diagnostic{Severity: apacheconf.SeverityError, Code: CodeEvaluated,
			Summary: "--evaluate-launchers: " + err.Error(), Subject: apacheconf.Range{Start: at},
			Detail: "wsgidock runs a launcher only inside its sandbox, and only with --evaluate-launchers; fix what is reported, or make the script readable without running it (see the errors above)."})
	}
	var out apacheconf.Diagnostics
	for _, dg := range static {
		if dg.Severity != apacheconf.SeverityError {
			out = append(out, dg)
		}
	}
	why := "the static reader could not follow it"
	if dd, ok := first.(apacheconf.Diagnostic); ok {
		why = fmt.Sprintf("the static reader stopped at %s: %s", dd.Pos(), dd.Summary)
	}
	out = append(out, apacheconf.Diagnostic{Severity: apacheconf.SeverityWarning, Code: CodeEvaluated,
		Summary: "the launcher was run in the sandbox to find its program (" + why + ")", Subject: apacheconf.Range{Start: launch.Pos},
		Detail: "What a run finds holds for this run: values read from files, the clock or the network may differ next time. Check the service in the output."})
	p.mapped(svc.Name, launch.Call, "found by running the launcher in the sandbox (--evaluate-launchers): "+why, launch.Pos)
	for _, ev := range events {
		ev.Service = svc.Name
		p.report.Unmapped = append(p.report.Unmapped, ev)
	}
	return launch, out
}

// readLaunchers reads and parses every launcher script, on as many
// goroutines as there are CPUs: each script is independent of the others,
// and a config of thousands of daemon groups has thousands of them. The
// results are used in the imports' order, so the plan is the same.
func (p *planner) readLaunchers() {
	lookup := p.lookupEnv()
	missing := &missingDirs{fs: p.fs}
	// Each worker takes the next script by its index: no hand-over per
	// script, and the calling goroutine is one of the workers.
	var next atomic.Int64
	read := func() {
		for i := int(next.Add(1) - 1); i < len(p.imports); i = int(next.Add(1) - 1) {
			imp := p.imports[i]
			imp.script = imp.path
			if !filepath.IsAbs(imp.script) {
				imp.script = filepath.Join(p.tree.ServerRoot, imp.script)
			}
			if imp.src, imp.readErr = missing.readFile(imp.script); imp.readErr == nil {
				imp.launch, imp.diags = importscript.Parse(imp.script, imp.src, lookup)
				if p.lintOnly {
					imp.src = nil // only the config hash reads it
				}
			}
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(p.imports)) - 1 {
		wg.Go(read)
	}
	read()
	wg.Wait()
}

// missingDirs reads launchers and remembers the directories that do not
// exist: a configuration linted without its launchers names thousands of
// them in one directory, and after the first, each would be one more
// failed open with the same error.
type missingDirs struct {
	fs   apacheconf.FileSystem
	mu   sync.Mutex
	dirs map[string]error // the error of a failed open below each
}

func (m *missingDirs) readFile(name string) ([]byte, error) {
	dir := filepath.Dir(name)
	m.mu.Lock()
	known, ok := m.dirs[dir]
	m.mu.Unlock()
	if ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: known}
	}
	src, err := m.fs.ReadFile(name)
	var pe *fs.PathError
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != name {
		return src, err
	}
	if _, serr := m.fs.Stat(dir); serr != nil && errors.Is(serr, fs.ErrNotExist) {
		m.mu.Lock()
		if m.dirs == nil {
			m.dirs = map[string]error{}
		}
		m.dirs[dir] = pe.Err
		m.mu.Unlock()
	}
	return src, err
}

func (p *planner) lookupEnv() func(string) (string, bool) {
	if p.opts.LookupEnv != nil {
		return p.opts.LookupEnv
	}
	return func(string) (string, bool) { return "", false }
}

// mapLaunchDetails reports what the launcher does besides starting the
// service: commands it runs first, a shell in between, a working directory.
func (p *planner) mapLaunchDetails(svc *spec.Service, launch *importscript.Launch) {
	for _, c := range launch.Setup {
		what := strings.Join(c.Args, " ")
		if engine, ok := dockerrun.EngineOf(c.Program); ok && len(c.Args) > 1 && (c.Args[1] == "rm" || c.Args[1] == "stop" || c.Args[1] == "kill") {
			p.mapped(svc.Name, what, "the launcher cleared a leftover container first; "+engine+" containers started by wsgidock are found by label and removed before each start", c.Pos)
			continue
		}
		p.unmapped(svc.Name, what, "the launcher runs this before the service; wsgidock does not run it: do it once by hand, or in the image", c.Pos)
	}
	if launch.Shell != "" {
		p.mapped(svc.Name, "/bin/sh -c "+launch.Shell, "the launcher went through a shell; wsgidock runs the command it names directly, so signals reach it without a shell in between", launch.Pos)
	}
	if launch.Background {
		p.mapped(svc.Name, launch.Call, "the launcher left the program running in the background; wsgidock supervises it instead", launch.Pos)
	}
	if launch.Dir != "" && svc.Kind != spec.KindProcess {
		p.mapped(svc.Name, "working directory "+launch.Dir, "the directory the engine's command line ran in; only relative bind-mount sources depend on it", launch.Pos)
	}
}

// passLauncherEnv gives `-e NAME` flags the value the launcher put in the
// engine client's environment, since the client copies it into the
// container.
func (p *planner) passLauncherEnv(svc *spec.Service, launch *importscript.Launch) {
	set := map[string]string{}
	for _, kv := range launch.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			set[k] = v
		}
	}
	for i := range svc.Env {
		e := &svc.Env[i]
		if v, ok := set[e.Name]; ok && !e.HasValue {
			e.Value, e.HasValue = v, true
			p.mapped(svc.Name, "--env "+e.Name, "the launcher set "+e.Name+" for the engine client, which passed it to the container; the value is written out", e.Source)
		}
	}
}

// mapDaemonOptions reports what each WSGIDaemonProcess option means once
// the service runs outside Apache; container says the launcher runs an
// engine's `run`.
func (p *planner) mapDaemonOptions(svc *spec.Service, d *daemon, container bool) {
	pos := d.node.Pos()
	for _, o := range d.opts {
		what := o.Name + "=" + o.Value
		switch o.Name {
		case "lang", "locale":
			// mod_wsgi sets LANG (lang=) or LC_ALL (locale=) in the
			// daemon process's environment. An engine client passes
			// none of its own environment to the container, unless the
			// launcher names the variable without a value (-e LANG):
			// passDaemonLocale writes that value out.
			name := map[string]string{"lang": "LANG", "locale": "LC_ALL"}[o.Name]
			if container {
				p.mapped(svc.Name, what, "mod_wsgi set "+name+" for the daemon process, which only ran the launcher and the engine client: the container sees it only through an -e "+name+" of the launcher, which is given the value", pos)
			} else {
				p.unmapped(svc.Name, what, "mod_wsgi set "+name+"="+o.Value+" for the daemon process, and the program inherited it; wsgidock does not set it: add it to the program's environment if the program needs it", pos)
			}
		case "threads", "processes":
			p.mapped(svc.Name, what, "the daemon process only ran the launcher; wsgidock runs the service directly", pos)
		case "display-name":
			p.mapped(svc.Name, what, "the service is named after the group instead", pos)
		case "shutdown-timeout", "home":
		case "user", "group", "supplementary-groups":
			p.unmapped(svc.Name, what, "this was the account the launcher ran as under Apache; wsgidock runs the engine or program as the user who runs wsgidock", pos)
		default:
			p.unmapped(svc.Name, what, "a mod_wsgi daemon setting with no meaning for a service run outside Apache", pos)
		}
	}
}

// passDaemonLocale gives `-e LANG` and `-e LC_ALL` flags still without a
// value the one mod_wsgi's lang= and locale= put in the daemon process's
// environment, which the engine client passed into the container.
func (p *planner) passDaemonLocale(svc *spec.Service, d *daemon, launch *importscript.Launch) {
	if launch.ReplaceEnv {
		return // the client had only the launcher's environment
	}
	for i := range svc.Env {
		e := &svc.Env[i]
		opt := map[string]string{"LANG": "lang", "LC_ALL": "locale"}[e.Name]
		if opt == "" || e.HasValue {
			continue
		}
		if v, ok := d.option(opt); ok {
			e.Value, e.HasValue = v, true
			p.mapped(svc.Name, "--env "+e.Name, "mod_wsgi's "+opt+"= set "+e.Name+" for the daemon process, whose engine client passed it to the container; the value is written out", e.Source)
		}
	}
}

// reportIdleDaemons notes daemon groups no import script uses.
func (p *planner) reportIdleDaemons(sp *spec.Spec) {
	if p.lintOnly {
		return // it only reports, and Lint has no report
	}
	used := map[string]bool{}
	for _, imp := range p.imports {
		used[imp.group] = true
	}
	for _, s := range sp.Services {
		used[s.Group] = true
	}
	for _, d := range p.daemons {
		if used[d.name] {
			continue
		}
		if _, ok := p.apps[d.name]; ok {
			p.unmapped("", "WSGIDaemonProcess "+d.name, "the group serves a WSGI application (WSGIScriptAlias/WSGIProcessGroup), not a launcher; it stays with Apache", d.node.Pos())
		} else {
			p.unmapped("", "WSGIDaemonProcess "+d.name, "no WSGIImportScript runs in this group: there is nothing to start", d.node.Pos())
		}
	}
}

// uniqueNames makes service and container names unique, reporting each
// change.
func (p *planner) uniqueNames(sp *spec.Spec) {
	seen := map[string]bool{}
	for _, s := range sp.Services {
		base := s.Name
		for i := 2; seen[s.Name]; i++ {
			s.Name = fmt.Sprintf("%s-%d", base, i)
		}
		if s.Name != base {
			p.warnf(CodeName, s.Origin.Daemon, "Give the daemon groups names that differ in more than case or punctuation.",
				"service name %q is taken; this group becomes %q", base, s.Name)
		}
		seen[s.Name] = true
	}
	containers := map[string]*spec.Service{}
	for _, s := range sp.Services {
		if s.Kind != spec.KindContainer {
			continue
		}
		if other, ok := containers[s.ContainerName]; ok {
			p.errorf(CodeName, s.Origin.Exec, fmt.Sprintf("%s also uses it (%s); two containers cannot share a name.", other.Name, other.Origin.Exec),
				"container name %q is used twice", s.ContainerName)
		}
		containers[s.ContainerName] = s
	}
}

// safeName makes a name a valid container and DNS-label-like name:
// letters, digits, '.', '_' and '-', starting with a letter or digit.
func safeName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			b.WriteByte(c)
		case c == '.' || c == '_' || c == '-':
			if b.Len() > 0 {
				b.WriteByte(c)
			}
		default:
			if b.Len() > 0 {
				b.WriteByte('-')
			}
		}
	}
	s := strings.TrimRight(b.String(), "-._")
	if s == "" {
		s = "service"
	}
	return s
}

func unwrap(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
