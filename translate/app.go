package translate

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/express"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// CodeApp is the diagnostic code of a WSGI application that cannot be
// moved into a container as written.
const CodeApp = "wsgi-app"

// msgGroupNotConfigured is mod_wsgi's message for a process group that no
// WSGIDaemonProcess defined.
const msgGroupNotConfigured = "WSGI process group not yet configured."

// appFirstPort is where the search for a free loopback port for an app
// starts.
const appFirstPort = 8000

// scriptAlias is one WSGIScriptAlias or WSGIScriptAliasMatch.
type scriptAlias struct {
	node        *apacheconf.Node
	match       bool
	url, script string
	opts        map[string]string
	vhost       *appScope
	// svc is the service whose container serves this alias: its own, or
	// the one of the same application in another virtual host.
	svc *spec.Service
}

// appScope is what a virtual host (or the main server, vhost == nil) says
// about the WSGI applications in it.
type appScope struct {
	node     *apacheconf.Node // the <VirtualHost>, nil for the main server
	name     string
	aliases  []string
	port     string
	tls      bool
	settings []*wsgiSetting
	envs     []*wsgiSetting   // SetEnv and UnsetEnv, value the argument text
	sections []*accessSection // <Directory> and <Files>, for the access control
	// locations are the main server's <Location> sections, which httpd
	// merges before a virtual host's.
	locations []*apacheconf.Node
	statics   []spec.Alias
	scripts   []*scriptAlias
	// user and group are the main server's User and Group.
	user, group string
}

// wsgiSetting is one WSGIProcessGroup, WSGIApplicationGroup or
// WSGICallableObject with the section it is in.
type wsgiSetting struct {
	node    *apacheconf.Node
	name    string // lower-case directive name
	value   string
	section string // "", "location", "directory"
	path    string // the section's argument
	match   bool   // a *Match section or ~ form
}

// addScriptAlias records a WSGIScriptAlias or WSGIScriptAliasMatch of
// the scope sc, read by collect: its URL (or pattern), script and options.
// With the settings (addSetting) and what the virtual host says about
// names, ports and static files, it is what the applications are made of.
func (p *planner) addScriptAlias(n *apacheconf.Node, url, script string, opts []wsgiOption, sc *appScope) {
	sa := &scriptAlias{node: n, match: n.Is("WSGIScriptAliasMatch"), url: url, script: script, opts: make(map[string]string, len(opts)), vhost: sc}
	for _, o := range opts {
		sa.opts[o.Name] = o.Value
	}
	sc.scripts = append(sc.scripts, sa)
}

// addSetting records a WSGIProcessGroup, WSGIApplicationGroup,
// WSGICallableObject or WSGIPassAuthorization of one word, value, or a
// SetEnv or UnsetEnv with its argument text as value, in the scope sc; section is the
// innermost section around it other than a virtual host, or nil.
func (p *planner) addSetting(n *apacheconf.Node, value string, section *apacheconf.Node, sc *appScope) {
	s := &wsgiSetting{node: n, name: lowerASCII(n.Name), value: value}
	if section != nil {
		sw := section.Words()
		switch {
		case section.Is("Location"), section.Is("LocationMatch"):
			s.section = "location"
		case section.Is("Directory"), section.Is("DirectoryMatch"):
			s.section = "directory"
		default:
			s.section = lowerASCII(section.Name)
		}
		s.match = strings.HasSuffix(lowerASCII(section.Name), "match") || len(sw) > 1 && sw[0] == "~"
		if len(sw) > 0 {
			s.path = sw[len(sw)-1]
		}
	}
	if s.name == "setenv" || s.name == "unsetenv" {
		sc.envs = append(sc.envs, s)
		return
	}
	sc.settings = append(sc.settings, s)
}

// addAccount records the main server's User or Group, the account a
// daemon group without user= or group= runs as.
func (p *planner) addAccount(n *apacheconf.Node, w []string) {
	if len(w) != 1 {
		return
	}
	if n.Is("User") {
		p.scopes[0].user = w[0]
	} else {
		p.scopes[0].group = w[0]
	}
}

// resolve finds the value of a WSGI setting for a script alias as mod_wsgi
// does for a request to its mount point: the alias's own option, else the
// per-directory configuration (<Location> over <Directory>, the longest
// matching <Directory>, later <Location>s over earlier ones), else the
// virtual host's, else the main server's.
func (p *planner) resolve(sa *scriptAlias, name, option, dflt string) (string, *apacheconf.Node) {
	if v, ok := sa.opts[option]; ok {
		return v, sa.node
	}
	scopes := []*appScope{sa.vhost}
	if sa.vhost != p.scopes[0] {
		scopes = append(scopes, p.scopes[0])
	}
	for _, sc := range scopes {
		var loc, dir, top *wsgiSetting
		for _, s := range sc.settings {
			if s.name != name {
				continue
			}
			switch s.section {
			case "":
				top = s
			case "location":
				if !s.match && pathPrefix(s.path, sa.url) {
					loc = s
				}
			case "directory":
				if !s.match && pathPrefix(strings.TrimSuffix(s.path, "/"), filepath.Dir(sa.script)) && (dir == nil || len(s.path) >= len(dir.path)) {
					dir = s
				}
			}
		}
		for _, s := range []*wsgiSetting{loc, dir, top} {
			if s != nil {
				return s.value, s.node
			}
		}
	}
	return dflt, nil
}

// matchMount reads the one form of WSGIScriptAliasMatch that is a mount
// point: ^ and a literal URL path, with a script that takes nothing from
// the match. mod_wsgi makes the matched text SCRIPT_NAME and the rest
// PATH_INFO, as WSGIScriptAlias does for that path.
func matchMount(re, script string) (string, bool) {
	if !strings.HasPrefix(re, "^/") || strings.Contains(script, "$") {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(re); i++ {
		c := re[i]
		switch {
		case c == '\\' && i+1 < len(re) && (re[i+1] == '.' || re[i+1] == '-' || re[i+1] == '/'):
			b.WriteByte(re[i+1])
			i++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '/', c == '_', c == '-', c == '~':
			b.WriteByte(c)
		default:
			return "", false
		}
	}
	m := b.String()
	if m != "/" {
		m = strings.TrimSuffix(m, "/")
	}
	return m, true
}

// regexMount is the longest URL path that every URL a
// WSGIScriptAliasMatch expression matches starts with, up to a slash:
// "/" unless the expression starts with ^ and literal characters.
func regexMount(re string) string {
	if !strings.HasPrefix(re, "^/") || strings.Contains(re, "|") {
		return "/"
	}
	lit := "/"
	for i := 1; i < len(re); i++ {
		c := re[i]
		if c == '\\' && i+1 < len(re) && (re[i+1] == '.' || re[i+1] == '-' || re[i+1] == '/') {
			c = re[i+1]
			i++
		} else if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '-' || c == '~') {
			break
		}
		if i+1 < len(re) && strings.IndexByte("?*{", re[i+1]) >= 0 {
			break // the character is optional or repeated
		}
		if c == '/' && i > 1 {
			lit = strings.NewReplacer("\\.", ".", "\\-", "-", "\\/", "/").Replace(re[1:i])
		}
	}
	return lit
}

// pathPrefix reports whether prefix is p or a parent of it, by path
// segments.
func pathPrefix(prefix, p string) bool {
	if prefix == "/" || prefix == p {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(prefix, "/")+"/")
}

// appServices makes one service per daemon group that serves a WSGI
// application.
func (p *planner) appServices(sp *spec.Spec) {
	launched := map[string]bool{}
	for _, s := range sp.Services {
		launched[s.Group] = true
	}
	byGroup := map[string]*spec.Service{}
	for _, sc := range p.scopes {
		for _, sa := range sc.scripts {
			group, gnode := p.resolve(sa, "wsgiprocessgroup", "process-group", "%{GLOBAL}")
			if group == "" || group == "%{GLOBAL}" {
				p.unmapped("", "WSGIScriptAlias "+sa.url, "the application runs embedded in Apache's own processes (no daemon group): it stays with Apache", sa.node.Pos())
				continue
			}
			if strings.Contains(group, "%{") {
				p.unmapped("", "WSGIScriptAlias "+sa.url, fmt.Sprintf("the process group %s is chosen per request; wsgidock moves only applications of a named group", group), sa.node.Pos())
				continue
			}
			p.apps[group] = sa.node.Pos()
			d := p.daemonNamed(group)
			if d == nil {
				p.errorf(CodeApp, sa.node.Pos(), fmt.Sprintf("Define WSGIDaemonProcess %s before this line; httpd refuses a script alias whose group is not defined.", group),
					"%s", msgGroupNotConfigured)
				continue
			}
			if d.vhost != nil && serverNameOf(d.vhost, p.global) != serverNameOf(&vhost{serverName: sa.vhost.name}, p.global) {
				p.errorf(CodeApp, sa.node.Pos(), fmt.Sprintf("The group is defined at %s in a virtual host named %q; a group defined in a virtual host serves only hosts of the same ServerName.", d.node.Pos(), serverNameOf(d.vhost, p.global)),
					"WSGI process group not accessible.")
				continue
			}
			if launched[d.name] {
				continue
			}
			if other, ok := byGroup[d.name]; ok {
				if p.sameApp(other, sa) {
					continue
				}
				if why := p.addMount(other, sa); why != "" {
					p.unmapped(other.Name, "WSGIScriptAlias "+sa.url, fmt.Sprintf("a second application of group %s, whose container serves the one at %s: %s", d.name, other.App.Directives[0], why), sa.node.Pos())
				}
				continue
			}
			if svc := p.appService(sp, sa, d, gnode); svc != nil {
				sa.svc = svc
				byGroup[d.name] = svc
				sp.Services = append(sp.Services, svc)
			}
		}
	}
}

// sameApp reports whether sa mounts the application of svc again, in
// another virtual host of the same name (the port-80 and TLS pair that
// mod_wsgi's documentation advises to share one group): the same script
// at the same mount point, with the same callable and application group.
// If so, that virtual host proxies to the same container, and its own
// WSGI directives and static Aliases are carried over with it.
func (p *planner) sameApp(svc *spec.Service, sa *scriptAlias) bool {
	app := svc.App
	script := sa.script
	if !filepath.IsAbs(script) {
		script = filepath.Join(p.tree.ServerRoot, script)
	}
	mount, match := sa.url, ""
	if sa.match {
		mount, match = regexMount(sa.url), sa.url
	}
	ag, agNode := p.resolve(sa, "wsgiapplicationgroup", "application-group", "%{RESOURCE}")
	cb, cbNode := p.resolve(sa, "wsgicallableobject", "callable-object", "application")
	if script != app.Script || mount != app.MountPoint || match != app.MountMatch || ag != app.ApplicationGroup || cb != app.Callable {
		return false
	}
	sa.svc = svc
	_, gnode := p.resolve(sa, "wsgiprocessgroup", "process-group", "%{GLOBAL}")
	for _, n := range []*apacheconf.Node{sa.node, gnode, agNode, cbNode} {
		if n != nil {
			app.Directives = append(app.Directives, n.Pos())
		}
	}
	for _, st := range sa.vhost.statics {
		app.Directives = append(app.Directives, st.Source)
		dup := false
		for _, a := range app.Aliases {
			dup = dup || a.URL == st.URL && a.Path == st.Path
		}
		if !dup {
			app.Aliases = append(app.Aliases, st)
			app.ExpressArgs = append(app.ExpressArgs, "--url-alias", st.URL, st.Path)
		}
	}
	p.mapped(svc.Name, "WSGIScriptAlias "+sa.url+" "+sa.script, fmt.Sprintf("the same application in another virtual host of the name %s (port %s): it proxies to the same container, which sees that host's port and scheme", app.ServerName, sa.vhost.port), sa.node.Pos())
	return true
}

// addMount makes the container of svc serve sa too, a further script
// alias of the same daemon group: with the debian base, its httpd mounts
// each script as the front end did, in the one group. It returns why not
// when it cannot.
func (p *planner) addMount(svc *spec.Service, sa *scriptAlias) string {
	app := svc.App
	if svc.Build == nil || svc.Build.Base != spec.BaseDebian {
		return "mod_wsgi-express mounts one script; give this one its own WSGIDaemonProcess, or use --base debian, whose httpd mounts each"
	}
	m := spec.Mount{Script: sa.script, MountPoint: sa.url, Source: sa.node.Pos()}
	if !filepath.IsAbs(m.Script) {
		m.Script = filepath.Join(p.tree.ServerRoot, m.Script)
	}
	if sa.match {
		m.MountPoint, m.MountMatch = regexMount(sa.url), sa.url
	}
	dir := (&spec.App{Script: m.Script, MountMatch: m.MountMatch}).ScriptDir()
	if !pathPrefix(svc.Build.Context, dir) {
		return fmt.Sprintf("its script's directory %s is outside the image's source tree %s; give it its own WSGIDaemonProcess", dir, svc.Build.Context)
	}
	var agNode, cbNode *apacheconf.Node
	m.ApplicationGroup, agNode = p.resolve(sa, "wsgiapplicationgroup", "application-group", "%{RESOURCE}")
	m.Callable, cbNode = p.resolve(sa, "wsgicallableobject", "callable-object", "application")
	_, gnode := p.resolve(sa, "wsgiprocessgroup", "process-group", "%{GLOBAL}")
	for _, n := range []*apacheconf.Node{sa.node, gnode, agNode, cbNode} {
		if n != nil && !slices.Contains(app.Directives, n.Pos()) {
			app.Directives = append(app.Directives, n.Pos())
		}
	}
	app.Mounts = append(app.Mounts, m)
	sa.svc = svc
	p.mapped(svc.Name, "WSGIScriptAlias "+sa.url+" "+sa.script, fmt.Sprintf("another script of group %s: the container's httpd mounts it too, in the same daemon processes", app.ProcessGroup), sa.node.Pos())
	return ""
}

// mountOf is the mount point, expression and script of the script alias
// sa of the service's container: one of its further mounts, or its own.
func mountOf(app *spec.App, sa *scriptAlias) (mount, match, script string) {
	for _, m := range app.Mounts {
		if m.Source == sa.node.Pos() {
			return m.MountPoint, m.MountMatch, m.Script
		}
	}
	return app.MountPoint, app.MountMatch, app.Script
}

func (p *planner) daemonNamed(name string) *daemon {
	if p.daemonIndex == nil {
		p.daemonIndex = make(map[string]*daemon, len(p.daemons))
		for _, d := range p.daemons {
			p.daemonIndex[d.name] = d
		}
	}
	return p.daemonIndex[name]
}

// appService builds the service of one application.
func (p *planner) appService(sp *spec.Spec, sa *scriptAlias, d *daemon, gnode *apacheconf.Node) *spec.Service {
	name := safeName(d.name)
	mount, match := sa.url, ""
	if sa.match {
		// The front end proxies what the expression matches
		// (ProxyPassMatch), and the container's mod_wsgi matches it again
		// and splits SCRIPT_NAME from PATH_INFO as it did.
		mount, match = regexMount(sa.url), sa.url
		m, literal := matchMount(sa.url, sa.script)
		if p.opts.Base != spec.BaseDebian && !literal {
			p.errorf(CodeApp, sa.node.Pos(), "Write a WSGIScriptAlias for the application's mount point, or use --base debian, whose httpd keeps the WSGIScriptAliasMatch: express mounts one script at one URL path, so wsgidock maps WSGIScriptAliasMatch for it only as ^/PATH with a script that uses no $N.",
				"WSGIScriptAliasMatch %s cannot be moved into a container", sa.url)
			return nil
		}
		if literal {
			mount = m
		}
		p.mapped(name, "WSGIScriptAliasMatch "+sa.url, "the front end proxies the URLs the expression matches (ProxyPassMatch); the container's mod_wsgi matches them again, so that SCRIPT_NAME is the matched text and PATH_INFO the rest, as before", sa.node.Pos())
	}
	app := &spec.App{
		Script: sa.script, MountPoint: mount, MountMatch: match, ProcessGroup: d.name,
		ServerName: serverNameOf(&vhost{serverName: sa.vhost.name}, p.global), ServerAliases: sa.vhost.aliases,
		TLS: sa.vhost.tls, ForwardedPort: sa.vhost.port, User: "app", Group: "app",
		Directives: []apacheconf.Position{sa.node.Pos(), d.node.Pos()},
	}
	// Without user= and group=, mod_wsgi runs the daemon as Apache's own
	// User and Group.
	if main := p.scopes[0]; validAccount(main.user) && main.user != "root" {
		app.User = main.user
		if validAccount(main.group) && main.group != "root" {
			app.Group = main.group
		} else {
			app.Group = main.user
		}
	}
	if !filepath.IsAbs(app.Script) {
		app.Script = filepath.Join(p.tree.ServerRoot, app.Script)
	}
	if gnode != nil && gnode != sa.node {
		app.Directives = append(app.Directives, gnode.Pos())
	}
	var ag, cb *apacheconf.Node
	app.ApplicationGroup, ag = p.resolve(sa, "wsgiapplicationgroup", "application-group", "%{RESOURCE}")
	app.Callable, cb = p.resolve(sa, "wsgicallableobject", "callable-object", "application")
	for _, n := range []*apacheconf.Node{ag, cb} {
		if n != nil && n != sa.node {
			app.Directives = append(app.Directives, n.Pos())
		}
	}
	if v, n := p.resolve(sa, "wsgipassauthorization", "pass-authorization", "Off"); strings.EqualFold(v, "on") {
		app.PassAuthorization = true
		p.mapped(name, "WSGIPassAuthorization On", "the front end passes the Authorization header on and the container's mod_wsgi gives it to the application as HTTP_AUTHORIZATION", n.Pos())
	}
	p.requestEnv(name, sa, app)
	svc := &spec.Service{
		Name: name, Kind: spec.KindContainer, Group: d.name, Engine: "docker",
		Origin: spec.Origin{Daemon: d.node.Pos()},
		Where:  spec.Positions{"app": sa.node.Pos()},
		App:    app,
	}
	svc.ContainerName = sp.Project + "-" + name
	svc.Image = strings.ToLower("wsgidock-" + sp.Project + "-" + name)
	p.mapped(name, "WSGIScriptAlias "+sa.url+" "+sa.script, fmt.Sprintf("the application of group %s, served by its own container %s from image %s", d.name, svc.ContainerName, svc.Image), sa.node.Pos())
	if app.ApplicationGroup == "%{RESOURCE}" {
		p.mapped(name, "WSGIApplicationGroup (default %{RESOURCE})", "one application per container: the interpreter is the only one, as with %{GLOBAL}", sa.node.Pos())
	}
	app.ExpressArgs = []string{app.Script}
	if app.MountPoint != "/" {
		app.ExpressArgs = append(app.ExpressArgs, "--mount-point", app.MountPoint)
	}
	if app.Callable != "application" {
		app.ExpressArgs = append(app.ExpressArgs, "--callable-object", app.Callable)
	}
	app.ExpressArgs = append(app.ExpressArgs, "--process-group", d.name)
	if app.ApplicationGroup != "%{RESOURCE}" {
		app.ExpressArgs = append(app.ExpressArgs, "--application-group", app.ApplicationGroup)
	}
	p.mapAppOptions(svc, d)
	p.carryEnvvars(svc)
	if app.ServerName != "" {
		// No --server-name: it would make express refuse the readiness
		// probe's Host; the front end already selects the host.
		p.mapped(name, "ServerName "+app.ServerName, "the front end keeps selecting the virtual host and proxies with ProxyPreserveHost On, so the application sees this name", sa.node.Pos())
	}
	for _, sc := range sa.vhost.statics {
		app.Aliases = append(app.Aliases, sc)
		app.Directives = append(app.Directives, sc.Source)
		app.ExpressArgs = append(app.ExpressArgs, "--url-alias", sc.URL, sc.Path)
		p.mapped(name, "Alias "+sc.URL+" "+sc.Path, "static files served by the container (--url-alias); the front end proxies them with the application", sc.Source)
	}
	app.ExpressArgs = append(app.ExpressArgs, "--trust-proxy-header", "X-Forwarded-For", "--trust-proxy-header", "X-Forwarded-Port", "--trust-proxy-header", "X-Forwarded-Proto")
	// What express has no flag for: the user the front end authenticated,
	// the Authorization header, UnsetEnv and SetEnv of a <Location>.
	app.ExpressArgs = append(app.ExpressArgs, "--include-file", spec.ExpressConfPath)
	// httpd stops at once on SIGTERM, after its daemons' shutdown-timeout.
	svc.Stop.Signal = "SIGTERM"
	if svc.Stop.Timeout == 0 {
		svc.Stop.Timeout = 10 * time.Second
		svc.Stop.Source = d.node.Pos()
		svc.Where["stop.timeout"] = d.node.Pos()
	}
	if !p.appBuild(svc, d) {
		return nil
	}
	return svc
}

// requestEnv finds the SetEnv and UnsetEnv that apply to the requests of
// an application, as mod_env merges them: the main server's, the virtual
// host's, a <Directory> that holds the script, a <Location> that holds
// the mount point (or lies under it, kept as a <Location> in the
// container). Under mod_wsgi they reach the WSGI environ.
func (p *planner) requestEnv(svc string, sa *scriptAlias, app *spec.App) {
	scopes := []*appScope{p.scopes[0]}
	if sa.vhost != p.scopes[0] {
		scopes = append(scopes, sa.vhost)
	}
	scriptDir := app.ScriptDir()
	var top, dirs, locs []*wsgiSetting
	for _, sc := range scopes {
		for _, e := range sc.envs {
			switch {
			case e.section == "":
				top = append(top, e)
			case e.match || e.section != "location" && e.section != "directory":
				p.unmapped(svc, e.node.Name+" "+e.value, fmt.Sprintf("in <%s %s>, which wsgidock does not carry into the container: set it there by hand if the application needs it", e.section, e.path), e.node.Pos())
			case e.section == "directory" && pathPrefix(strings.TrimSuffix(e.path, "/"), scriptDir):
				dirs = append(dirs, e)
			case e.section == "location" && (pathPrefix(e.path, app.MountPoint) || pathPrefix(app.MountPoint, e.path)):
				locs = append(locs, e)
			}
		}
	}
	for _, e := range append(append(top, dirs...), locs...) {
		w := apacheconf.Words(e.value)
		re := spec.RequestEnv{Name: w[0], Unset: e.name == "unsetenv", Source: e.node.Pos()}
		if len(w) > 1 {
			re.Value = w[1]
		}
		if e.section == "location" && !pathPrefix(e.path, app.MountPoint) {
			re.Location = e.path
		}
		app.RequestEnv = append(app.RequestEnv, re)
		if re.Location == "" && !re.Unset {
			app.ExpressArgs = append(app.ExpressArgs, "--setenv", re.Name, re.Value)
		}
		p.mapped(svc, e.node.Name+" "+e.value, "set by the container's httpd for the application's requests: under mod_wsgi it is in the WSGI environ, not os.environ", e.node.Pos())
	}
}

// mapAppOptions carries the group's options into express flags and the
// container, and reports each.
func (p *planner) mapAppOptions(svc *spec.Service, d *daemon) {
	app := svc.App
	pos := d.node.Pos()
	for _, o := range d.opts {
		what := o.Name + "=" + o.Value
		m, ok := express.Options[o.Name]
		if !ok {
			p.unmapped(svc.Name, what, "an option this version of wsgidock does not know; check it by hand", pos)
			continue
		}
		keep := true
		switch o.Name {
		case "home":
			app.Home = o.Value
		case "python-path":
			app.PythonPath = append(app.PythonPath, strings.Split(o.Value, ":")...)
		case "python-home":
			app.PythonHome = o.Value
			keep = false
		case "user", "group":
			v := strings.TrimPrefix(o.Value, "#")
			if v == "root" || v == "0" {
				p.errorf(CodeApp, pos, "mod_wsgi refuses to run daemon processes as root; name another account.", "WSGI process blocked from running as root.")
				continue
			}
			if !validAccount(o.Value) {
				p.unmapped(svc.Name, what, "a numeric or unusual account name; the image's processes run as app instead", pos)
				continue
			}
			if o.Name == "user" {
				app.User = o.Value
			} else {
				app.Group = o.Value
			}
			keep = false
		case "umask":
			app.Umask = o.Value
		case "lang":
			svc.Env = append(svc.Env, spec.EnvVar{Name: "LANG", Value: o.Value, HasValue: true, Source: pos})
		case "locale":
			svc.Env = append(svc.Env, spec.EnvVar{Name: "LC_ALL", Value: o.Value, HasValue: true, Source: pos})
		case "memory-limit", "virtual-memory-limit":
			if n, err := strconv.ParseInt(o.Value, 10, 64); err == nil && n > 0 {
				svc.Extra = append(svc.Extra, spec.Flag{Name: "--memory", Value: o.Value, HasValue: true, Source: pos})
			}
		case "shutdown-timeout":
			if secs, err := parseSeconds(o.Value); err == nil {
				svc.Stop.Timeout = secs + 5*time.Second
				svc.Stop.Source = pos
				svc.Where["stop.timeout"] = pos
			}
		case "display-name":
			if o.Value != "%{GROUP}" && p.opts.Base == spec.BaseDebian {
				app.DaemonOptions = append(app.DaemonOptions, o.Name+"="+quoteOption(o.Value))
				p.mapped(svc.Name, what, "kept in the container's WSGIDaemonProcess: its daemon processes have that name", pos)
				continue
			}
			if o.Value != "%{GROUP}" {
				p.unmapped(svc.Name, what, "express names the daemon processes (wsgi:"+d.name+"); a display name of its own cannot be set", pos)
				continue
			}
		case "chroot":
			keep = false
		}
		if keep && m.How != express.Unsupported {
			app.DaemonOptions = append(app.DaemonOptions, o.Name+"="+quoteOption(o.Value))
		}
		switch {
		case m.How == express.Unsupported:
			p.unmapped(svc.Name, what, m.Why, pos)
		case o.Name == "user" || o.Name == "group":
			// Given once below, with the default account when unset.
			p.mapped(svc.Name, what, m.Why, pos)
		default:
			app.ExpressArgs = append(app.ExpressArgs, express.Args(o.Name, o.Value)...)
			why := m.Why
			if m.Flag != "" && m.How == express.Flag {
				why = strings.TrimSuffix("mod_wsgi-express "+m.Flag+"; "+why, "; ")
			}
			p.mapped(svc.Name, what, why, pos)
		}
	}
	app.ExpressArgs = append(app.ExpressArgs, "--user", app.User, "--group", app.Group)
}

// carryEnvvars gives the container the environment the envvars file gave
// httpd, and with it the daemon processes: the variables it set, but for
// those the group's lang= and locale= set after it, and unset what it
// unset.
func (p *planner) carryEnvvars(svc *spec.Service) {
	e := p.opts.Envvars
	if e == nil {
		return
	}
	pos := apacheconf.Position{Filename: e.File}
	own := map[string]bool{}
	for _, v := range svc.Env {
		own[v.Name] = true
	}
	names := make([]string, 0, len(e.Set))
	for k := range e.Set {
		if !own[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	vars := make([]spec.EnvVar, 0, len(names)+len(svc.Env))
	for _, k := range names {
		vars = append(vars, spec.EnvVar{Name: k, Value: e.Set[k], HasValue: true, Source: pos})
	}
	svc.Env = append(vars, svc.Env...)
	for _, k := range e.Unset {
		if !own[k] {
			svc.App.UnsetEnv = append(svc.App.UnsetEnv, k)
		}
	}
	if len(names)+len(svc.App.UnsetEnv) > 0 {
		p.mapped(svc.Name, "environment of "+e.File, fmt.Sprintf("set in the container as apache2ctl set it for httpd, whose daemon processes inherit it: %s", strings.Join(append(names, prefixAll("unset ", svc.App.UnsetEnv)...), ", ")), pos)
	}
}

func prefixAll(prefix string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = prefix + s
	}
	return out
}

// quoteOption writes an option value so that httpd reads it back as is.
func quoteOption(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\"'\\") {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", "\\'") + "'"
}

func validAccount(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' && i > 0) {
			return false
		}
	}
	return s[0] < '0' || s[0] > '9'
}

// systemDirs are directories that are never an app's build context: the
// whole of them would be sent to the engine.
var systemDirs = map[string]bool{
	"/": true, "/bin": true, "/boot": true, "/dev": true, "/etc": true, "/home": true, "/lib": true,
	"/lib64": true, "/media": true, "/mnt": true, "/opt": true, "/proc": true, "/root": true, "/run": true,
	"/sbin": true, "/srv": true, "/sys": true, "/tmp": true, "/usr": true, "/usr/lib": true,
	"/usr/local": true, "/usr/share": true, "/var": true, "/var/lib": true, "/var/www": true,
}

// appBuild fills the service's build: the context, the dependencies and
// the base image.
func (p *planner) appBuild(svc *spec.Service, d *daemon) bool {
	app := svc.App
	dirs := []string{app.ScriptDir()}
	if app.Home != "" {
		dirs = append(dirs, app.Home)
	}
	for _, pp := range app.PythonPath {
		if pp != "" {
			dirs = append(dirs, pp)
		}
	}
	ctx := commonRoot(dirs)
	if systemDirs[ctx] {
		p.errorf(CodeApp, app.Directives[0], fmt.Sprintf("The script's directory, home= and python-path= (%s) have %s as their nearest common directory, which would send a system directory to the engine as the build context; keep the application in a directory of its own.", strings.Join(dirs, ", "), ctx),
			"the application of group %s has no source tree of its own", d.name)
		return false
	}
	b := &spec.Build{Context: ctx, Base: p.opts.Base, BaseImage: p.opts.BaseImage, Source: app.Directives[0]}
	if b.Base == "" {
		b.Base = spec.BaseExpress
	}
	p.mapped(svc.Name, "build context "+ctx, "the nearest common directory of the script's directory, home= and python-path=; it is copied into the image at the same path", app.Directives[0])
	keptVenv := ""
	if v := pyvenvVersion(p.fs, app.PythonHome); b.Base == spec.BaseDebian && app.PythonHome != "" && pathPrefix(ctx, app.PythonHome) && v == debianPython {
		// The distribution's mod_wsgi is built for its Python: a
		// virtualenv of that Python, inside the source tree, works as it
		// is, with what is installed in it.
		app.DaemonOptions = append(app.DaemonOptions, "python-home="+quoteOption(app.PythonHome))
		p.mapped(svc.Name, "python-home="+app.PythonHome, fmt.Sprintf("a Python %s virtualenv inside the source tree, as the debian base's mod_wsgi: copied with the tree and used as it is", v), d.node.Pos())
		keptVenv = app.PythonHome
		app.PythonHome = ""
	}
	b.Requirements, b.PythonVersion = p.requirements(svc, ctx, app.PythonHome, keptVenv, d.node.Pos())
	if b.PythonVersion == "" {
		b.PythonVersion = "3.12"
	}
	if b.BaseImage == "" {
		if b.Base == spec.BaseDebian {
			b.BaseImage = "debian:bookworm-slim"
		} else {
			b.BaseImage = "python:" + b.PythonVersion + "-slim"
		}
	}
	svc.Build = b
	return true
}

// debianPython is the Python version of Debian bookworm, the one its
// libapache2-mod-wsgi-py3 embeds.
const debianPython = "3.11"

// commonRoot is the nearest directory that holds every one of dirs.
func commonRoot(dirs []string) string {
	root := filepath.Clean(dirs[0])
	for _, d := range dirs[1:] {
		d = filepath.Clean(d)
		for !pathPrefix(root, d) {
			root = filepath.Dir(root)
		}
	}
	return root
}

// requirementFiles are the dependency files looked for at the top of the
// context, in order of preference.
var requirementFiles = []string{"requirements.txt", "Pipfile.lock", "poetry.lock", "pyproject.toml"}

// requirements finds the app's dependencies and the Python version.
// A virtualenv used as it is (kept) is all the dependencies an app
// without a requirements file needs.
func (p *planner) requirements(svc *spec.Service, ctx, home, kept string, pos apacheconf.Position) (spec.Requirements, string) {
	version := ""
	if home != "" {
		version = pyvenvVersion(p.fs, home)
	}
	for i, dir := range []string{svc.App.Home, ctx} {
		if dir == "" || !pathPrefix(ctx, dir) || i == 1 && filepath.Clean(svc.App.Home) == ctx {
			continue
		}
		for _, f := range requirementFiles {
			full := filepath.Join(dir, f)
			if _, err := p.fs.ReadFile(full); err == nil {
				rel, _ := filepath.Rel(ctx, full)
				p.mapped(svc.Name, "dependencies "+rel, "installed in the image by the build script", pos)
				return spec.Requirements{Kind: f, File: filepath.ToSlash(rel)}, version
			}
		}
	}
	if kept != "" {
		return spec.Requirements{Kind: "none"}, version
	}
	if home != "" {
		pinned, err := pinnedFromVenv(home)
		if err == nil {
			p.mapped(svc.Name, "python-home="+home, fmt.Sprintf("no requirements file: %d packages pinned from the virtualenv's site-packages into a generated requirements.txt", len(pinned)), pos)
			return spec.Requirements{Kind: "python-home", Pinned: pinned}, version
		}
		p.unmapped(svc.Name, "python-home="+home, fmt.Sprintf("no requirements file in %s and the virtualenv cannot be read (%v): the image gets no dependencies; add a requirements.txt", ctx, unwrap(err)), pos)
		return spec.Requirements{Kind: "none"}, version
	}
	p.unmapped(svc.Name, "dependencies", fmt.Sprintf("no requirements.txt, Pipfile.lock, poetry.lock or pyproject.toml in %s and no python-home: the image gets no dependencies", ctx), pos)
	return spec.Requirements{Kind: "none"}, version
}

// pyvenvVersion reads the major.minor Python version of a virtualenv.
func pyvenvVersion(fsys apacheconf.FileSystem, home string) string {
	src, err := fsys.ReadFile(filepath.Join(home, "pyvenv.cfg"))
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(strings.NewReader(string(src)))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		k = strings.TrimSpace(k)
		if !ok || k != "version" && k != "version_info" {
			continue
		}
		parts := strings.Split(strings.TrimSpace(v), ".")
		if len(parts) >= 2 {
			return parts[0] + "." + parts[1]
		}
	}
	return ""
}

// pinnedFromVenv lists name==version for each distribution installed in
// a virtualenv, from its *.dist-info METADATA.
func pinnedFromVenv(home string) ([]string, error) {
	metas, err := filepath.Glob(filepath.Join(home, "lib", "python*", "site-packages", "*.dist-info", "METADATA"))
	if err != nil {
		return nil, err
	}
	if len(metas) == 0 {
		if _, err := os.Stat(home); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("no *.dist-info in its site-packages")
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range metas {
		name, version := readMetadata(m)
		key := strings.ToLower(name)
		if name == "" || version == "" || seen[key] || key == "pip" || key == "setuptools" || key == "wheel" || key == "mod-wsgi" || key == "mod_wsgi" {
			continue
		}
		seen[key] = true
		out = append(out, name+"=="+version)
	}
	sort.Strings(out)
	return out, nil
}

func readMetadata(file string) (name, version string) {
	src, err := os.ReadFile(file)
	if err != nil {
		return "", ""
	}
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Name: "); ok {
			name = strings.TrimSpace(v)
		} else if v, ok := strings.CutPrefix(line, "Version: "); ok {
			version = strings.TrimSpace(v)
		}
	}
	return name, version
}

// entries are the script aliases a service's container serves, its own
// first, in the order httpd reads them.
func (p *planner) entries(s *spec.Service) []*scriptAlias {
	var out []*scriptAlias
	for _, sc := range p.scopes {
		for _, sa := range sc.scripts {
			if sa.svc == s {
				out = append(out, sa)
			}
		}
	}
	return out
}

// entryRoutes are the front end's routes to the container for one script
// alias: the mount point, and the virtual host's static Aliases outside
// it; and, as App.Excluded, the main server's Aliases under the mount
// point, which httpd serves before the script alias and the front end
// keeps serving.
func (p *planner) entryRoutes(s *spec.Service, sa *scriptAlias, backend string) []spec.Route {
	app := s.App
	pos := sa.node.Pos()
	mount, match, _ := mountOf(app, sa)
	paths := []string{mount}
	if mount != "/" {
		for _, a := range sa.vhost.statics {
			if !pathPrefix(mount, a.URL) {
				paths = append(paths, a.URL)
			}
		}
	}
	if main := p.scopes[0]; sa.vhost != main {
		for _, a := range main.statics {
			if pathPrefix(mount, strings.TrimSuffix(a.URL, "/")) && a.URL != mount {
				app.Excluded = append(app.Excluded, spec.Alias{URL: a.URL, Path: a.Path, Source: pos})
				p.mapped(s.Name, "Alias "+a.URL+" "+a.Path, fmt.Sprintf("a server-level Alias, which httpd applies before WSGIScriptAlias %s: the front end keeps serving it (ProxyPass %s !)", mount, a.URL), a.Source)
			}
		}
	}
	var routes []spec.Route
	if match != "" {
		routes = append(routes, spec.Route{Directive: "ProxyPassMatch", Path: match, URL: backend, ServerName: serverNameOf(&vhost{serverName: sa.vhost.name}, p.global),
			ForwardedPort: sa.vhost.port, ForwardedProto: map[bool]string{true: "https"}[sa.vhost.tls], HasReverse: true, Source: pos})
		paths = paths[1:]
	}
	for _, pth := range paths {
		routes = append(routes, spec.Route{Directive: "ProxyPass", Path: pth, URL: backend + pth, ServerName: serverNameOf(&vhost{serverName: sa.vhost.name}, p.global),
			ForwardedPort: sa.vhost.port, ForwardedProto: map[bool]string{true: "https"}[sa.vhost.tls], HasReverse: true, Source: pos})
	}
	return routes
}

// appPorts gives each app a loopback host port that no other service
// publishes and no ProxyPass of the front end already sends requests to,
// and its readiness URL and front-end route.
func (p *planner) appPorts(sp *spec.Spec) {
	apps := false
	for _, s := range sp.Services {
		apps = apps || s.App != nil
	}
	if !apps {
		return
	}
	used := map[int]bool{}
	for _, s := range sp.Services {
		for _, port := range s.Ports {
			for _, hp := range expandRange(port.HostPort) {
				if n, err := strconv.Atoi(hp); err == nil {
					used[n] = true
				}
			}
		}
	}
	for _, r := range p.routes {
		if be, ok := r.local(); ok {
			if n, err := strconv.Atoi(be.port); err == nil {
				used[n] = true
			}
		}
	}
	next := appFirstPort
	if p.opts.AppPort > 0 {
		next = p.opts.AppPort
	}
	for _, s := range sp.Services {
		if s.App == nil {
			continue
		}
		for used[next] {
			next++
		}
		used[next] = true
		hp := strconv.Itoa(next)
		pos := s.App.Directives[0]
		s.Build.Dockerfile = path.Join("apps", s.Name, "Dockerfile")
		s.Ports = append(s.Ports, spec.Port{HostIP: "127.0.0.1", HostPort: hp, ContainerPort: "80", Source: pos})
		backend := "http://127.0.0.1:" + hp
		s.Ready = &spec.Ready{URL: backend + s.App.MountPoint, Source: pos}
		entries := p.entries(s)
		routed := map[string]bool{} // a virtual host's static Alias is routed once
		for _, sa := range entries {
			for _, r := range p.entryRoutes(s, sa, backend) {
				if k := r.ServerName + "\x00" + r.ForwardedPort + "\x00" + r.Path; !routed[k] {
					routed[k] = true
					s.Front = append(s.Front, r)
				}
			}
		}
		p.carryAccess(s, entries)
		p.mapped(s.Name, "port "+hp, "published on 127.0.0.1 for the front end, which proxies "+s.App.MountPoint+" to it; the service is ready when "+s.Ready.URL+" answers", pos)
	}
}
