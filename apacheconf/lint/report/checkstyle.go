package report

import (
	"encoding/xml"
	"io"

	"github.com/wsgidock/wsgidock/apacheconf"
)

type checkstyleReport struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleError struct {
	Line     int    `xml:"line,attr,omitempty"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// writeCheckstyle writes checkstyle XML: one <file> per file, in the
// order of the findings.
func writeCheckstyle(w io.Writer, ds apacheconf.Diagnostics, opts Options) error {
	r := checkstyleReport{Version: "4.3"}
	index := map[string]int{}
	for _, d := range ds {
		name := relPath(d.Subject.Start.Filename, opts.BaseDir)
		i, ok := index[name]
		if !ok {
			i = len(r.Files)
			index[name] = i
			r.Files = append(r.Files, checkstyleFile{Name: name})
		}
		r.Files[i].Errors = append(r.Files[i].Errors, checkstyleError{
			Line: d.Subject.Start.Line, Column: d.Subject.Start.Column,
			Severity: d.Severity.String(), Message: message(d), Source: "wsgidock." + d.Code,
		})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
