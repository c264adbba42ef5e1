package specjson

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/emit/internal/golden"
	"github.com/wsgidock/wsgidock/translate/spec"
)

func TestGolden(t *testing.T) {
	for _, c := range fixtures.All() {
		t.Run(c.Name, func(t *testing.T) {
			out, err := Marshal(c.Spec, c.Report)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("..", "testdata", c.Name, "spec.json"), out)
		})
	}
}

// TestRoundTrip decodes the JSON back into the model, strictly, and
// compares: nothing is lost or renamed on the way.
func TestRoundTrip(t *testing.T) {
	for _, c := range fixtures.All() {
		t.Run(c.Name, func(t *testing.T) {
			out, err := Marshal(c.Spec, c.Report)
			if err != nil {
				t.Fatal(err)
			}
			var doc Document
			dec := json.NewDecoder(strings.NewReader(string(out)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(doc.Spec, c.Spec) {
				t.Errorf("spec differs after the round trip:\n got %+v\nwant %+v", doc.Spec, c.Spec)
			}
			if !reflect.DeepEqual(doc.Report, c.Report) {
				t.Errorf("report differs after the round trip:\n got %+v\nwant %+v", doc.Report, c.Report)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	out, err := Marshal(&spec.Spec{Project: "p"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"services": []`, `"mapped": []`, `"unmapped": []`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if !strings.HasSuffix(string(out), "}\n") {
		t.Error("output does not end with a newline")
	}
}

func TestErrors(t *testing.T) {
	bad := fixtures.Seed().Spec
	bad.Services[0].Env = []spec.EnvVar{{Name: "X", Value: "\xff", HasValue: true}}
	tests := []struct {
		sp   *spec.Spec
		want string
	}{
		{nil, "no launch spec"},
		{&spec.Spec{Services: []*spec.Service{nil}}, "missing service"},
		{bad, "is not valid UTF-8"},
	}
	for _, tt := range tests {
		out, err := Marshal(tt.sp, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || out != nil {
			t.Errorf("Marshal: %q, %v; want an error containing %q", out, err, tt.want)
		}
	}
}

// wholeDocument is Marshal as one encoding of the whole document, which
// Write must match byte for byte while writing a piece at a time.
func wholeDocument(t *testing.T, sp *spec.Spec, report *spec.Report) []byte {
	t.Helper()
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
	out, err := encode(doc, "")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteIsTheWholeDocument(t *testing.T) {
	tricky := &spec.Spec{Project: `"services": []`, ConfigFile: "a\n  \"mapped\": []", Services: nil}
	cases := []struct {
		sp     *spec.Spec
		report *spec.Report
	}{{tricky, nil}, {tricky, &spec.Report{Unmapped: []spec.Item{{What: `"unmapped": []`}}}}}
	for _, c := range fixtures.All() {
		cases = append(cases, struct {
			sp     *spec.Spec
			report *spec.Report
		}{c.Spec, c.Report}, struct {
			sp     *spec.Spec
			report *spec.Report
		}{c.Spec, nil})
	}
	for i, c := range cases {
		got, err := Marshal(c.sp, c.report)
		if err != nil {
			t.Fatal(err)
		}
		if want := wholeDocument(t, c.sp, c.report); string(got) != string(want) {
			t.Errorf("case %d: Write gives\n%s\nthe whole document is\n%s", i, got, want)
		}
	}
}
