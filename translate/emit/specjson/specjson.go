// Package specjson writes the launch spec and its report as one JSON
// document, for tools: the Spec's own field names and order, indented,
// with empty lists as [] rather than null.
package specjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

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
	var b bytes.Buffer
	if err := Write(&b, sp, report); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Write writes what Marshal returns to w, one service and one report
// item at a time, so that neither the document nor a copy of the report
// is held in memory. Nothing is written when the spec cannot be.
func Write(w io.Writer, sp *spec.Spec, report *spec.Report) error {
	if sp == nil {
		return fmt.Errorf("no launch spec to write")
	}
	for _, s := range sp.Services {
		if s == nil {
			return fmt.Errorf("launch spec has a missing service")
		}
		if err := check.UTF8(sp, s); err != nil {
			return err
		}
	}
	if report == nil {
		report = &spec.Report{}
	}
	// The document with every list empty, each list then written where
	// its "[]" stands: the lists' elements are all that is long.
	head := *sp
	head.Services = []*spec.Service{}
	skeleton, err := encode(Document{Spec: &head, Report: &spec.Report{Mapped: []spec.Item{}, Unmapped: []spec.Item{}}}, "")
	if err != nil {
		return err
	}
	lists := []struct {
		key   string
		items func(e *elements) error
	}{
		{`"services": []`, func(e *elements) error {
			for _, s := range sp.Services {
				if err := e.add(s); err != nil {
					return err
				}
			}
			return nil
		}},
		{`"mapped": []`, func(e *elements) error { return e.addItems(report.Mapped) }},
		{`"unmapped": []`, func(e *elements) error { return e.addItems(report.Unmapped) }},
	}
	rest := skeleton
	var buf []byte // the elements' buffer, kept from list to list
	for _, l := range lists {
		// A key inside a JSON string has its quotes escaped: the first
		// match is the key itself.
		i := bytes.Index(rest, []byte(l.key))
		if i < 0 {
			return fmt.Errorf("writing the launch spec as JSON: no %s in the document", l.key)
		}
		start := bytes.LastIndexByte(rest[:i], '\n') + 1
		indent := string(rest[start:i])
		if _, err := w.Write(rest[:i+len(l.key)-1]); err != nil {
			return err
		}
		e := &elements{w: w, prefix: indent + "  ", out: writer{b: buf}}
		if err := l.items(e); err != nil {
			return err
		}
		if err := e.flush(1); err != nil {
			return err
		}
		buf = e.out.b
		if e.n > 0 {
			if _, err := io.WriteString(w, "\n"+indent); err != nil {
				return err
			}
		}
		rest = rest[i+len(l.key)-1:]
	}
	_, err = w.Write(rest)
	return err
}

// elements writes the elements of one list, each indented by prefix,
// through a buffer given to w whenever it holds more than a few pages.
type elements struct {
	w      io.Writer
	prefix string
	n      int
	out    writer
}

// flushAt is the size at which the elements' buffer goes to w.
const flushAt = 64 << 10

func (e *elements) start() {
	sep := ",\n"
	if e.n == 0 {
		sep = "\n"
	}
	e.n++
	e.out.b = append(e.out.b, sep...)
	e.out.b = append(e.out.b, e.prefix...)
	e.out.prefix, e.out.depth = e.prefix, 0
}

func (e *elements) add(s *spec.Service) error {
	e.start()
	e.out.service(s)
	return e.flush(flushAt)
}

func (e *elements) addItems(items []spec.Item) error {
	for i := range items {
		e.start()
		e.out.item(&items[i])
		if err := e.flush(flushAt); err != nil {
			return err
		}
	}
	return nil
}

// flush gives the buffer to w once it holds at least n bytes.
func (e *elements) flush(n int) error {
	if len(e.out.b) < n || len(e.out.b) == 0 {
		return nil
	}
	_, err := e.w.Write(e.out.b)
	e.out.b = e.out.b[:0]
	return err
}

// encode is v as the document's encoder writes it, lines after the first
// indented by prefix.
func encode(v any, prefix string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("writing the launch spec as JSON: %w", err)
	}
	return b.Bytes(), nil
}
