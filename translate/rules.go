package translate

import (
	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/importscript"
)

// Codes of the service rules that only lint reports (Lint); the planner's
// own codes are in plan.go.
const (
	CodePortConflict    = "port-conflict"                // two services publish one host port
	CodeServiceThreads  = "service-threads"              // a service group without threads=0
	CodeUndefinedGroup  = "undefined-process-group"      // WSGIProcessGroup names no WSGIDaemonProcess
	CodeTrustedHeaders  = "trusted-proxy-headers"        // WSGITrustedProxyHeaders without WSGITrustedProxies
	CodePublishedAround = "published-on-every-interface" // a proxied port reachable around the front end
)

// rules are the service rules, as lint reports them: the severity here is
// lint's, whatever severity migrate gives the planner's diagnostic. The
// planner's CodeDaemon and CodeImport errors are not among them: they
// repeat httpd's own verdicts on those lines, which lint reports from its
// walk-phase checks (package apacheconf/check).
var rules = []apacheconf.Rule{
	{Code: CodeScript, Severity: apacheconf.SeverityWarning,
		Summary: "a launcher script (WSGIImportScript) that cannot be read, or that wsgidock cannot follow without running it",
		Help:    "Make the file readable (give -d so that relative paths resolve as on the server); where the message says wsgidock cannot follow the script, rewrite that part over known values, or lint with --evaluate-launchers."},
	{Code: CodeEvaluated, Severity: apacheconf.SeverityWarning,
		Summary: "a launcher was run in the sandbox (--evaluate-launchers) to find its program: what it read at run time may differ next time",
		Help:    "Check the service it found; better, write the launcher over values known before it runs (constants, os.environ with defaults), so that it reads without running."},
	{Code: importscript.CodeMainGuard, Severity: apacheconf.SeverityWarning,
		Summary: "a launcher's code is inside if __name__ == '__main__':, which is never true under mod_wsgi",
		Help:    "Take the code out of the if block: mod_wsgi imports the script under another name, so the block never runs."},
	{Code: CodeApp, Severity: apacheconf.SeverityWarning,
		Summary: "a WSGI application in a daemon group that wsgidock cannot move into a container as written",
		Help:    "Follow the message: a WSGIScriptAlias per mount point, a group reachable from the virtual host that serves the application, an application directory of its own, access control the front end cannot carry from a <Directory> or <Files> (under <If>, a <FilesMatch> pattern it cannot write over URLs) written in a <Location> by hand; migrate reports the same."},
	{Code: CodePortConflict, Severity: apacheconf.SeverityWarning,
		Summary: "two services publish the same host port",
		Help:    "Give each service its own host port: only one can bind it, the other fails to start."},
	{Code: CodeServiceThreads, Severity: apacheconf.SeverityWarning,
		Summary: "a daemon group that only runs an import script is not in service-script mode (threads=0)",
		Help:    "Add threads=0 to the WSGIDaemonProcess, so that mod_wsgi restarts the process when the script or its program exits."},
	{Code: CodeUndefinedGroup, Severity: apacheconf.SeverityWarning,
		Summary: "WSGIProcessGroup names a daemon group no WSGIDaemonProcess defines",
		Help:    "Define the group with WSGIDaemonProcess, or fix the name: httpd starts, but every request to the application fails."},
	{Code: CodeTrustedHeaders, Severity: apacheconf.SeverityWarning,
		Summary: "WSGITrustedProxyHeaders without WSGITrustedProxies trusts those headers from any client",
		Help:    "Add WSGITrustedProxies with the front end's address, or anybody can spoof the client's address and scheme."},
	{Code: CodePublishedAround, Severity: apacheconf.SeverityWarning,
		Summary: "a service the front end proxies to publishes its port on every interface",
		Help:    "Publish it on 127.0.0.1 (-p 127.0.0.1:PORT:PORT), so that clients cannot go around the front end."},
}

// Rules lists the service rules lint reports for a configuration.
func Rules() []apacheconf.Rule { return append([]apacheconf.Rule(nil), rules...) }
