package report

import (
	"bufio"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// writeJSON writes the json format (docs/formats.md), version 1:
//
//	{"version": 1, "summary": {"errors", "warnings", "infos"},
//	 "findings": [{"file", "line", "column", "endLine", "severity", "code",
//	               "message", "detail"?}]}
//
// It is written by hand, in the layout encoding/json's indenting encoder
// gives, because a large configuration can have tens of thousands of
// findings and reflection would be most of lint's time.
func writeJSON(w io.Writer, ds apacheconf.Diagnostics) error {
	var errors, warnings, infos int
	for _, d := range ds {
		switch d.Severity {
		case apacheconf.SeverityError:
			errors++
		case apacheconf.SeverityWarning:
			warnings++
		default:
			infos++
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	b := make([]byte, 0, 1024)
	b = append(b, "{\n  \"version\": 1,\n  \"summary\": {\n    \"errors\": "...)
	b = strconv.AppendInt(b, int64(errors), 10)
	b = append(b, ",\n    \"warnings\": "...)
	b = strconv.AppendInt(b, int64(warnings), 10)
	b = append(b, ",\n    \"infos\": "...)
	b = strconv.AppendInt(b, int64(infos), 10)
	b = append(b, "\n  },\n  \"findings\": ["...)
	for i, d := range ds {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    {\n      \"file\": "...)
		b = appendJSONString(b, d.Subject.Start.Filename)
		b = append(b, ",\n      \"line\": "...)
		b = strconv.AppendInt(b, int64(d.Subject.Start.Line), 10)
		b = append(b, ",\n      \"column\": "...)
		b = strconv.AppendInt(b, int64(d.Subject.Start.Column), 10)
		b = append(b, ",\n      \"endLine\": "...)
		b = strconv.AppendInt(b, int64(endLine(d)), 10)
		b = append(b, ",\n      \"severity\": "...)
		b = appendJSONString(b, d.Severity.String())
		b = append(b, ",\n      \"code\": "...)
		b = appendJSONString(b, d.Code)
		b = append(b, ",\n      \"message\": "...)
		b = appendJSONString(b, d.Summary)
		if d.Detail != "" {
			b = append(b, ",\n      \"detail\": "...)
			b = appendJSONString(b, d.Detail)
		}
		b = append(b, "\n    }"...)
		if len(b) > 32<<10 {
			if _, err := bw.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	if len(ds) > 0 {
		b = append(b, "\n  "...)
	}
	b = append(b, "]\n}\n"...)
	if _, err := bw.Write(b); err != nil {
		return err
	}
	return bw.Flush()
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it with HTML escaping off: quotes, backslashes, control
// characters, U+2028 and U+2029, and invalid UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
