package report

import (
	"bufio"
	"io"
	"strconv"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/internal/jsonstr"
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
		b = jsonstr.Append(b, d.Subject.Start.Filename)
		b = append(b, ",\n      \"line\": "...)
		b = strconv.AppendInt(b, int64(d.Subject.Start.Line), 10)
		b = append(b, ",\n      \"column\": "...)
		b = strconv.AppendInt(b, int64(d.Subject.Start.Column), 10)
		b = append(b, ",\n      \"endLine\": "...)
		b = strconv.AppendInt(b, int64(endLine(d)), 10)
		b = append(b, ",\n      \"severity\": "...)
		b = jsonstr.Append(b, d.Severity.String())
		b = append(b, ",\n      \"code\": "...)
		b = jsonstr.Append(b, d.Code)
		b = append(b, ",\n      \"message\": "...)
		b = jsonstr.Append(b, d.Summary)
		if d.Detail != "" {
			b = append(b, ",\n      \"detail\": "...)
			b = jsonstr.Append(b, d.Detail)
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
