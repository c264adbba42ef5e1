package check

import "github.com/wsgidock/wsgidock/apacheconf/internal/pcre"

// regexError compiles pattern as httpd's ap_pregcomp would (see package
// pcre for the engine and what it does not judge) and returns why it
// cannot, or "". Case-insensitivity changes no verdict, so callers need
// not say. Results are cached by pattern, so a pattern repeated in every
// virtual host is compiled once.
func (c *checker) regexError(pattern string) string {
	err, ok := c.regexps[pattern]
	if !ok {
		err = pcre.Compile(pattern)
		c.regexps[pattern] = err
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
