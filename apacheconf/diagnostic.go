package apacheconf

import (
	"sort"
	"strings"
)

// Severity says how bad a Diagnostic is.
type Severity int

// Severities, from least to most severe.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityError
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	default:
		return "error"
	}
}

// MarshalText renders the severity as its lower-case name in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one finding about the user's input: a read error, a warning
// httpd would print, or a translation note. It is a value, so callers can
// sort, filter and render diagnostics as they need.
type Diagnostic struct {
	Severity Severity
	// Code is a stable identifier: httpd's AH number where httpd has one
	// (AH00111), otherwise a wsgidock code.
	Code string
	// Summary is one line: what is wrong, in httpd's words where httpd has
	// words for it.
	Summary string
	// Detail says what to do about it; it may be empty.
	Detail string
	// Subject is the part of the source the diagnostic is about.
	Subject Range
}

// Pos is the start of the diagnostic's subject.
func (d Diagnostic) Pos() Position { return d.Subject.Start }

// Error renders the diagnostic as FILE:LINE:COL: severity: summary, the form
// compilers use, so that editors and CI problem matchers understand it.
func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Subject.Start.String())
	b.WriteString(": ")
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	b.WriteString(d.Summary)
	return b.String()
}

// Diagnostics is a list of findings.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Err returns the first error as a Go error, or nil when there is none.
func (ds Diagnostics) Err() error {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return d
		}
	}
	return nil
}

// Sort orders the diagnostics by file, line and column, keeping the
// original order of diagnostics at the same place.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Subject.Start, ds[j].Subject.Start
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
