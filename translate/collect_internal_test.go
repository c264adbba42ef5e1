package translate

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// TestCollectOneWalk locks the planner's single walk (collect) to the three
// walks it replaced: the launchers' and front end's (collect), the
// applications' (collectApps) and lint's own (linter.read), kept below as
// they were. Every configuration of the fixtures, the seed's shape and a
// configuration of nested sections must leave the planner and the linter
// with the same daemon groups, import scripts, routes, applications,
// scopes, findings and lint inputs.
func TestCollectOneWalk(t *testing.T) {
	var confs []string
	err := filepath.WalkDir(filepath.Join("..", "fixtures"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".conf") {
			confs = append(confs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"seed.conf": httpdtest.SeedVhosts(30), "nested.conf": nestedConf + manyRoutesConf()} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		confs = append(confs, path)
	}
	compared := 0
	for _, conf := range confs {
		for _, mods := range [][]string{nil, {"wsgi_module", "proxy_module", "headers_module", "ssl_module", "alias_module"}} {
			tree, _ := apacheconf.Load(conf, apacheconf.Options{Modules: mods})
			if tree == nil {
				continue
			}
			before := newPlanner(tree, Options{}, false)
			hdr := oldCollect(before)
			oldCollectApps(before)
			bl := &linter{tree: tree}
			oldRead(bl)

			after := newPlanner(tree, Options{}, false)
			al := &linter{tree: tree}
			after.collect(al)

			want, got := dumpCollected(before, bl, func(v *vhost) [2]string {
				return [2]string{hdr[v]["x-forwarded-port"], hdr[v]["x-forwarded-proto"]}
			}), dumpCollected(after, al, func(v *vhost) [2]string {
				return [2]string{v.forwardedPort, v.forwardedProto}
			})
			if want != got {
				t.Errorf("%s (modules %v): the one walk differs from the three:\n%s", conf, mods, firstDifference(want, got))
			}
			compared++
		}
	}
	if compared < 100 {
		t.Fatalf("only %d configurations compared", compared)
	}
}

// nestedConf nests the sections the walks track: virtual hosts, locations
// inside them and around them, directories, and directives whose names and
// headers differ in case.
const nestedConf = `ServerName main.example.com:80
ServerAlias ignored.example.com
WSGIDaemonProcess top threads=0
WSGIDaemonProcess top threads=2
WSGIDaemonProcess bad threads = 2
WSGIDaemonProcess odd nonsense=1
WSGIImportScript /srv/top.py process-group=top application-group=%{GLOBAL}
WSGIImportScript /srv/none.py process-group=%{GLOBAL} application-group=%{GLOBAL}
WSGIImportScript /srv/bad.py process-group=top
WSGIProcessGroup top
WSGIApplicationGroup %{GLOBAL}
WSGIScriptAlias /top /srv/top.wsgi process-group=top application-group=x
WSGITrustedProxyHeaders X-Forwarded-For
Alias /static /srv/static
ProxyPass /a http://localhost:8001/
ProxyPassReverse /a http://localhost:8001
<Location /loc>
    ProxyPass http://127.0.0.1:8002/
    ProxyPassReverse http://127.0.0.1:8002/
    WSGIProcessGroup top
    WSGITrustedProxies 10.0.0.1
    WSGITrustedProxyHeaders X-Forwarded-Proto
    Alias /inloc /srv/x
</Location>
<VirtualHost *:8080 [::1]:9090>
    ServerName one.example.com
    ServerAlias www.one.example.com one
    SSLEngine on
    RequestHeader set X-Forwarded-Port 8080
    REQUESTHEADER SET x-forwarded-proto https
    RequestHeader set X-Forwarded-Port 8443
    RequestHeader append X-Forwarded-Proto http
    WSGIDaemonProcess one.example.com threads=1 home=/srv/one
    WSGIImportScript /srv/one.py process-group=one.example.com application-group=%{GLOBAL}
    WSGIScriptAliasMatch ^/app(.*) /srv/app.wsgi$1 process-group=one.example.com
    ProxyPass /b http://localhost:8003/ retry=0
    ProxyPass /b/c !
    ProxyPassReverse /b http://localhost:8003/
    <Location /app>
        WSGIProcessGroup one.example.com
        WSGICallableObject app
        <Directory /srv/app>
            WSGIApplicationGroup grp
            Alias /deep /srv/deep
            WSGITrustedProxyHeaders X-Real-IP
        </Directory>
    </Location>
    <LocationMatch ^/m>
        ProxyPass http://localhost:8004/
        WSGIProcessGroup missing
    </LocationMatch>
    <Directory ~ /srv/d>
        WSGIProcessGroup one.example.com
        WSGITrustedProxies 10.0.0.2
        WSGITrustedProxyHeaders X-Client
    </Directory>
    Alias /here /srv/here
</VirtualHost>
<VirtualHost 10.0.0.1>
    ServerName http://two.example.com:81
    WSGIImportScript /srv/one.py process-group=one.example.com application-group=%{GLOBAL}
    WSGIProcessGroup two words
    WSGIScriptAlias /two
    ProxyPassMatch ^/x http://localhost:8005/
    ProxyPassReverse / http://localhost:8005/
</VirtualHost>
ServerName later.example.com
`

// manyRoutesConf has more routes in one scope than are paired by a list,
// some ProxyPassReverse before their ProxyPass, and empty words.
func manyRoutesConf() string {
	var b strings.Builder
	b.WriteString("ProxyPass \"\" http://localhost:9000/\nProxyPassReverse \"\" http://localhost:9000\nProxyPass \nProxyPass /only\n")
	for _, scope := range []string{"", "<VirtualHost *:81>\n"} {
		b.WriteString(scope)
		for i := range 40 {
			if i%3 == 0 {
				fmt.Fprintf(&b, "ProxyPassReverse /p%d http://localhost:%d/\n", i, 9100+i)
			}
			fmt.Fprintf(&b, "ProxyPass /p%d http://localhost:%d/\n", i, 9100+i)
			if i%2 == 0 {
				fmt.Fprintf(&b, "ProxyPassReverse /p%d http://localhost:%d\n", i/2, 9100+i/2)
			}
		}
		if scope != "" {
			b.WriteString("</VirtualHost>\n")
		}
	}
	return b.String()
}

// dumpCollected writes down what a walk left in the planner and the
// linter; headers gives a virtual host's forwarded port and scheme.
func dumpCollected(p *planner, l *linter, headers func(*vhost) [2]string) string {
	var b strings.Builder
	pos := func(n *apacheconf.Node) string {
		if n == nil {
			return "-"
		}
		return n.Pos().String()
	}
	vh := func(v *vhost) string {
		if v == nil {
			return "server"
		}
		h := headers(v)
		return fmt.Sprintf("vhost(%s %q port=%q proto=%q)", pos(v.node), v.serverName, h[0], h[1])
	}
	fmt.Fprintf(&b, "global %q\n", p.global)
	for _, d := range p.daemons {
		fmt.Fprintf(&b, "daemon %s %q %v %s first=%v\n", pos(d.node), d.name, d.opts, vh(d.vhost), p.byName[d.name] == d)
	}
	fmt.Fprintf(&b, "byName %d\n", len(p.byName))
	for _, i := range p.imports {
		fmt.Fprintf(&b, "import %s %q %q %q %s\n", pos(i.node), i.path, i.group, i.appGroup, vh(i.vhost))
	}
	for _, r := range p.routes {
		fmt.Fprintf(&b, "route %s %s %q %q %s reverse=%v\n", pos(r.node), r.directive, r.path, r.url, vh(r.vhost), r.hasReverse)
	}
	for _, a := range sortedKeys(p.apps) {
		fmt.Fprintf(&b, "app %q %s\n", a, p.apps[a])
	}
	for _, sc := range p.scopes {
		fmt.Fprintf(&b, "scope %s %q %q port=%q tls=%v statics=%v\n", pos(sc.node), sc.name, sc.aliases, sc.port, sc.tls, sc.statics)
		for _, s := range sc.settings {
			fmt.Fprintf(&b, "  setting %s %q %q %q %q %v\n", pos(s.node), s.name, s.value, s.section, s.path, s.match)
		}
		for _, sa := range sc.scripts {
			fmt.Fprintf(&b, "  script %s %v %q %q %v same-scope=%v\n", pos(sa.node), sa.match, sa.url, sa.script, sa.opts, sa.vhost == sc)
		}
	}
	for _, d := range p.diags {
		fmt.Fprintf(&b, "diag %s %s %s %q %q\n", d.Pos(), d.Severity, d.Code, d.Summary, d.Detail)
	}
	fmt.Fprintf(&b, "report %v %v\n", p.report.Mapped, p.report.Unmapped)
	for _, d := range l.daemons {
		fmt.Fprintf(&b, "lint daemon %s %q %v\n", pos(d.node), d.name, d.opts)
	}
	for _, i := range l.imports {
		fmt.Fprintf(&b, "lint import %s %q\n", pos(i.node), i.name)
	}
	for _, a := range sortedKeys(l.apps) {
		fmt.Fprintf(&b, "lint app %q\n", a)
	}
	for _, r := range l.groupRefs {
		fmt.Fprintf(&b, "lint ref %s %q\n", pos(r.node), r.name)
	}
	for _, h := range l.trusted {
		var around []string
		for _, a := range h.ancestors {
			around = append(around, pos(a))
		}
		fmt.Fprintf(&b, "lint trusted %s %v\n", pos(h.node), around)
	}
	var proxies []string
	for n := range l.hasProxies {
		proxies = append(proxies, pos(n))
	}
	fmt.Fprintf(&b, "lint proxies %v\n", sortedStrings(proxies))
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return sortedStrings(keys)
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}

func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nthree walks: %s\none walk:    %s", i+1, a, b)
		}
	}
	return ""
}

// oldCollect is the planner's first walk as it was, with the virtual
// hosts' headers in a map of their own (returned).
func oldCollect(p *planner) map[*vhost]map[string]string {
	headers := map[*vhost]map[string]string{}
	reverse := map[oldRouteKey][]*route{}
	vhostAt := []*vhost{nil}
	locationAt := []*apacheconf.Node{nil}
	p.tree.Walk(func(n *apacheconf.Node, depth int) bool {
		cur, location := vhostAt[depth], locationAt[depth]
		if n.Kind == apacheconf.KindSection {
			v, l := cur, location
			switch {
			case n.Is("VirtualHost"):
				v = &vhost{node: n}
				headers[v] = map[string]string{}
			case n.Is("Location"), n.Is("LocationMatch"):
				l = n
			}
			vhostAt = append(vhostAt[:depth+1], v)
			locationAt = append(locationAt[:depth+1], l)
		}
		switch {
		case n.Kind == apacheconf.KindSection && n.Is("VirtualHost"):
		case n.Is("ServerName"):
			if w := n.Words(); len(w) > 0 {
				if cur != nil {
					cur.serverName = hostOnly(w[0])
				} else if p.global == "" {
					p.global = hostOnly(w[0])
				}
			}
		case n.Is("WSGIDaemonProcess"):
			p.addDaemon(n, cur)
		case n.Is("WSGIImportScript"):
			p.addImport(n, cur)
		case n.Is("WSGIScriptAlias"), n.Is("WSGIScriptAliasMatch"):
			_, rest := apacheconf.GetwordConf(n.Args)
			_, rest = apacheconf.GetwordConf(rest)
			if opts, ok := parseWSGIOptions(rest); ok {
				for _, o := range opts {
					if o.Name == "process-group" {
						p.apps[o.Value] = n.Pos()
					}
				}
			}
		case n.Is("WSGIProcessGroup"):
			if w := n.Words(); len(w) == 1 {
				p.apps[w[0]] = n.Pos()
			}
		case n.Is("ProxyPass"), n.Is("ProxyPassMatch"), n.Is("ProxyPassReverse"):
			oldAddProxy(p, reverse, n, cur, location)
		case n.Is("RequestHeader"):
			w := n.Words()
			if len(w) >= 3 && strings.EqualFold(w[0], "set") && cur != nil {
				headers[cur][lowerASCII(w[1])] = w[2]
			}
		}
		return true
	})
	return headers
}

type oldRouteKey struct {
	vhost     *vhost
	path, url string
}

// oldAddProxy is addProxy as it was, pairing ProxyPassReverse through one
// map for all virtual hosts.
func oldAddProxy(p *planner, reverse map[oldRouteKey][]*route, n *apacheconf.Node, v *vhost, location *apacheconf.Node) {
	w := n.Words()
	var path, target string
	switch {
	case location != nil && len(w) >= 1:
		lw := location.Words()
		if len(lw) > 0 {
			path = lw[0]
		}
		target = w[0]
	case len(w) >= 2:
		path, target = w[0], w[1]
	default:
		return
	}
	key := oldRouteKey{vhost: v, path: path, url: strings.TrimSuffix(target, "/")}
	if n.Is("ProxyPassReverse") {
		for _, r := range reverse[key] {
			r.hasReverse = true
		}
		return
	}
	if target == "!" {
		return
	}
	r := &route{directive: canonicalProxy(n), path: path, url: target, node: n, vhost: v}
	p.routes = append(p.routes, r)
	reverse[key] = append(reverse[key], r)
}

// oldCollectApps is the planner's second walk as it was.
func oldCollectApps(p *planner) {
	main := &appScope{}
	p.scopes = []*appScope{main}
	var stack []*apacheconf.Node
	scopes := map[*apacheconf.Node]*appScope{}
	p.tree.Walk(func(n *apacheconf.Node, depth int) bool {
		stack = append(stack[:depth], n)
		cur := main
		var section *apacheconf.Node
		for _, s := range stack[:depth] {
			if s.Is("VirtualHost") {
				cur = scopes[s]
			} else if s.Kind == apacheconf.KindSection {
				section = s
			}
		}
		switch {
		case n.Kind == apacheconf.KindSection && n.Is("VirtualHost"):
			sc := &appScope{node: n, port: "80"}
			for _, a := range n.Words() {
				if i := strings.LastIndexByte(a, ':'); i >= 0 && !strings.HasSuffix(a, "]") {
					sc.port = a[i+1:]
				}
			}
			scopes[n] = sc
			p.scopes = append(p.scopes, sc)
		case n.Is("ServerName"):
			if w := n.Words(); len(w) > 0 && cur != main {
				cur.name = hostOnly(w[0])
			}
		case n.Is("ServerAlias"):
			cur.aliases = append(cur.aliases, n.Words()...)
		case n.Is("SSLEngine"):
			if w := n.Words(); len(w) == 1 && strings.EqualFold(w[0], "on") {
				cur.tls = true
			}
		case n.Is("Alias") && section == nil:
			if w := n.Words(); len(w) == 2 {
				cur.statics = append(cur.statics, spec.Alias{URL: w[0], Path: w[1], Source: n.Pos()})
			}
		case n.Is("WSGIScriptAlias"), n.Is("WSGIScriptAliasMatch"):
			url, rest := apacheconf.GetwordConf(n.Args)
			script, rest := apacheconf.GetwordConf(rest)
			opts, ok := parseWSGIOptions(rest)
			if !ok || script == "" {
				return true
			}
			sa := &scriptAlias{node: n, match: n.Is("WSGIScriptAliasMatch"), url: url, script: script, opts: map[string]string{}, vhost: cur}
			for _, o := range opts {
				sa.opts[o.Name] = o.Value
			}
			cur.scripts = append(cur.scripts, sa)
		case n.Is("WSGIProcessGroup"), n.Is("WSGIApplicationGroup"), n.Is("WSGICallableObject"), n.Is("WSGIPassAuthorization"):
			// (WSGIPassAuthorization was added to both walks later.)
			w := n.Words()
			if len(w) != 1 {
				return true
			}
			s := &wsgiSetting{node: n, name: lowerASCII(n.Name), value: w[0]}
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
			cur.settings = append(cur.settings, s)
		}
		return true
	})
}

// oldRead is lint's own walk as it was.
func oldRead(l *linter) {
	l.apps = map[string]bool{}
	l.hasProxies = map[*apacheconf.Node]bool{}
	var stack []*apacheconf.Node
	l.tree.Walk(func(n *apacheconf.Node, depth int) bool {
		stack = stack[:min(depth, len(stack))]
		var in *apacheconf.Node
		if len(stack) > 0 {
			in = stack[len(stack)-1]
		}
		section := n.Kind == apacheconf.KindSection
		if section {
			stack = append(stack, n)
		}
		switch {
		case n.Is("WSGIDaemonProcess"):
			name, rest := apacheconf.GetwordConf(n.Args)
			if opts, ok := parseWSGIOptions(rest); ok && name != "" {
				l.daemons = append(l.daemons, &daemon{name: name, opts: opts, node: n})
			}
		case n.Is("WSGIImportScript"):
			_, rest := apacheconf.GetwordConf(n.Args)
			if opts, ok := parseWSGIOptions(rest); ok {
				imp := groupRef{node: n}
				for _, o := range opts {
					if o.Name == "process-group" {
						imp.name = o.Value
					}
				}
				l.imports = append(l.imports, imp)
			}
		case n.Is("WSGIScriptAlias"), n.Is("WSGIScriptAliasMatch"):
			_, rest := apacheconf.GetwordConf(n.Args)
			_, rest = apacheconf.GetwordConf(rest)
			if opts, ok := parseWSGIOptions(rest); ok {
				for _, o := range opts {
					if o.Name == "process-group" {
						l.apps[o.Value] = true
						if !section {
							l.groupRefs = append(l.groupRefs, groupRef{n, o.Value})
						}
					}
				}
			}
		case n.Is("WSGIProcessGroup"):
			if w := n.Words(); len(w) == 1 {
				l.apps[w[0]] = true
				if !section {
					l.groupRefs = append(l.groupRefs, groupRef{n, w[0]})
				}
			}
		case section:
		case n.Is("WSGITrustedProxies"):
			l.hasProxies[in] = true
		case n.Is("WSGITrustedProxyHeaders"):
			l.trusted = append(l.trusted, trustedHeaders{n, append([]*apacheconf.Node{nil}, stack...)})
		}
		return true
	})
}
