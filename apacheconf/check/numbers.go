package check

import (
	"math"
	"strconv"
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

// strtoff is apr_strtoff: strtol's value and the text after it, and
// whether it succeeded (false when the number overflows, where glibc sets
// ERANGE; text without digits is 0, and succeeds).
func strtoff(s string) (int64, string, bool) {
	v, rest, digits := strtol(s)
	if digits && (v == math.MaxInt64 || v == math.MinInt64) {
		num := strings.TrimLeft(s[:len(s)-len(rest)], " \t\n\v\f\r")
		if _, err := strconv.ParseInt(num, 10, 64); err != nil {
			return v, rest, false
		}
	}
	return v, rest, true
}

// offCheck is a handler whose one argument apr_strtoff reads; whole
// requires the whole argument to be the number; ok says which values the
// handler takes.
func offCheck(whole bool, ok func(int64) bool, msg string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		v, rest, good := strtoff(w)
		if !good || whole && rest != "" || !ok(v) {
			c.errorf(n, codeValue, "", "%s", msg)
		}
	}
}

// checkSubstituteMaxLineLength is mod_substitute's set_max_line_length: a
// size with an optional b, k, m or g.
func checkSubstituteMaxLineLength(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	v, rest, good := strtoff(w)
	switch {
	case !good:
	case len(rest) == 1 && strings.ContainsRune("kKmMgGbB", rune(rest[0])), rest == "":
		if v >= 0 {
			return
		}
	}
	c.errorf(n, codeValue, "Write the length in bytes, with k, m or g for larger units: 131072 or 128k.",
		"SubstituteMaxLineLength must be a non-negative integer optionally suffixed with 'b', 'k', 'm' or 'g'.")
}

// checkCookieExpires is mod_usertrack's set_cookie_exp: seconds, or
// mod_expires' "[plus] {num type}*".
func checkCookieExpires(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	arg, _ := apacheconf.GetwordConf(n.Args)
	if arg != "" && isDigit(arg[0]) && isDigit(arg[len(arg)-1]) {
		return
	}
	word, rest := apacheconf.GetwordConf(arg)
	if word != "" && (word[0] == 'p' || word[0] == 'P') {
		word, rest = apacheconf.GetwordConf(rest)
	}
	for word != "" {
		if !isDigit(word[0]) {
			c.errorf(n, codeValue, "Write seconds, or a duration such as \"3 months\".", "bad expires code, numeric value expected.")
			return
		}
		word, rest = apacheconf.GetwordConf(rest)
		if word == "" {
			c.errorf(n, codeValue, "Give each number its unit: \"3 months\", \"1 year 2 days\".", "bad expires code, missing <type>")
			return
		}
		known := false
		for _, u := range []struct {
			name string
			n    int
		}{{"years", 1}, {"months", 2}, {"weeks", 1}, {"days", 1}, {"hours", 1}, {"minutes", 2}, {"seconds", 1}} {
			if len(word) >= u.n && strings.EqualFold(word[:u.n], u.name[:u.n]) {
				known = true
				break
			}
		}
		if !known {
			c.errorf(n, codeValue, "The units are years, months, weeks, days, hours, minutes and seconds.", "bad expires code, unrecognized type")
			return
		}
		word, rest = apacheconf.GetwordConf(rest)
	}
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// strtod is C's strtod as far as a handler that takes the whole argument
// needs it: the value, and the text after the number (all of s when it
// holds none). It reads what glibc reads: spaces, a sign, then inf,
// infinity, nan or nan(...), a hexadecimal number with an optional p
// exponent, or a decimal one with an optional e exponent.
func strtod(s string) (float64, string) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	start := i
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	lower := strings.ToLower(s[i:])
	sign := 1.0
	if neg {
		sign = -1
	}
	switch {
	case strings.HasPrefix(lower, "infinity"):
		return sign * math.Inf(1), s[i+8:]
	case strings.HasPrefix(lower, "inf"):
		return sign * math.Inf(1), s[i+3:]
	case strings.HasPrefix(lower, "nan"):
		j := i + 3
		if j < len(s) && s[j] == '(' {
			k := j + 1
			for k < len(s) && (isAlnum(s[k]) || s[k] == '_') {
				k++
			}
			if k < len(s) && s[k] == ')' {
				j = k + 1
			}
		}
		return math.NaN(), s[j:]
	}
	digits := func(j int, hex bool) int {
		for j < len(s) && (isDigit(s[j]) || hex && strings.IndexByte("abcdefABCDEF", s[j]) >= 0) {
			j++
		}
		return j
	}
	hex := strings.HasPrefix(lower, "0x") && i+2 < len(s) && (digits(i+2, true) > i+2 || s[i+2] == '.' && digits(i+3, true) > i+3)
	j := i
	if hex {
		j = i + 2
	}
	mant := j
	j = digits(j, hex)
	if j < len(s) && s[j] == '.' {
		j = digits(j+1, hex)
	}
	if j == mant || j == mant+1 && s[mant] == '.' {
		return 0, s[start:]
	}
	end := j
	exp := byte('e')
	if hex {
		exp = 'p'
	}
	if j < len(s) && (s[j]|0x20) == exp {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if e := digits(k, false); e > k {
			end = e
		}
	}
	if hex {
		// Only the sign of a hexadecimal number matters here.
		v := 0.0
		if strings.Trim(s[mant:j], "0.") != "" {
			v = 1
		}
		return sign * v, s[end:]
	}
	v, _ := strconv.ParseFloat(s[i:end], 64)
	return sign * v, s[end:]
}

// checkWorkerFactor is the event MPM's set_worker_factor: a number, and
// a positive one.
func checkWorkerFactor(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	v, rest := strtod(w)
	switch {
	case rest != "":
		c.errorf(n, codeValue, "Give a number, such as 2 or 1.5.", "error parsing value")
	case v <= 0:
		c.errorf(n, codeValue, "Give a number above zero, such as 2 or 1.5.", "AsyncRequestWorkerFactor argument must be a positive number")
	}
}
