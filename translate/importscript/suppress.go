package importscript

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// SuppressMark starts a suppression comment, in a launcher script as in
// an Apache file: `# wsgidock:disable CODE[,CODE]` on its own line.
const SuppressMark = "wsgidock:disable"

// codeBadSuppression is lint's finding for a suppression comment that
// names an unknown code (the same code as for Apache files).
const codeBadSuppression = "bad-suppression"

// Suppression is one code a suppression comment of a launcher script
// turns off, and where the comment names it.
type Suppression struct {
	Code string
	Pos  apacheconf.Position
}

// Suppressions reads the suppression comments of a launcher script. A
// comment `# wsgidock:disable CODE[,CODE]` alone on its line covers the
// statement that starts on the next line: every physical line of it (a
// call spread over several lines, a backslash continuation), and only the
// header of a compound statement. A blank line or another comment between
// them ends its reach, as in Apache files. The result maps each covered
// line to the codes turned off there, with where each code is named.
// A script that does not tokenize is read line by line: a comment covers
// the one line after it.
func Suppressions(filename string, src []byte) map[int][]Suppression {
	if !bytes.Contains(src, []byte(SuppressMark)) {
		return nil
	}
	lines := strings.Split(string(src), "\n")
	// spans[l] is the last line of the logical line that starts at l;
	// inside marks lines that belong to a logical line, comments within
	// brackets and string bodies included, so that they are not read as
	// comments of their own.
	spans := map[int]int{}
	inside := map[int]bool{}
	if toks, err := tokenize(filename, src, 1, 1, false); err == nil {
		start := 0
		for _, t := range toks {
			switch t.Type {
			case tokIndent, tokDedent, lexer.EOF:
				continue
			case tokNewline:
				if start > 0 {
					spans[start] = t.Pos.Line
					for l := start; l <= t.Pos.Line; l++ {
						inside[l] = true
					}
				}
				start = 0
				continue
			}
			if start == 0 {
				start = t.Pos.Line
			}
		}
	} else {
		for i := range lines {
			spans[i+1] = i + 1
		}
	}
	out := map[int][]Suppression{}
	var pending []Suppression
	for i, raw := range lines {
		line := i + 1
		text := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if rest, ok := strings.CutPrefix(text, "#"); ok && !inside[line] {
			if codes, ok := strings.CutPrefix(strings.TrimSpace(rest), SuppressMark); ok {
				after := strings.Index(raw, SuppressMark) + len(SuppressMark)
				for _, c := range strings.Split(codes, ",") {
					if c = strings.TrimSpace(c); c != "" {
						col := after + strings.Index(raw[after:], c) + 1
						pending = append(pending, Suppression{Code: c, Pos: apacheconf.Position{Filename: filename, Line: line, Column: col}})
					}
				}
				continue
			}
		}
		if pending == nil {
			continue
		}
		end, starts := spans[line]
		if !starts {
			// A blank line or another comment ends the suppression's reach.
			pending = nil
			continue
		}
		for l := line; l <= end; l++ {
			out[l] = append(out[l], pending...)
		}
		pending = nil
	}
	return out
}

// Suppress applies the suppression comments of launcher scripts to lint's
// findings: a finding positioned in a script (any file that is not one of
// the tree's Apache files, which lint's own suppression reads) is dropped
// when a comment of that script covers its line and names its code. A
// comment naming a code known does not list is a bad-suppression finding
// at the comment. fsys reads the scripts; nil is the machine's files.
func Suppress(ds apacheconf.Diagnostics, tree *apacheconf.Tree, fsys apacheconf.FileSystem, known map[string]apacheconf.Rule) apacheconf.Diagnostics {
	if fsys == nil {
		fsys = apacheconf.OSFileSystem{}
	}
	scripts := map[string]map[int][]Suppression{}
	out := make(apacheconf.Diagnostics, 0, len(ds))
	for _, d := range ds {
		name := d.Subject.Start.Filename
		sup, read := scripts[name]
		if !read {
			if _, isConf := tree.Source(name); !isConf && name != "" {
				if src, err := fsys.ReadFile(name); err == nil {
					sup = Suppressions(name, src)
					out = append(out, badSuppressions(sup, known)...)
				}
			}
			scripts[name] = sup
		}
		if covered(sup[d.Subject.Start.Line], d.Code) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func covered(sups []Suppression, code string) bool {
	for _, s := range sups {
		if s.Code == code {
			return true
		}
	}
	return false
}

// badSuppressions are the findings for the codes of a script's comments
// that no rule has, once per comment.
func badSuppressions(sup map[int][]Suppression, known map[string]apacheconf.Rule) apacheconf.Diagnostics {
	seen := map[apacheconf.Position]bool{}
	var out apacheconf.Diagnostics
	for _, sups := range sup {
		for _, s := range sups {
			if _, ok := known[s.Code]; ok || seen[s.Pos] {
				continue
			}
			seen[s.Pos] = true
			out = append(out, apacheconf.Diagnostic{
				Severity: apacheconf.SeverityError, Code: codeBadSuppression,
				Summary: "unknown rule code " + strconv.Quote(s.Code) + " in a suppression comment",
				Detail:  "Use a code listed in docs/rules.md, as the findings print it in brackets.",
				Subject: apacheconf.Range{Start: s.Pos, End: s.Pos},
			})
		}
	}
	out.Sort()
	return out
}
