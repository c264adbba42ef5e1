package check

import (
	"encoding/json"
	"math"
	"os"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// mod_md's handlers (mod_md_config.c of the installed mod_md 2.6): where
// each may stand (inside an <MDomain> or not), its durations, time
// slices, CA names and URLs, port maps, key specs and members.

// mdWhere is md_conf_check_location's flags: where a directive may stand
// relative to an <MDomain> (or <MDomainSet>) section.
type mdWhere int

const (
	mdAnywhere mdWhere = iota // MD_LOC_ALL: RSRC_CONF already says it all
	mdOutside                 // MD_LOC_NOT_MD
	mdInside                  // MD_LOC_MD
)

// inMDomain is mod_md's inside_md_section: an <MDomainSet> or <MDomain>
// among the sections around the directive.
func inMDomain(st state) bool {
	for _, a := range st.ancestors {
		if strings.EqualFold(a.Name, "MDomainSet") || strings.EqualFold(a.Name, "MDomain") {
			return true
		}
	}
	return false
}

// mdLocation is md_conf_check_location's message, "" where d may stand.
func mdLocation(d catalog.Directive, st state, where mdWhere) string {
	switch {
	case where == mdOutside && inMDomain(st):
		return d.Name + " is not allowed inside an '<MDomainSet' context"
	case where == mdInside && !inMDomain(st):
		return d.Name + " is only valid inside a '<MDomainSet' context, not here"
	}
	return ""
}

// mdHandler is a mod_md handler: its location check, then value, which
// returns the handler's message ("" when it takes the arguments).
func mdHandler(where mdWhere, value func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if msg := mdLocation(d, st, where); msg != "" {
			c.errorf(n, codeContext, mdLocationHelp(where), "%s", msg)
			return
		}
		if msg := mdOutsideDirs(d, st, where); msg != "" {
			c.errorf(n, codeContext, "Give it at server level or in a <VirtualHost>.", "%s", msg)
			return
		}
		if value == nil {
			return
		}
		if msg := value(c, n, d, st); msg != "" {
			c.errorf(n, codeValue, mdValueHelp(msg), "%s", msg)
		}
	}
}

// mdValueHelp says what to write instead, for the messages of mod_md's
// value parsers.
func mdValueHelp(msg string) string {
	switch {
	case msg == "unrecognized duration format", msg == "neither 'on', 'off' or a duration specified":
		return "Give a number and a unit: d, h, mi (minutes), s or ms, such as 12h or 30mi; m alone is not a unit."
	case strings.HasSuffix(msg, " has unrecognized format"):
		return "Give a duration (21d, 12h) or a share of the certificate's lifetime (33%)."
	case strings.HasPrefix(msg, "The CA name "):
		return "Give a known CA name or the CA's ACME directory URL, such as https://acme-v02.api.letsencrypt.org/directory."
	}
	return ""
}

// mdOutsideDirs is the end of md_conf_check_location: outside an
// <MDomain>, ap_check_cmd_context(NOT_IN_DIRECTORY|NOT_IN_LOCATION), which
// only MDRequireHttps (also allowed in per-directory sections) can meet.
func mdOutsideDirs(d catalog.Directive, st state, where mdWhere) string {
	if where == mdInside || where == mdAnywhere && inMDomain(st) {
		return ""
	}
	return checkContext(d.Name, notInDirectory|notInLocation, st)
}

func mdLocationHelp(where mdWhere) string {
	if where == mdInside {
		return "Put it inside the <MDomain> section of the domain it is for."
	}
	return "It applies to the whole server: put it outside the <MDomain> section."
}

// mdWord is a one-argument value check of mod_md.
func mdWord(check func(w string) string) func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string {
		w, _ := apacheconf.GetwordConf(n.Args)
		return check(w)
	}
}

// mdSetOnOff is mod_md's set_on_off.
func mdSetOnOff(w string) string {
	if strings.EqualFold(w, "on") || strings.EqualFold(w, "off") {
		return ""
	}
	return "unknown '" + w + "', supported parameter values are 'on' and 'off'"
}

// mdTransitive is mod_md's set_transitive: auto or manual.
func mdTransitive(w string) bool {
	return strings.EqualFold(w, "auto") || strings.EqualFold(w, "manual")
}

// mdDuration is md_duration_parse: a number (as apr_strtoi64 reads it)
// and a unit, d, s, h, ms or mi (only the letters that decide are read),
// defUnit when none is written; the length in microseconds, wrapping as
// C's 64-bit arithmetic does.
func mdDuration(value, defUnit string) (int64, bool) {
	n, rest, good := strtoff(value)
	if !good {
		return 0, false // ERANGE
	}
	unit := defUnit
	if rest != "" {
		if len(rest) == len(value) {
			return 0, false // no number
		}
		unit = rest
	}
	const sec = 1000000
	switch unit[0] {
	case 'd', 'D':
		return n * 86400 * sec, true
	case 's', 'S':
		return n * sec, true
	case 'h', 'H':
		return n * 3600 * sec, true
	case 'm', 'M':
		if len(unit) > 1 {
			switch unit[1] {
			case 's', 'S':
				return n * 1000, true
			case 'i', 'I':
				return n * 60 * sec, true
			}
		}
	}
	return 0, false
}

// mdTimeslice is md_timeslice_parse: a duration in days by default, or a
// percentage of norm; the length, the norm it is a part of (0 for a
// duration), and the message for a value it cannot read.
func mdTimeslice(val string, norm int64) (length, ofNorm int64, msg string) {
	if l, ok := mdDuration(val, "d"); ok {
		return l, 0, ""
	}
	n, rest, good := strtoff(val)
	if good && strings.HasPrefix(rest, "%") {
		if n < 0 {
			return 0, 0, "percent must be less than 100"
		}
		percent := int64(int32(n))
		return norm / 1000000 * percent / 100 * 1000000, norm, ""
	}
	return 0, 0, "has unrecognized format"
}

const (
	mdLifeNorm     = 100 * 86400 * 1000000 // MD_TIME_LIFE_NORM
	mdOCSPKeepNorm = 7 * 86400 * 1000000   // MD_TIME_OCSP_KEEP_NORM
)

// mdWindow is the handler of a time slice directive; whole is the message
// for a percentage of 100 or more ("" where any is taken).
func mdWindow(norm int64, whole string) func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string {
		w, _ := apacheconf.GetwordConf(n.Args)
		length, of, msg := mdTimeslice(w, norm)
		if msg == "" && whole != "" && of != 0 && length >= of {
			msg = whole
		}
		if msg != "" {
			return d.Name + " " + msg
		}
		return ""
	}
}

// mdDelay is a handler that reads a duration in unit and refuses what ok
// says, with bad.
func mdDelay(unit string, ok func(int64) bool, bad string) func(w string) string {
	return func(w string) string {
		v, good := mdDuration(w, unit)
		switch {
		case !good:
			return "unrecognized duration format"
		case ok != nil && !ok(v):
			return bad
		}
		return ""
	}
}

// mdKnownCAs are mod_md's KNOWN_CAs, in its order.
var mdKnownCAs = []string{"LetsEncrypt", "LetsEncrypt-Test", "Buypass", "Buypass-Test"}

// mdURICheck is md_util's uri_check: what apr_uri_parse and then mod_md
// refuse in a URL ("" for none).
func mdURICheck(uri string) string {
	msg := ""
	u, ok := parseAprURI(uri)
	switch {
	case !ok:
		msg = "not an uri"
	case !u.hasScheme:
	case len(u.scheme)+1 >= len(uri):
		msg = "missing uri identifier"
	case strings.HasPrefix(u.scheme, "http"):
		if !u.hasHostname {
			msg = "missing hostname"
		} else if !mdDNSName(u.hostname) {
			msg = "invalid hostname"
		}
		if u.hasPortStr && (u.portStr == "" || !isDigit(u.portStr[0]) || u.port == 0 || u.port > 65353) {
			msg = "invalid port"
		}
	case u.scheme == "mailto":
		at := strings.IndexByte(uri, '@')
		switch {
		case at < 0:
			msg = "missing @"
		case strings.IndexByte(uri[at+1:], '@') >= 0:
			msg = "duplicate @"
		case at == len(u.scheme)+1:
			msg = "missing local part"
		case at == len(uri)-1:
			msg = "missing hostname"
		case strings.Contains(uri, ".."):
			msg = "double period"
		}
	}
	if strings.ContainsAny(uri, " \t") {
		msg = "whitespace in uri"
	}
	return msg
}

// mdAbsURI is md_util_abs_uri_check; http also requires an http or https
// scheme (md_util_abs_http_uri_check).
func mdAbsURI(uri string, http bool) string {
	if msg := mdURICheck(uri); msg != "" {
		return msg
	}
	u, _ := parseAprURI(uri)
	switch {
	case !u.hasScheme:
		return "missing uri scheme"
	case http && !strings.EqualFold(u.scheme, "http") && !strings.EqualFold(u.scheme, "https"):
		return "uri scheme must be http or https"
	}
	return ""
}

// mdDNSName is md_dns_is_name without the FQDN test: letters, digits,
// '-' and '.', no "..".
func mdDNSName(h string) bool {
	for i := 0; i < len(h); i++ {
		b := h[i]
		switch {
		case b == '.':
			if i > 0 && h[i-1] == '.' {
				return false
			}
		case b == '-', isAlpha(b), isDigit(b):
		default:
			return false
		}
	}
	return true
}

// mdPortMap is mod_md's set_port_map for one mapping: 80 or 443 (or
// http, https), a ':', then the local port or '-'.
func mdPortMap(v string) string {
	var net int64
	var rest string
	switch {
	case strings.HasPrefix(v, "http:"):
		net, rest = 80, v[4:]
	case strings.HasPrefix(v, "https:"):
		net, rest = 443, v[5:]
	default:
		var good bool
		net, rest, good = strtoff(v)
		if !good {
			return "unable to parse first port number"
		}
	}
	if !strings.HasPrefix(rest, ":") {
		return "no ':' after first port number"
	}
	rest = rest[1:]
	if !strings.HasPrefix(rest, "-") {
		local, _, good := strtoff(rest)
		if !good {
			return "unable to parse second port number"
		}
		if l := int32(local); l <= 0 || l > 65535 {
			return "invalid number for port map, must be in ]0,65535]"
		}
	}
	if p := int32(net); p != 80 && p != 443 {
		return "mapped port number must be 80 or 443"
	}
	return ""
}

// mdPrivateKeys is mod_md's md_config_set_pkeys.
func mdPrivateKeys(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string {
	argv := takeArgv(n.Args)
	if len(argv) == 0 {
		return "needs to specify the private key type"
	}
	rsa := false
	var curves []string
	rsaBits := func(w string) string {
		v, _, _ := strtol(w)
		switch bits := int32(v); {
		case bits < 2048:
			return "must be 2048 or higher in order to be considered safe."
		case bits == math.MaxInt32:
			return "is too large for an RSA key length."
		}
		return ""
	}
	for i := 0; i < len(argv); i++ {
		t := argv[i]
		switch {
		case strings.EqualFold(t, "Default"):
			if len(argv) > 1 {
				return "'Default' allows no other parameter"
			}
		case len(t) > 3 && strings.EqualFold(t[:3], "rsa") && isDigit(t[3]):
			if msg := rsaBits(t[3:]); msg != "" {
				return msg
			}
			if rsa {
				return "two keys of type 'RSA' are not possible."
			}
			rsa = true
		case strings.EqualFold(t, "RSA"):
			if i+1 < len(argv) && argv[i+1] != "" && isDigit(argv[i+1][0]) {
				i++
				if msg := rsaBits(argv[i]); msg != "" {
					return msg
				}
			}
			if rsa {
				return "two keys of type 'RSA' are not possible."
			}
			rsa = true
		default:
			for _, k := range curves {
				if strings.EqualFold(k, t) {
					return "two keys of type '" + t + "' are not possible."
				}
			}
			curves = append(curves, t)
		}
	}
	return ""
}

// mdExternalAccountBinding is mod_md's md_config_set_eab: with one
// argument other than None, a JSON file (with FileChecks) holding the
// kid and hmac.
func mdExternalAccountBinding(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string {
	w := n.Words()
	if len(w) > 1 && w[1] != "" || strings.EqualFold(w[0], "none") || !c.opts.FileChecks {
		return ""
	}
	p := c.serverRootPath(w[0])
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return d.Name + ": file not found: " + p
	}
	src, err := os.ReadFile(p)
	var v any
	if err == nil {
		err = json.Unmarshal(src, &v)
	}
	obj, isObj := v.(map[string]any)
	if _, isArr := v.([]any); err != nil || !isObj && !isArr {
		return d.Name + ": error reading JSON file " + p
	}
	for _, key := range []string{"kid", "hmac"} {
		if s, _ := obj[key].(string); s == "" {
			return d.Name + ": JSON does not contain '" + key + "' element in file " + p
		}
	}
	return ""
}

// takeArgv is invoke_cmd's TAKE_ARGV: the words up to the end, an empty
// last one dropped (so `""` alone is no argument), at most 64.
func takeArgv(args string) []string {
	var argv []string
	for {
		w, rest := apacheconf.GetwordConf(args)
		args = rest
		if w == "" && args == "" {
			break
		}
		argv = append(argv, w)
		if len(argv) == 64 || args == "" {
			break
		}
	}
	return argv
}

// mdHandlers are mod_md's value checks.
var mdHandlers = map[string]handler{
	"MDBaseServer":             mdHandler(mdOutside, mdWord(mdSetOnOff)),
	"MDCertificateStatus":      mdHandler(mdAnywhere, mdWord(mdSetOnOff)),
	"MDMustStaple":             mdHandler(mdAnywhere, mdWord(mdSetOnOff)),
	"MDProfileMandatory":       mdHandler(mdAnywhere, mdWord(mdSetOnOff)),
	"MDRenewViaARI":            mdHandler(mdAnywhere, mdWord(mdSetOnOff)),
	"MDServerStatus":           mdHandler(mdAnywhere, mdWord(mdSetOnOff)),
	"MDStapleOthers":           mdHandler(mdAnywhere, mdWord(mdSetOnOff)),
	"MDStapling":               mdHandler(mdAnywhere, mdWord(mdSetOnOff)),
	"MDCertificateFile":        mdHandler(mdInside, nil),
	"MDCertificateKeyFile":     mdHandler(mdInside, nil),
	"MDStoreDir":               mdHandler(mdOutside, nil),
	"MDNotifyCmd":              mdHandler(mdOutside, nil),
	"MDMessageCmd":             mdHandler(mdOutside, nil),
	"MDInitialDelay":           mdHandler(mdOutside, mdWord(mdDelay("s", atLeast(0), "initial delay must not be negative"))),
	"MDCheckInterval":          mdHandler(mdOutside, mdWord(mdDelay("s", atLeast(1000000), "check interval cannot be less than one second"))),
	"MDRetryDelay":             mdHandler(mdOutside, mdWord(mdDelay("s", atLeast(1), "minimum delay must be greater than 0"))),
	"MDActivationDelay":        mdHandler(mdOutside, mdWord(mdDelay("d", nil, ""))),
	"MDRenewWindow":            mdHandler(mdAnywhere, mdWindow(mdLifeNorm, "a length of 100% or more is not allowed.")),
	"MDWarnWindow":             mdHandler(mdAnywhere, mdWindow(mdLifeNorm, "a length of 100% or more is not allowed.")),
	"MDStaplingRenewWindow":    mdHandler(mdAnywhere, mdWindow(mdLifeNorm, "with a length of 100% or more is not allowed.")),
	"MDStaplingKeepResponse":   mdHandler(mdAnywhere, mdWindow(mdOCSPKeepNorm, "")),
	"MDPrivateKeys":            mdHandler(mdAnywhere, mdPrivateKeys),
	"MDExternalAccountBinding": mdHandler(mdAnywhere, mdExternalAccountBinding),
	"MDHttpProxy":              mdHandler(mdOutside, mdWord(func(w string) string { return mdAbsURI(w, true) })),
	"MDStoreLocks": mdHandler(mdOutside, mdWord(func(w string) string {
		if strings.EqualFold(w, "on") || strings.EqualFold(w, "off") {
			return ""
		}
		if _, ok := mdDuration(w, "s"); !ok {
			return "neither 'on', 'off' or a duration specified"
		}
		return ""
	})),
	"MDMatchNames": mdHandler(mdOutside, mdWord(func(w string) string {
		if strings.EqualFold(w, "all") || strings.EqualFold(w, "servernames") {
			return ""
		}
		return "invalid argument, must be a 'all' or 'servernames'"
	})),
	"MDRetryFailover": mdHandler(mdOutside, mdWord(func(w string) string {
		if cAtoi(w) <= 0 {
			return "invalid argument, must be a number > 0"
		}
		return ""
	})),
	"MDChallengeDns01Version": mdHandler(mdOutside, mdWord(func(w string) string {
		if w != "1" && w != "2" {
			return "Only versions `1` and `2` are supported"
		}
		return ""
	})),
	"MDRequireHttps": mdHandler(mdAnywhere, mdWord(func(w string) string {
		switch strings.ToLower(w) {
		case "off", "temporary", "permanent":
			return ""
		}
		return "unknown '" + w + "', supported parameter values are 'temporary' and 'permanent'"
	})),
	// md_config_set_renew_mode reads the value before the location.
	"MDRenewMode": checkMDRenewMode,
	"MDDriveMode": checkMDRenewMode,
	"MDPortMap": mdHandler(mdOutside, func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string {
		for _, w := range n.Words() {
			if msg := mdPortMap(w); msg != "" {
				return msg
			}
		}
		return ""
	}),
	"MDCertificateAuthority": mdHandler(mdAnywhere, func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string {
	next:
		for _, w := range takeArgv(n.Args) {
			for _, ca := range mdKnownCAs {
				if strings.EqualFold(ca, w) {
					continue next
				}
			}
			if msg := mdAbsURI(w, false); msg != "" {
				return "The CA name '" + w + "' is not known and it is not a URL either (" + msg + "). Known CA names are: " + strings.Join(mdKnownCAs, " ") + "."
			}
		}
		return ""
	}),
	"MDomain": mdHandler(mdOutside, func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string {
		for _, w := range takeArgv(n.Args) {
			if !mdTransitive(w) {
				return ""
			}
		}
		return "needs at least one domain name"
	}),
	"MDMember":    checkMDMember,
	"MDMembers":   checkMDMember,
	"<MDomainSet": mdHandler(mdOutside, mdSection),
	"<MDomain":    mdHandler(mdOutside, mdSection),
}

// mdSection is md_config_sec_start's check of its arguments: a domain
// name before the '>'.
func mdSection(c *checker, n *apacheconf.Node, d catalog.Directive, st state) string {
	if end := strings.LastIndexByte(n.Args, '>'); end == 0 {
		return "<MDomainSet > section must specify a unique domain name"
	}
	return ""
}

// checkMDRenewMode is md_config_set_renew_mode.
func checkMDRenewMode(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	switch strings.ToLower(w) {
	case "auto", "automatic", "always", "manual", "stick":
	default:
		c.errorf(n, codeValue, "The modes are auto, always and manual.", "unknown MDDriveMode %s", w)
		return
	}
	if msg := mdOutsideDirs(d, st, mdAnywhere); msg != "" {
		c.errorf(n, codeContext, "Give it at server level or in a <VirtualHost>.", "%s", msg)
	}
}

// checkMDMember is md_config_sec_add_members: outside an <MDomain> only
// one auto or manual.
func checkMDMember(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if inMDomain(st) {
		return
	}
	argv := takeArgv(n.Args)
	switch {
	case len(argv) != 1:
		c.errorf(n, codeContext, mdLocationHelp(mdInside), "%s", mdLocation(d, st, mdInside))
	case !mdTransitive(argv[0]):
		c.errorf(n, codeValue, "Outside an <MDomain>, "+d.Name+" takes auto or manual; the domain names go inside it.", "unknown value, use \"auto|manual\"")
	}
}
