package check

import (
	"errors"
	"strconv"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// coreHandlers are the value checks of core and mod_alias beyond the
// first ones; values.go merges them into handlers.
var coreHandlers = map[string]handler{
	"Redirect":          checkRedirect,
	"RedirectMatch":     checkRedirect,
	"RedirectTemp":      checkRedirect,
	"RedirectPermanent": checkRedirect,
	"LogLevel":          checkLogLevel,
	"TraceEnable":       enum("TraceEnable must be one of 'on', 'off', or 'extended'", "on", "off", "extended"),
	"UseCanonicalName":  enum("parameter must be 'on', 'off', or 'dns'", "on", "off", "dns"),
	"ErrorDocument":     checkErrorDocument,
	"LimitRequestBody":  checkLimitRequestBody,
}

// isURL is ap_is_url: a scheme of letters, digits, '+', '-' and '.'
// before a ':'.
func isURL(u string) bool {
	i := strings.IndexByte(u, ':')
	if i <= 0 {
		return false
	}
	for _, c := range []byte(u[:i]) {
		if !(isAlnum(c) || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// checkRedirect is mod_alias's add_redirect_internal.
func checkRedirect(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	regex := d.Name == "RedirectMatch"
	var arg1, arg2, arg3 string
	has2, has3 := len(w) > 1, len(w) > 2
	arg1 = w[0]
	if has2 {
		arg2 = w[1]
	}
	if has3 {
		arg3 = w[2]
	}
	status := 302
	switch d.Name {
	case "RedirectPermanent":
		status = 301
	}
	grok := 1
	switch {
	case strings.EqualFold(arg1, "permanent"):
		status = 301
	case strings.EqualFold(arg1, "temp"):
		status = 302
	case strings.EqualFold(arg1, "seeother"):
		status = 303
	case strings.EqualFold(arg1, "gone"):
		status, grok = 410, -1
	case arg1 != "" && arg1[0] >= '0' && arg1[0] <= '9':
		status = atoi(arg1)
		if status < 300 || status >= 400 {
			grok = -1
		}
	default:
		grok = 0
	}
	if has3 && grok == 0 {
		c.errorf(n, codeValue, "The first of three arguments is the status: permanent, temp, seeother, gone or a number.", "Redirect: invalid first argument (of three)")
		return
	}
	fake, url, hasURL := arg2, arg3, has3
	if st.path {
		if (grok > 0 && has2 && !has3) || (grok == 0 && !has2) {
			u := arg1
			if grok != 0 {
				u = arg2
			}
			if msg := c.exprError(u, true); msg != "" {
				c.errorf(n, codeExpr, "", "Cannot parse redirect expression '%s': %s", u, msg)
			}
			return
		}
		if grok < 0 && !has2 {
			return
		}
	}
	if !has3 && grok == 0 {
		fake, url, hasURL = arg1, arg2, has2
	}
	if regex {
		if msg := c.regexError(fake); msg != "" {
			c.errorf(n, codeRegex, msg, "Regular expression could not be compiled.")
			return
		}
	}
	if status >= 300 && status < 400 {
		switch {
		case !hasURL:
			c.errorf(n, codeArgs, "", "URL to redirect to is missing")
		case !regex && !isURL(url) && !strings.HasPrefix(url, "/"):
			c.errorf(n, codeValue, "Redirect to an absolute URL (https://example.com/) or a path starting with /.", "Redirect to non-URL")
		}
	} else if hasURL {
		c.errorf(n, codeValue, "", "Redirect URL not valid for this status")
	}
}

// logLevels are ap_parse_log_level's keywords.
var logLevels = map[string]bool{"emerg": true, "alert": true, "crit": true, "error": true, "warn": true, "notice": true,
	"info": true, "debug": true, "trace1": true, "trace2": true, "trace3": true, "trace4": true, "trace5": true,
	"trace6": true, "trace7": true, "trace8": true}

const logLevelMsg = "Log level keyword must be one of emerg/alert/crit/error/warn/notice/info/debug/trace1/.../trace8"

// checkLogLevel is core's set_loglevel, for each word.
func checkLogLevel(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		i := strings.LastIndexByte(w, ':')
		if i < 0 {
			if !logLevels[strings.ToLower(w)] {
				c.errorf(n, codeValue, "", "%s", logLevelMsg)
				return
			}
			continue
		}
		mod, level := w[:i], w[i+1:]
		if level == "" {
			c.errorf(n, codeValue, "", "Module specifier '%s' must be followed by a log level keyword", mod)
			return
		}
		if !logLevels[strings.ToLower(level)] {
			c.errorf(n, codeValue, "", "%s:%s: %s", mod, level, logLevelMsg)
			return
		}
		if !c.moduleNamed(mod) && !c.moduleNamed(mod+"_module") {
			c.errorf(n, codeValue, "Name a loaded module: rewrite, proxy_module or mod_proxy.c.", "Cannot find module %s", mod)
			return
		}
	}
}

// moduleNamed is core's find_module: a loaded module by source name
// ("mod_rewrite.c") or symbol ("rewrite_module").
func (c *checker) moduleNamed(name string) bool {
	if c.sources[name] {
		return true
	}
	return c.hasModule(name)
}

// statusCodes are the codes httpd's status_lines know (and 103 and 418,
// which newer httpd may): ErrorDocument refuses others.
var statusCodes = map[int]bool{}

func init() {
	for _, s := range strings.Fields("100 101 102 103 200 201 202 203 204 205 206 207 208 226 300 301 302 303 304 305 307 308 " +
		"400 401 402 403 404 405 406 407 408 409 410 411 412 413 414 415 416 417 418 421 422 423 424 425 426 428 429 431 451 " +
		"500 501 502 503 504 505 506 507 508 510 511") {
		v, _ := strconv.Atoi(s)
		statusCodes[v] = true
	}
}

// checkErrorDocument is core's set_error_document: a status code httpd
// knows.
func checkErrorDocument(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	code, _ := apacheconf.GetwordConf(n.Args)
	if v := atoi(code); v != 500 && !statusCodes[v] {
		c.errorf(n, codeValue, "Give a status code httpd knows, such as 404 or 503.", "Unsupported HTTP response code %s", code)
	}
}

// checkLimitRequestBody is core's set_limit_req_body.
func checkLimitRequestBody(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	// apr_strtoff fails only when the number overflows; trailing text
	// leaves a value and the rest.
	v, err := strconv.ParseInt(w, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		c.errorf(n, codeValue, "", "LimitRequestBody argument is not parsable.")
	case err != nil || v < 0:
		c.errorf(n, codeValue, "", "LimitRequestBody requires a non-negative integer.")
	}
}
