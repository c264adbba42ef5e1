// Package lint finds what httpd accepts but is probably wrong in an Apache
// configuration: reading traps, proxy and front-end mistakes, security
// settings and httpd 2.2 leftovers. Its rules never read the configuration
// differently from httpd (package apacheconf reads it exactly as httpd
// does); they only say more about what was read.
//
// It also holds what every producer of lint findings shares: the project
// settings (.wsgidock.yaml), suppression comments, the files a directory
// stands for, and the order in which findings are reported.
package lint

import (
	"fmt"
	"sync"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// Check runs the Apache-only rules on a tree and returns their findings,
// each with its rule's default severity.
func Check(tree *apacheconf.Tree) apacheconf.Diagnostics {
	if tree == nil {
		return nil
	}
	c := &checker{tree: tree}
	c.readingTraps()
	c.walk()
	return c.diags
}

// checker collects the findings of one Check call.
type checker struct {
	tree  *apacheconf.Tree
	diags apacheconf.Diagnostics
	words []string // the words of the directive at hand, reused
}

// report adds a finding of the rule with the given code at pos.
func (c *checker) report(code string, pos apacheconf.Position, format string, args ...any) {
	r := ruleByCode[code]
	c.diags = append(c.diags, apacheconf.Diagnostic{
		Severity: r.Severity,
		Code:     code,
		Summary:  summary(format, args),
		Detail:   r.Help,
		Subject:  apacheconf.Range{Start: pos, End: pos},
	})
}

// Linter runs every producer of findings on a tree and applies the
// project's settings and the suppression comments of the files read.
type Linter struct {
	// Checks produce findings for a tree: this package's Check, httpd's
	// walk-phase checks, the planner's service rules.
	Checks []func(*apacheconf.Tree) apacheconf.Diagnostics
	// Known are the rules of every producer, by code; a code not known is
	// an error in settings and suppression comments.
	Known map[string]apacheconf.Rule
	// Disabled are the codes not to report.
	Disabled map[string]bool
}

// Lint returns the findings for a tree: the reader's warnings, its read
// error readErr if there is one, and otherwise the findings of the checks
// (httpd's walk phase, too, runs only after its read phase succeeded);
// disabled codes and suppressed findings are left out.
func (l *Linter) Lint(tree *apacheconf.Tree, readErr *apacheconf.ReadError) apacheconf.Diagnostics {
	var found []apacheconf.Diagnostics
	if readErr != nil {
		found = []apacheconf.Diagnostics{{readErr.Diagnostic}}
	} else {
		// The checks only read the tree: they run side by side, and their
		// findings are kept in the order of Checks.
		found = make([]apacheconf.Diagnostics, len(l.Checks))
		var wg sync.WaitGroup
		for i, check := range l.Checks {
			wg.Go(func() { found[i] = check(tree) })
		}
		wg.Wait()
	}
	sup := suppressions(tree, l.Known)
	n := len(sup.problems)
	if tree != nil {
		n += len(tree.Warnings)
	}
	for _, f := range found {
		n += len(f)
	}
	out := make(apacheconf.Diagnostics, 0, n)
	out = append(out, sup.problems...)
	keep := func(ds apacheconf.Diagnostics) {
		for _, d := range ds {
			if !l.Disabled[d.Code] && !sup.covers(d) {
				out = append(out, d)
			}
		}
	}
	if tree != nil {
		keep(tree.Warnings)
	}
	for _, f := range found {
		keep(f)
	}
	return out
}

// Normalize sorts findings by file, line and column and drops repeats: a
// file read by two of the linted configurations reports its findings once.
func Normalize(ds apacheconf.Diagnostics) apacheconf.Diagnostics {
	ds.Sort()
	out := ds[:0]
	// Repeats have the same position, so each finding is compared only
	// with those kept at its position.
	start := 0 // where the findings at the current position start in out
	for _, d := range ds {
		if len(out) > start && out[start].Subject.Start != d.Subject.Start {
			start = len(out)
		}
		repeat := false
		for _, k := range out[start:] {
			if k.Code == d.Code && k.Summary == d.Summary {
				repeat = true
				break
			}
		}
		if !repeat {
			out = append(out, d)
		}
	}
	return out
}

// FailOn is the least severity that makes a lint run fail.
type FailOn string

// The --fail-on values.
const (
	FailOnError   FailOn = "error"
	FailOnWarning FailOn = "warning"
	FailOnNever   FailOn = "never"
)

// Fails reports whether any finding reaches the threshold.
func (f FailOn) Fails(ds apacheconf.Diagnostics) bool {
	for _, d := range ds {
		switch f {
		case FailOnError:
			if d.Severity >= apacheconf.SeverityError {
				return true
			}
		case FailOnWarning:
			if d.Severity >= apacheconf.SeverityWarning {
				return true
			}
		}
	}
	return false
}

// summary formats a finding's message; a message without arguments is
// used as it is.
func summary(format string, args []any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}
