package apacheconf

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// SourceFunc returns the bytes of a file by name, for showing the line a
// diagnostic is about.
type SourceFunc func(filename string) (string, bool)

// Source finds a file the tree read.
func (t *Tree) Source(name string) (string, bool) {
	if t == nil {
		return "", false
	}
	for _, f := range t.Files {
		if f.Name == name {
			return f.Src, true
		}
	}
	return "", false
}

// DiskSource reads a file from disk; a fallback SourceFunc.
func DiskSource(name string) (string, bool) {
	b, err := os.ReadFile(name)
	return string(b), err == nil
}

// WriteText renders diagnostics for people: the compiler-style first line
// (FILE:LINE:COL: severity: summary), then the source line with a caret
// under the column, then the detail.
func WriteText(w io.Writer, ds Diagnostics, src SourceFunc) error {
	return WriteTextStyled(w, ds, src, TextStyle{})
}

// TextStyle changes how WriteTextStyled renders diagnostics.
type TextStyle struct {
	// Codes appends each diagnostic's code in brackets to its first line:
	// FILE:LINE:COL: severity: summary [CODE].
	Codes bool
	// Color marks up the severity, the caret and the code with ANSI
	// colours, for a terminal.
	Color bool
}

// ANSI colours of the styled text.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiCyan   = "\x1b[1;36m"
	ansiGreen  = "\x1b[1;32m"
	ansiDim    = "\x1b[2m"
)

// WriteTextStyled is WriteText with the code and colours of style.
func WriteTextStyled(w io.Writer, ds Diagnostics, src SourceFunc, style TextStyle) error {
	paint := func(color, s string) string {
		if !style.Color || s == "" {
			return s
		}
		return color + s + ansiReset
	}
	lines := NewSourceLines(src)
	for _, d := range ds {
		sevColor := ansiCyan
		switch d.Severity {
		case SeverityError:
			sevColor = ansiRed
		case SeverityWarning:
			sevColor = ansiYellow
		}
		first := paint(ansiBold, d.Subject.Start.String()+":") + " " + paint(sevColor, d.Severity.String()+":") + " " + d.Summary
		if style.Codes && d.Code != "" {
			first += " " + paint(ansiDim, "["+d.Code+"]")
		}
		if _, err := fmt.Fprintln(w, first); err != nil {
			return err
		}
		if line, ok := lines.Line(d.Subject.Start); ok {
			num := fmt.Sprint(d.Subject.Start.Line)
			fmt.Fprintf(w, " %s | %s\n", num, expandTabs(line))
			if col := d.Subject.Start.Column; col > 0 && col <= len(line)+1 {
				fmt.Fprintf(w, " %s | %s%s\n", strings.Repeat(" ", len(num)), caretPad(line[:col-1]), paint(ansiGreen, "^"))
			}
		}
		if d.Detail != "" {
			for _, l := range strings.Split(d.Detail, "\n") {
				if _, err := fmt.Fprintf(w, "  %s\n", l); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// SourceLines finds the physical lines of the files a SourceFunc gives,
// indexing each file once, so that rendering many diagnostics of a large
// file stays linear.
type SourceLines struct {
	src   SourceFunc
	files map[string]*lineIndex
}

type lineIndex struct {
	text   string
	starts []int // offset of each line
	ok     bool
}

// NewSourceLines returns a SourceLines reading files through src.
func NewSourceLines(src SourceFunc) *SourceLines {
	return &SourceLines{src: src, files: map[string]*lineIndex{}}
}

// Line returns the physical line at p, without its line end.
func (s *SourceLines) Line(p Position) (string, bool) {
	if s == nil || s.src == nil || !p.IsValid() {
		return "", false
	}
	ix, ok := s.files[p.Filename]
	if !ok {
		ix = &lineIndex{}
		ix.text, ix.ok = s.src(p.Filename)
		if ix.ok {
			ix.starts = append(ix.starts, 0)
			for i := 0; i < len(ix.text); i++ {
				if ix.text[i] == '\n' {
					ix.starts = append(ix.starts, i+1)
				}
			}
		}
		s.files[p.Filename] = ix
	}
	if !ix.ok || p.Line > len(ix.starts) {
		return "", false
	}
	line := ix.text[ix.starts[p.Line-1]:]
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSuffix(line, "\r"), true
}

func expandTabs(s string) string { return strings.ReplaceAll(s, "\t", "    ") }

// caretPad turns the text before the column into spaces of the same width.
func caretPad(prefix string) string {
	var b strings.Builder
	for _, r := range prefix {
		if r == '\t' {
			b.WriteString("    ")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}
