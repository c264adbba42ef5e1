package lint

import "github.com/wsgidock/wsgidock/apacheconf"

// Codes of the Apache-only rules.
const (
	// Reading traps.
	CodeTrailingComment     = "trailing-comment"
	CodeCommentContinuation = "comment-continuation"
	CodeBackslashSpace      = "backslash-space"
	CodeNonASCIISpace       = "non-ascii-space"
	CodeConditionalNesting  = "conditional-nesting"
	CodeProxyShadowed       = "proxy-shadowed"
	CodeProxyExclusionOrder = "proxy-exclusion-order"
	CodeProxySlash          = "proxy-trailing-slash"
	CodeProxyNoReverse      = "proxy-no-reverse"
	CodeOpenProxy           = "open-proxy"
	CodeForwardedPort       = "forwarded-port"
	CodeForwardedProto      = "forwarded-proto"
	CodeStatusUnprotected   = "status-unprotected"
	CodeIndexes             = "directory-indexes"
	CodeTraceEnable         = "trace-enable"
	CodeServerTokens        = "server-tokens-full"
	CodeWeakTLS             = "weak-tls-protocol"
	CodeProtocolOverride    = "ssl-protocol-override"
	CodeAccessMixed         = "access-mixed"
	CodeDeprecated          = "deprecated-directive"
	CodeDuplicateListen     = "duplicate-listen"
	codeUndefinedVar        = "AH00111"
	codeReadError           = "read"
	codeUnclosedConditional = "unclosed-conditional"
	codeDuplicateLoadModule = "AH01574"
	codeIncludeNothing      = "AH00554"
	codeMacroRedefined      = "AH02802"
	codeMacroEmpty          = "AH02799"
	codeMacroArgumentUnused = "AH02800"
	codeMacroArgumentEmpty  = "AH02798"
)

var rules = []apacheconf.Rule{
	rule(CodeTrailingComment, apacheconf.SeverityWarning,
		"text after the arguments looks like a comment, but httpd reads it as more arguments",
		"Move the comment to a line of its own: httpd has no trailing comments."),
	rule(CodeCommentContinuation, apacheconf.SeverityWarning,
		"a comment line ends in a backslash, so httpd treats the next line as part of the comment",
		"Remove the backslash at the end of the comment, or the next line is never read."),
	rule(CodeBackslashSpace, apacheconf.SeverityWarning,
		"a backslash is followed by spaces at the end of a line, so the line is not continued",
		"Remove the spaces after the backslash to continue the line, or remove the backslash."),
	rule(CodeNonASCIISpace, apacheconf.SeverityWarning,
		"a line contains non-ASCII whitespace (such as a no-break space), which httpd reads as part of a word",
		"Replace it with an ordinary space; it usually comes from copying from a web page."),
	rule(CodeConditionalNesting, apacheconf.SeverityWarning,
		"the sections inside a false conditional would not nest if the condition held",
		"Fix the sections now: httpd skips them today, and fails to start once the module is loaded or the name defined."),
	rule(CodeProxyShadowed, apacheconf.SeverityWarning,
		"a ProxyPass is never used: an earlier ProxyPass with a more general path matches first",
		"Put the more specific ProxyPass first: httpd uses the first one that matches."),
	rule(CodeProxyExclusionOrder, apacheconf.SeverityWarning,
		"a ProxyPass exclusion (!) comes after the ProxyPass it should exempt a path from",
		"Put the ProxyPass PATH ! line before the more general ProxyPass."),
	rule(CodeProxySlash, apacheconf.SeverityWarning,
		"a ProxyPass path and its URL disagree about the trailing slash",
		"End both the path and the URL with a slash, or neither, or requests get paths such as //x or /appx."),
	rule(CodeProxyNoReverse, apacheconf.SeverityWarning,
		"a ProxyPass has no matching ProxyPassReverse",
		"Add ProxyPassReverse with the same path and URL, so that the backend's redirects point at the front end."),
	rule(CodeOpenProxy, apacheconf.SeverityWarning,
		"ProxyRequests On makes httpd a forward proxy for anybody who can reach it",
		"Use ProxyRequests Off for a reverse proxy (ProxyPass does not need it), or restrict <Proxy *> with Require."),
	rule(CodeForwardedPort, apacheconf.SeverityWarning,
		"the X-Forwarded-Port the virtual host sends is not the port it listens on",
		"Send the virtual host's own port, or the backend builds wrong redirect URLs; if a front end forwards another port to this server, Listen at 127.0.0.1 (or that front end's address) and the header is its port."),
	rule(CodeForwardedProto, apacheconf.SeverityWarning,
		"a TLS virtual host proxies without setting X-Forwarded-Proto",
		"Add RequestHeader set X-Forwarded-Proto https, so that the backend knows requests came over TLS."),
	rule(CodeStatusUnprotected, apacheconf.SeverityWarning,
		"server-status or server-info is served without a Require",
		"Add Require local, or Require ip/host for the machines that may see it."),
	rule(CodeIndexes, apacheconf.SeverityWarning,
		"Options Indexes lists the files of directories without an index page",
		"Remove Indexes (Options -Indexes) unless the listing is meant to be public."),
	rule(CodeTraceEnable, apacheconf.SeverityWarning,
		"TraceEnable On answers TRACE requests, which echo headers such as cookies back",
		"Use TraceEnable Off."),
	rule(CodeServerTokens, apacheconf.SeverityWarning,
		"ServerTokens Full tells every client the server's version and its modules",
		"Use ServerTokens Prod."),
	rule(CodeWeakTLS, apacheconf.SeverityWarning,
		"SSLProtocol allows TLS 1.0 or 1.1 and SSLCipherSuite's @SECLEVEL=0 lets OpenSSL negotiate them",
		"Remove @SECLEVEL=0 from SSLCipherSuite (OpenSSL 3's default level refuses TLS 1.0 and 1.1), and write SSLProtocol -all +TLSv1.2 +TLSv1.3."),
	rule(CodeProtocolOverride, apacheconf.SeverityWarning,
		"an SSLProtocol word without + or - replaces the protocols listed before it (httpd only warns, AH02532)",
		"Put + before each protocol to add: SSLProtocol -all +TLSv1.2 +TLSv1.3."),
	rule(CodeAccessMixed, apacheconf.SeverityWarning,
		"httpd 2.2's Order/Allow/Deny is mixed with Require in one section",
		"Use only Require (mod_authz_host); mixed, the two interact in ways that are hard to predict."),
	rule(CodeDeprecated, apacheconf.SeverityWarning,
		"a directive httpd 2.4 deprecates or ignores",
		"Remove it, or replace it as the message says."),
	rule(CodeDuplicateListen, apacheconf.SeverityWarning,
		"two Listen directives name the same port",
		"Keep one Listen per address and port: the second one fails to bind when httpd starts."),
}

// readRules describe the diagnostics of the reader (package apacheconf),
// which lint reports as they are.
var readRules = []apacheconf.Rule{
	rule(codeReadError, apacheconf.SeverityError,
		"httpd stops reading the configuration here (the error of httpd -t's read phase)",
		"Fix the line as the message says; httpd does not start with it."),
	rule(codeUndefinedVar, apacheconf.SeverityWarning,
		"a ${VAR} is not defined, so httpd keeps it as written",
		"Define it (Define, -D, or the envvars file, with --envvars), or remove it."),
	rule(codeUnclosedConditional, apacheconf.SeverityWarning,
		"a conditional section is not closed before the end of its file",
		"Close the section in the same file."),
	rule(codeDuplicateLoadModule, apacheconf.SeverityWarning,
		"a module is loaded twice",
		"Remove the second LoadModule line."),
	rule(codeIncludeNothing, apacheconf.SeverityError,
		"an Include pattern matches no file",
		"Fix the path, or use IncludeOptional."),
	rule(codeMacroRedefined, apacheconf.SeverityWarning,
		"a macro is defined twice",
		"Rename one of the macros, or remove the first one."),
	rule(codeMacroEmpty, apacheconf.SeverityWarning,
		"a macro has no content",
		"Give the macro content, or remove it."),
	rule(codeMacroArgumentUnused, apacheconf.SeverityWarning,
		"a macro argument is never used in its content",
		"Use the argument, or remove it."),
	rule(codeMacroArgumentEmpty, apacheconf.SeverityWarning,
		"a Use gives a macro an empty argument",
		"Give every argument a value."),
	rule(CodeBadSuppression, apacheconf.SeverityError,
		"a suppression comment names an unknown rule code",
		"Use a code listed in docs/rules.md."),
}

var ruleByCode = func() map[string]apacheconf.Rule {
	m := map[string]apacheconf.Rule{}
	for _, r := range rules {
		m[r.Code] = r
	}
	return m
}()

// Rules lists the Apache-only rules of this package, in the order of
// docs/rules.md.
func Rules() []apacheconf.Rule { return append([]apacheconf.Rule(nil), rules...) }

// ReadRules lists the diagnostics of the reader and of suppression
// comments, which lint reports as they come.
func ReadRules() []apacheconf.Rule { return append([]apacheconf.Rule(nil), readRules...) }

func rule(code string, severity apacheconf.Severity, summary, help string) apacheconf.Rule {
	return apacheconf.Rule{Code: code, Severity: severity, Summary: summary, Help: help}
}
