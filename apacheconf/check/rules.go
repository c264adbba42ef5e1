package check

import "github.com/wsgidock/wsgidock/apacheconf"

// The codes of Check's diagnostics. Every one is an error: `httpd -t`
// fails on it.
const (
	codeUnknown = "httpd-unknown-directive"
	codeContext = "httpd-context"
	codeArgs    = "httpd-args"
	codeValue   = "httpd-value"
	codeExpr    = "httpd-expr"
	codeRegex   = "httpd-regex"
	codeWSGI    = "httpd-wsgi"
)

// Rules lists every code Check produces.
func Rules() []apacheconf.Rule {
	return []apacheconf.Rule{
		{Code: codeUnknown, Severity: apacheconf.SeverityError,
			Summary: "httpd does not know the directive: misspelled, or its module is not loaded",
			Help:    "Fix the spelling, or load the module that defines the directive (the finding names it); for Order, Allow and Deny, use Require."},
		{Code: codeContext, Severity: apacheconf.SeverityError,
			Summary: "the directive or section is not allowed where it stands",
			Help:    "Move it to a place its module allows: the finding says where (server config, <VirtualHost>, <Directory> ...)."},
		{Code: codeArgs, Severity: apacheconf.SeverityError,
			Summary: "wrong number or form of arguments",
			Help:    "Give the arguments the directive takes, as its usage text says; quote an argument that contains spaces, and check what ${VAR} and macro arguments expand to (an error in a macro's lines is reported on its Use line)."},
		{Code: codeValue, Severity: apacheconf.SeverityError,
			Summary: "a value the directive's handler refuses",
			Help:    "Use one of the values the directive accepts; the message is httpd's own."},
		{Code: codeExpr, Severity: apacheconf.SeverityError,
			Summary: "an ap_expr expression httpd cannot parse (<If>, <ElseIf>, Require expr, SetEnvIfExpr, Header expr=, RewriteCond expr)",
			Help:    "Fix the expression: quote strings ('example.com'), use =~ with /regex/ or m#regex#, name only variables and functions httpd has, and close every parenthesis."},
		{Code: codeRegex, Severity: apacheconf.SeverityError,
			Summary: "a regular expression PCRE cannot compile",
			Help:    "Fix the pattern; httpd's regular expressions are PCRE, so lookahead such as (?!...) is fine, but unbalanced parentheses and brackets are not."},
		{Code: codeWSGI, Severity: apacheconf.SeverityError,
			Summary: "mod_wsgi refuses the directive: an unknown or invalid option, or a process group not defined or not accessible",
			Help:    "Define a WSGIDaemonProcess group before naming it, in the same virtual host or globally, once; use the option names mod_wsgi documents."},
	}
}
