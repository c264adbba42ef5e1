package check

import (
	"math"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// strtol is C's strtol (and strtoll, apr_strtoff: long is 64 bits here) in
// base 10: the value, saturated at the int64 range as glibc saturates it,
// the text after the number, and whether any digit was read.
func strtol(s string) (v int64, rest string, digits bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var u uint64
	over := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := uint64(s[i] - '0')
		if u > (math.MaxUint64-d)/10 {
			over = true
		} else {
			u = u*10 + d
		}
		i++
	}
	if i == start {
		return 0, s, false
	}
	switch {
	case neg && (over || u > 1<<63):
		v = math.MinInt64
	case neg:
		v = -int64(u)
	case over || u > math.MaxInt64:
		v = math.MaxInt64
	default:
		v = int64(u)
	}
	return v, s[i:], true
}

// cAtoi is glibc's atoi: strtol's value cut to an int's 32 bits.
func cAtoi(s string) int64 {
	v, _, _ := strtol(s)
	return int64(int32(v))
}

// cAtol is atol: strtol's value.
func cAtol(s string) int64 {
	v, _, _ := strtol(s)
	return v
}

// strictInt is apr_strtoff with the handlers' `*end` test: the whole
// argument a number, and in range of int64.
func strictInt(s string) (int64, bool) {
	v, rest, digits := strtol(s)
	if !digits || rest != "" || v == math.MaxInt64 || v == math.MinInt64 {
		return 0, false
	}
	return v, true
}

// numberCheck is a handler whose one argument is converted by conv and
// refused when ok says so, with msg (a format taking the argument when
// it has a %s).
func numberCheck(conv func(string) int64, ok func(int64) bool, msg string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if !ok(conv(w)) {
			if strings.Contains(msg, "%s") {
				c.errorf(n, codeValue, "", msg, w)
			} else {
				c.errorf(n, codeValue, "", "%s", msg)
			}
		}
	}
}

func atLeast(min int64) func(int64) bool { return func(v int64) bool { return v >= min } }

func between(min, max int64) func(int64) bool {
	return func(v int64) bool { return v >= min && v <= max }
}

// strictRange is a handler whose argument must be a whole number from min
// to max, as apr_strtoff with a test of the end reads it.
func strictRange(min, max int64, msg string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if v, ok := strictInt(w); !ok || v < min || v > max {
			if strings.Contains(msg, "%s") {
				c.errorf(n, codeValue, "", msg, w)
			} else {
				c.errorf(n, codeValue, "", "%s", msg)
			}
		}
	}
}

// keywords is a handler whose every argument must be one of words
// (case-insensitively); msg formats the word refused.
func keywords(msg string, words ...string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	next:
		for _, w := range n.Words() {
			for _, k := range words {
				if strings.EqualFold(w, k) {
					continue next
				}
			}
			if strings.Contains(msg, "%s") {
				c.errorf(n, codeValue, "The values are "+strings.Join(words, ", ")+".", msg, w)
			} else {
				c.errorf(n, codeValue, "The values are "+strings.Join(words, ", ")+".", "%s", msg)
			}
			return
		}
	}
}

// always is a handler that refuses every use: directives httpd keeps only
// to say they are gone.
func always(msg, help string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		c.errorf(n, codeValue, help, "%s", msg)
	}
}
