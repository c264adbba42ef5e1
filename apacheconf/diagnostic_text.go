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
		if line, ok := sourceLine(d.Subject.Start, src); ok {
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

// sourceLine returns the physical line at p, without its line end.
func sourceLine(p Position, src SourceFunc) (string, bool) {
	if src == nil || !p.IsValid() {
		return "", false
	}
	s, ok := src(p.Filename)
	if !ok {
		return "", false
	}
	for n := 1; n < p.Line; n++ {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return "", false
		}
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, "\r"), true
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
