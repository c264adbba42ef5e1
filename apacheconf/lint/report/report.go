// Package report writes lint findings in the formats CI systems read:
// text for people, json (documented in docs/formats.md), SARIF 2.1.0 for
// code scanning, GitHub Actions workflow commands, checkstyle XML and
// GitLab Code Quality JSON.
package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// Formats are the names Write accepts, in the order of the --format help.
var Formats = []string{"text", "json", "sarif", "github", "checkstyle", "gitlab"}

// RulesURL is where each rule's documentation lives; a rule's page is
// RulesURL + "#" + its code.
const RulesURL = "https://github.com/wsgidock/wsgidock/blob/main/docs/rules.md"

// Options are what the formats need besides the findings.
type Options struct {
	// Rules describe every code a finding may have (for SARIF's rules and
	// the help text).
	Rules []apacheconf.Rule
	// Source returns a file's text, for the source line in text output
	// and for fingerprints.
	Source apacheconf.SourceFunc
	// Color marks up text output for a terminal.
	Color bool
	// BaseDir is the directory paths are made relative to in the formats
	// that want repository-relative paths (sarif, github, checkstyle,
	// gitlab): usually the working directory.
	BaseDir string
	// Version is wsgidock's version, for SARIF's tool.
	Version string
}

// Write renders findings (sorted as they should appear) in format.
func Write(w io.Writer, format string, ds apacheconf.Diagnostics, opts Options) error {
	switch format {
	case "text":
		return apacheconf.WriteTextStyled(w, ds, opts.Source, apacheconf.TextStyle{Codes: true, Color: opts.Color})
	case "json":
		return writeJSON(w, ds)
	case "sarif":
		return writeSARIF(w, ds, opts)
	case "github":
		return writeGitHub(w, ds, opts)
	case "checkstyle":
		return writeCheckstyle(w, ds, opts)
	case "gitlab":
		return writeGitLab(w, ds, opts)
	}
	return fmt.Errorf("unknown format %q (known: %s)", format, strings.Join(Formats, ", "))
}

// relPath is a finding's file relative to base, with forward slashes, when
// it lies below base; else the name as given.
func relPath(name, base string) string {
	if base == "" || name == "" {
		return filepath.ToSlash(name)
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return filepath.ToSlash(name)
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(name)
	}
	return filepath.ToSlash(rel)
}

// endLine is the last line of a finding's subject.
func endLine(d apacheconf.Diagnostic) int {
	if d.Subject.End.Line > d.Subject.Start.Line {
		return d.Subject.End.Line
	}
	return d.Subject.Start.Line
}

// message is the finding's summary and, when it has one, its detail.
func message(d apacheconf.Diagnostic) string {
	if d.Detail == "" {
		return d.Summary
	}
	return d.Summary + ". " + d.Detail
}
