package apacheconf

import (
	"regexp"
	"strconv"
)

// parseVersion reads "major[.minor[.patch]]".
func parseVersion(s string) ([3]int, bool) {
	var v [3]int
	c := 0
	start := 0
	if s == "" || s[0] < '0' || s[0] > '9' {
		return v, false
	}
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if c == 3 {
				return v, false
			}
			n, err := strconv.Atoi(s[start:i])
			if err != nil && i > start {
				return v, false
			}
			v[c] = n
			c++
			start = i + 1
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return v, false
		}
	}
	return v, true
}

// compareVersion is mod_version's compare_version: -1, 0 or 1 for the
// running version against s, or ok false when s is not a version.
func (r *reader) compareVersion(s string) (int, bool) {
	want, ok := parseVersion(s)
	if !ok {
		return 0, false
	}
	for i := 0; i < 3; i++ {
		if r.version[i] > want[i] {
			return 1, true
		}
		if r.version[i] < want[i] {
			return -1, true
		}
	}
	return 0, true
}

const badVersion = "Version appears to be invalid. It must have the format major[.minor[.patch]] where major, minor and patch are numbers."

// evalIfVersion is mod_version's start_ifversion, argument checks and
// messages included.
func (fr *fileReader) evalIfVersion(ll *logicalLine, args string) (bool, *ReadError) {
	var w []string
	rest := args
	for rest != "" && len(w) < 4 {
		var word string
		word, rest = GetwordConf(rest)
		w = append(w, word)
	}
	if len(w) == 0 || w[0] == "" || len(w) > 3 {
		return false, fr.fail(ll, "<IfVersion takes one, two or three arguments, a comparison operator, a version (and a delimiter)")
	}
	arg1, arg2, arg3 := w[0], "", ""
	has2, has3 := len(w) > 1, len(w) > 2
	if has2 {
		arg2 = w[1]
	}
	if has3 {
		arg3 = w[2]
	}
	if !has2 {
		arg2, arg1 = arg1, "="
	}
	if !has3 && arg2 == ">" {
		arg3, has3 = ">", true
		arg2, arg1 = arg1, "="
	}
	// The version must end with the section's '>' unless that came as a
	// word of its own.
	end := len(arg2)
	if end == 0 || (!(has3 && arg3 == ">") && arg2[end-1] != '>') {
		return false, fr.fail(ll, "<IfVersion> directive missing closing '>'")
	}
	if !(has3 && arg3 == ">") {
		end--
	}
	version := arg2[:end]
	op := arg1
	reverse := false
	if op[0] == '!' {
		reverse = true
		if len(op) > 1 {
			op = op[1:]
		}
	}
	c := op[0]
	tail := op[1:]
	if !(tail == "" || (tail == "=" && c != '~')) {
		return false, fr.fail(ll, "unrecognized operator '"+arg1+"'")
	}
	var match bool
	switch c {
	case '=':
		if version == "" || version[0] != '/' {
			cmp, ok := fr.r.compareVersion(version)
			if !ok {
				return false, fr.fail(ll, badVersion)
			}
			match = cmp == 0
			break
		}
		if len(version) < 2 || version[len(version)-1] != '/' {
			return false, fr.fail(ll, "Missing delimiting / of regular expression.")
		}
		m, ok := fr.r.matchVersion(version[1 : len(version)-1])
		if !ok {
			return false, fr.fail(ll, "Unable to compile regular expression")
		}
		match = m
	case '~':
		m, ok := fr.r.matchVersion(version)
		if !ok {
			return false, fr.fail(ll, "Unable to compile regular expression")
		}
		match = m
	case '<', '>':
		cmp, ok := fr.r.compareVersion(version)
		if !ok {
			return false, fr.fail(ll, badVersion)
		}
		want := -1
		if c == '>' {
			want = 1
		}
		match = cmp == want || (tail != "" && cmp == 0)
	default:
		return false, fr.fail(ll, "unrecognized operator '"+arg1+"'")
	}
	return match != reverse, nil
}

// matchVersion matches the running version against a regular expression.
// httpd uses PCRE; Go's RE2 agrees on the expressions version tests use.
func (r *reader) matchVersion(expr string) (bool, bool) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return false, false
	}
	return re.MatchString(r.verStr), true
}
