package translate

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/importscript"
)

// wsgiOption is one name=value option of a mod_wsgi directive.
type wsgiOption struct {
	Name, Value string
}

// parseWSGIOptions reads mod_wsgi's option lists (wsgi_parse_option): each
// option is a name, '=' with no space before it, and a value read as
// ap_getword_conf reads a word, so it may be quoted. Options are simple
// enough that a grammar would only restate ap_getword_conf, which the
// reader already implements exactly.
func parseWSGIOptions(s string) ([]wsgiOption, bool) {
	var opts []wsgiOption
	if n := strings.Count(s, "="); n > 0 {
		opts = make([]wsgiOption, 0, n) // at least one '=' per option
	}
	for {
		i := 0
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		s = s[i:]
		if s == "" {
			return opts, true
		}
		if s[0] == '=' {
			return opts, false
		}
		n := 0
		for n < len(s) && !isSpace(s[n]) && s[n] != '=' {
			n++
		}
		if n == len(s) || s[n] != '=' {
			return opts, false
		}
		name := s[:n]
		var value string
		value, s = apacheconf.GetwordConf(s[n+1:])
		opts = append(opts, wsgiOption{Name: name, Value: value})
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// daemonOptions are the option names WSGIDaemonProcess accepts (mod_wsgi
// 4.x to 6.x): any other is a configuration error for httpd.
var daemonOptions = map[string]bool{
	"user": true, "group": true, "supplementary-groups": true, "processes": true, "threads": true,
	"umask": true, "home": true, "chroot": true, "lang": true, "locale": true, "python-home": true,
	"python-path": true, "python-eggs": true, "restart-interval": true, "maximum-requests": true,
	"shutdown-timeout": true, "startup-timeout": true, "deadlock-timeout": true, "inactivity-timeout": true,
	"request-timeout": true, "graceful-timeout": true, "eviction-timeout": true, "connect-timeout": true,
	"socket-timeout": true, "queue-timeout": true, "listen-backlog": true, "socket-user": true,
	"send-buffer-size": true, "receive-buffer-size": true, "header-buffer-size": true,
	"response-buffer-size": true, "response-socket-timeout": true, "server-metrics": true,
	"stack-size": true, "memory-limit": true, "virtual-memory-limit": true, "cpu-time-limit": true,
	"cpu-priority": true, "display-name": true, "script-user": true, "script-group": true,
	"newrelic-config-file": true, "newrelic-environment": true, "interrupt-timeout": true,
	"switch-interval": true, "response-flush-delay": true,
}

// daemon is one WSGIDaemonProcess.
type daemon struct {
	name  string
	opts  []wsgiOption
	node  *apacheconf.Node
	vhost *vhost // nil when defined at server level
}

func (d *daemon) option(name string) (string, bool) {
	for _, o := range d.opts {
		if o.Name == name {
			return o.Value, true
		}
	}
	return "", false
}

// importScript is one WSGIImportScript.
type importScript struct {
	path, group, appGroup string
	node                  *apacheconf.Node
	vhost                 *vhost

	// What readLaunchers found: the script's path below ServerRoot, its
	// text or why it could not be read, and what importscript made of it.
	script  string
	src     []byte
	readErr error
	launch  *importscript.Launch
	diags   apacheconf.Diagnostics
}

// vhost is a <VirtualHost> with what the front end sets in it.
type vhost struct {
	node       *apacheconf.Node
	serverName string
	// The last RequestHeader set X-Forwarded-Port and X-Forwarded-Proto.
	forwardedPort, forwardedProto string
	routes                        scopeRoutes // its ProxyPass lines
}

// setHeader records a RequestHeader set NAME VALUE of the virtual host;
// only the forwarded port and scheme are read.
func (v *vhost) setHeader(name, value string) {
	switch {
	case isLower(name, "x-forwarded-port"):
		v.forwardedPort = value
	case isLower(name, "x-forwarded-proto"):
		v.forwardedProto = value
	}
}

// isLower reports whether strings.ToLower(s) is lower, an ASCII name with
// no 'k' (the Kelvin sign lowers to it): then only an ASCII s of the same
// length can be, and nothing needs to be allocated.
func isLower(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// serverNameOf is the ServerName of a scope, for mod_wsgi's rule that a
// daemon defined in a virtual host serves only hosts of the same name.
func serverNameOf(v *vhost, global string) string {
	if v == nil || v.serverName == "" {
		return global
	}
	return v.serverName
}

func lowerASCII(s string) string { return strings.ToLower(s) }
