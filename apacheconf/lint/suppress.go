package lint

import (
	"strconv"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// CodeBadSuppression is the finding for a suppression comment that names
// an unknown code.
const CodeBadSuppression = "bad-suppression"

// suppressMark starts a suppression comment.
const suppressMark = "wsgidock:disable"

// suppressionSet holds the suppression comments of the files of a tree:
// `# wsgidock:disable CODE[,CODE]` on the line before a directive turns
// off those codes for that directive (all its physical lines).
type suppressionSet struct {
	// byFile maps a file name to the codes suppressed per line: the line
	// of each directive that a comment covers.
	byFile   map[string]map[int]map[string]bool
	problems apacheconf.Diagnostics
}

// covers reports whether a suppression comment turns off d.
func (s *suppressionSet) covers(d apacheconf.Diagnostic) bool {
	lines := s.byFile[d.Subject.Start.Filename]
	return lines != nil && lines[d.Subject.Start.Line][d.Code]
}

// suppressions reads the suppression comments of every file of the tree.
func suppressions(tree *apacheconf.Tree, known map[string]apacheconf.Rule) *suppressionSet {
	s := &suppressionSet{byFile: map[string]map[int]map[string]bool{}}
	if tree == nil {
		return s
	}
	done := map[string]bool{}
	for _, f := range tree.Files {
		if f.Macro || f.CommandLine || done[f.Name] || !strings.Contains(f.Src, suppressMark) {
			continue
		}
		done[f.Name] = true
		s.readFile(f, known)
	}
	return s
}

// readFile finds the suppression comments of one file and the lines of the
// directive after each.
func (s *suppressionSet) readFile(f *apacheconf.File, known map[string]apacheconf.Rule) {
	lines := strings.Split(f.Src, "\n")
	var pending map[string]bool
	for i := 0; i < len(lines); i++ {
		text := strings.TrimSpace(strings.TrimSuffix(lines[i], "\r"))
		if rest, ok := strings.CutPrefix(text, "#"); ok {
			rest = strings.TrimSpace(rest)
			if codes, ok := strings.CutPrefix(rest, suppressMark); ok {
				if pending == nil {
					pending = map[string]bool{}
				}
				after := strings.Index(lines[i], suppressMark) + len(suppressMark)
				for _, c := range SplitCodes([]string{codes}) {
					col := after + strings.Index(lines[i][after:], c) + 1
					if _, ok := known[c]; !ok {
						s.problems = append(s.problems, apacheconf.Diagnostic{
							Severity: apacheconf.SeverityError, Code: CodeBadSuppression,
							Summary: "unknown rule code " + strconv.Quote(c) + " in a suppression comment",
							Detail:  "Use a code listed in docs/rules.md, as the findings print it in brackets.",
							Subject: apacheconf.Range{Start: apacheconf.Position{Filename: f.Name, Line: i + 1, Column: col}},
						})
						continue
					}
					pending[c] = true
				}
				continue
			}
		}
		if pending == nil {
			continue
		}
		if text == "" || strings.HasPrefix(text, "#") {
			// A blank line or another comment ends the suppression's reach.
			pending = nil
			continue
		}
		// The directive runs over continued lines; every one of them is
		// its line (httpd numbers a directive by its last).
		byLine := s.byFile[f.Name]
		if byLine == nil {
			byLine = map[int]map[string]bool{}
			s.byFile[f.Name] = byLine
		}
		for {
			byLine[i+1] = pending
			if !strings.HasSuffix(strings.TrimSuffix(lines[i], "\r"), "\\") || i+1 >= len(lines) {
				break
			}
			i++
		}
		pending = nil
	}
}
