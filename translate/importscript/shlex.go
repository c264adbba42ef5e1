package importscript

import "strings"

// word is one word split from a command line, with the byte offset of its
// first character (a quote or backslash included) in the line.
type word struct {
	text  string
	start int
}

// splitError is a failure of shlex.split, with where it happened.
type splitError struct {
	msg    string
	offset int
}

// splitWords is Python's shlex.split(s, comments=comments) in POSIX mode,
// written from the documented rules and checked against Python: words are
// separated by space, tab, CR and LF; single quotes keep everything; in
// double quotes a backslash escapes only '"' and '\'; outside quotes a
// backslash escapes any character; quotes inside a word join with it; ”
// gives an empty word; with comments, '#' starts a comment to the end of
// the line, also in the middle of a word.
func splitWords(s string, comments bool) ([]word, *splitError) {
	const (
		stEnd   = 0
		stSpace = ' '
		stWord  = 'a'
		stEsc   = '\\'
	)
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
	skipComment := func(i int) int {
		if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
			return i + j + 1
		}
		return len(s)
	}
	var words []word
	state := byte(stSpace)
	i := 0
	for {
		var tok []byte
		quoted := false
		escaped := byte(stSpace) // the state an escape returns to
		start, quoteAt, escAt := -1, -1, -1
	token:
		for {
			have := i < len(s)
			var c byte
			if have {
				c = s[i]
				i++
			}
			switch state {
			case stEnd:
				break token
			case stSpace:
				switch {
				case !have:
					state = stEnd
					break token
				case isSpace(c):
					if len(tok) > 0 || quoted {
						break token
					}
				case comments && c == '#':
					i = skipComment(i)
				case c == '\\':
					escaped, state, start, escAt = stWord, stEsc, i-1, i-1
				case c == '\'' || c == '"':
					state, start, quoteAt = c, i-1, i-1
				default:
					tok, state, start = append(tok, c), stWord, i-1
				}
			case '\'', '"':
				quoted = true
				switch {
				case !have:
					return nil, &splitError{msg: "No closing quotation", offset: quoteAt}
				case c == state:
					state = stWord
				case c == '\\' && state == '"':
					escaped, state, escAt = state, stEsc, i-1
				default:
					tok = append(tok, c)
				}
			case stEsc:
				if !have {
					return nil, &splitError{msg: "No escaped character", offset: escAt}
				}
				// Inside double quotes only the quote and the backslash
				// itself can be escaped; otherwise the backslash stays.
				if escaped == '"' && c != '\\' && c != '"' {
					tok = append(tok, '\\')
				}
				tok = append(tok, c)
				state = escaped
			case stWord:
				switch {
				case !have:
					state = stEnd
					break token
				case isSpace(c):
					state = stSpace
					if len(tok) > 0 || quoted {
						break token
					}
				case comments && c == '#':
					i = skipComment(i)
					state = stSpace
					if len(tok) > 0 || quoted {
						break token
					}
				case c == '\'' || c == '"':
					state, quoteAt = c, i-1
				case c == '\\':
					escaped, state, escAt = stWord, stEsc, i-1
				default:
					tok = append(tok, c)
				}
			}
		}
		if len(tok) == 0 && !quoted {
			return words, nil
		}
		words = append(words, word{text: string(tok), start: start})
	}
}

// quoteWord is Python's shlex.quote: the word as is when it holds only
// characters no shell treats specially, else single-quoted.
func quoteWord(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_@%+=:,./-", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}
