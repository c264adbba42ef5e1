package check

import (
	"slices"
	"sort"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// handler checks one directive's values as its httpd handler does.
type handler func(c *checker, n *apacheconf.Node, d catalog.Directive, st state)

// handlers are the value checks, by canonical directive name.
var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"Alias":                checkAlias,
		"ScriptAlias":          checkAlias,
		"AliasMatch":           checkAliasMatch,
		"ScriptAliasMatch":     checkAliasMatch,
		"ServerSignature":      enum("ServerSignature: use one of: off | on | email", "on", "off", "email"),
		"HostnameLookups":      enum("parameter must be 'on', 'off', or 'double'", "on", "off", "double"),
		"ServerTokens":         enum("ServerTokens takes 1 argument: 'Prod(uctOnly)', 'Major', 'Minor', 'Min(imal)', 'OS', or 'Full'", "os", "min", "minimal", "major", "minor", "prod", "productonly", "full"),
		"Options":              checkOptions,
		"AllowOverride":        checkAllowOverride,
		"AllowOverrideList":    checkAllowOverrideList,
		"Require":              checkRequire,
		"ProxyPass":            checkProxyPass,
		"ProxyPassMatch":       checkProxyPass,
		"Header":               checkHeader,
		"RequestHeader":        checkHeader,
		"RewriteRule":          checkRewriteRule,
		"RewriteCond":          checkRewriteCond,
		"SetEnvIfExpr":         checkSetEnvIfExpr,
		"SetEnvIf":             checkSetEnvIf,
		"SetEnvIfNoCase":       checkSetEnvIf,
		"BrowserMatch":         checkSetEnvIf,
		"BrowserMatchNoCase":   checkSetEnvIf,
		"RewriteOptions":       checkRewriteOptions,
		"ExpiresDefault":       checkExpires,
		"ExpiresByType":        checkExpires,
		"WSGIDaemonProcess":    checkWSGIDaemonProcess,
		"WSGIImportScript":     checkWSGIImportScript,
		"WSGIScriptAlias":      checkWSGIScriptAlias,
		"WSGIScriptAliasMatch": checkWSGIScriptAlias,
		"WSGIHandlerScript":    checkWSGIHandlerScript,
		"ServerName":           checkServerName,
		"RegisterHttpMethod":   func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) { c.customMethods = true },
	}
	for _, more := range []map[string]handler{coreHandlers, sslHandlers, moduleHandlers, mdHandlers, cacheHandlers, dbdHandlers, ldapHandlers, luaHandlers, clusterHandlers, smallModuleHandlers, sedHandlers, xml2encHandlers, remoteIPHandlers} {
		for name, h := range more {
			handlers[name] = h
		}
	}
	for name := range enums {
		handlers[name] = checkEnum
	}
	handlers["ProxyErrorOverride"] = checkProxyErrorOverride
	handlers["ProxySet"] = checkProxySet
	handlers["ErrorLog"] = recordErrorLog
	handlers["TransferLog"] = recordTransferLog
	handlers["Mutex"] = checkMutex
	handlers["WSGITrustedProxies"] = checkTrustedProxies
	handlers["WSGIPythonHashSeed"] = checkHashSeed
	for _, name := range []string{"AuthBasicProvider", "AuthDigestProvider", "AuthFormProvider"} {
		handlers[name] = checkAuthnProvider
	}
}

// enum is a TAKE1 handler that accepts one of the given words,
// case-insensitively, and says msg otherwise; a %s in msg is the word
// refused.
func enum(msg string, words ...string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		for _, ok := range words {
			if strings.EqualFold(w, ok) {
				return
			}
		}
		if strings.Contains(msg, "%s") {
			c.errorf(n, codeValue, "", msg, w)
		} else {
			c.errorf(n, codeValue, "", "%s", msg)
		}
	}
}

// checkAlias is mod_alias's add_alias: two arguments outside a
// per-directory section, one (an expression) inside <Location>.
func checkAlias(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if len(w) == 2 {
		if msg := checkContext(d.Name, notInDirContext, st); msg != "" {
			c.errorf(n, codeContext, "", "%s", msg)
		}
		return
	}
	if msg := checkContext(d.Name, notInDirectory|notInFiles, st); msg != "" {
		c.errorf(n, codeContext, "", "%s", msg)
		return
	}
	if !st.path {
		c.errorf(n, codeArgs, "Give both the URL path and the file system path, or use the one-argument form inside <Location>.", "Alias must have two arguments when used globally")
		return
	}
	if msg := c.exprError(w[0], true); msg != "" {
		c.errorf(n, codeExpr, "", "Cannot parse alias expression '%s': %s", w[0], msg)
	}
}

// checkAliasMatch is add_alias_internal with a regular expression.
func checkAliasMatch(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if msg := checkContext(d.Name, notInDirContext, st); msg != "" {
		c.errorf(n, codeContext, "", "%s", msg)
		return
	}
	w, _ := apacheconf.GetwordConf(n.Args)
	if msg := c.regexError(w); msg != "" {
		c.errorf(n, codeRegex, msg, "Regular expression could not be compiled.")
	}
}

// optionNames are core's Options keywords, lower case.
var optionNames = map[string]bool{"indexes": true, "includes": true, "includesnoexec": true, "followsymlinks": true,
	"symlinksifownermatch": true, "execcgi": true, "multiviews": true, "runscripts": true}

// checkOptions is core's set_options.
func checkOptions(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	first, merge, allNone := true, false, false
	const mixed = "Either all Options must start with + or -, or no Option may."
	help := "Write every option with + or -, to change the inherited options, or none of them, to replace them."
	rest := n.Args
	for rest != "" {
		var w string
		w, rest = apacheconf.GetwordConf(rest)
		signed := false
		if w != "" && (w[0] == '+' || w[0] == '-') {
			signed = true
			w = w[1:]
			if !merge && !first && !allNone {
				c.errorf(n, codeValue, help, mixed)
				return
			}
			merge = true
		} else if !first && merge {
			c.errorf(n, codeValue, help, mixed)
			return
		}
		lw := strings.ToLower(w)
		switch {
		case optionNames[lw]:
		case lw == "none" || lw == "all":
			word := "None"
			if lw == "all" {
				word = "All"
			}
			if !first {
				if lw == "none" {
					c.errorf(n, codeValue, "", "'Options None' must be the first Option given.")
				} else {
					c.errorf(n, codeValue, "", "'Options All' must be the first option given.")
				}
				return
			}
			if signed {
				c.errorf(n, codeValue, "", "You may not use 'Options +%s' or 'Options -%s'.", word, word)
				return
			}
			allNone = true
		default:
			c.errorf(n, codeValue, "The options are Indexes, Includes, IncludesNOEXEC, FollowSymLinks, SymLinksIfOwnerMatch, ExecCGI, MultiViews, All and None.", "Illegal option %s", w)
			return
		}
		first = false
	}
}

// checkAllowOverride is core's set_override.
func checkAllowOverride(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	rest := n.Args
	for rest != "" {
		var w string
		w, rest = apacheconf.GetwordConf(rest)
		k, v, hasV := strings.Cut(w, "=")
		switch strings.ToLower(k) {
		case "limit", "fileinfo", "authconfig", "indexes", "none", "all":
		case "options":
			if hasV {
				for _, o := range strings.Split(v, ",") {
					if o == "" {
						continue
					}
					lo := strings.ToLower(o)
					if !optionNames[lo] && lo != "none" && lo != "all" {
						c.errorf(n, codeValue, "", "Illegal option %s", o)
						return
					}
				}
			}
		case "nonfatal":
			if !hasV {
				c.errorf(n, codeValue, "", "=Override, =Unknown or =All expected after %s", k)
				return
			}
		default:
			c.errorf(n, codeValue, "The classes are All, None, AuthConfig, FileInfo, Indexes, Limit, Options[=...] and Nonfatal=...", "Illegal override option %s", k)
			return
		}
	}
}

// checkAllowOverrideList is core's set_override_list.
func checkAllowOverrideList(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	for _, a := range w {
		if strings.EqualFold(a, "None") && len(w) != 1 {
			c.errorf(n, codeValue, "", "'None' not allowed with other directives in AllowOverrideList")
			return
		}
	}
}

// authzProviders are the Require providers each module registers.
var authzProviders = map[string]string{
	"env": "authz_core_module", "all": "authz_core_module", "method": "authz_core_module", "expr": "authz_core_module",
	"ip": "authz_host_module", "host": "authz_host_module", "forward-dns": "authz_host_module", "local": "authz_host_module",
	"user": "authz_user_module", "valid-user": "authz_user_module",
	"group": "authz_groupfile_module", "file-group": "authz_groupfile_module",
	"file-owner": "authz_owner_module",
	"dbd-group":  "authz_dbd_module", "dbd-login": "authz_dbd_module", "dbd-logout": "authz_dbd_module",
	"dbm-group": "authz_dbm_module", "dbm-file-group": "authz_dbm_module",
	"ldap-user": "authnz_ldap_module", "ldap-group": "authnz_ldap_module", "ldap-dn": "authnz_ldap_module",
	"ldap-attribute": "authnz_ldap_module", "ldap-filter": "authnz_ldap_module",
	"ssl": "ssl_module", "ssl-verify-client": "ssl_module",
}

// methodNames are the methods httpd knows without RegisterHttpMethod.
var methodNames = map[string]bool{"GET": true, "PUT": true, "POST": true, "DELETE": true, "CONNECT": true, "OPTIONS": true,
	"TRACE": true, "PATCH": true, "PROPFIND": true, "PROPPATCH": true, "MKCOL": true, "COPY": true, "MOVE": true, "LOCK": true,
	"UNLOCK": true, "VERSION-CONTROL": true, "CHECKOUT": true, "UNCHECKOUT": true, "CHECKIN": true, "UPDATE": true,
	"LABEL": true, "REPORT": true, "MKWORKSPACE": true, "MKACTIVITY": true, "BASELINE-CONTROL": true, "MERGE": true, "HEAD": true}

// checkRequire is mod_authz_core's add_authz_provider and the parsers of
// the providers whose refusals are plain.
func checkRequire(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	name, args := apacheconf.GetwordConf(n.Args)
	negate := false
	if strings.EqualFold(name, "not") {
		name, args = apacheconf.GetwordConf(args)
		negate = true
	}
	// ap_lookup_provider: names are case-sensitive.
	lname := name
	mod, known := authzProviders[lname]
	if (!known || !c.hasModule(mod)) && slices.Contains(c.authzAliases, name) {
		lname = ""
	} else if !known || !c.hasModule(mod) {
		if c.customProviders() {
			return
		}
		help := "The providers of the loaded modules are " + c.providerList() + "."
		if known {
			help = "The " + name + " provider is in " + mod + ", which is not loaded."
		}
		c.errorf(n, codeValue, help, "Unknown Authz provider: %s", name)
		return
	}
	switch lname {
	case "all":
		if !strings.EqualFold(args, "granted") && !strings.EqualFold(args, "denied") {
			c.errorf(n, codeValue, "", "Argument for 'Require all' must be 'granted' or 'denied'")
		}
	case "ip":
		words := apacheconf.Words(args)
		if len(words) == 0 {
			c.errorf(n, codeValue, "", "'require ip' requires an argument")
			return
		}
		for _, w := range words {
			addr, mask, hasMask := strings.Cut(w, "/")
			v6 := strings.Contains(addr, ":")
			if !v6 && strings.Trim(addr, "0123456789.") != "" {
				c.errorf(n, codeValue, "Use Require host for host names.", "ip address '%s' appears to be invalid", w)
				return
			}
			// mod_authz_host adds APR's words except to its EINVAL, an
			// address that looks like none.
			switch msg := aprSubnetError(addr, mask, hasMask); msg {
			case "":
			case "Invalid argument":
				c.errorf(n, codeValue, "", "ip address '%s' appears to be invalid", w)
				return
			default:
				c.errorf(n, codeValue, subnetHelp(msg), "ip address '%s' appears to be invalid: %s", w, msg)
				return
			}
		}
	case "method":
		words := apacheconf.Words(args)
		for _, w := range words {
			if !methodNames[w] && !c.registeredMethod(w) {
				c.errorf(n, codeValue, "", "Invalid Method '%s'", w)
				return
			}
		}
	case "user", "host", "forward-dns", "group", "dbm-group", "dbd-group",
		"ldap-user", "ldap-group", "ldap-dn", "ldap-attribute", "ldap-filter":
		// Their parse_config functions read the line as a string
		// expression (names with %{...} in them); an empty one is taken.
		if args == "" {
			break
		}
		if msg := c.exprError(args, true); msg != "" {
			c.errorf(n, codeExpr, "", "Cannot parse expression in require line: %s", msg)
			return
		}
	case "expr":
		e := args
		if len(e) >= 2 && e[0] == '"' && e[len(e)-1] == '"' {
			e = e[1 : len(e)-1]
		}
		if msg := c.exprError(e, false); msg != "" {
			c.errorf(n, codeExpr, "", "Cannot parse expression in require line: %s", msg)
			return
		}
	}
	if parent := authzSection(st); negate && parent != "<RequireAll>" {
		c.errorf(n, codeValue, "Put negated Require lines in a <RequireAll>, with at least one positive one.", "negative %s directive has no effect in %s directive", d.Name, parent)
	}
}

// customProviders reports whether the configuration defines Require
// providers of its own, whose names Check does not track.
func (c *checker) customProviders() bool {
	return c.hasModule("lua_module") || c.hasModule("authnz_fcgi_module")
}

// registeredMethod reports whether RegisterHttpMethod or a <Limit> of the
// configuration could have registered the method; Check does not track
// them, so any configuration using either is given the benefit.
func (c *checker) registeredMethod(string) bool { return c.customMethods }

func (c *checker) providerList() string {
	var names []string
	for p, mod := range authzProviders {
		if c.hasModule(mod) {
			names = append(names, p)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// checkProxyPass is mod_proxy's add_pass.
func checkProxyPass(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	regex := d.Name == "ProxyPassMatch"
	var f, r string
	var params [][2]string
	haveF := st.path
	rest := n.Args
	for rest != "" {
		var w string
		w, rest = apacheconf.GetwordConf(rest)
		switch {
		case !haveF:
			if w == "~" {
				if regex {
					c.errorf(n, codeValue, "", "ProxyPassMatch invalid syntax ('~' usage).")
					return
				}
				regex = true
				continue
			}
			f, haveF = w, true
		case r == "":
			r = w
			if r == "" {
				r = "\x00"
			}
		case strings.EqualFold(w, "nocanon"), strings.EqualFold(w, "interpolate"), strings.EqualFold(w, "noquery"):
		default:
			k, v, ok := strings.Cut(w, "=")
			if !ok {
				if st.path && strings.HasPrefix(r, "/") {
					c.errorf(n, codeValue, "Inside <Location>, ProxyPass takes only the URL: the path is the location's.", "ProxyPass|ProxyPassMatch can not have a path when defined in a location.")
				} else {
					c.errorf(n, codeValue, "Write parameters as key=value (retry=0, timeout=30).", "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'.")
				}
				return
			}
			if strings.EqualFold(k, "mapping") {
				if !strings.EqualFold(v, "encoded") && !strings.EqualFold(v, "servlet") {
					c.errorf(n, codeValue, "", "unknown mapping")
					return
				}
				continue
			}
			params = append(params, [2]string{k, v})
		}
	}
	if r == "" {
		c.errorf(n, codeArgs, "", "ProxyPass|ProxyPassMatch needs a path when not defined in a location")
		return
	}
	if st.path && !regex && hasFnmatch(f) {
		regex = true
	}
	if regex {
		if msg := c.regexError(f); msg != "" {
			c.errorf(n, codeRegex, msg, "Regular expression could not be compiled.")
			return
		}
	}
	if isBalancerName(r) {
		c.defineBalancer(st, r)
	} else if r != "!" {
		c.server(st).proxyWorkers = true
	}
	if r == "!" || len(r) >= 11 && strings.EqualFold(r[:11], "balancer://") {
		return
	}
	// ap_proxy_de_socketfy: unix:PATH|URL, the URL with a scheme; a
	// unix: URL without '|' is an ordinary one (and not absolute).
	if len(r) >= 5 && strings.EqualFold(r[:5], "unix:") {
		if k := strings.IndexByte(r[5:], '|'); k >= 0 {
			if !strings.Contains(r[5+k+1:], ":") {
				c.errorf(n, codeValue, "Write a socket URL as unix:/path/to.sock|http://localhost/.", "ProxyPass|ProxyPassMatch uses an invalid \"unix:\" URL")
			}
			return
		}
	}
	if !absoluteURL(r) {
		c.errorf(n, codeValue, "Give the backend as an absolute URL, such as http://127.0.0.1:8000/.", "ProxyPass URL must be absolute!: %s", r)
		return
	}
	// A worker is defined once per URL; a later ProxyPass to the same URL
	// shares it, and httpd ignores its parameters with a warning.
	key := strings.ToLower(r)
	if c.workers[key] {
		return
	}
	c.workers[key] = true
	for _, p := range params {
		if msg := c.workerParam(p[0], p[1]); msg != "" {
			c.errorf(n, codeValue, "The parameters are mod_proxy's worker parameters (retry=, timeout=, connectiontimeout=, keepalive= ...).", "ProxyPass %s", msg)
			return
		}
	}
}

// workerParam is mod_proxy's set_worker_param for the parameters whose
// values it refuses plainly; "" when it takes the value.
func (c *checker) workerParam(key, val string) string {
	onOff := func(name string) string {
		if !strings.EqualFold(val, "on") && !strings.EqualFold(val, "off") {
			return name + " must be On|Off"
		}
		return ""
	}
	switch strings.ToLower(key) {
	case "retry":
		if atoi(val) < 0 {
			return "Retry must be a positive value"
		}
	case "timeout":
		if atoi(val) < 1 {
			return "Timeout must be at least one second"
		}
	case "keepalive":
		return onOff("KeepAlive")
	case "disablereuse":
		return onOff("DisableReuse")
	case "enablereuse":
		return onOff("EnableReuse")
	case "flushpackets":
		if !strings.EqualFold(val, "on") && !strings.EqualFold(val, "off") && !strings.EqualFold(val, "auto") {
			return "flushpackets must be on|off|auto"
		}
	case "loadfactor", "ttl", "min", "max", "smax", "acquire", "iobuffersize", "receivebuffersize", "addressttl",
		"route", "redirect", "status", "flushwait", "ping", "lbset", "connectiontimeout", "flusher", "upgrade",
		"responsefieldsize", "secret":
	default:
		// mod_proxy_hcheck takes the parameters mod_proxy does not know.
		if !c.hasModule("proxy_hcheck_module") {
			return "unknown Worker parameter"
		}
	}
	return ""
}

// absoluteURL is what ap_proxy_define_worker_ex needs of a URL after
// apr_uri_parse: a scheme (anything up to the first ':' that comes before
// any '/', '?' or '#') and an authority ("//" after it).
func absoluteURL(u string) bool {
	i := strings.IndexAny(u, ":/?#")
	return i > 0 && strings.HasPrefix(u[i:], "://")
}

// hasFnmatch is apr_fnmatch_test: does the pattern have wildcards?
func hasFnmatch(s string) bool {
	nesting := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '?', '*':
			return true
		case '\\':
			if i+1 < len(s) {
				i++
			}
		case '[':
			nesting++
		case ']':
			if nesting > 0 {
				return true
			}
		}
	}
	return false
}

// checkHeader is mod_headers' header_cmd and header_inout_cmd.
func checkHeader(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	rest := n.Args
	var action string
	action, rest = apacheconf.GetwordConf(rest)
	out := d.Name == "Header"
	if out && (strings.EqualFold(action, "always") || strings.EqualFold(action, "onsuccess")) {
		action, rest = apacheconf.GetwordConf(rest)
	}
	var hdr string
	hdr, rest = apacheconf.GetwordConf(rest)
	var val, subs, env *string
	next := func() *string {
		if rest == "" {
			return nil
		}
		var w string
		w, rest = apacheconf.GetwordConf(rest)
		return &w
	}
	val, subs, env = next(), next(), next()
	if rest != "" {
		c.errorf(n, codeArgs, "", "%s has too many arguments", d.Name)
		return
	}
	act := strings.ToLower(action)
	switch act {
	case "set", "setifempty", "add", "append", "merge", "unset", "echo", "edit", "edit*", "note":
	default:
		c.errorf(n, codeValue, "", "first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'.")
		return
	}
	if act == "edit" || act == "edit*" {
		if subs == nil {
			c.errorf(n, codeArgs, "", "Header edit requires a match and a substitution")
			return
		}
		if msg := c.regexError(*val); msg != "" {
			c.errorf(n, codeRegex, msg, "Header edit regex could not be compiled")
			return
		}
	} else {
		if env != nil {
			c.errorf(n, codeArgs, "A comment cannot follow a directive on its line, and a continued line swallows a comment line that ends in a backslash.", "Too many arguments to directive")
			return
		}
		env = subs
	}
	switch act {
	case "unset":
		if val != nil {
			if env != nil {
				c.errorf(n, codeArgs, "", "header unset takes two arguments")
				return
			}
			env, val = val, nil
		}
	case "echo":
		if val != nil {
			if env != nil {
				c.errorf(n, codeArgs, "", "Header echo takes two arguments")
				return
			}
			env, val = val, nil
		}
		if !out {
			c.errorf(n, codeValue, "", "Header echo only valid on Header directives")
			return
		}
		if msg := c.regexError(hdr); msg != "" {
			c.errorf(n, codeRegex, msg, "Header echo regex could not be compiled")
			return
		}
	default:
		if val == nil {
			c.errorf(n, codeArgs, "", "Header requires three arguments")
			return
		}
	}
	if env != nil {
		e := *env
		le := strings.ToLower(e)
		switch {
		case le == "early":
		case strings.HasPrefix(le, "env="):
			if e[4:] == "" || e[4:] == "!" {
				c.errorf(n, codeValue, "", "error: missing environment variable name. envclause should be in the form env=envar ")
				return
			}
		case strings.HasPrefix(le, "expr="):
			if msg := c.exprError(e[5:], false); msg != "" {
				c.errorf(n, codeExpr, "", "Can't parse envclause/expression: %s", msg)
				return
			}
		default:
			c.errorf(n, codeValue, "The last argument is early, env=VAR, env=!VAR or expr=EXPRESSION.", "Unknown parameter: %s", e)
			return
		}
	}
	if act == "unset" || act == "echo" {
		return
	}
	s := ""
	if act == "edit" || act == "edit*" {
		s = *subs
	} else {
		s = *val
	}
	if strings.HasPrefix(s, "expr=") {
		if msg := c.exprError(s[5:], true); msg != "" {
			c.errorf(n, codeExpr, "", "Can't parse value expression : %s", msg)
		}
		return
	}
	if msg := headerFormat(s); msg != "" {
		c.errorf(n, codeValue, "The formats are %D, %t, %e, %s, %l, %i and %b, and %% for a percent sign.", "%s", msg)
	}
}

// headerFormat is mod_headers' parse_format_string on a value.
func headerFormat(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '%':
			i++
			if i >= len(s) || s[i] == '%' {
				continue
			}
			if s[i] == '{' {
				j := strings.IndexByte(s[i:], '}')
				if j < 0 {
					i = len(s)
				} else {
					i += j + 1
				}
			}
			tag := byte(0)
			if i < len(s) {
				tag = s[i]
			}
			if tag == 0 {
				return "Unrecognized header format %"
			}
			if strings.IndexByte("Dteslib", tag) < 0 {
				return "Unrecognized header format %" + string(tag)
			}
		}
	}
	return ""
}

// checkSetEnvIfExpr is mod_setenvif's add_setenvifexpr.
func checkSetEnvIfExpr(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	if w == "" {
		c.errorf(n, codeArgs, "", "Missing expression for %s", d.Name)
		return
	}
	if msg := c.exprError(w, false); msg != "" {
		c.errorf(n, codeExpr, "", "Could not parse expression \"%s\": %s", w, msg)
		return
	}
	if _, rest := apacheconf.GetwordConf(n.Args); rest == "" {
		c.errorf(n, codeArgs, "Name the variables to set after the condition: VAR, VAR=value or !VAR.", "Missing envariable expression for %s", d.Name)
	}
}

// checkSetEnvIf is mod_setenvif's add_setenvif and add_browser, then
// add_setenvif_core and add_envvars.
func checkSetEnvIf(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	rest := n.Args
	if !strings.HasPrefix(d.Name, "BrowserMatch") {
		var field string
		field, rest = apacheconf.GetwordConf(rest)
		if field == "" {
			c.errorf(n, codeArgs, "", "Missing header-field name for %s", d.Name)
			return
		}
	}
	var regex string
	regex, rest = apacheconf.GetwordConf(rest)
	switch {
	case regex == "":
		c.errorf(n, codeArgs, "", "Missing regular expression for %s", d.Name)
	case c.regexError(regex) != "":
		c.errorf(n, codeRegex, c.regexError(regex), "%s regex could not be compiled.", d.Name)
	case rest == "":
		c.errorf(n, codeArgs, "Name the variables to set after the pattern: VAR, VAR=value or !VAR.", "Missing envariable expression for %s", d.Name)
	}
}

// expiresCode is mod_expires' check_code: "A3600", "M86400", or
// "access plus 1 month"; the message when httpd refuses it.
func expiresCode(code string) string {
	if code != "" && (code[0] == 'A' || code[0] == 'M') {
		return ""
	}
	// strncasecmp(word, name, n) == 0: the first n characters match.
	first := func(w, name string, n int) bool { return len(w) >= n && strings.EqualFold(w[:n], name[:n]) }
	words := apacheconf.Words(code)
	next := func() string {
		if len(words) == 0 {
			return ""
		}
		w := words[0]
		words = words[1:]
		return w
	}
	w := next()
	if !first(w, "now", 1) && !first(w, "access", 1) && !first(w, "modification", 1) {
		return "bad expires code, unrecognised <base> '" + w + "'"
	}
	w = next()
	if first(w, "plus", 1) {
		w = next()
	}
	for w != "" {
		if w[0] < '0' || w[0] > '9' {
			return "bad expires code, numeric value expected <num> '" + w + "'"
		}
		w = next()
		if w == "" {
			return "bad expires code, missing <type>"
		}
		if !first(w, "years", 1) && !first(w, "months", 2) && !first(w, "weeks", 1) && !first(w, "days", 1) &&
			!first(w, "hours", 1) && !first(w, "minutes", 2) && !first(w, "seconds", 1) {
			return "bad expires code, unrecognised <type>'" + w + "'"
		}
		w = next()
	}
	return ""
}

// checkExpires is mod_expires' set_expiresdefault and set_expiresbytype.
func checkExpires(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	help := "Write the time as \"access plus 1 month\" (or A2592000): now, access or modification, then numbers and units."
	if d.Name == "ExpiresDefault" {
		if msg := expiresCode(w[0]); msg != "" {
			c.errorf(n, codeValue, help, "'ExpiresDefault %s': %s", w[0], msg)
		}
		return
	}
	if !strings.Contains(w[0], "/") {
		c.errorf(n, codeValue, "Give a MIME type such as text/html or image/*.", "Invalid mimetype: should contain a slash")
		return
	}
	if msg := expiresCode(w[1]); msg != "" {
		c.errorf(n, codeValue, help, "'ExpiresByType %s %s': %s", w[0], w[1], msg)
	}
}

// lbmethods are the balancer methods, by the module that provides each.
var lbmethods = map[string]string{"byrequests": "lbmethod_byrequests_module", "bytraffic": "lbmethod_bytraffic_module",
	"bybusyness": "lbmethod_bybusyness_module", "heartbeat": "lbmethod_heartbeat_module"}

// checkProxySet is mod_proxy's set_proxy_param: outside <Proxy>, the
// balancer or worker it names must be defined already in the server; a
// balancer's lbmethod must be a method a loaded module provides.
func checkProxySet(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	name := ""
	if st.parent != nil && (strings.EqualFold(st.parent.Name, "Proxy") || strings.EqualFold(st.parent.Name, "ProxyMatch")) {
		name, _ = apacheconf.GetwordConf(strings.TrimSuffix(strings.TrimSpace(st.parent.Args), ">"))
		if isBalancerName(name) {
			c.defineBalancer(st, name)
		}
	} else {
		if len(w) > 0 {
			name, w = w[0], w[1:]
		}
		if !c.proxySetTarget(n, st, name) {
			return
		}
	}
	if !c.hasModule("proxy_balancer_module") {
		return
	}
	if !strings.HasPrefix(strings.ToLower(name), "balancer://") {
		return
	}
	for _, p := range w {
		k, v, ok := strings.Cut(p, "=")
		if !ok || !strings.EqualFold(k, "lbmethod") {
			continue
		}
		if mod, known := lbmethods[v]; !known || !c.hasModule(mod) {
			c.errorf(n, codeValue, "The methods are byrequests, bytraffic, bybusyness and heartbeat, each from its lbmethod module (LoadModule lbmethod_byrequests_module ...).", "ProxySet: unknown lbmethod %s; %s", p, name)
			return
		}
	}
}

// proxySetTarget is set_proxy_param's lookup of the balancer or worker a
// ProxySet outside <Proxy> names, in the server's configuration as far as
// the walk has come. A worker URL is judged only where no worker can have
// been defined (its lookup matches by prefix).
func (c *checker) proxySetTarget(n *apacheconf.Node, st state, name string) bool {
	s := c.server(st)
	if isBalancerName(name) {
		if key := balancerKey(name); key == "" || !s.balancers[key] {
			c.errorf(n, codeValue, "Define the balancer first, in the same server (a <Proxy balancer://NAME> section with its BalancerMember lines, or ProxyPass to it), or put ProxySet inside that section.",
				"ProxySet can not find '%s' Balancer.", name)
			return false
		}
		return true
	}
	real := name
	if len(name) >= 5 && strings.EqualFold(name[:5], "unix:") {
		if k := strings.IndexByte(name[5:], '|'); k >= 0 {
			// ap_proxy_de_socketfy: the URL after the socket's path;
			// "scheme:" and "scheme://" stand for scheme://localhost.
			real = name[5+k+1:]
			switch k := strings.IndexByte(real, ':'); {
			case k < 0:
				c.errorf(n, codeValue, "Write a socket URL as unix:/path/to.sock|http://localhost/.", "ProxySet uses an invalid \"unix:\" URL")
				return false
			case k == len(real)-1:
				real += "//localhost"
			case real[k+1:] == "//":
				real += "localhost"
			}
		}
	}
	i := strings.IndexByte(real, ':')
	url := i >= 0 && len(real) > i+3 && strings.HasPrefix(real[i+1:], "//")
	if !url || !s.proxyWorkers {
		c.errorf(n, codeValue, "Define the worker first, in the same server (ProxyPass to that URL), or put ProxySet inside a <Proxy URL> section.",
			"ProxySet can not find '%s' Worker.", name)
		return false
	}
	return true
}
