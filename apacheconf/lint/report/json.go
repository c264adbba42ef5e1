package report

import (
	"encoding/json"
	"io"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// jsonReport is the json format (docs/formats.md): version 1.
type jsonReport struct {
	Version  int           `json:"version"`
	Summary  jsonSummary   `json:"summary"`
	Findings []jsonFinding `json:"findings"`
}

type jsonSummary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

type jsonFinding struct {
	File     string              `json:"file"`
	Line     int                 `json:"line"`
	Column   int                 `json:"column"`
	EndLine  int                 `json:"endLine"`
	Severity apacheconf.Severity `json:"severity"`
	Code     string              `json:"code"`
	Message  string              `json:"message"`
	Detail   string              `json:"detail,omitempty"`
}

func writeJSON(w io.Writer, ds apacheconf.Diagnostics) error {
	r := jsonReport{Version: 1, Findings: []jsonFinding{}}
	for _, d := range ds {
		switch d.Severity {
		case apacheconf.SeverityError:
			r.Summary.Errors++
		case apacheconf.SeverityWarning:
			r.Summary.Warnings++
		default:
			r.Summary.Infos++
		}
		r.Findings = append(r.Findings, jsonFinding{
			File: d.Subject.Start.Filename, Line: d.Subject.Start.Line, Column: d.Subject.Start.Column,
			EndLine: endLine(d), Severity: d.Severity, Code: d.Code, Message: d.Summary, Detail: d.Detail,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
