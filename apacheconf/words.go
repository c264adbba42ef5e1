package apacheconf

import "strings"

// isSpace is apr_isspace in the C locale: ASCII whitespace only, so a
// non-breaking space is part of a word, as it is for httpd.
func isSpace(c byte) bool { return spaceTable[c] }

var spaceTable = [256]bool{' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true}

// trimSpace removes leading and trailing ASCII whitespace, as
// cfg_trim_line does.
func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

func skipSpace(s string) string {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return s[i:]
}

// GetwordConf takes the first word off line as httpd's ap_getword_conf
// does and returns it with the rest of the line, leading whitespace
// removed. A word starting with a double or single quote runs to the
// matching quote or to the end of the line (an unterminated quote is not
// an error); inside it, a backslash escapes only that quote and itself.
// An unquoted word runs to the next whitespace and only "\\" is unescaped.
// At the end of the line the word is "".
func GetwordConf(line string) (word, rest string) {
	s := skipSpace(line)
	if s == "" {
		return "", ""
	}
	var end int
	if q := s[0]; q == '"' || q == '\'' {
		end = 1
		for end < len(s) && s[end] != q {
			if s[end] == '\\' && end+1 < len(s) && (s[end+1] == q || s[end+1] == '\\') {
				end += 2
			} else {
				end++
			}
		}
		word = unescapeConf(s[1:end], q)
		if end < len(s) {
			end++ // the closing quote
		}
	} else {
		// One pass finds the end of the word and whether it holds a
		// backslash, the only byte unescapeConf could change.
		escaped := false
		for end < len(s) {
			if k := wordByte[s[end]]; k != 0 {
				if k == byteSpace {
					break
				}
				escaped = true
			}
			end++
		}
		word = s[:end]
		if escaped {
			word = unescapeConf(word, 0)
		}
	}
	return word, skipSpace(s[end:])
}

// Classes of the bytes an unquoted word's scan stops at or notes.
const (
	byteSpace     = 1
	byteBackslash = 2
)

var wordByte = [256]uint8{' ': byteSpace, '\t': byteSpace, '\n': byteSpace, '\v': byteSpace, '\f': byteSpace, '\r': byteSpace, '\\': byteBackslash}

// unescapeConf is substring_conf: a backslash before another backslash, or
// before the quote the word is in, is dropped.
func unescapeConf(s string, quote byte) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && (s[i+1] == '\\' || (quote != 0 && s[i+1] == quote)) {
			i++
			c = s[i]
		}
		b = append(b, c)
	}
	return string(b)
}

// Words splits line into words with GetwordConf, the tokenization httpd
// gives every directive that does not read its own arguments. Like httpd's
// TAKE_ARGV, an empty quoted word ("") in the middle of the line is kept and
// a line of only whitespace has no words.
func Words(line string) []string {
	rest := skipSpace(line)
	if rest == "" {
		return nil
	}
	// Runs of non-space bytes are at least as many as the words (a quoted
	// word may hold spaces): one allocation for the list.
	runs := 0
	for i := 0; i < len(rest); i++ {
		if !isSpace(rest[i]) && (i == 0 || isSpace(rest[i-1])) {
			runs++
		}
	}
	return AppendWords(make([]string, 0, runs), rest)
}

// AppendWords appends the words of line, as Words splits them, to dst and
// returns the extended list: with a dst of the caller's (var buf
// [4]string; AppendWords(buf[:0], s)), a directive's few words need no
// allocation.
func AppendWords(dst []string, line string) []string {
	rest := skipSpace(line)
	for rest != "" {
		var w string
		w, rest = GetwordConf(rest)
		dst = append(dst, w)
	}
	return dst
}
