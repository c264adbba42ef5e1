package check

import (
	"regexp"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// The value checks of modules with one or two of them: mod_authnz_fcgi,
// mod_authn_socache, mod_auth_digest's shared memory, mod_charset_lite,
// mod_ext_filter, mod_dialup, mod_proxy_connect, mod_proxy_html, mod_dav
// and mod_userdir, as httpd 2.4 reads them.

// fcgiBackend is mod_authnz_fcgi's FCGI_BACKEND_REGEX_STR.
var fcgiBackend = regexp.MustCompile(`^fcgi://(.*):(\d{1,5})/?$`)

// checkAuthnzFcgiDefineProvider is mod_authnz_fcgi's
// fcgi_define_provider: a type, a name and an fcgi:// backend.
func checkAuthnzFcgiDefineProvider(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	argv := takeArgv(n.Args)
	const help = "Write AuthnzFcgiDefineProvider authn|authz|authnz NAME fcgi://HOST:PORT/."
	switch {
	case len(argv) == 0:
		c.errorf(n, codeArgs, help, "AuthnzFcgiDefineProvider: No type given")
	case !strings.EqualFold(argv[0], "authn") && !strings.EqualFold(argv[0], "authz") && !strings.EqualFold(argv[0], "authnz"):
		c.errorf(n, codeValue, help, "AuthnzFcgiDefineProvider: Invalid provider type %s", argv[0])
	case len(argv) < 2:
		c.errorf(n, codeArgs, help, "AuthnzFcgiDefineProvider: No provider name given")
	case len(argv) < 3:
		c.errorf(n, codeArgs, help, "AuthnzFcgiDefineProvider: No backend-address given")
	default:
		m := fcgiBackend.FindStringSubmatch(argv[2])
		if m == nil {
			c.errorf(n, codeValue, help, "AuthnzFcgiDefineProvider: backend-address '%s' has invalid form", argv[2])
		} else if cAtoi(m[2]) > 65535 {
			c.errorf(n, codeValue, help, "AuthnzFcgiDefineProvider: backend-address '%s' has invalid port", argv[2])
		}
	}
}

// checkAuthnzFcgiCheckAuthn is the start of mod_authnz_fcgi's
// fcgi_check_authn: a provider, and None takes no options.
func checkAuthnzFcgiCheckAuthn(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	argv := takeArgv(n.Args)
	switch {
	case len(argv) == 0:
		c.errorf(n, codeArgs, "Name a provider AuthnzFcgiDefineProvider defines, or None.", "AuthnzFcgiCheckAuthnProvider: No provider given")
	case strings.EqualFold(argv[0], "None") && len(argv) > 1:
		c.errorf(n, codeArgs, "", "Options aren't supported with \"None\"")
	}
}

// checkAuthDigestShmemSize is mod_auth_digest's set_shmem_size: bytes,
// or a number with k or m, at least its table's size (88 bytes here).
func checkAuthDigestShmemSize(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	v, rest, _ := strtol(w)
	rest = strings.TrimLeft(rest, " \t\n\v\f\r")
	if rest != "" {
		switch rest[0] {
		case 'b', 'B':
		case 'k', 'K':
			v *= 1024
		case 'm', 'M':
			v *= 1048576
		default:
			c.errorf(n, codeValue, "Give bytes, or a number with k or m: 1000000, 512k.", "Invalid size in AuthDigestShmemSize: %s", w)
			return
		}
	}
	const min = 88 // sizeof(*client_list) + sizeof(client_entry*) + sizeof(client_entry)
	if v < min {
		c.errorf(n, codeValue, "", "size in AuthDigestShmemSize too small: %d < %d", v, min)
	}
}

// checkAllowCONNECT is mod_proxy_connect's set_allowed_ports: a port or
// a range of ports, first-last.
func checkAllowCONNECT(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		if w == "" || !isDigit(w[0]) {
			c.errorf(n, codeValue, "Give ports or ranges of them: AllowCONNECT 443 8443-8444.", "AllowCONNECT: port numbers must be numeric")
			return
		}
		p := w
		_, rest, _ := strtol(p)
		if strings.HasPrefix(rest, "-") {
			p = rest[1:]
			_, rest, _ = strtol(p)
		}
		if len(rest) == len(p) || rest != "" {
			c.errorf(n, codeValue, "Give ports or ranges of them: AllowCONNECT 443 8443-8444.", "Cannot parse '%s' as port number", p)
			return
		}
	}
}

// checkIntSlot is httpd's ap_set_int_slot: a whole number (strtol to the
// end), named as written.
func checkIntSlot(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	if _, rest, _ := strtol(w); w == "" || rest != "" {
		c.errorf(n, codeValue, "Give a whole number.", "Invalid value for directive %s, expected integer", n.Name)
	}
}

// smallModuleHandlers are the value checks of the modules above.
var smallModuleHandlers = map[string]handler{
	"AuthnzFcgiDefineProvider":     checkAuthnzFcgiDefineProvider,
	"AuthnzFcgiCheckAuthnProvider": checkAuthnzFcgiCheckAuthn,
	"AuthnCacheSOCache": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		name, args, hasArgs := strings.Cut(w, ":")
		if mod, ok := socacheProviders[name]; ok && c.hasModule(mod) {
			if msg := c.socacheCreateError(name, args, hasArgs); msg != "" {
				c.errorf(n, codeValue, "Give the cache's file and size as shmcb:/path/to/file(512000), or a server list for memcache and redis.", "AuthnCacheSOCache: %s", msg)
			}
			return
		}
		c.errorf(n, codeValue, "Load the module of the cache: shmcb is mod_socache_shmcb (LoadModule socache_shmcb_module).",
			"AuthnCacheSOCache: Unknown socache provider '%s'. Maybe you need to load the appropriate socache module (mod_socache_%s?)", w, w)
	},
	"AuthDigestShmemSize": checkAuthDigestShmemSize,
	"CharsetOptions":      keywords("Invalid CharsetOptions option: %s", "ImplicitAdd", "NoImplicitAdd", "TranslateAllMimeTypes", "NoTranslateAllMimeTypes"),
	"ExtFilterOptions":    keywords("Invalid ExtFilterOptions option: %s", "LogStderr", "NoLogStderr", "Onfail=remove", "Onfail=abort"),
	"ModemStandard": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		for _, s := range []string{"V.21", "V.26bis", "V.32", "V.34", "V.92", "i-was-rich-and-got-a-leased-line"} {
			if strings.EqualFold(w, s) {
				return
			}
		}
		c.errorf(n, codeValue, "The standards are V.21, V.26bis, V.32, V.34 and V.92.", "mod_dialup: Unknown Modem Standard specified.")
	},
	"AllowCONNECT":     checkAllowCONNECT,
	"ProxyHTMLBufSize": checkIntSlot,
	"DAVMinTimeout":    numberCheck(cAtoi, atLeast(0), "DAVMinTimeout requires a non-negative integer."),
	"UserDir": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if w, _ := apacheconf.GetwordConf(n.Args); w == "" {
			c.errorf(n, codeArgs, "Give the directory under each home, such as public_html, or disabled.", "UserDir requires an argument.")
		}
	},
}
