package check

import (
	"slices"
	"strconv"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// enumDirective is a directive whose handler accepts one of a few words
// (case-insensitively) as its first argument and refuses others with a
// fixed message. The table is tested word by word against httpd.
type enumDirective struct {
	words []string
	msg   string
}

func onOff(name string) enumDirective {
	return enumDirective{[]string{"on", "off"}, name + " must be one of: Off | On"}
}

var h2OnOff = enumDirective{[]string{"on", "off"}, "value must be On or Off"}

// enums are the one-word handlers of the modules Debian ships whose
// refusals do not quote the value.
var enums = map[string]enumDirective{
	"WSGICaseSensitivity":      onOff("WSGICaseSensitivity"),
	"WSGIChunkedRequest":       onOff("WSGIChunkedRequest"),
	"WSGIDestroyInterpreter":   onOff("WSGIDestroyInterpreter"),
	"WSGIDontWriteBytecode":    onOff("WSGIDontWriteBytecode"),
	"WSGIEnableSendfile":       onOff("WSGIEnableSendfile"),
	"WSGIErrorOverride":        onOff("WSGIErrorOverride"),
	"WSGIGroupAuthoritative":   onOff("WSGIGroupAuthoritative"),
	"WSGIIgnoreActivity":       onOff("WSGIIgnoreActivity"),
	"WSGILazyInitialization":   onOff("WSGILazyInitialization"),
	"WSGIPassApacheRequest":    onOff("WSGIPassApacheRequest"),
	"WSGIPassAuthorization":    onOff("WSGIPassAuthorization"),
	"WSGIRestrictSignal":       onOff("WSGIRestrictSignal"),
	"WSGIRestrictStdin":        onOff("WSGIRestrictStdin"),
	"WSGIRestrictStdout":       onOff("WSGIRestrictStdout"),
	"WSGIScriptReloading":      onOff("WSGIScriptReloading"),
	"WSGIServerMetrics":        onOff("WSGIServerMetrics"),
	"WSGISocketRotation":       onOff("WSGISocketRotation"),
	"WSGIVerboseDebugging":     onOff("WSGIVerboseDebugging"),
	"WSGIRestrictEmbedded":     onOff("WSGIRestrictEmbedded"),
	"WSGIMapHEADToGET":         {[]string{"off", "on", "auto"}, "WSGIMapHEADToGET must be one of: Off | On | Auto"},
	"H2CopyFiles":              h2OnOff,
	"H2Direct":                 h2OnOff,
	"H2EarlyHints":             h2OnOff,
	"H2ModernTLSOnly":          h2OnOff,
	"H2OutputBuffering":        h2OnOff,
	"H2ProxyRequests":          h2OnOff,
	"H2Push":                   h2OnOff,
	"H2Upgrade":                h2OnOff,
	"H2WebSockets":             h2OnOff,
	"ProxyVia":                 {[]string{"off", "on", "full", "block"}, "ProxyVia must be one of: off | on | full | block"},
	"ProxyStatus":              {[]string{"off", "on", "full"}, "ProxyStatus must be one of: off | on | full"},
	"ProxyBadHeader":           {[]string{"iserror", "ignore", "startbody"}, "ProxyBadHeader must be one of: IsError | Ignore | StartBody"},
	"ProxyErrorOverride":       {[]string{"off", "on"}, "ProxyErrorOverride first parameter must be one of: off | on"},
	"ProtocolsHonorOrder":      {[]string{"on", "off"}, "ProtocolsHonorOrder must be 'on' or 'off'"},
	"UseCanonicalPhysicalPort": {[]string{"on", "off"}, "parameter must be 'on' or 'off'"},
	"XBitHack":                 {[]string{"off", "on", "full"}, "XBitHack must be set to Off, On, or Full"},
	"Satisfy":                  {[]string{"any", "all"}, "Satisfy either 'any' or 'all'."},
	"AuthMerging":              {[]string{"off", "and", "or"}, "AuthMerging must be one of: Off | And | Or"},
	"DeflateAlterEtag":         {[]string{"nochange", "addsuffix", "remove"}, "DeflateAlterETAG accepts only 'NoChange', 'AddSuffix', and 'Remove'"},
	"BrotliAlterETag":          {[]string{"addsuffix", "nochange", "remove"}, "BrotliAlterETag accepts only 'AddSuffix', 'NoChange' and 'Remove'"},
	"CookieSameSite":           {[]string{"strict", "lax", "none"}, "CookieSameSite accepts 'Strict', 'Lax', or 'None'"},
	"LDAPReferrals":            {[]string{"on", "off", "default"}, "LDAPReferrals must be 'on', 'off', or 'default'"},
	"order":                    {[]string{"allow,deny", "deny,allow", "mutual-failure"}, "unknown order"},
}

// checkEnum is the handler of an enums entry.
func checkEnum(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	e := enums[d.Name]
	w, _ := apacheconf.GetwordConf(n.Args)
	for _, ok := range e.words {
		if strings.EqualFold(w, ok) {
			return
		}
	}
	c.errorf(n, codeValue, "", "%s", e.msg)
}

// checkProxyErrorOverride is an enums entry whose handler also refuses
// status codes after Off.
func checkProxyErrorOverride(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	// The handler runs for each word, and remembers in the section's
	// configuration that On or Off was given (error_override_set), also
	// across lines of the same section.
	if c.errorOverride == nil {
		c.errorOverride = map[*apacheconf.Node]bool{}
	}
	for _, code := range n.Words() {
		switch {
		case strings.EqualFold(code, "on"):
			c.errorOverride[st.parent] = true
			c.errorOverrideSet(st, true)
		case strings.EqualFold(code, "off"):
			c.errorOverride[st.parent] = false
			c.errorOverrideSet(st, true)
		case !c.errorOverrideSet(st, false):
			checkEnum(c, n, d, st)
			return
		case code == "" || code[0] < '0' || code[0] > '9':
			c.errorf(n, codeValue, "", "ProxyErrorOverride: status codes to intercept must be numeric")
			return
		case !c.errorOverride[st.parent]:
			c.errorf(n, codeValue, "List status codes only after On: ProxyErrorOverride On 502 503.", "ProxyErrorOverride: status codes must follow a value of 'on'")
			return
		default:
			if v := cAtol(code); v < 400 || v > 599 {
				c.errorf(n, codeValue, "", "ProxyErrorOverride: status codes to intercept must be valid HTTP Status Codes >=400 && <600")
				return
			}
		}
	}
}

// errorOverrideSet reports whether ProxyErrorOverride gave On or Off in
// the section of st; set records that it did.
func (c *checker) errorOverrideSet(st state, set bool) bool {
	if c.errorOverrideGiven == nil {
		c.errorOverrideGiven = map[*apacheconf.Node]bool{}
	}
	if set {
		c.errorOverrideGiven[st.parent] = true
	}
	return c.errorOverrideGiven[st.parent]
}

// authnProviders are the AuthBasicProvider, AuthDigestProvider and
// AuthFormProvider names each module registers.
var authnProviders = map[string]string{
	"file": "authn_file_module", "dbm": "authn_dbm_module", "dbd": "authn_dbd_module", "anon": "authn_anon_module",
	"socache": "authn_socache_module", "ldap": "authnz_ldap_module",
}

// checkAuthnProvider is the provider lookup of mod_auth_basic,
// mod_auth_digest and mod_auth_form, for each provider named.
func checkAuthnProvider(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if c.hasModule("authnz_fcgi_module") || c.hasModule("lua_module") {
		return
	}
	for _, w := range n.Words() {
		// ap_lookup_provider: names are case-sensitive.
		mod, known := authnProviders[w]
		if known && c.hasModule(mod) || slices.Contains(c.authnAliases, w) {
			continue
		}
		help := "Load the module of the provider: file is mod_authn_file, dbm mod_authn_dbm, dbd mod_authn_dbd."
		if known {
			help = "The " + w + " provider is in " + mod + ", which is not loaded."
		}
		c.errorf(n, codeValue, help, "Unknown Authn provider: %s", w)
		return
	}
}

// mutexMechanisms are ap_parse_mutex's mechanisms, as Debian's APR has
// them.
var mutexMechanisms = map[string]bool{"none": true, "no": true, "default": true, "yes": true, "fcntl": true, "file": true,
	"flock": true, "posixsem": true, "sem": true, "sysvsem": true, "pthread": true}

// mutexTypes are the mutex types each module registers in the installed
// httpd (measured: mod_auth_digest registers authdigest-client only, and
// the event MPM no mpm-accept); "" is always there.
var mutexTypes = map[string]string{
	"default": "", "watchdog-callback": "", "mpm-accept": "mpm", "ssl-cache": "ssl_module", "ssl-stapling": "ssl_module",
	"ssl-stapling-refresh": "ssl_module", "rewrite-map": "rewrite_module", "authdigest-client": "auth_digest_module",
	"authn-socache": "authn_socache_module", "cache-socache": "cache_socache_module", "ldap-cache": "ldap_module",
	"lua-ivm-shm": "lua_module", "proxy": "proxy_module", "proxy-balancer-shm": "proxy_balancer_module",
}

// mutexTypeKnown reports whether a loaded module registers the type.
func (c *checker) mutexTypeKnown(t string) bool {
	mod, ok := mutexTypes[t]
	switch {
	case !ok:
		return false
	case mod == "":
		return true
	case mod == "mpm":
		return c.hasModule("mpm_prefork_module") || c.hasModule("mpm_worker_module")
	}
	return c.hasModule(mod)
}

// checkMutex is core's ap_set_mutex: the mechanism, with FileChecks its
// directory, then the types (case-sensitive, the last first, as httpd
// takes them), none of which allows "none" in Debian's httpd.
func checkMutex(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	const mechs = "Mutex mechanisms are: 'none', 'default', 'flock:/path/to/file', 'fcntl:/path/to/file', 'file:/path/to/file', 'pthread', 'sysvsem', 'posixsem', 'sem'"
	arg, rest := apacheconf.GetwordConf(n.Args)
	if arg == "" {
		c.errorf(n, codeArgs, "", "Mutex requires at least a mechanism argument (%s)", mechs)
		return
	}
	mech, dir, hasDir := strings.Cut(arg, ":")
	if !mutexMechanisms[strings.ToLower(mech)] {
		c.errorf(n, codeValue, "", "Invalid Mutex argument %s (%s)", arg, mechs)
		return
	}
	if hasDir && c.opts.FileChecks {
		if !isDir(c.serverRootPath(dir)) {
			c.errorf(n, codeValue, "Name a directory for the mutex files: Mutex file:/var/lock/apache2 default.", "Invalid Mutex directory in argument %s", arg)
			return
		}
	}
	none := strings.EqualFold(mech, "none") || strings.EqualFold(mech, "no")
	var types []string
	for rest != "" {
		var t string
		t, rest = apacheconf.GetwordConf(rest)
		if !strings.EqualFold(t, "omitpid") {
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		types = []string{"default"}
	}
	for i := len(types) - 1; i >= 0; i-- {
		t := types[i]
		if !c.mutexTypeKnown(t) {
			c.errorf(n, codeValue, "The types are those of the loaded modules: default, ssl-cache, rewrite-map, proxy ... (lower case).", "Mutex type %s is not valid", t)
			return
		}
		if none {
			c.errorf(n, codeValue, "Give a mechanism (default, file:/path, sem ...): httpd allows no mutex type to be turned off.", "None is not allowed for mutex type %s", t)
			return
		}
	}
}

// checkTrustedProxies is mod_wsgi's WSGITrustedProxies: each word an IP
// address or subnet, as apr_ipsubnet_create takes it.
func checkTrustedProxies(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		ip, mask, hasMask := strings.Cut(w, "/")
		// wsgi_looks_like_ip, on the whole word: IPv6's hexadecimal digits
		// in lower case only.
		set := "0123456789./"
		if strings.Contains(w, ":") {
			set = "0123456789abcdef:/"
		}
		if w == "" || strings.Trim(w, set) != "" {
			c.errorf(n, codeWSGI, "Give IP addresses or subnets (10.0.0.0/8), not host names.", "Unable to parse trusted proxy IP address/subnet of \"%s\".", w)
			return
		}
		// apr_ipsubnet_create's refusals, with APR's message.
		if msg := aprSubnetError(ip, mask, hasMask); msg != "" {
			c.errorf(n, codeWSGI, subnetHelp(msg), "Unable to parse trusted proxy IP address/subnet of \"%s\". %s", w, msg)
			return
		}
	}
}

// checkHashSeed is mod_wsgi's WSGIPythonHashSeed.
func checkHashSeed(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	if w == "" || w == "random" {
		return
	}
	if v, err := strconv.ParseUint(w, 10, 64); err != nil || v > 4294967295 {
		c.errorf(n, codeWSGI, "", "WSGIPythonHashSeed must be \"random\" or an integer in range [0; 4294967295]")
	}
}
