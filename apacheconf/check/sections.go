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
		if kind != "<if" && !sc.lastIf {
			c.errorf(n, codeContext, "Put <ElseIf> and <Else> right after the <If> or <ElseIf> they continue, in the same section.",
				"<Else> or <ElseIf> section without previous <If> or <ElseIf> section in same scope")
			return
		}
		sc.lastIf = kind != "<else"
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
		childScope = &scope{}
	case "<virtualhost":
		if args == "" {
			c.errorf(n, codeArgs, "", "%s> directive requires additional arguments", d.Name)
			return
		}
		for _, a := range apacheconf.Words(args) {
			if _, ok := parseAddrPort(a); !ok && !strings.EqualFold(a, "_default_") {
				c.errorf(n, codeValue, "Write the addresses as *:80, 127.0.0.1:8080 or [::1]:443, with ports from 1 to 65535.", "The address or port is invalid")
				return
			}
		}
		child.virtual = true
		child.srv = &server{virtual: true}
		childScope = &scope{}
	case "<authzprovideralias":
		c.hasAuthzAlias = true
	case "<limit", "<limitexcept":
		c.customMethods = true
		if args == "" {
			c.errorf(n, codeArgs, "", "%s> directive requires additional arguments", d.Name)
			return
		}
		for _, m := range apacheconf.Words(args) {
			if m == "TRACE" && kind == "<limit" {
				c.errorf(n, codeValue, "Use TraceEnable Off to refuse TRACE.", "TRACE cannot be controlled by <Limit>, see TraceEnable")
				return
			}
		}
		child.limited = true
	}
	c.list(n.Children, child, childScope)
	if rest != "" {
		c.errorf(n, codeArgs, "Give the section one argument; quote it if it contains spaces.", "Multiple %s> arguments not (yet) supported.", d.Name)
	}
}
