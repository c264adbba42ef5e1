package apacheconf

// Rule describes one kind of Diagnostic: what its Code means, how severe it
// is unless configured otherwise, and what to do about it. Every package
// that produces diagnostics for `wsgidock lint` (httpd's walk-phase checks,
// the Apache-only lint rules, the planner's service rules) lists its rules
// as values of this type, so that the linter can enable, disable and
// document them, and report formats such as SARIF can describe them.
type Rule struct {
	// Code is the Diagnostic.Code the rule produces.
	Code string
	// Severity is the rule's default severity.
	Severity Severity
	// Summary is one line: what the rule finds.
	Summary string
	// Help says what to do about a finding, in a sentence or two.
	Help string
}
