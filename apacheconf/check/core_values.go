package check

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// coreHandlers are the value checks of core and mod_alias beyond the
// first ones; values.go merges them into handlers.
var coreHandlers = map[string]handler{
	"Redirect":              checkRedirect,
	"RedirectMatch":         checkRedirect,
	"RedirectTemp":          checkRedirect,
	"RedirectPermanent":     checkRedirect,
	"LogLevel":              checkLogLevel,
	"TraceEnable":           enum("TraceEnable must be one of 'on', 'off', or 'extended'", "on", "off", "extended"),
	"UseCanonicalName":      enum("parameter must be 'on', 'off', or 'dns'", "on", "off", "dns"),
	"ErrorDocument":         checkErrorDocument,
	"LimitRequestBody":      checkLimitRequestBody,
	"Listen":                checkListen,
	"ServerAlias":           checkServerAlias,
	"KeepAliveTimeout":      checkTimeoutFormat("KeepAliveTimeout has wrong format"),
	"FileETag":              checkFileETag,
	"AcceptPathInfo":        enum("AcceptPathInfo must be set to on, off or default", "on", "off", "default"),
	"AllowEncodedSlashes":   enum("AllowEncodedSlashes must be On, Off, or NoDecode", "on", "off", "nodecode"),
	"EnableSendfile":        enum("parameter must be 'on' or 'off'", "on", "off"),
	"EnableMMAP":            enum("parameter must be 'on' or 'off'", "on", "off"),
	"LimitRequestLine":      nonNegative("LimitRequestLine", ""),
	"LimitRequestFieldsize": nonNegative("LimitRequestFieldsize", ""),
	"LimitRequestFields":    nonNegative("LimitRequestFields", " (0 = no limit)"),
	"ProxyTimeout":          checkProxyTimeout,
	"ProxyPassReverse":      checkProxyPassReverse,
	"DocumentRoot":          checkDocumentRoot,
	"CustomLog":             checkCustomLog,
	"GlobalLog":             checkCustomLog,
	"LogFormat":             checkLogFormat,
	"RequestReadTimeout":    checkRequestReadTimeout,
}

// checkListen is core's ap_set_listener: one or two arguments, an address
// apr_parse_addr_port can read, and a port.
func checkListen(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := argv(n.Args)
	if len(w) < 1 || len(w) > 2 {
		c.errorf(n, codeArgs, "Listen takes [address:]port and an optional protocol.", "Listen requires 1 or 2 arguments.")
		return
	}
	port, ok := parseAddrPort(w[0])
	switch {
	case !ok:
		c.errorf(n, codeValue, "Write [address:]port, with a port from 1 to 65535: Listen 80, Listen 127.0.0.1:8080, Listen [::1]:8080.", "Invalid address or port")
	case port == 0:
		c.errorf(n, codeValue, "Give a port: Listen 80 or Listen 127.0.0.1:8080.", "Port must be specified")
	case port > 0:
		// alloc_listener: the same host (as written; "*" is none) and
		// port as an earlier Listen.
		host := ""
		if strings.HasPrefix(w[0], "[") {
			host = w[0][1:strings.IndexByte(w[0], ']')]
		} else if i := strings.LastIndexByte(w[0], ':'); i >= 0 {
			host = w[0][:i]
		}
		if host == "*" {
			host = ""
		}
		key := host + "|" + strconv.Itoa(port)
		if prev, ok := c.listeners[key]; ok {
			c.errorf(n, codeValue, fmt.Sprintf("Remove one of the two: the other is on line %d of %s (a conf-enabled or ports.conf file may already listen there).", prev.Line, prev.File.Name), "Cannot define multiple Listeners on the same IP:port")
			return
		}
		if c.listeners == nil {
			c.listeners = map[string]*apacheconf.Node{}
		}
		c.listeners[key] = n
	}
}

// parseAddrPort is apr_parse_addr_port, as far as it refuses an address:
// it returns the port (0 for none, -1 when not judged).
func parseAddrPort(s string) (port int, ok bool) {
	digits := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	portOf := func(p string) (int, bool) {
		if len(p) > 5 {
			return 0, false
		}
		v, _ := strconv.Atoi(p)
		return v, v >= 1 && v <= 65535
	}
	if digits(s) {
		return portOf(s)
	}
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return 0, false
		}
		switch rest := s[end+1:]; {
		case rest == "":
			return 0, true
		case rest[0] == ':' && digits(rest[1:]):
			return portOf(rest[1:])
		}
		return 0, false
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return 0, s != ""
	}
	if strings.Count(s, ":") > 1 {
		return -1, true // an IPv6 address without brackets: not judged
	}
	if !digits(s[i+1:]) {
		return 0, true // a host name with a colon, and no port
	}
	if i == 0 {
		return 0, false
	}
	return portOf(s[i+1:])
}

// checkServerAlias is core's set_server_alias: only a <VirtualHost> has
// names to add to.
func checkServerAlias(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if !st.virtual {
		c.errorf(n, codeContext, "Put ServerAlias in the <VirtualHost> it names; the main server has only ServerName.", "ServerAlias only used in <VirtualHost>")
	}
}

// timeoutFormat reports whether ap_timeout_parameter_parse takes s.
func timeoutFormat(s string) bool {
	_, ok := apTimeout(s, "s")
	return ok
}

func checkTimeoutFormat(msg string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if !timeoutFormat(w) {
			c.errorf(n, codeValue, "Give seconds, or a number with a unit: 5, 500ms, 2min.", "%s", msg)
		}
	}
}

// checkFileETag is core's set_etag_bits.
func checkFileETag(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		signed := w != "" && (w[0] == '+' || w[0] == '-')
		if signed {
			w = w[1:]
		}
		switch strings.ToLower(w) {
		case "none", "all":
			if signed {
				c.errorf(n, codeValue, "", "%s keyword '%s' cannot be used with '+' or '-'", d.Name, w)
				return
			}
		case "size", "lmtime", "mtime", "lastmodified", "inode", "digest":
		default:
			c.errorf(n, codeValue, "The keywords are INode, MTime, Size, Digest, All and None.", "Unknown keyword '%s' for %s directive", w, d.Name)
			return
		}
	}
}

// nonNegative is the check of core's LimitRequest* handlers: atoi of the
// argument must not be negative. name is the spelling of httpd's message.
func nonNegative(name, more string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if atoi(w) < 0 {
			c.errorf(n, codeValue, "", "%s \"%s\" must be a non-negative integer%s", name, w, more)
		}
	}
}

// checkProxyTimeout is mod_proxy's set_timeout.
func checkProxyTimeout(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	if atoi(w) < 1 {
		c.errorf(n, codeValue, "Give the timeout in whole seconds.", "Proxy Timeout must be at least 1 second.")
	}
}

// checkProxyPassReverse is mod_proxy's add_pass_reverse: outside a
// <Location>, the path and the URL.
func checkProxyPassReverse(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if !st.path && (len(w) < 2 || strings.EqualFold(w[1], "interpolate")) {
		c.errorf(n, codeArgs, "Give the path and the backend URL: ProxyPassReverse /app/ http://127.0.0.1:8000/.", "ProxyPassReverse needs a path when not defined in a location")
	}
}

// checkDocumentRoot is core's set_document_root: with Options.FileChecks,
// the main server's DocumentRoot must be a directory of this machine
// (httpd only warns for a <VirtualHost>'s).
func checkDocumentRoot(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if !c.opts.FileChecks || st.virtual {
		return
	}
	w, _ := apacheconf.GetwordConf(n.Args)
	p := w
	if !filepath.IsAbs(p) {
		p = filepath.Join(c.tree.ServerRoot, p)
	}
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		c.errorf(n, codeValue, "Create the directory, or run the check where the configuration is deployed.", "DocumentRoot '%s' is not a directory, or is not readable", p)
	}
}

// isURL is ap_is_url: a scheme of letters, digits, '+', '-' and '.'
// before a ':'.
func isURL(u string) bool {
	i := strings.IndexByte(u, ':')
	if i <= 0 {
		return false
	}
	for _, c := range []byte(u[:i]) {
		if !(isAlnum(c) || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// checkRedirect is mod_alias's add_redirect_internal.
func checkRedirect(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	regex := d.Name == "RedirectMatch"
	var arg1, arg2, arg3 string
	has2, has3 := len(w) > 1, len(w) > 2
	arg1 = w[0]
	if has2 {
		arg2 = w[1]
	}
	if has3 {
		arg3 = w[2]
	}
	status := 302
	switch d.Name {
	case "RedirectPermanent":
		status = 301
	}
	grok := 1
	switch {
	case strings.EqualFold(arg1, "permanent"):
		status = 301
	case strings.EqualFold(arg1, "temp"):
		status = 302
	case strings.EqualFold(arg1, "seeother"):
		status = 303
	case strings.EqualFold(arg1, "gone"):
		status, grok = 410, -1
	case arg1 != "" && arg1[0] >= '0' && arg1[0] <= '9':
		status = atoi(arg1)
		if status < 300 || status >= 400 {
			grok = -1
		}
	default:
		grok = 0
	}
	if has3 && grok == 0 {
		c.errorf(n, codeValue, "The first of three arguments is the status: permanent, temp, seeother, gone or a number.", "Redirect: invalid first argument (of three)")
		return
	}
	fake, url, hasURL := arg2, arg3, has3
	if st.path {
		if (grok > 0 && has2 && !has3) || (grok == 0 && !has2) {
			u := arg1
			if grok != 0 {
				u = arg2
			}
			if msg := c.exprError(u, true); msg != "" {
				c.errorf(n, codeExpr, "", "Cannot parse redirect expression '%s': %s", u, msg)
			}
			return
		}
		if grok < 0 && !has2 {
			return
		}
	}
	if !has3 && grok == 0 {
		fake, url, hasURL = arg1, arg2, has2
	}
	if regex {
		if msg := c.regexError(fake); msg != "" {
			c.errorf(n, codeRegex, msg, "Regular expression could not be compiled.")
			return
		}
	}
	if status >= 300 && status < 400 {
		switch {
		case !hasURL:
			c.errorf(n, codeArgs, "", "URL to redirect to is missing")
		case !regex && !isURL(url) && !strings.HasPrefix(url, "/"):
			c.errorf(n, codeValue, "Redirect to an absolute URL (https://example.com/) or a path starting with /.", "Redirect to non-URL")
		}
	} else if hasURL {
		c.errorf(n, codeValue, "", "Redirect URL not valid for this status")
	}
}

// logLevels are ap_parse_log_level's keywords.
var logLevels = map[string]bool{"emerg": true, "alert": true, "crit": true, "error": true, "warn": true, "notice": true,
	"info": true, "debug": true, "trace1": true, "trace2": true, "trace3": true, "trace4": true, "trace5": true,
	"trace6": true, "trace7": true, "trace8": true}

const logLevelMsg = "Log level keyword must be one of emerg/alert/crit/error/warn/notice/info/debug/trace1/.../trace8"

// checkLogLevel is core's set_loglevel, for each word.
func checkLogLevel(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		i := strings.LastIndexByte(w, ':')
		if i < 0 {
			if !logLevels[strings.ToLower(w)] {
				c.errorf(n, codeValue, "", "%s", logLevelMsg)
				return
			}
			continue
		}
		mod, level := w[:i], w[i+1:]
		if level == "" {
			c.errorf(n, codeValue, "", "Module specifier '%s' must be followed by a log level keyword", mod)
			return
		}
		if !logLevels[strings.ToLower(level)] {
			c.errorf(n, codeValue, "", "%s:%s: %s", mod, level, logLevelMsg)
			return
		}
		if !c.moduleNamed(mod) && !c.moduleNamed(mod+"_module") {
			c.errorf(n, codeValue, "Name a loaded module: rewrite, proxy_module or mod_proxy.c.", "Cannot find module %s", mod)
			return
		}
	}
}

// moduleNamed is core's find_module: a loaded module by source name
// ("mod_rewrite.c") or symbol ("rewrite_module").
func (c *checker) moduleNamed(name string) bool {
	if c.sources[name] {
		return true
	}
	return c.hasModule(name)
}

// statusCodes are the codes httpd's status_lines know (and 103 and 418,
// which newer httpd may): ErrorDocument refuses others.
var statusCodes = map[int]bool{}

func init() {
	for _, s := range strings.Fields("100 101 102 103 200 201 202 203 204 205 206 207 208 226 300 301 302 303 304 305 307 308 " +
		"400 401 402 403 404 405 406 407 408 409 410 411 412 413 414 415 416 417 418 421 422 423 424 425 426 428 429 431 451 " +
		"500 501 502 503 504 505 506 507 508 510 511") {
		v, _ := strconv.Atoi(s)
		statusCodes[v] = true
	}
}

// checkErrorDocument is core's set_error_document: a status code httpd
// knows.
func checkErrorDocument(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	code, _ := apacheconf.GetwordConf(n.Args)
	if v := atoi(code); v != 500 && !statusCodes[v] {
		c.errorf(n, codeValue, "Give a status code httpd knows, such as 404 or 503.", "Unsupported HTTP response code %s", code)
	}
}

// checkLimitRequestBody is core's set_limit_req_body.
func checkLimitRequestBody(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	// apr_strtoff fails only when the number overflows; trailing text
	// leaves a value and the rest.
	v, err := strconv.ParseInt(w, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		c.errorf(n, codeValue, "", "LimitRequestBody argument is not parsable.")
	case err != nil || v < 0:
		c.errorf(n, codeValue, "", "LimitRequestBody requires a non-negative integer.")
	}
}

// checkServerName is core's server_hostname_port: one name, no wildcard,
// a port from 1 to 65535; mod_wsgi's checks then compare the host.
func checkServerName(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	arg, _ := apacheconf.GetwordConf(n.Args)
	if hasFnmatch(arg) {
		c.errorf(n, codeValue, "", "Invalid ServerName \"%s\" use ServerAlias to set multiple server names.", arg)
		return
	}
	part := arg
	if i := strings.Index(part, "://"); i >= 0 {
		part = part[i+3:]
	}
	if i := strings.IndexByte(part, ':'); i >= 0 {
		if p := atoi(part[i+1:]); p <= 0 || p >= 65536 {
			c.errorf(n, codeValue, "Write ServerName host or host:port.", "The port number \"%s\" is outside the appropriate range (i.e., 1..65535).", arg)
			return
		}
	}
	c.setServerName(n, st)
}

// checkCustomLog is mod_log_config's add_custom_log (GlobalLog's too): the
// condition after the format, then the format.
func checkCustomLog(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if len(w) < 3 {
		if len(w) == 2 {
			c.checkLogFormatArg(n, w[1])
		}
		if !c.hasErrorAt(n) {
			c.addLog(n, d, st, w[0])
		}
		return
	}
	e := w[2]
	le := strings.ToLower(e)
	switch {
	case strings.HasPrefix(le, "env="):
		if e[4:] == "" || e[4:] == "!" {
			c.errorf(n, codeValue, "Name the variable: env=VAR or env=!VAR.", "missing environment variable name")
		}
	case strings.HasPrefix(le, "expr="):
		if e[5:] == "" {
			c.errorf(n, codeValue, "", "missing condition")
		} else if msg := c.exprError(e[5:], false); msg != "" {
			c.errorf(n, codeExpr, "", "%s", msg)
		}
	default:
		c.errorf(n, codeValue, "The third argument is a condition: env=VAR, env=!VAR or expr=EXPRESSION.", "error in condition clause")
		return
	}
	if !c.hasErrorAt(n) {
		c.checkLogFormatArg(n, w[1])
	}
	if !c.hasErrorAt(n) {
		c.addLog(n, d, st, w[0])
	}
}

// addLog records a CustomLog's file for the check of its directory after
// the walk; GlobalLog's file is the main server's.
func (c *checker) addLog(n *apacheconf.Node, d catalog.Directive, st state, name string) {
	s := c.server(st)
	if d.Name == "GlobalLog" {
		s = &c.wsgi.main
	}
	s.logs = append(s.logs, logFile{name: name, node: n})
}

// hasErrorAt reports whether the last error recorded is about n.
func (c *checker) hasErrorAt(n *apacheconf.Node) bool {
	return len(c.diags) > 0 && c.diags[len(c.diags)-1].Subject == place(n)
}

// reqtimeoutInt is mod_reqtimeout's parse_int, which stores strtol's long
// in an int.
func reqtimeoutInt(s string) (int, string) {
	l, rest, digits := strtol(s)
	v := int(int32(l))
	switch {
	case !digits:
		return 0, "Value '" + rest + "' not numerical"
	case rest != "":
		return 0, "Cannot parse '" + rest + "'"
	case v < 0:
		return 0, "Value must be non-negative"
	}
	return v, ""
}

// reqtimeoutParam is mod_reqtimeout's set_reqtimeout_param.
func reqtimeoutParam(key, val string) string {
	switch strings.ToLower(key) {
	case "handshake", "header", "body":
	default:
		return "Unknown RequestReadTimeout parameter"
	}
	if i := strings.Index(strings.ToLower(val), ",minrate="); i >= 0 {
		initial, rate := val[:i], val[i+len(",minrate="):]
		r, msg := reqtimeoutInt(rate)
		if msg != "" {
			return msg
		}
		if r == 0 {
			return "Minimum data rate must be larger than 0"
		}
		maxTimeout := 0
		if j := strings.IndexByte(initial, '-'); j >= 0 {
			if maxTimeout, msg = reqtimeoutInt(initial[j+1:]); msg != "" {
				return msg
			}
			initial = initial[:j]
		}
		t, msg := reqtimeoutInt(initial)
		if msg != "" {
			return msg
		}
		if maxTimeout != 0 && t >= maxTimeout {
			return "Maximum timeout must be larger than initial timeout"
		}
		return ""
	}
	if strings.Contains(val, "-") {
		return "Must set MinRate option if using timeout range"
	}
	_, msg := reqtimeoutInt(val)
	return msg
}

// checkRequestReadTimeout is mod_reqtimeout's set_reqtimeouts.
func checkRequestReadTimeout(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			c.errorf(n, codeValue, "Write the stages as header=20-40,MinRate=500 body=20,MinRate=500.", "Invalid RequestReadTimeout parameter. Parameter must be in the form 'key=value'")
			return
		}
		if msg := reqtimeoutParam(k, v); msg != "" {
			c.errorf(n, codeValue, "Write the stages as header=20-40,MinRate=500 body=20,MinRate=500.", "RequestReadTimeout: %s=%s: %s", k, v, msg)
			return
		}
	}
}
