package check

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf/expr"
)

// exprError parses an ap_expr as httpd's ap_expr_parse_cmd does and
// returns its message, or "" when it parses. stringResult is
// AP_EXPR_FLAG_STRING_RESULT.
func (c *checker) exprError(s string, stringResult bool) string {
	if e := expr.Parse(s, expr.Options{StringResult: stringResult, Lookup: c.exprLookup}); e != nil {
		return e.Message
	}
	return ""
}

// exprLookup answers for the names the loaded modules add to ap_expr
// through the expr_lookup hook: mod_ssl's SSL_* variables, SSL() and
// PeerExtList(), mod_proxy_hcheck's HC_* variables and HC().
func (c *checker) exprLookup(k expr.Kind, name string) bool {
	if c.hasModule("ssl_module") {
		switch {
		case k == expr.Variable && strings.HasPrefix(name, "SSL_"),
			k == expr.Function && name == "SSL",
			k == expr.ListFunction && name == "PeerExtList":
			return true
		}
	}
	if c.hasModule("proxy_hcheck_module") {
		switch {
		case k == expr.Variable && len(name) >= 3 && strings.EqualFold(name[:3], "HC_"),
			k == expr.Function && strings.EqualFold(name, "HC"):
			return true
		}
	}
	return false
}
