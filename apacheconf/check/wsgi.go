package check

import (
	"os/user"
	"strconv"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// wsgiState is what mod_wsgi's handlers remember across directives: the
// daemon process groups defined so far, and each server's name as far as
// the walk has come (mod_wsgi compares them).
type wsgiState struct {
	groups map[string]*server
	main   server
}

// server is a server_rec as far as mod_wsgi looks at it.
type server struct {
	hostname string
	named    bool
	virtual  bool
	// node is the <VirtualHost> that defines the server, nil for the
	// main server.
	node *apacheconf.Node
	// errorLog is the server's ErrorLog, nil when it has none; logs are
	// its CustomLog and TransferLog files.
	errorLog *logFile
	logs     []logFile
	// balancers are mod_proxy's balancers defined in the server so far,
	// by balancerKey; proxyWorkers is set once a directive may have
	// defined a worker (ProxyPass to a URL, <Proxy URL>).
	balancers    map[string]bool
	proxyWorkers bool
	// cacheDisk is mod_cache_disk's directory depth in the server, nil
	// until a directive sets it.
	cacheDisk *cacheDisk
	// seen are the directives a handler allows once per server, once
	// given (see once).
	seen map[string]bool
}

// balancerKey is the name ap_proxy_get_balancer looks a balancer up by:
// lower case, without a path; "" when it has no host.
func balancerKey(name string) string {
	i := strings.IndexByte(name, ':')
	if i < 0 || !strings.HasPrefix(name[i+1:], "//") || len(name) == i+3 {
		return ""
	}
	if j := strings.IndexByte(name[i+3:], '/'); j >= 0 {
		name = name[:i+3+j]
	}
	return strings.ToLower(name)
}

// defineBalancer records that the server of st has the balancer name.
func (c *checker) defineBalancer(st state, name string) {
	key := balancerKey(name)
	if key == "" {
		return
	}
	s := c.server(st)
	if s.balancers == nil {
		s.balancers = map[string]bool{}
	}
	s.balancers[key] = true
}

// isBalancerName is ap_proxy_valid_balancer_name.
func isBalancerName(name string) bool {
	return len(name) >= 9 && strings.EqualFold(name[:9], "balancer:")
}

func (w *wsgiState) init() { w.groups = map[string]*server{} }

// server returns the server_rec the directive at st belongs to.
func (c *checker) server(st state) *server {
	if st.srv == nil {
		return &c.wsgi.main
	}
	return st.srv
}

// setServerName records ServerName as core's server_hostname_port does:
// the host without scheme and port.
func (c *checker) setServerName(n *apacheconf.Node, st state) {
	name, _ := apacheconf.GetwordConf(n.Args)
	if i := strings.Index(name, "://"); i >= 0 {
		name = name[i+3:]
	}
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	s := c.server(st)
	s.hostname, s.named = name, true
}

// daemonNumeric are WSGIDaemonProcess's integer options that must not be
// negative, with the words of their message.
var daemonNumeric = map[string]string{
	"maximum-requests": "request count", "startup-timeout": "startup timeout", "shutdown-timeout": "shutdown timeout",
	"deadlock-timeout": "deadlock timeout", "inactivity-timeout": "inactivity timeout", "request-timeout": "request timeout",
	"graceful-timeout": "graceful timeout", "eviction-timeout": "eviction timeout", "restart-interval": "restart interval",
	"connect-timeout": "connect timeout", "socket-timeout": "socket timeout", "queue-timeout": "queue timeout",
	"listen-backlog": "listen backlog", "response-socket-timeout": "response socket timeout",
	"cpu-time-limit": "CPU time limit",
}

// daemonBuffers are WSGIDaemonProcess's buffer sizes: the words of their
// message, the least size (0 is the default) and what mod_wsgi says of a
// smaller one.
var daemonBuffers = map[string]struct {
	what     string
	min      int64
	tooSmall string
}{
	"send-buffer-size":     {"send buffer size", 512, "Send buffer size must be >= 512 bytes, or 0 for system default."},
	"receive-buffer-size":  {"receive buffer size", 512, "Receive buffer size must be >= 512 bytes, or 0 for system default."},
	"header-buffer-size":   {"header buffer size", 8192, "Header buffer size must be >= 8192 bytes, or 0 for default."},
	"response-buffer-size": {"response buffer size", 65536, "Response buffer size must be >= 65536 bytes, or 0 for default."},
}

// wsgiUmask reports whether mod_wsgi takes value as a umask: strtol in
// base 8 reads all of it, without overflow, and it is not negative.
func wsgiUmask(value string) bool {
	s := strings.TrimLeft(value, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || strings.Trim(s, "01234567") != "" {
		return false
	}
	v := uint64(0)
	for i := 0; i < len(s); i++ {
		d := uint64(s[i] - '0')
		if v > (1<<63-1-d)/8 {
			return false // ERANGE
		}
		v = v*8 + d
	}
	return !neg || v == 0
}

// daemonOther are WSGIDaemonProcess's other options, checked only for a
// value where mod_wsgi requires one.
var daemonOther = map[string]string{
	"user": "user", "group": "group", "supplementary-groups": "", "umask": "", "chroot": "", "home": "",
	"lang": "", "locale": "", "python-home": "", "python-path": "", "python-eggs": "",
	"display-name": "", "send-buffer-size": "", "receive-buffer-size": "", "header-buffer-size": "",
	"response-buffer-size": "", "socket-user": "", "script-user": "", "script-group": "",
	"cpu-priority": "", "memory-limit": "", "virtual-memory-limit": "", "server-metrics": "",
	"newrelic-config-file": "", "newrelic-environment": "",
}

// atoi is C's atoi: leading blanks, a sign, digits, and 0 for anything
// else.
func atoi(s string) int {
	s = strings.TrimLeft(s, " \t\n\r\f\v")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > 1<<31 {
			break
		}
	}
	if neg {
		return -n
	}
	return n
}

// checkWSGIDaemonProcess is mod_wsgi's wsgi_add_daemon_process.
func checkWSGIDaemonProcess(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	name, rest := apacheconf.GetwordConf(n.Args)
	if name == "" {
		c.errorf(n, codeWSGI, "", "Name of WSGI daemon process not supplied.")
		return
	}
	scriptUser, scriptGroup := false, false
	var unknown string // ap_uname2id's or ap_gname2id's exit, with FileChecks
	msg, ok := parseWSGIOptions(rest, func(opt, value string) string {
		if value != "" {
			if m := c.wsgiAccount(opt, value); m != "" {
				if strings.HasPrefix(m, "AH0054") {
					unknown = m
				}
				return m
			}
		}
		switch opt {
		case "processes":
			if value == "" || atoi(value) < 1 {
				return "Invalid process count for WSGI daemon process."
			}
		case "threads":
			if v := atoi(value); value == "" || v < 0 || v >= 0xffff-1 {
				return "Invalid thread count for WSGI daemon process."
			}
		case "umask":
			// strtol in base 8, the whole value, not negative
			if !wsgiUmask(value) {
				return "Invalid umask for WSGI daemon process."
			}
		case "home":
			if !strings.HasPrefix(value, "/") {
				return "Invalid home directory for WSGI daemon process."
			}
		case "stack-size":
			if value == "" || cAtoi(value) <= 0 {
				return "Invalid stack size for WSGI daemon process."
			}
		case "send-buffer-size", "receive-buffer-size", "header-buffer-size", "response-buffer-size":
			b := daemonBuffers[opt]
			if value == "" {
				return "Invalid " + b.what + " for WSGI daemon process."
			}
			if v := cAtoi(value); v < b.min && v != 0 {
				return b.tooSmall
			}
		case "cpu-priority":
			if value == "" {
				return "Invalid CPU priority for WSGI daemon process."
			}
		case "memory-limit", "virtual-memory-limit":
			if v, _, _ := strtol(value); value == "" || v < 0 {
				return "Invalid " + strings.ReplaceAll(opt, "-", " ") + " for WSGI daemon process."
			}
		case "server-metrics":
			if !strings.EqualFold(value, "on") && !strings.EqualFold(value, "off") {
				return "Invalid server metrics flag for WSGI daemon process."
			}
		case "user":
			if value == "" {
				return "Invalid user for WSGI daemon process."
			}
			if value == "root" || value == "#0" {
				return "WSGI process blocked from running as root."
			}
		case "group":
			if value == "" {
				return "Invalid group for WSGI daemon process."
			}
		case "script-user":
			scriptUser = true
		case "script-group":
			scriptGroup = true
		default:
			if what, ok := daemonNumeric[opt]; ok {
				if value == "" || atoi(value) < 0 {
					return "Invalid " + what + " for WSGI daemon process."
				}
				return ""
			}
			if _, ok := daemonOther[opt]; !ok {
				return "Invalid option to WSGI daemon process definition."
			}
		}
		return ""
	})
	if !ok {
		msg = "Invalid option to WSGI daemon process definition."
	}
	if msg == "" && scriptUser && scriptGroup {
		msg = "Only one of script-user and script-group allowed."
	}
	if unknown != "" && msg == unknown {
		c.errorf(n, codeValue, "Create the account on the machine httpd runs on, or name one that exists.", "%s", msg)
		return
	}
	if msg != "" {
		c.errorf(n, codeWSGI, "The options are name=value pairs with no space around '='; see mod_wsgi's WSGIDaemonProcess.", "%s", msg)
		return
	}
	if _, dup := c.wsgi.groups[name]; dup {
		c.errorf(n, codeWSGI, "Give every WSGIDaemonProcess group its own name, once in the whole configuration.", "Name duplicates previous WSGI daemon definition.")
		return
	}
	c.wsgi.groups[name] = c.server(st)
}

// wsgiAccount is, with FileChecks, wsgi_add_daemon_process's lookups of
// the accounts its options name: ap_uname2id and ap_gname2id exit httpd
// with AH00543 or AH00544 for a name the system does not know, and a #uid
// the system has no user for is refused; "" when the option names none
// or the system knows it.
func (c *checker) wsgiAccount(opt, value string) string {
	if !c.opts.FileChecks {
		return ""
	}
	switch opt {
	case "user", "socket-user", "script-user":
		if id, ok := strings.CutPrefix(value, "#"); ok {
			if _, err := user.LookupId(strconv.Itoa(atoi(id))); err != nil {
				switch opt {
				case "user":
					return "Couldn't determine user name from uid."
				case "socket-user":
					return "Couldn't determine user name from socket user."
				}
				return "Couldn't determine uid from script user."
			}
			return ""
		}
		if _, err := user.Lookup(value); err != nil {
			return "AH00543: apache2: bad user name " + value
		}
	case "group", "script-group":
		if strings.HasPrefix(value, "#") {
			return ""
		}
		if _, err := user.LookupGroup(value); err != nil {
			return "AH00544: apache2: bad group name " + value
		}
	case "supplementary-groups":
		for _, g := range strings.Split(value, ",") {
			if g == "" {
				break
			}
			if strings.HasPrefix(g, "#") {
				continue
			}
			if _, err := user.LookupGroup(g); err != nil {
				return "AH00544: apache2: bad group name " + g
			}
		}
	}
	return ""
}

// parseWSGIOptions is wsgiOptions with the option name passed along.
func parseWSGIOptions(s string, fn func(name, value string) string) (string, bool) {
	for {
		i := 0
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		s = s[i:]
		if s == "" {
			return "", true
		}
		if s[0] == '=' {
			return "", false
		}
		n := 0
		for n < len(s) && !isSpace(s[n]) && s[n] != '=' {
			n++
		}
		if n == len(s) || s[n] != '=' {
			return "", false
		}
		name := s[:n]
		var value string
		value, s = apacheconf.GetwordConf(s[n+1:])
		if msg := fn(name, value); msg != "" {
			return msg, true
		}
	}
}

// checkWSGIImportScript is mod_wsgi's wsgi_add_import_script.
func checkWSGIImportScript(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	script, rest := apacheconf.GetwordConf(n.Args)
	if script == "" {
		c.errorf(n, codeWSGI, "", "Location of import script not supplied.")
		return
	}
	var group string
	hasApp, hasGroup := false, false
	msg, ok := parseWSGIOptions(rest, func(opt, value string) string {
		switch opt {
		case "application-group":
			if value == "" {
				return "Invalid name for WSGI application group."
			}
			hasApp = true
		case "process-group":
			if value == "" {
				return "Invalid name for WSGI process group."
			}
			group, hasGroup = value, true
		default:
			return "Invalid option to WSGI import script definition."
		}
		return ""
	})
	switch {
	case !ok:
		msg = "Invalid option to WSGI import script definition."
	case msg != "":
	case !hasApp:
		msg = "Name of WSGI application group required."
	case !hasGroup:
		msg = "Name of WSGI process group required."
	}
	if msg != "" {
		c.errorf(n, codeWSGI, "WSGIImportScript takes the script, then application-group=... and process-group=...", "%s", msg)
		return
	}
	if group == "%{GLOBAL}" {
		return
	}
	c.groupReachable(n, st, group)
}

// groupReachable is mod_wsgi's check of a process group that a
// WSGIImportScript, or a WSGIScriptAlias that preloads its script, names:
// defined before, and reachable from this server.
func (c *checker) groupReachable(n *apacheconf.Node, st state, group string) {
	g, defined := c.wsgi.groups[group]
	if !defined {
		c.errorf(n, codeWSGI, "Define the group with WSGIDaemonProcess before this line, in this virtual host or globally.", "WSGI process group not yet configured.")
		return
	}
	cur := c.server(st)
	switch {
	case cur.named && g.named && cur.hostname != g.hostname && g.virtual:
		c.errorf(n, codeWSGI, "The group belongs to a virtual host with another ServerName; use it from that virtual host, or define the group globally.", "WSGI process group not accessible.")
	case !cur.named && g.named && g.virtual, cur.named && !g.named && g.virtual:
		c.errorf(n, codeWSGI, "Give both virtual hosts a ServerName before the WSGI directives, or define the group globally.", "WSGI process group not matchable.")
	}
}

// checkWSGIScriptAlias is mod_wsgi's wsgi_add_script_alias.
func checkWSGIScriptAlias(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	l, rest := apacheconf.GetwordConf(n.Args)
	usage := ""
	if d.Usage != "" {
		usage = ", " + d.Usage
	}
	if l == "" || rest == "" {
		c.errorf(n, codeArgs, "", "%s requires at least two arguments%s", d.Name, usage)
		return
	}
	a, rest := apacheconf.GetwordConf(rest)
	if a == "" {
		c.errorf(n, codeArgs, "", "%s requires at least two arguments%s", d.Name, usage)
		return
	}
	var app, group string
	hasApp, hasGroup := false, false
	msg, ok := parseWSGIOptions(rest, func(opt, value string) string {
		switch opt {
		case "application-group":
			if value == "" {
				return "Invalid name for WSGI application group."
			}
			app, hasApp = value, true
		case "process-group":
			if value == "" {
				return "Invalid name for WSGI process group."
			}
			group, hasGroup = value, true
		case "callable-object":
			if value == "" {
				return "Invalid name for WSGI callable object."
			}
		case "pass-authorization":
			if !strings.EqualFold(value, "On") && !strings.EqualFold(value, "Off") {
				return "Invalid value for authorization flag."
			}
		default:
			return "Invalid option to WSGI script alias definition."
		}
		return ""
	})
	if !ok {
		msg = "Invalid option to WSGI script alias definition."
	}
	if msg != "" {
		c.errorf(n, codeWSGI, "", "%s", msg)
		return
	}
	match := strings.HasSuffix(d.Name, "Match")
	if match {
		if m := c.regexError(l); m != "" {
			c.errorf(n, codeRegex, m, "Regular expression could not be compiled.")
			return
		}
	}
	// With both groups named, no substitutions, the script is preloaded as
	// by WSGIImportScript, and its group checked the same way.
	if app == "%{GLOBAL}" {
		app = ""
	}
	if group == "%{GLOBAL}" {
		group = ""
	}
	if hasApp && hasGroup && group != "" && !strings.Contains(group, "%{") && !strings.Contains(app, "%{") &&
		(!match || !strings.Contains(a, "$")) {
		c.groupReachable(n, st, group)
	}
}

// checkWSGIHandlerScript is mod_wsgi's wsgi_add_handler_script: a name, a
// script, then its options.
func checkWSGIHandlerScript(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	name, rest := apacheconf.GetwordConf(n.Args)
	if name == "" {
		c.errorf(n, codeWSGI, "Write WSGIHandlerScript NAME /path/to/handler.wsgi.", "Name for handler script not supplied.")
		return
	}
	script, rest := apacheconf.GetwordConf(rest)
	if script == "" {
		c.errorf(n, codeWSGI, "Write WSGIHandlerScript NAME /path/to/handler.wsgi: the name, then the script.", "Location of handler script not supplied.")
		return
	}
	msg, ok := parseWSGIOptions(rest, func(opt, value string) string {
		switch opt {
		case "process-group":
			if value == "" {
				return "Invalid name for WSGI process group."
			}
		case "application-group":
			if value == "" {
				return "Invalid name for WSGI application group."
			}
		case "pass-authorization":
			if !strings.EqualFold(value, "On") && !strings.EqualFold(value, "Off") {
				return "Invalid value for authorization flag."
			}
		default:
			return "Invalid option to WSGI handler script definition."
		}
		return ""
	})
	if !ok {
		msg = "Invalid option to WSGI handler script definition."
	}
	if msg != "" {
		c.errorf(n, codeWSGI, "The options are process-group=, application-group= and pass-authorization=.", "%s", msg)
	}
}
