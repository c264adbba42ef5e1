package check

import (
	"net/netip"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// The handlers of the modules mod_watchdog drives: mod_heartbeat,
// mod_heartmonitor, mod_proxy_hcheck, and mod_watchdog's own interval.

// aprAddrPort is APR's apr_parse_addr_port: the host (hasHost false when
// the string is only a port) and the port (0 when none is given); ok is
// false where APR returns APR_EINVAL (a port outside 1-65535, a leading
// ':', a bracketed address that is not IPv6).
func aprAddrPort(s string) (host string, hasHost bool, port int32, ok bool) {
	i := len(s) - 1
	for i >= 0 && isDigit(s[i]) {
		i--
	}
	if i < 0 {
		p := int32(cAtoi(s))
		if p < 1 || p > 65535 {
			return "", false, 0, false
		}
		return "", false, p, true
	}
	last := len(s) - 1
	if s[i] == ':' && i < last {
		if i == 0 {
			return "", false, 0, false
		}
		p := int32(cAtoi(s[i+1:]))
		if p < 1 || p > 65535 {
			return "", false, 0, false
		}
		port, last = p, i-1
	}
	h := s[:last+1]
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end != len(h)-1 {
			return "", false, 0, false
		}
		addr := h[1:end]
		if pct := strings.IndexByte(addr, '%'); pct >= 0 {
			if pct == len(addr)-1 {
				return "", false, 0, false
			}
			addr = addr[:pct]
		}
		if !isIPv6(addr) {
			return "", false, 0, false
		}
		return addr, true, port, true
	}
	return h, true, port, true
}

// isIPv6 is inet_pton(AF_INET6): an IPv6 address (an IPv4 one only in
// its ::ffff: form).
func isIPv6(a string) bool {
	ip, err := netip.ParseAddr(a)
	return err == nil && ip.Is6() && ip.Zone() == ""
}

// heartbeatAddress is the check of HeartbeatAddress and HeartbeatListen:
// given once, a host and a port; what names the message.
func heartbeatAddress(what string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if c.server(st).once(d.Name) {
			c.errorf(n, codeValue, "Give it once.", "%s: May only be specified once.", d.Name)
			return
		}
		w, _ := apacheconf.GetwordConf(n.Args)
		_, hasHost, port, ok := aprAddrPort(w)
		switch {
		case !ok:
			c.errorf(n, codeValue, "Give the address and port: 239.0.0.1:27999.", "%s: Unable to parse %s.", d.Name, what)
		case !hasHost:
			c.errorf(n, codeValue, "Give the address and port: 239.0.0.1:27999.", "%s: No host provided in %s", d.Name, what)
		case port == 0:
			c.errorf(n, codeValue, "Give the address and port: 239.0.0.1:27999.", "%s: No port provided in %s", d.Name, what)
		}
	}
}

// once reports whether the server saw the directive name before, and
// records it.
func (s *server) once(name string) bool {
	if s.seen[name] {
		return true
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[name] = true
	return false
}

// getwordConf2 is httpd's ap_getword_conf2: a word, or the text between
// braces (nested ones counted), as mod_proxy_hcheck reads an expression.
func getwordConf2(line string) (word, rest string) {
	s := strings.TrimLeft(line, " \t\n\v\f\r")
	if s == "" || s[0] == '"' || s[0] == '\'' || s[0] != '{' {
		return apacheconf.GetwordConf(s)
	}
	depth, end := 1, 1
	for end < len(s) {
		if s[end] == '}' {
			depth--
			if depth == 0 {
				break
			}
		}
		if s[end] == '{' {
			depth++
		}
		if s[end] == '\\' && end+1 < len(s) && s[end+1] == '\\' {
			end++
		}
		end++
	}
	word = strings.ReplaceAll(s[1:min(end, len(s))], `\\`, `\`)
	if end < len(s) {
		end++
	}
	return word, strings.TrimLeft(s[end:], " \t\n\v\f\r")
}

// checkProxyHCExpr is mod_proxy_hcheck's set_hc_condition: a name of at
// most 15 characters and an ap_expr condition, nothing after it.
func checkProxyHCExpr(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	name, rest := apacheconf.GetwordConf(n.Args)
	if name == "" {
		c.errorf(n, codeArgs, "Write ProxyHCExpr NAME {EXPRESSION}.", "Missing expression name for %s", d.Name)
		return
	}
	if len(name) > 15 {
		c.errorf(n, codeValue, "", "Expression name limited to 15 characters")
		return
	}
	e, rest := getwordConf2(rest)
	if e == "" {
		c.errorf(n, codeArgs, "Write ProxyHCExpr NAME {EXPRESSION}, such as ProxyHCExpr ok234 {%{REQUEST_STATUS} =~ /^[234]/}.", "Missing expression for %s", d.Name)
		return
	}
	if msg := c.exprError(e, false); msg != "" {
		c.errorf(n, codeExpr, "", "Could not parse expression \"%s\": %s", e, msg)
		return
	}
	if w, _ := apacheconf.GetwordConf(rest); w != "" {
		c.errorf(n, codeArgs, "Put the expression in braces: {...}.", "error: extra parameter(s)")
	}
}

// clusterHandlers are the value checks of mod_heartbeat,
// mod_heartmonitor, mod_watchdog and mod_proxy_hcheck.
var clusterHandlers = map[string]handler{
	"HeartbeatAddress": heartbeatAddress("address"),
	"HeartbeatListen":  heartbeatAddress("multicast address"),
	"HeartbeatMaxServers": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if v := cAtoi(w); v != 0 && v < 10 {
			c.errorf(n, codeValue, "", "HeartbeatMaxServers: Should be 0 for file storage, or greater or equal than 10 for slotmem")
		}
	},
	"WatchdogInterval": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		v, ok := apTimeout(w, "s")
		switch {
		case !ok:
			c.errorf(n, codeValue, "Give seconds, or a number with a unit: 1, 500ms.", "Unparse-able WatchdogInterval setting")
		case v < 100000:
			c.errorf(n, codeValue, "", "Invalid WatchdogInterval: minimal value 100ms")
		}
	},
	"ProxyHCExpr": checkProxyHCExpr,
	"ProxyHCTemplate": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if w, _ := apacheconf.GetwordConf(n.Args); w == "" {
			c.errorf(n, codeArgs, "Write ProxyHCTemplate NAME hcmethod=GET ...", "Missing template name for %s", d.Name)
		}
	},
	"ProxyHCTPsize": numberCheck(cAtoi, atLeast(0), "Invalid ProxyHCTPsize parameter. Parameter must be >= 0"),
}
