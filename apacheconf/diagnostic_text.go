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
	for _, d := range ds {
		if _, err := fmt.Fprintln(w, d.Error()); err != nil {
			return err
		}
		if line, ok := sourceLine(d.Subject.Start, src); ok {
			num := fmt.Sprint(d.Subject.Start.Line)
			fmt.Fprintf(w, " %s | %s\n", num, expandTabs(line))
			if col := d.Subject.Start.Column; col > 0 && col <= len(line)+1 {
				fmt.Fprintf(w, " %s | %s^\n", strings.Repeat(" ", len(num)), caretPad(line[:col-1]))
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
