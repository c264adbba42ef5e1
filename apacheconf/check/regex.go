package check

import (
	"strings"

	"github.com/dlclark/regexp2/v2"
)

// pcreOnly are constructs PCRE accepts that regexp2's .NET syntax does not
// know: possessive quantifiers, \Q...\E quoting, \K, branch reset,
// backtracking verbs, recursion and subroutine calls, Python-style names.
// A pattern using any of them is not judged: a false error is worse than a
// missed one.
var pcreOnly = []string{"++", "*+", "?+", "}+", `\Q`, `\K`, "(?|", "(*", "(?R", "(?P", "(?&", `\g`, "(?+", "(?-", "(?(", `\h`, `\H`, `\v`, `\V`, `\R`, `\N`, `\X`, `\C`, `\o`, `\x{`, "[[:"}

// regexError compiles pattern as httpd's ap_pregcomp would and returns why
// it cannot, or "" when it can or when the pattern uses PCRE syntax the
// checker does not judge. Case-insensitivity changes no verdict, so
// callers need not say. Results are cached by pattern, so a pattern
// repeated in every virtual host is compiled once.
//
// httpd compiles with PCRE2. The check uses regexp2, a pure-Go engine with
// Perl/.NET syntax: lookahead, lookbehind, lazy quantifiers, atomic groups,
// backreferences and named groups are accepted as PCRE accepts them, which
// Go's RE2-based regexp is not.
func (c *checker) regexError(pattern string) string {
	if err, ok := c.regexps[pattern]; ok {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	var err error
	if !usesPCREOnly(pattern) {
		_, err = regexp2.Compile(pattern)
	}
	c.regexps[pattern] = err
	if err == nil {
		return ""
	}
	return err.Error()
}

func usesPCREOnly(p string) bool {
	for _, s := range pcreOnly {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}
