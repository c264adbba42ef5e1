package launch

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// Codes of the errors the launcher returns; stable, for callers and tests.
const (
	CodeInvalidSpec       = "launch-spec"        // the spec cannot be run as it is
	CodeNoEngine          = "engine-missing"     // the engine program is not installed
	CodeEngineUnreachable = "engine-unreachable" // the engine does not answer
	CodeImageMissing      = "image-missing"      // not present locally and not pullable
	CodePortInUse         = "port-in-use"        // a host port is taken
	CodeNameTaken         = "name-taken"         // a container not ours has the name
	CodeBusy              = "project-busy"       // another wsgidock runs the project
	CodeRunRefused        = "run-refused"        // the engine refused the run (exit 125)
	CodeNotRunnable       = "not-runnable"       // the command cannot be run (126, 127)
	CodeCrashLoop         = "crash-loop"         // restarts given up (RestartPolicy.MaxRestarts)
	CodeNotReady          = "not-ready"          // readiness not reached in time
	CodeStop              = "stop"               // a container or process could not be stopped or removed
	CodeNotRunning        = "not-running"        // a reload of a project that does not run
)

// Error is one thing that keeps a service from running, tied to the place
// in the user's configuration that causes it.
type Error struct {
	Code    string
	Service string
	// Summary says what is wrong; Detail says what to do.
	Summary string
	Detail  string
	// Pos is the line to fix: the launcher script line, the ProxyPass,
	// the directive.
	Pos apacheconf.Position
	// Related are further places involved (the published port's line
	// when Pos is the ProxyPass that needs it).
	Related []apacheconf.Position
	// Log holds the service's last output lines, when they explain it.
	Log []string
	Err error
}

// Error renders FILE:LINE: service NAME: summary; detail, followed by the
// last log lines, indented.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() || e.Pos.Filename != "" {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	}
	if e.Service != "" {
		b.WriteString("service ")
		b.WriteString(e.Service)
		b.WriteString(": ")
	}
	b.WriteString(e.Summary)
	if e.Detail != "" {
		b.WriteString("; ")
		b.WriteString(e.Detail)
	}
	if len(e.Log) > 0 {
		b.WriteString("\n    last output:")
		for _, l := range e.Log {
			b.WriteString("\n    | ")
			b.WriteString(l)
		}
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Diagnostic renders the error as a diagnostic for the shared renderers.
func (e *Error) Diagnostic() apacheconf.Diagnostic {
	summary := e.Summary
	if e.Service != "" {
		summary = "service " + e.Service + ": " + summary
	}
	return apacheconf.Diagnostic{
		Severity: apacheconf.SeverityError,
		Code:     e.Code,
		Summary:  summary,
		Detail:   e.Detail,
		Subject:  apacheconf.Range{Start: e.Pos, End: e.Pos},
	}
}

// Errors is every problem found at once, so the user can fix them all
// before the next try.
type Errors []*Error

// Error joins the errors, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// Diagnostics renders every error as a diagnostic.
func (es Errors) Diagnostics() apacheconf.Diagnostics {
	ds := make(apacheconf.Diagnostics, len(es))
	for i, e := range es {
		ds[i] = e.Diagnostic()
	}
	return ds
}

// err returns es as an error, or nil when it is empty.
func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
