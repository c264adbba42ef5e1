package check

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// rewriteArgs is mod_rewrite's parseargline: up to three arguments, each
// quoted with " or ' or ended by unescaped whitespace, backslashes kept.
// ok is false when the line has fewer than two.
func rewriteArgs(s string) (a1, a2, a3 string, has3, ok bool) {
	word := func(s string) (w, rest string, ended bool) {
		s = strings.TrimLeft(s, " \t\n\r\f\v")
		var quote byte
		if s != "" && (s[0] == '"' || s[0] == '\'') {
			quote = s[0]
			s = s[1:]
		}
		i := 0
		for ; i < len(s); i++ {
			if (quote == 0 && isSpace(s[i])) || (quote != 0 && s[i] == quote) {
				return s[:i], s[i+1:], true
			}
			if s[i] == '\\' && i+1 < len(s) && isSpace(s[i+1]) {
				i++
			}
		}
		return s, "", false
	}
	a1, rest, ended := word(s)
	if !ended {
		return "", "", "", false, false
	}
	a2, rest, ended = word(rest)
	if !ended {
		return a1, a2, "", false, true
	}
	rest = strings.TrimLeft(rest, " \t\n\r\f\v")
	if rest == "" {
		return a1, a2, "", false, true
	}
	a3, _, _ = word(rest)
	return a1, a2, a3, true, true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// flagKeys is cmd_parseflagfield: the keys of "[K1=V1,K2,...]", or a
// message when the brackets are missing.
func flagKeys(s string) ([][2]string, string) {
	if len(s) < 1 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, "bad flag delimiters"
	}
	body := s[1:len(s)-1] + ","
	var keys [][2]string
	for body != "" {
		body = strings.TrimLeft(body, " \t\n\r\f\v")
		i := strings.IndexByte(body, ',')
		if body == "" || i < 0 {
			break
		}
		item := strings.TrimRight(body[:i], " \t\n\r\f\v")
		k, v, _ := strings.Cut(item, "=")
		keys = append(keys, [2]string{k, v})
		body = body[i+1:]
	}
	return keys, ""
}

// ruleFlags are the RewriteRule flags cmd_rewriterule_setflag knows: the
// first letter, then the accepted rests, lower case.
var ruleFlags = map[byte][]string{
	'b': {"", "ackrefescaping", "ne", "np", "ackrefernoplus", "ctls"},
	'c': {"", "hain", "o", "ookie"},
	'd': {"", "pi", "iscardpath"},
	'e': {"", "nv", "nd"},
	'f': {"", "orbidden"},
	'g': {"", "one"},
	'h': {"", "andler"},
	'l': {"", "ast"},
	'n': {"e", "oescape", "", "ext", "s", "osubreq", "c", "ocase"},
	'p': {"", "roxy", "t", "assthrough"},
	'q': {"sa", "sappend", "sd", "sdiscard", "sl", "slast"},
	'r': {"", "edirect"},
	's': {"", "kip"},
	't': {"", "ype"},
	'u': {"nsafeprefixstat", "nsafeallow3f", "nc"},
}

func ruleFlagKnown(k string) bool {
	if k == "" {
		return false
	}
	c := k[0]
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	for _, r := range ruleFlags[c] {
		if strings.EqualFold(k[1:], r) {
			return true
		}
	}
	return false
}

var condFlags = map[string]bool{"nocase": true, "nc": true, "ornext": true, "or": true, "novary": true, "nv": true}

// checkRewriteRule is mod_rewrite's cmd_rewriterule.
func checkRewriteRule(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	a1, _, a3, has3, ok := rewriteArgs(n.Args)
	if !ok {
		c.errorf(n, codeArgs, "RewriteRule takes a pattern, a substitution and optional [flags].", "RewriteRule: bad argument line '%s'", n.Args)
		return
	}
	if has3 {
		keys, msg := flagKeys(a3)
		if msg != "" {
			c.errorf(n, codeValue, "Write the flags in brackets: [L,R=301].", "RewriteRule: %s", msg)
			return
		}
		for _, kv := range keys {
			k, v := kv[0], kv[1]
			if !ruleFlagKnown(k) {
				c.errorf(n, codeValue, "", "RewriteRule: unknown flag '%s'", k)
				return
			}
			if (strings.EqualFold(k, "r") || strings.EqualFold(k, "redirect")) && v != "" && v[0] >= '0' && v[0] <= '9' {
				if status := atoi(v); status != 500 && !statusCodes[status] {
					c.errorf(n, codeValue, "Redirect with a status httpd knows: R=301, R=302, R=303, R=307, R=308.", "RewriteRule: invalid HTTP response code '%s' for flag 'R'", v)
					return
				}
			}
		}
	}
	a1 = strings.TrimPrefix(a1, "!")
	if msg := c.regexError(a1); msg != "" {
		c.errorf(n, codeRegex, msg, "RewriteRule: cannot compile regular expression '%s'", a1)
	}
}

// checkRewriteCond is mod_rewrite's cmd_rewritecond.
func checkRewriteCond(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	a1, a2, a3, has3, ok := rewriteArgs(n.Args)
	if !ok {
		c.errorf(n, codeArgs, "RewriteCond takes a test string, a condition pattern and optional [flags].", "RewriteCond: bad argument line '%s'", n.Args)
		return
	}
	if has3 {
		keys, msg := flagKeys(a3)
		if msg != "" {
			c.errorf(n, codeValue, "Write the flags in brackets: [NC,OR].", "RewriteCond: %s", msg)
			return
		}
		for _, kv := range keys {
			if k := kv[0]; !condFlags[strings.ToLower(k)] {
				c.errorf(n, codeValue, "", "RewriteCond: unknown flag '%s'", k)
				return
			}
		}
	}
	p := strings.TrimPrefix(a2, "!")
	if strings.EqualFold(a1, "expr") {
		if msg := c.exprError(p, false); msg != "" {
			c.errorf(n, codeExpr, "", "RewriteCond: cannot compile expression \"%s\" %s", p, msg)
		}
		return
	}
	if len(p) >= 2 && (p[0] == '-' || p[0] == '<' || p[0] == '>' || p[0] == '=') {
		return
	}
	if msg := c.regexError(p); msg != "" {
		c.errorf(n, codeRegex, msg, "RewriteCond: cannot compile regular expression '%s'", p)
	}
}

var rewriteOptions = map[string]bool{"inherit": true, "inheritbefore": true, "inheritdown": true, "inheritdownbefore": true,
	"ignoreinherit": true, "allownoslash": true, "allowanyuri": true, "mergebase": true, "ignorecontextinfo": true,
	"legacyprefixdocroot": true, "unsafeprefixstat": true}

// checkRewriteOptions is mod_rewrite's cmd_rewriteoptions.
func checkRewriteOptions(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		if !rewriteOptions[strings.ToLower(w)] {
			c.errorf(n, codeValue, "The options are Inherit, InheritBefore, InheritDown, InheritDownBefore, IgnoreInherit, AllowNoSlash, AllowAnyURI, MergeBase, IgnoreContextInfo and LegacyPrefixDocRoot.", "RewriteOptions: unknown option '%s'", w)
			return
		}
	}
}
