package apacheconf

import (
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/wsgidock/wsgidock/internal/jsonstr"
)

// WriteJSON writes the tree as JSON, in the spirit of crossplane's payload:
//
//	{"status": "ok"|"failed", "errors": [...], "warnings": [...],
//	 "config": [{"file", "includedFrom", "parsed": [node...]}]}
//
// with one config entry per file read and each node as
//
//	{"directive", "line", "startLine", "endLine", "column", "args", "raw",
//	 "active", "exec", "condition", "unclosed", "includes", "block"}
//
// "line" is httpd's line number (the last physical line of the directive),
// "startLine" its first line when it was continued, "endLine" the closing
// line of a section, "args" the ap_getword_conf words,
// "raw" the argument text as httpd stores it, "includes" the indexes of the
// config entries an Include read. The encoder is hand-written: the tree of
// a large configuration is written at disk speed.
func (t *Tree) WriteJSON(w io.Writer, readErr *ReadError) error {
	jw := &jsonWriter{w: w, b: make([]byte, 0, 320<<10)}
	jw.raw(`{"status":`)
	if readErr != nil {
		jw.raw(`"failed","errors":[`)
		jw.diag(readErr.Diagnostic)
		jw.raw(`]`)
	} else {
		jw.raw(`"ok","errors":[]`)
	}
	jw.raw(`,"warnings":[`)
	for i, d := range t.Warnings {
		if i > 0 {
			jw.raw(",")
		}
		jw.diag(d)
	}
	jw.raw(`],"config":[`)
	for i, f := range t.Files {
		if i > 0 {
			jw.raw(",")
		}
		jw.raw("\n{\"file\":")
		jw.str(f.Name)
		if f.IncludedBy != nil {
			jw.raw(`,"includedFrom":{"file":`)
			jw.str(f.IncludedBy.File.Name)
			jw.raw(`,"line":`)
			jw.int(f.IncludedBy.Line)
			jw.raw("}")
		}
		jw.raw(`,"parsed":`)
		jw.nodes(f.Nodes)
		jw.raw("}")
	}
	jw.raw("\n]}\n")
	jw.flush(true)
	return jw.err
}

// jsonWriter appends to a buffer it flushes in large blocks.
type jsonWriter struct {
	w   io.Writer
	b   []byte
	err error
}

func (jw *jsonWriter) raw(s string) { jw.b = append(jw.b, s...) }

func (jw *jsonWriter) int(n int) { jw.b = strconv.AppendInt(jw.b, int64(n), 10) }

func (jw *jsonWriter) bool(b bool) {
	if b {
		jw.raw("true")
	} else {
		jw.raw("false")
	}
}

// flush writes the buffer out once it is large.
func (jw *jsonWriter) flush(force bool) {
	if jw.err == nil && (force || len(jw.b) >= 256<<10) {
		_, jw.err = jw.w.Write(jw.b)
		jw.b = jw.b[:0]
	}
}

func (jw *jsonWriter) nodes(ns []*Node) {
	jw.raw("[")
	for i, n := range ns {
		if i > 0 {
			jw.raw(",")
		}
		jw.node(n)
	}
	jw.raw("]")
}

func (jw *jsonWriter) node(n *Node) {
	jw.raw(`{"directive":`)
	jw.str(n.Name)
	jw.raw(`,"line":`)
	jw.int(n.Line)
	if n.StartLine != n.Line {
		jw.raw(`,"startLine":`)
		jw.int(n.StartLine)
	}
	if n.CloseLine > 0 {
		jw.raw(`,"endLine":`)
		jw.int(n.CloseLine)
	}
	jw.raw(`,"column":`)
	jw.int(n.Column)
	jw.raw(`,"args":[`)
	rest := skipSpace(n.ArgText())
	for first := true; rest != ""; first = false {
		var word string
		word, rest = GetwordConf(rest)
		if !first {
			jw.raw(",")
		}
		jw.str(word)
	}
	jw.raw(`],"raw":`)
	jw.str(n.Args)
	jw.raw(`,"active":`)
	jw.bool(n.Active)
	if n.Flags&FlagExec != 0 {
		jw.raw(`,"exec":true`)
		if n.Kind == KindSection {
			jw.raw(`,"condition":`)
			jw.bool(n.Flags&FlagCondTrue != 0)
		}
	}
	if n.Flags&FlagUnclosed != 0 {
		jw.raw(`,"unclosed":true`)
	}
	if len(n.Included) > 0 {
		jw.raw(`,"includes":[`)
		for i, f := range n.Included {
			if i > 0 {
				jw.raw(",")
			}
			jw.int(f.Index)
		}
		jw.raw("]")
	}
	if n.Kind == KindSection {
		jw.raw(`,"block":`)
		jw.nodes(n.Children)
	}
	jw.raw("}")
	jw.flush(false)
}

func (jw *jsonWriter) diag(d Diagnostic) {
	jw.raw(`{"severity":`)
	jw.str(d.Severity.String())
	jw.raw(`,"code":`)
	jw.str(d.Code)
	jw.raw(`,"message":`)
	jw.str(d.Summary)
	if d.Detail != "" {
		jw.raw(`,"detail":`)
		jw.str(d.Detail)
	}
	jw.raw(`,"file":`)
	jw.str(d.Subject.Start.Filename)
	jw.raw(`,"line":`)
	jw.int(d.Subject.Start.Line)
	jw.raw(`,"column":`)
	jw.int(d.Subject.Start.Column)
	jw.raw("}")
}

const hexDigits = "0123456789abcdef"

// jsonSafe marks the ASCII bytes a JSON string holds as they are.
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str writes s as a JSON string. Bytes that are not valid UTF-8 (configs
// are bytes, not text) are written as \u00XX of the byte value, so that no
// byte is lost.
func (jw *jsonWriter) str(s string) {
	b := append(jw.b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && jsonstr.Plain8(jsonstr.Load8(s, i)) {
			i += 8
			continue
		}
		c := s[i]
		if jsonSafe[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				if r == '\u2028' || r == '\u2029' {
					b = append(b, s[start:i]...)
					b = append(b, `\u202`...)
					b = append(b, hexDigits[r&0xF])
					i += size
					start = i
					continue
				}
				i += size
				continue
			}
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			b = append(b, `\u00`...)
			b = append(b, hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	jw.b = append(b, '"')
}
