package translate

import (
	"strconv"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/importscript"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Lint returns the service rules' findings for a configuration: the
// planner's diagnostics that are about the configuration (Rules lists
// them), with lint's severities, and the checks only lint makes. Notes
// about what migrate could not carry over are left to migrate.
func Lint(tree *apacheconf.Tree, opts Options) apacheconf.Diagnostics {
	severity := make(map[string]apacheconf.Severity, len(rules))
	for _, r := range rules {
		severity[r.Code] = r.Severity
	}
	l := &linter{tree: tree}
	p := newPlanner(tree, opts, true)
	p.lint = l
	p.keep = func(code string) bool {
		_, ok := severity[code]
		return ok
	}
	sp := p.plan()
	planned := p.diags
	// A launcher whose only launch is under if __name__ == '__main__':
	// starts nothing; lint's main-guard finding on that line says so.
	guarded := map[apacheconf.Position]bool{}
	for _, d := range planned {
		if d.Code == importscript.CodeMainGuard {
			guarded[d.Pos()] = true
		}
	}
	out := planned[:0] // filtered in place: the planner is done with them
	for _, d := range planned {
		if d.Code == importscript.CodeNoLaunch && guarded[d.Pos()] {
			continue
		}
		if d.Code == CodeEvaluated && d.Severity == apacheconf.SeverityError {
			// The sandbox failed or refused: lint did not read the
			// launcher it was asked to read.
			out = append(out, d)
			continue
		}
		if d.Code == CodeApp && d.Summary == msgGroupNotConfigured {
			// undefined-process-group names that group, on the line
			// that names it.
			continue
		}
		if isReaderCode(d.Code) {
			// The launcher reader's own codes (script-syntax,
			// script-unresolved ...) all say one thing to lint: this
			// launcher cannot be read; the summary says why.
			d.Code = CodeScript
		}
		if s, ok := severity[d.Code]; ok {
			d.Severity = s
			out = append(out, d)
		}
	}
	l.serviceThreads()
	l.groupsAndProxies()
	l.publishedAround(sp)
	return append(out, l.found...)
}

// linter holds what lint's own checks read from the configuration, which
// the planner's walk fills (collect): the daemon groups, the import
// scripts and the groups that serve an application, as the planner reads
// them (though from any node, and a daemon group httpd refuses for its
// options too), and the directives that name a group or trust proxy
// headers.
type linter struct {
	tree    *apacheconf.Tree
	daemons []*daemon
	imports []groupRef // the import scripts and the groups they name
	apps    map[string]bool
	// groupRefs are the WSGIProcessGroup and process-group= options, in
	// walk order; trusted the WSGITrustedProxyHeaders with the sections
	// around them (nil first, for the server), and hasProxies the sections
	// (nil for the server) that have a WSGITrustedProxies.
	groupRefs  []groupRef
	trusted    []trustedHeaders
	hasProxies map[*apacheconf.Node]bool
	found      apacheconf.Diagnostics
}

// groupRef is a directive that names a daemon group.
type groupRef struct {
	node *apacheconf.Node
	name string
}

// trustedHeaders is a WSGITrustedProxyHeaders and the sections around it.
type trustedHeaders struct {
	node      *apacheconf.Node
	ancestors []*apacheconf.Node
}

func (l *linter) warn(code string, pos apacheconf.Position, summary string) {
	var help string
	for _, r := range rules {
		if r.Code == code {
			help = r.Help
		}
	}
	l.found = append(l.found, apacheconf.Diagnostic{Severity: apacheconf.SeverityWarning, Code: code,
		Summary: summary, Detail: help, Subject: apacheconf.Range{Start: pos, End: pos}})
}

// serviceThreads reports daemon groups that run an import script and no
// application, without threads=0: when the script (or the program it
// execs) returns, such a process stays up serving no one instead of being
// restarted.
func (l *linter) serviceThreads() {
	firstImport := make(map[string]groupRef, len(l.imports))
	for _, i := range l.imports {
		if _, ok := firstImport[i.name]; !ok {
			firstImport[i.name] = i
		}
	}
	for _, d := range l.daemons {
		if l.apps[d.name] {
			continue
		}
		imp, ok := firstImport[d.name]
		if !ok {
			continue
		}
		threads, ok := d.option("threads")
		if ok && threads == "0" {
			continue
		}
		if !ok {
			threads = "15 (the default)"
		}
		l.warn(CodeServiceThreads, d.node.Pos(), "daemon group "+d.name+" only runs the import script of line "+strconv.Itoa(imp.node.Line)+
			" but has threads="+threads+": when the script returns, the process idles instead of restarting")
	}
}

// groupsAndProxies reports WSGIProcessGroup (and WSGIScriptAlias
// process-group=) naming no daemon group, and WSGITrustedProxyHeaders with
// no WSGITrustedProxies for the same scope.
func (l *linter) groupsAndProxies() {
	defined := make(map[string]bool, len(l.daemons))
	for _, d := range l.daemons {
		defined[d.name] = true
	}
	for _, r := range l.groupRefs {
		if r.name == "" || strings.HasPrefix(r.name, "%{") || defined[r.name] {
			continue
		}
		l.warn(CodeUndefinedGroup, r.node.Pos(), r.node.Name+" names daemon group "+r.name+", which no WSGIDaemonProcess defines")
	}
	for _, h := range l.trusted {
		covered := false
		for _, a := range h.ancestors {
			covered = covered || l.hasProxies[a]
		}
		if !covered {
			l.warn(CodeTrustedHeaders, h.node.Pos(), "WSGITrustedProxyHeaders "+strings.Join(h.node.Words(), " ")+
				" is trusted from any client: no WSGITrustedProxies says which proxies may send it")
		}
	}
}

// publishedAround reports ports the front end proxies to that the service
// publishes on every interface, where clients can reach it directly.
func (l *linter) publishedAround(sp *spec.Spec) {
	for _, s := range sp.Services {
		proxied := map[string]string{}
		for _, r := range s.Front {
			if be, ok := localBackend(r.URL); ok {
				proxied[be.port] = r.Path
			}
		}
		for _, port := range s.Ports {
			path, ok := proxied[port.HostPort]
			if !ok || !(port.HostIP == "" || port.HostIP == "0.0.0.0" || port.HostIP == "::" || port.HostIP == "[::]") {
				continue
			}
			l.warn(CodePublishedAround, port.Source, "service "+s.Name+" publishes port "+port.HostPort+
				" on every interface, so clients can reach it without the front end's "+path)
		}
	}
}

// isReaderCode reports whether code is one of the launcher reader's codes
// that lint groups under CodeScript: all of them but the
// if __name__ == '__main__': rule, which lint reports on its own.
func isReaderCode(code string) bool {
	return strings.HasPrefix(code, "script-") && code != importscript.CodeMainGuard
}
