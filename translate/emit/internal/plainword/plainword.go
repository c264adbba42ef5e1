// Package plainword tells which strings the YAML emitters may write as they
// are, unquoted: words that every YAML reader, 1.1 or 1.2, takes for the
// same string, and that the YAML libraries write that way too.
package plainword

// Is reports whether s is a plain word: a letter, '_' or '/' first (no
// digit, sign or dot, which would start a number; no indicator), then
// letters, digits and the bytes of more (no space, no ':' of a key or a
// base-60 number), and not one of the words YAML 1.1 reads as a boolean or
// null. Each emitter names the bytes its library leaves unquoted in more.
func Is(s, more string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; !(letter(c) || c == '_' || c == '/') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !letter(c) && !('0' <= c && c <= '9') && !in(more, c) {
			return false
		}
	}
	return len(s) > 5 || !YAML11Word(s)
}

func letter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func in(set string, c byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}

// yaml11Words are the words YAML 1.1 reads as booleans or null, in any
// case.
var yaml11Words = [...]string{"y", "yes", "n", "no", "true", "false", "on", "off", "null"}

// YAML11Word reports whether s, in any case, is a word YAML 1.1 reads as a
// boolean or null.
func YAML11Word(s string) bool {
	for _, w := range yaml11Words {
		if len(s) == len(w) && equalFoldASCII(s, w) {
			return true
		}
	}
	return false
}

// equalFoldASCII compares s with the lower-case ASCII word w, ignoring the
// case of s's ASCII letters.
func equalFoldASCII(s, w string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}
