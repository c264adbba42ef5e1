// Package pcre judges regular expressions as httpd's PCRE2 compiles them,
// without PCRE: with regexp2, a pure-Go engine with Perl and .NET syntax,
// which accepts lookahead, lookbehind, lazy quantifiers, atomic groups,
// back-references and named groups as PCRE does (Go's RE2-based regexp
// does not). Patterns using PCRE syntax regexp2 does not know are not
// judged: a false error is worse than a missed one.
package pcre

import (
	"strings"

	"github.com/dlclark/regexp2/v2"
)

// unjudged are PCRE constructs regexp2 does not know: possessive
// quantifiers, \Q...\E, \K, branch reset, backtracking verbs, recursion
// and subroutine calls, relative back-references, conditionals, Python
// names, PCRE's extra escapes and POSIX classes.
var unjudged = []string{"++", "*+", "?+", "}+", `\Q`, `\K`, "(?|", "(*", "(?R", "(?P", "(?&", `\g`, "(?+", "(?-", "(?(",
	`\h`, `\H`, `\v`, `\V`, `\R`, `\N`, `\X`, `\C`, `\o`, `\x{`, "[[:"}

// Compile returns why PCRE would not compile pattern, or nil when it
// would or when the pattern is not judged.
func Compile(pattern string) error {
	for _, s := range unjudged {
		if strings.Contains(pattern, s) {
			return nil
		}
	}
	_, err := regexp2.Compile(pattern)
	return err
}
