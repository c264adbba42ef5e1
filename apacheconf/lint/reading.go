package lint

import (
	"errors"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// readingTraps runs the rules that look at the source as written: what the
// reader joined, split or skipped the way httpd does, but the writer
// probably did not mean. (Trailing comments are looked for in walk, with
// the other rules that look at each directive.)
func (c *checker) readingTraps() {
	done := map[string]bool{}
	for _, f := range c.tree.Files {
		if f.Macro || f.CommandLine || done[f.Name] {
			continue
		}
		done[f.Name] = true
		c.scanLines(f)
		c.conditionalNesting(f, f.Nodes)
	}
}

// scanLines reads a file's physical lines as httpd's cfg_getline does:
// a backslash right before the line end continues the logical line, and a
// logical line whose first non-blank character is '#' is a comment.
func (c *checker) scanLines(f *apacheconf.File) {
	pos := func(line, col int) apacheconf.Position {
		return apacheconf.Position{Filename: f.Name, Line: line + 1, Column: col}
	}
	src := f.Src
	// next is the physical line at off (without its "\r\n" or "\n") and
	// where the one after it starts, past the end when there is none.
	next := func(off int) (string, int) {
		end := strings.IndexByte(src[off:], '\n')
		if end < 0 {
			return strings.TrimSuffix(src[off:], "\r"), len(src) + 1
		}
		return strings.TrimSuffix(src[off:off+end], "\r"), off + end + 1
	}
	spaces := mayHaveUnicodeSpace(src)
	var block []string // the physical lines of one logical line
	for off, i := 0, 0; off <= len(src); i++ {
		first := i
		line, after := next(off)
		block = append(block[:0], line)
		for after <= len(src) && strings.HasSuffix(line, "\\") {
			line, after = next(after)
			block = append(block, line)
			i++
		}
		off = after
		if strings.HasPrefix(trimLeftBlanks(block[0]), "#") {
			// A comment: report it when it swallows a line that is not a
			// comment or blank itself.
			for j, l := range block[1:] {
				if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
					c.report(CodeCommentContinuation, pos(first, len(block[0])),
						"this comment ends in a backslash, so httpd reads line %d (%s) as part of the comment", first+j+2, truncate(t, 40))
					break
				}
			}
			continue
		}
		for j, line := range block {
			if t := trimRightSpaceTab(line); t != line && strings.HasSuffix(t, "\\") && !strings.HasSuffix(t, "\\\\") {
				c.report(CodeBackslashSpace, pos(first+j, len(t)),
					"the backslash is followed by spaces, so it does not continue the line; httpd reads it as part of the last argument")
			}
			if !spaces {
				continue
			}
			if col, r, ok := nonASCIISpace(line); ok {
				c.report(CodeNonASCIISpace, pos(first+j, col),
					"%U (%s) is not whitespace to httpd: it becomes part of a word", r, spaceName(r))
			}
		}
	}
}

// trimLeftBlanks is strings.TrimLeft(s, " \t\v\f") without building the
// cut set for each of a large file's lines.
func trimLeftBlanks(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\v' || s[i] == '\f') {
		i++
	}
	return s[i:]
}

// trimRightSpaceTab is strings.TrimRight(s, " \t"), likewise.
func trimRightSpaceTab(s string) string {
	j := len(s)
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	return s[:j]
}

// unicodeSpaceLeads are the first bytes of the UTF-8 encodings of the
// characters nonASCIISpace finds: U+0085 and U+00A0 (0xC2), U+1680 (0xE1),
// U+2000 to U+205F (0xE2), U+3000 (0xE3) and U+FEFF (0xEF).
var unicodeSpaceLeads = [...]byte{0xC2, 0xE1, 0xE2, 0xE3, 0xEF}

// mayHaveUnicodeSpace reports whether src has a byte that can start one of
// the characters nonASCIISpace finds: a file without one (most files, all
// ASCII) need not be decoded line by line. Such a byte is never inside
// another character's encoding, so where none occurs, nonASCIISpace finds
// nothing on any line.
func mayHaveUnicodeSpace(src string) bool {
	for _, b := range unicodeSpaceLeads {
		if strings.IndexByte(src, b) >= 0 {
			return true
		}
	}
	return false
}

// nonASCIISpace finds the first whitespace character outside ASCII.
func nonASCIISpace(line string) (col int, r rune, ok bool) {
	for i := 0; i < len(line); {
		if line[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return i + 1, r, true
		}
		i += size
	}
	return 0, 0, false
}

func spaceName(r rune) string {
	switch r {
	case '\u00a0':
		return "no-break space"
	case '\u202f':
		return "narrow no-break space"
	case '\u200b':
		return "zero-width space"
	case '\ufeff':
		return "byte order mark"
	}
	return "a Unicode space"
}

// trailingComment finds an unquoted word starting with '#' among a
// directive's arguments: httpd has no trailing comments, so "# note" is
// two more arguments.
func (c *checker) trailingComment(n *apacheconf.Node) {
	if strings.IndexByte(n.Args, '#') < 0 {
		return // most directives: no word can start with '#'
	}
	rest := n.Args
	for {
		s := strings.TrimLeft(rest, " \t")
		if s == "" {
			return
		}
		if s[0] == '#' {
			c.report(CodeTrailingComment, c.argPos(n, len(n.Args)-len(s)),
				"%q is read as arguments of %s, not as a comment", truncate(strings.TrimSpace(s), 40), n.Name)
			return
		}
		_, rest = apacheconf.GetwordConf(s)
		if len(rest) == len(s) {
			return
		}
	}
}

// argPos is the position of byte off of a directive's Args, when the
// directive is written on one line and its arguments were not changed by
// ${VAR} substitution; else the directive's own position.
func (c *checker) argPos(n *apacheconf.Node, off int) apacheconf.Position {
	p := n.Pos()
	if n.StartLine != n.Line || n.File == nil || n.End > len(n.File.Src) {
		return p
	}
	raw := strings.TrimRight(n.File.Src[n.Offset:n.End], " \t\r\n")
	args := strings.TrimRight(n.Args, " \t")
	if strings.HasSuffix(raw, args) {
		p.Column = len(raw) - len(args) + off + 1 + columnOfLine(n.File.Src, n.Offset)
	}
	return p
}

// columnOfLine is how many bytes of its physical line come before offset.
func columnOfLine(src string, offset int) int {
	i := strings.LastIndexByte(src[:offset], '\n')
	return offset - (i + 1)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// conditionalNesting re-reads the content of every false conditional
// section as httpd would if the condition held, and reports the sections
// that would then not nest. httpd skips a false branch looking only at the
// first word of each line, so a typo there goes unnoticed until the module
// is loaded or the name defined.
func (c *checker) conditionalNesting(f *apacheconf.File, nodes []*apacheconf.Node) {
	for _, n := range nodes {
		if n.Kind != apacheconf.KindSection {
			continue
		}
		if n.Flags&apacheconf.FlagExec != 0 && n.Flags&apacheconf.FlagCondTrue == 0 && n.CloseLine > 0 {
			c.rereadFalseBranch(f, n)
			continue
		}
		c.conditionalNesting(f, n.Children)
	}
}

func (c *checker) rereadFalseBranch(f *apacheconf.File, n *apacheconf.Node) {
	if n.End > n.CloseOffset || n.CloseOffset > len(f.Src) {
		return
	}
	body := f.Src[n.End:n.CloseOffset]
	if !strings.Contains(body, "<") {
		return
	}
	_, err := apacheconf.LoadSource(f.Name, []byte(body), apacheconf.Options{
		ServerRoot: c.tree.ServerRoot, NoFileChecks: true, FS: noFiles{}, LookupEnv: func(string) (string, bool) { return "", false },
	})
	var re *apacheconf.ReadError
	if !errors.As(err, &re) || !isNestingError(re.Summary) {
		return
	}
	at := re.Subject.Start
	at.Line += n.Line
	if at.Line > n.CloseLine {
		at = n.Pos()
	}
	msg := re.Summary
	if i := strings.Index(msg, ": <"); i >= 0 && strings.HasSuffix(msg, "was not closed.") {
		msg = msg[i+2:]
	}
	c.report(CodeConditionalNesting, at, "if <%s %s> held, httpd would stop here: %s", n.Name, n.ArgText(), msg)
}

func isNestingError(msg string) bool {
	return strings.Contains(msg, "without matching") || strings.Contains(msg, "but saw") ||
		strings.Contains(msg, "was not closed") || strings.Contains(msg, "before end of configuration") ||
		strings.Contains(msg, "missing closing")
}

// noFiles is a file system with no files, so that re-reading a false
// branch reads nothing else.
type noFiles struct{}

func (noFiles) ReadFile(name string) ([]byte, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
func (noFiles) Stat(name string) (fs.FileInfo, error) {
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}
func (noFiles) ReadDir(name string) ([]fs.DirEntry, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
