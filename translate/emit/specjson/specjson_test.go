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
