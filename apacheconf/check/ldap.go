package check

import (
	"os"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// The handlers of util_ldap (mod_ldap) and mod_authnz_ldap, as httpd 2.4
// and APR-util 1.6 read their values: LDAP URLs, certificate types,
// timeouts and referral limits.

// ldapURLError is APR-util's apr_ldap_url_parse: the reason it gives for
// a URL it refuses, "" for one it takes. It reads an optional '<' ... '>'
// and "URL:", the ldap://, ldaps:// or ldapi:// prefix, the host and port
// up to the first '/', then the DN, attributes, scope, filter and
// extensions, separated by '?'.
func ldapURLError(url string) string {
	p := url
	enclosed := strings.HasPrefix(p, "<")
	if enclosed {
		p = p[1:]
	}
	if len(p) >= 4 && strings.EqualFold(p[:4], "URL:") {
		p = p[4:]
	}
	known := false
	for _, prefix := range []string{"ldap://", "ldaps://", "ldapi://"} {
		if len(p) >= len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) {
			p, known = p[len(prefix):], true
			break
		}
	}
	if !known {
		return "The scheme was not recognised as a valid LDAP URL scheme."
	}
	if enclosed {
		if !strings.HasSuffix(p, ">") {
			return "Bad enclosure error while parsing LDAP URL."
		}
		p = p[:len(p)-1]
	}
	hostport, rest, hasPath := strings.Cut(p, "/")
	if strings.HasPrefix(hostport, "[") {
		close := strings.IndexByte(hostport, ']')
		if close < 0 {
			return "Bad LDAP URL while parsing IPV6 syntax."
		}
		hostport = hostport[close+1:]
	}
	if colon := strings.LastIndexByte(hostport, ':'); colon >= 0 && ldapUnescape(hostport[colon+1:]) == "" {
		return "Bad LDAP URL while parsing."
	}
	if !hasPath {
		return ""
	}
	// The DN, then the attributes (any list is taken), the scope, the
	// filter and the extensions.
	parts := strings.SplitN(rest, "?", 5)
	if len(parts) > 2 && parts[2] != "" {
		switch strings.ToLower(ldapUnescape(parts[2])) {
		case "one", "onetree", "base", "sub", "subtree":
		default:
			return "Bad scope encountered while parsing LDAP URL."
		}
	}
	if len(parts) > 3 && parts[3] != "" && ldapUnescape(parts[3]) == "" {
		return "Bad filter encountered while parsing LDAP URL."
	}
	if len(parts) > 4 {
		if strings.Contains(parts[4], "?") {
			return "Bad URL encountered while parsing LDAP URL."
		}
		if strings.Trim(parts[4], ",") == "" {
			return "Bad extensions encountered while parsing LDAP URL."
		}
	}
	return ""
}

// ldapUnescape is apr_ldap_pvt_hex_unescape: %XY escapes decoded (any
// two characters, as its unhex computes them), the text cut at a NUL.
func ldapUnescape(s string) string {
	unhex := func(c byte) byte {
		switch {
		case c >= '0' && c <= '9':
			return c - '0'
		case c >= 'A' && c <= 'F':
			return c - 'A' + 10
		}
		return c - 'a' + 10
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+1 >= len(s) {
			break
		}
		v := unhex(s[i+1]) << 4
		if i+2 >= len(s) {
			break // the half-written character is cut off too
		}
		b = append(b, v+unhex(s[i+2]))
		i += 2
	}
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// ldapConnectionMode is the mode of AuthLDAPURL's second argument and of
// LDAPTrustedMode.
func ldapConnectionMode(w string) bool {
	for _, m := range []string{"NONE", "SSL", "TLS", "STARTTLS"} {
		if strings.EqualFold(w, m) {
			return true
		}
	}
	return false
}

// checkAuthLDAPURL is mod_authnz_ldap's mod_auth_ldap_parse_url.
func checkAuthLDAPURL(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if msg := ldapURLError(w[0]); msg != "" {
		c.errorf(n, codeValue, "Write the URL as ldap://host[:port]/basedn?attribute?scope?filter, such as ldap://ldap.example.com/ou=people,dc=example,dc=com?uid?sub.", "%s", msg)
		return
	}
	if len(w) > 1 && w[1] != "" && !ldapConnectionMode(w[1]) {
		c.errorf(n, codeValue, "The modes are NONE, SSL, TLS and STARTTLS.", "Invalid LDAP connection mode setting: must be one of NONE, SSL, or TLS/STARTTLS")
	}
}

// checkAuthLDAPDeref is mod_authnz_ldap's mod_auth_ldap_set_deref: the
// words are case-sensitive, but for on and off.
func checkAuthLDAPDeref(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	switch {
	case w == "never", w == "searching", w == "finding", w == "always", strings.EqualFold(w, "on"), strings.EqualFold(w, "off"):
		return
	}
	c.errorf(n, codeValue, "The values are never, searching, finding and always (lower case), or On and Off.", "Unrecognized value for AuthLDAPDereferenceAliases directive")
}

// ldapCertTypes are util_ldap_parse_cert_type's types; global marks those
// only LDAPTrustedGlobalCert takes, file those that name a file.
var ldapCertTypes = map[string]struct{ globalOnly, file bool }{
	"CA_DER": {false, true}, "CA_BASE64": {false, true}, "CA_CERT7_DB": {true, true}, "CA_SECMOD": {true, true},
	"CERT_DER": {false, true}, "CERT_BASE64": {false, true}, "CERT_PFX": {true, true}, "CERT_KEY3_DB": {true, true},
	"CERT_NICKNAME": {false, false}, "KEY_DER": {false, true}, "KEY_BASE64": {false, true}, "KEY_PFX": {false, true},
}

// checkLDAPCert is util_ldap_set_trusted_global_cert (global) and
// util_ldap_set_trusted_client_cert: a known type, and with FileChecks a
// file that exists (but for a nickname).
func checkLDAPCert(global bool) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w := n.Words()
		t, ok := ldapCertTypes[strings.ToUpper(w[0])]
		switch {
		case !ok && global:
			c.errorf(n, codeValue, "", "The certificate type %s is not recognised. It should be one of CA_DER, CA_BASE64, CA_CERT7_DB, CA_SECMOD, CERT_DER, CERT_BASE64, CERT_KEY3_DB, CERT_NICKNAME, KEY_DER, KEY_BASE64", w[0])
			return
		case !ok:
			c.errorf(n, codeValue, "", "The certificate type \"%s\" is not recognised. It should be one of CA_DER, CA_BASE64, CERT_DER, CERT_BASE64, CERT_NICKNAME, CERT_PFX, KEY_DER, KEY_BASE64, KEY_PFX", w[0])
			return
		case t.globalOnly && !global:
			c.errorf(n, codeValue, "Give it with LDAPTrustedGlobalCert, at server level.", "The certificate type \"%s\" is only valid within a LDAPTrustedGlobalCert directive. Only CA_DER, CA_BASE64, CERT_DER, CERT_BASE64, CERT_NICKNAME, KEY_DER, and KEY_BASE64 may be used.", w[0])
			return
		}
		if !t.file || !c.opts.FileChecks {
			return
		}
		if _, err := os.Stat(c.serverRootPath(w[1])); err != nil {
			if global {
				c.errorf(n, codeValue, "Create the file, or run the check where the configuration is deployed.", "Invalid global certificate file path")
			} else {
				c.errorf(n, codeValue, "Create the file, or run the check where the configuration is deployed.", "Invalid client certificate file path")
			}
		}
	}
}

// checkLDAPTimeout is util_ldap_set_op_timeout: a whole number of
// seconds, not negative.
func checkLDAPTimeout(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	v, rest, digits := strtol(w)
	switch {
	case !digits || rest != "":
		c.errorf(n, codeValue, "Give whole seconds, without a unit: LDAPTimeout 30.", "Timeout not numerical")
	case v < 0:
		c.errorf(n, codeValue, "", "Timeout must be non-negative")
	}
}

// ldapHandlers are util_ldap's and mod_authnz_ldap's value checks.
var ldapHandlers = map[string]handler{
	"LDAPTrustedMode": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if w, _ := apacheconf.GetwordConf(n.Args); !ldapConnectionMode(w) {
			c.errorf(n, codeValue, "The modes are NONE, SSL, TLS and STARTTLS.", "Invalid LDAPTrustedMode setting: must be one of NONE, SSL, or TLS/STARTTLS")
		}
	},
	"LDAPTrustedGlobalCert": checkLDAPCert(true),
	"LDAPTrustedClientCert": checkLDAPCert(false),
	"LDAPTimeout":           checkLDAPTimeout,
	"LDAPReferralHopLimit":  numberCheck(cAtol, atLeast(1), "LDAPReferralHopLimit must be greater than zero (Use 'LDAPReferrals Off' to disable referral chasing)"),
	"LDAPRetries":           numberCheck(cAtoi, atLeast(0), "LDAPRetries must be >= 0"),
	"LDAPRetryDelay": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if w, _ := apacheconf.GetwordConf(n.Args); !timeoutFormat(w) {
			c.errorf(n, codeValue, "Give seconds, or a number with a unit: 5, 500ms.", "LDAPRetryDelay has wrong format")
		}
	},
	// Negative values are "forever", and not read.
	"LDAPConnectionPoolTTL": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if w, _ := apacheconf.GetwordConf(n.Args); !strings.HasPrefix(w, "-") && !timeoutFormat(w) {
			c.errorf(n, codeValue, "Give seconds, or a number with a unit: 30, 5min; -1 keeps connections for ever.", "LDAPConnectionPoolTTL has wrong format")
		}
	},

	"AuthLDAPURL":                checkAuthLDAPURL,
	"AuthLDAPDereferenceAliases": checkAuthLDAPDeref,
	"AuthLDAPInitialBindPattern": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if msg := c.regexError(w); msg != "" {
			c.errorf(n, codeRegex, msg, "AuthLDAPInitialBindPattern: cannot compile regular expression '%s'", w)
		}
	},
}
