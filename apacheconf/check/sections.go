package check

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// proxyConf is PROXY_CONF, the req_override bit <Proxy> adds.
const proxyConf catalog.ReqOverride = 2048

// section runs a section's handler: its own argument checks, then its
// children, walked with the context it sets up, then the checks httpd
// makes after the children (core's "Multiple ... arguments").
func (c *checker) section(n *apacheconf.Node, d catalog.Directive, st state, sc *scope) {
	args := n.Args
	end := strings.LastIndexByte(args, '>')
	child := st
	child.parent = n
	child.ancestors = append(st.ancestors[:len(st.ancestors):len(st.ancestors)], n)
	child.within |= sectionKinds(n.Name)
	childScope := sc
	var rest string // what a core section leaves after its one argument
	kind := c.lowerName(d.Name)
	if d.Module == "core.c" || d.Module == "mod_proxy.c" {
		if end < 0 {
			c.errorf(n, codeArgs, "", "%s> directive missing closing '>'", d.Name)
			return
		}
		args = strings.TrimSpace(args[:end])
	}
	switch kind {
	case "<proxy", "<proxymatch":
		// mod_proxy takes any path, even an empty one, and has no "~".
		path, _ := apacheconf.GetwordConf(args)
		if kind == "<proxymatch" {
			if msg := c.regexError(path); msg != "" {
				c.errorf(n, codeRegex, msg, "Regex could not be compiled")
				return
			}
		}
		if isBalancerName(path) {
			c.defineBalancer(st, path)
		} else {
			c.server(st).proxyWorkers = true
		}
		child.override = catalog.OrAll | catalog.AccessConf | proxyConf
		child.path = true
		childScope = &scope{}
	case "<directory", "<directorymatch", "<location", "<locationmatch", "<files", "<filesmatch":
		if args == "" {
			c.errorf(n, codeArgs, "", "%s> directive requires additional arguments", d.Name)
			return
		}
		path, r := apacheconf.GetwordConf(args)
		rest = r
		regex := strings.HasSuffix(kind, "match")
		if path == "~" {
			path, rest = apacheconf.GetwordConf(rest)
			regex = true
		}
		if regex {
			if msg := c.regexError(path); msg != "" {
				c.errorf(n, codeRegex, msg, "Regex could not be compiled")
				return
			}
		}
		if !(strings.HasPrefix(kind, "<files") && st.path) {
			child.override = catalog.OrAll | catalog.AccessConf
		}
		child.path = true
		childScope = &scope{}
	case "<if", "<elseif", "<else":
		// core's ifsection: the arguments, the condition, the children,
		// then ap_add_if_conf's check of the scope, then the rest.
		if kind == "<else" {
			if args != "" {
				c.errorf(n, codeArgs, "", "<Else> does not take an argument")
				return
			}
		} else {
			if args == "" {
				c.errorf(n, codeArgs, "", "%s> directive requires additional arguments", d.Name)
				return
			}
			cond, r := apacheconf.GetwordConf(args)
			rest = r
			if msg := c.exprError(cond, false); msg != "" {
				c.errorf(n, codeExpr, "", "Cannot parse condition clause: %s", msg)
				return
			}
		}
		if !st.path {
			child.override = catalog.OrAll | catalog.AccessConf
		}
		child.path = true
		before := len(c.diags)
		c.list(n.Children, child, &scope{})
		if len(c.diags) > before {
			return
		}
		c.checkAuthzSections(n)
		if kind != "<if" && !sc.lastIf {
			c.errorf(n, codeContext, "Put <ElseIf> and <Else> right after the <If> or <ElseIf> they continue, in the same section.",
				"<Else> or <ElseIf> section without previous <If> or <ElseIf> section in same scope")
			return
		}
		sc.lastIf = kind != "<else"
		if rest != "" {
			c.errorf(n, codeArgs, "Give the section one argument; quote it if it contains spaces.", "Multiple %s> arguments not supported.", d.Name)
		}
		return
	case "<virtualhost":
		if args == "" {
			c.errorf(n, codeArgs, "", "%s> directive requires additional arguments", d.Name)
			return
		}
		for _, a := range apacheconf.Words(args) {
			if a == "" || a == "*" {
				continue
			}
			a = strings.TrimSuffix(a, ":*")
			port, ok := parseAddrPort(a)
			if !ok && !strings.EqualFold(a, "_default_") {
				c.errorf(n, codeValue, "Write the addresses as *:80, 127.0.0.1:8080 or [::1]:443, with ports from 1 to 65535.", "The address or port is invalid")
				return
			}
			if port > 0 && strings.Trim(a, "0123456789") == "" {
				c.errorf(n, codeValue, "Give an address with the port: *:"+a+".", "Missing address for VirtualHost")
				return
			}
		}
		child.virtual = true
		child.srv = &server{virtual: true, node: n}
		c.vhosts = append(c.vhosts, child.srv)
		childScope = &scope{}
	case "<requireall", "<requireany", "<requirenone":
		if end < 0 {
			c.errorf(n, codeArgs, "", "%s> directive missing closing '>'", d.Name)
			return
		}
		if strings.TrimSpace(args[:end]) != "" {
			c.errorf(n, codeArgs, "", "%s> directive doesn't take additional arguments", d.Name)
			return
		}
		child.override = catalog.OrAuthCfg
		child.limited = true
		c.list(n.Children, child, childScope)
		if !c.hasAuthz(n.Children) {
			c.errorf(n, codeValue, "Put at least one Require line in the section, or remove it.", "%s> directive contains no authorization directives", d.Name)
			return
		}
		if kind == "<requirenone" {
			if parent := authzSection(st); parent != "<RequireAll>" {
				c.errorf(n, codeValue, "Put <RequireNone> inside a <RequireAll>, with at least one positive Require beside it.", "<RequireNone> directive has no effect in %s directive", parent)
			}
		}
		return
	case "<authzprovideralias", "<authnprovideralias":
		// The provider and the alias's name; the section's lines are
		// walked as mod_authn_core's and mod_authz_core's alias sections
		// walk them (OR_AUTHCFG|ACCESS_CONF), then the alias is a provider.
		if end >= 0 {
			w := apacheconf.Words(strings.TrimSpace(args[:end]))
			if len(w) < 2 || w[0] == "" || w[1] == "" {
				c.errorf(n, codeArgs, "Write <"+strings.TrimPrefix(d.Name, "<")+" PROVIDER ALIAS>.", "%s> directive requires additional arguments", d.Name)
				return
			}
			if kind == "<authzprovideralias" {
				c.authzAliases = append(c.authzAliases, w[1])
			} else {
				c.authnAliases = append(c.authnAliases, w[1])
			}
		}
		child.override = catalog.OrAuthCfg | catalog.AccessConf
	case "<limit", "<limitexcept":
		c.customMethods = true
		if args == "" {
			c.errorf(n, codeArgs, "", "%s> directive requires additional arguments", d.Name)
			return
		}
		var methods uint64
		judged := true
		for _, m := range apacheconf.Words(args) {
			if m == "TRACE" && kind == "<limit" {
				c.errorf(n, codeValue, "Use TraceEnable Off to refuse TRACE.", "TRACE cannot be controlled by <Limit>, see TraceEnable")
				return
			}
			bit, ok := c.methodBit(m)
			judged = judged && ok
			methods |= bit
		}
		// core's ap_limit_section: the methods of a <Limit> (all others
		// for <LimitExcept>) narrow those of the <Limit> around it.
		if kind == "<limitexcept" {
			methods = ^methods
		}
		old := st.methods
		if old == 0 {
			old = ^uint64(0)
		}
		switch {
		case !judged:
		case old&methods == 0:
			c.errorf(n, codeValue, "A <Limit> inside another applies to methods of both; these have none in common.", "%s> directive excludes all methods", d.Name)
			return
		case old&methods == old:
			c.errorf(n, codeValue, "A <Limit> inside another applies to methods of both; this one narrows nothing.", "%s> directive specifies methods already excluded", d.Name)
			return
		}
		child.methods = old & methods
		child.limited = true
	}
	c.list(n.Children, child, childScope)
	switch kind {
	case "<directory", "<directorymatch", "<location", "<locationmatch", "<files", "<filesmatch", "<proxy", "<proxymatch":
		c.checkAuthzSections(n)
	}
	if rest != "" {
		c.errorf(n, codeArgs, "Give the section one argument; quote it if it contains spaces.", "Multiple %s> arguments not (yet) supported.", d.Name)
	}
}

// hasAuthz reports whether nodes (spliced as httpd's tree holds them) hold
// a Require line or a Require section: what mod_authz_core counts.
func (c *checker) hasAuthz(nodes []*apacheconf.Node) bool {
	for _, n := range nodes {
		if !n.Active {
			continue
		}
		if n.Flags&apacheconf.FlagExec != 0 {
			if n.Kind == apacheconf.KindSection && c.hasAuthz(n.Children) {
				return true
			}
			for _, f := range n.Included {
				if c.hasAuthz(f.Nodes) {
					return true
				}
			}
			continue
		}
		switch strings.ToLower(n.Name) {
		case "require", "requireall", "requireany", "requirenone":
			return true
		}
	}
	return false
}

// authzSection is mod_authz_core's format_authz_command for the section
// a Require at st adds to: the nearest <RequireAll>, <RequireAny> or
// <RequireNone>, or the implicit <RequireAny> of a per-directory section.
func authzSection(st state) string {
	for i := len(st.ancestors) - 1; i >= 0; i-- {
		switch strings.ToLower(st.ancestors[i].Name) {
		case "requireall":
			return "<RequireAll>"
		case "requirenone":
			return "<RequireNone>"
		case "requireany":
			return "<RequireAny>"
		case "directory", "directorymatch", "location", "locationmatch", "files", "filesmatch", "if", "elseif", "else", "proxy", "proxymatch":
			return "<RequireAny>"
		}
	}
	return "<RequireAny>"
}
