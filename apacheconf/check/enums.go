package check

import (
	"os"
	"path/filepath"
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
	w, rest := apacheconf.GetwordConf(n.Args)
	if strings.EqualFold(w, "off") && rest != "" {
		c.errorf(n, codeValue, "List status codes only after On: ProxyErrorOverride On 502 503.", "ProxyErrorOverride: status codes must follow a value of 'on'")
		return
	}
	checkEnum(c, n, d, st)
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
	if c.hasAuthnAlias || c.hasModule("authnz_fcgi_module") || c.hasModule("lua_module") {
		return
	}
	for _, w := range n.Words() {
		if strings.EqualFold(w, "none") && d.Name != "AuthDigestProvider" {
			continue
		}
		mod, known := authnProviders[strings.ToLower(w)]
		if known && c.hasModule(mod) {
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

// checkMutex is core's ap_set_mutex, as far as it does not depend on the
// mutex types modules register: the mechanism, and with FileChecks its
// directory.
func checkMutex(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	arg, _ := apacheconf.GetwordConf(n.Args)
	mech, dir, hasDir := strings.Cut(arg, ":")
	if !mutexMechanisms[strings.ToLower(mech)] {
		c.errorf(n, codeValue, "", "Invalid Mutex argument %s (Mutex mechanisms are: 'none', 'default', 'flock:/path/to/file', 'fcntl:/path/to/file', 'file:/path/to/file', 'pthread', 'sysvsem', 'posixsem', 'sem')", arg)
		return
	}
	if hasDir && c.opts.FileChecks {
		p := dir
		if !filepath.IsAbs(p) {
			p = filepath.Join(c.tree.ServerRoot, p)
		}
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			c.errorf(n, codeValue, "Name a directory for the mutex files: Mutex file:/var/lock/apache2 default.", "Invalid Mutex directory in argument %s", arg)
		}
	}
}

// checkTrustedProxies is mod_wsgi's WSGITrustedProxies: each word an IP
// address or subnet, as apr_ipsubnet_create takes it.
func checkTrustedProxies(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		ip, _, _ := strings.Cut(w, "/")
		if !strings.Contains(ip, ":") && (ip == "" || strings.Trim(ip, "0123456789.") != "") {
			c.errorf(n, codeWSGI, "Give IP addresses or subnets (10.0.0.0/8), not host names.", "Unable to parse trusted proxy IP address/subnet of \"%s\".", w)
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
