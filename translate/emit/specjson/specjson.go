// Package specjson writes the launch spec and its report as one JSON
// document, for tools: the Spec's own field names and order, indented,
// with empty lists as [] rather than null.
package specjson

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/wsgidock/wsgidock/translate/emit/internal/check"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Document is the JSON's top level.
type Document struct {
	Spec   *spec.Spec   `json:"spec"`
	Report *spec.Report `json:"report"`
}

// Marshal renders sp and report (which may be nil) as indented JSON. Text
// that is not UTF-8 is an error naming its source, since JSON would carry
// it as U+FFFD.
func Marshal(sp *spec.Spec, report *spec.Report) ([]byte, error) {
	if sp == nil {
		return nil, fmt.Errorf("no launch spec to write")
	}
	for _, s := range sp.Services {
		if s == nil {
			return nil, fmt.Errorf("launch spec has a missing service")
		}
		if err := check.UTF8(sp, s); err != nil {
			return nil, err
		}
	}
	doc := Document{Spec: sp, Report: &spec.Report{Mapped: []spec.Item{}, Unmapped: []spec.Item{}}}
	if report != nil {
		doc.Report.Mapped = append(doc.Report.Mapped, report.Mapped...)
		doc.Report.Unmapped = append(doc.Report.Unmapped, report.Unmapped...)
	}
	if sp.Services == nil {
		cp := *sp
		cp.Services = []*spec.Service{}
		doc.Spec = &cp
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("writing the launch spec as JSON: %w", err)
	}
	return b.Bytes(), nil
}
