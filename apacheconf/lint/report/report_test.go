package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wsgidock/wsgidock/apacheconf"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sample are findings with what the formats must escape: %, CR, LF, ':'
// and ',' in file names and messages, and XML's specials.
func sample(base string) (apacheconf.Diagnostics, Options) {
	site := filepath.Join(base, "conf", "site.conf")
	odd := filepath.Join(base, "conf", "a,b:c%.conf")
	src := map[string]string{
		site: "ServerName localhost\nTraceEnable On\n<Location /x>\n  ProxyPass http://127.0.0.1:8000/\n</Location>\n",
		odd:  "ServerTokens Full\n",
	}
	pos := func(file string, line, col int) apacheconf.Range {
		return apacheconf.Range{Start: apacheconf.Position{Filename: file, Line: line, Column: col}, End: apacheconf.Position{Filename: file, Line: line}}
	}
	ds := apacheconf.Diagnostics{
		{Severity: apacheconf.SeverityError, Code: "read", Summary: "Expected </Location> but saw </Directory>", Subject: pos(odd, 1, 1)},
		{Severity: apacheconf.SeverityWarning, Code: "trace-enable", Summary: "TraceEnable On answers TRACE requests", Detail: "Use TraceEnable Off.", Subject: pos(site, 2, 1)},
		{Severity: apacheconf.SeverityWarning, Code: "proxy-no-reverse", Summary: "100% of <redirects> & \"more\"\r\nleak", Detail: "Add ProxyPassReverse.", Subject: pos(site, 4, 3)},
		{Severity: apacheconf.SeverityInfo, Code: "AH00111", Summary: "a note with no line", Subject: apacheconf.Range{Start: apacheconf.Position{Filename: "/elsewhere/x.conf"}}},
	}
	opts := Options{
		Rules: []apacheconf.Rule{
			{Code: "read", Severity: apacheconf.SeverityError, Summary: "httpd stops reading", Help: "Fix the line."},
			{Code: "trace-enable", Severity: apacheconf.SeverityWarning, Summary: "TraceEnable On", Help: "Use TraceEnable Off."},
			{Code: "proxy-no-reverse", Severity: apacheconf.SeverityWarning, Summary: "no ProxyPassReverse", Help: "Add it."},
		},
		Source:  func(name string) (string, bool) { s, ok := src[name]; return s, ok },
		BaseDir: base,
		Version: "test",
	}
	return ds, opts
}

var extension = map[string]string{"text": "txt", "json": "json", "sarif": "sarif", "github": "github.txt", "checkstyle": "xml", "gitlab": "gitlab.json"}

// TestGolden renders the sample in every format and compares it with
// testdata/golden.*.
func TestGolden(t *testing.T) {
	base := "/work/repo"
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			ds, opts := sample(base)
			var b bytes.Buffer
			if err := Write(&b, format, ds, opts); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden."+extension[format])
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s output differs from %s (run with -update and review the diff):\n%s", format, golden, b.String())
			}
		})
	}
}

// TestSARIFSchema validates the SARIF output against the SARIF 2.1.0 JSON
// schema, and checks that a result the schema would not notice is wrong
// (a rule index that points at another rule) is not there either.
func TestSARIFSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	schemaFile, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer schemaFile.Close()
	doc, err := jsonschema.UnmarshalJSON(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	c.AssertFormat()
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, ds := range map[string]apacheconf.Diagnostics{"sample": nil, "none": {}} {
		t.Run(name, func(t *testing.T) {
			sds, opts := sample(t.TempDir())
			if ds == nil {
				ds = sds
			}
			var b bytes.Buffer
			if err := Write(&b, "sarif", ds, opts); err != nil {
				t.Fatal(err)
			}
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(v); err != nil {
				t.Fatalf("invalid SARIF: %v\n%s", err, b.String())
			}
			var log sarifLog
			if err := json.Unmarshal(b.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			for _, r := range log.Runs[0].Results {
				if got := log.Runs[0].Tool.Driver.Rules[r.RuleIndex].ID; got != r.RuleID {
					t.Errorf("result %s points at rule %s", r.RuleID, got)
				}
			}
		})
	}
	// The schema is strict: an unknown property is refused, so the test
	// can fail.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "2.1.0", "runs": [], "extra": 1}`))
	if schema.Validate(bad) == nil {
		t.Error("the schema accepts an unknown property")
	}
}

// TestGitLabFingerprints: the same findings give the same fingerprints
// from another checkout directory and in another order, and every
// fingerprint is unique.
func TestGitLabFingerprints(t *testing.T) {
	prints := func(base string, reverse bool) map[string]string {
		ds, opts := sample(base)
		if reverse {
			for i, j := 0, len(ds)-1; i < j; i, j = i+1, j-1 {
				ds[i], ds[j] = ds[j], ds[i]
			}
		}
		var b bytes.Buffer
		if err := Write(&b, "gitlab", ds, opts); err != nil {
			t.Fatal(err)
		}
		var issues []gitlabIssue
		if err := json.Unmarshal(b.Bytes(), &issues); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, is := range issues {
			key := is.CheckName + " " + is.Location.Path
			if _, dup := out[key]; dup {
				t.Fatalf("two issues %s", key)
			}
			out[key] = is.Fingerprint
		}
		return out
	}
	a, b := prints("/one/checkout", false), prints("/another/place", true)
	seen := map[string]bool{}
	for k, fp := range a {
		if b[k] != fp {
			t.Errorf("%s: fingerprint %s, then %s", k, fp, b[k])
		}
		if seen[fp] {
			t.Errorf("fingerprint %s repeats", fp)
		}
		seen[fp] = true
	}
}

// TestGitHubEscaping: messages escape %, CR and LF; properties also : and ,.
func TestGitHubEscaping(t *testing.T) {
	if got := escapeData("100%\r\nx:y,z"); got != "100%25%0D%0Ax:y,z" {
		t.Errorf("data: %s", got)
	}
	if got := escapeProperty("a,b:c%\n"); got != "a%2Cb%3Ac%25%0A" {
		t.Errorf("property: %s", got)
	}
}

// TestTextColor: on a terminal the severity, position, caret and code are
// coloured; without Color the text has no escape sequences.
func TestTextColor(t *testing.T) {
	ds, opts := sample("/work/repo")
	var plain, color bytes.Buffer
	if err := Write(&plain, "text", ds, opts); err != nil {
		t.Fatal(err)
	}
	opts.Color = true
	if err := Write(&color, "text", ds, opts); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain text has escape sequences")
	}
	for _, want := range []string{"\x1b[1;31merror:\x1b[0m", "\x1b[1;33mwarning:\x1b[0m", "\x1b[2m[trace-enable]\x1b[0m", "\x1b[1;32m^\x1b[0m"} {
		if !strings.Contains(color.String(), want) {
			t.Errorf("coloured text lacks %q:\n%s", want, color.String())
		}
	}
	stripped := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(color.String(), "")
	if stripped != plain.String() {
		t.Errorf("colours change the text:\n%s\n%s", stripped, plain.String())
	}
}

// TestJSONAsEncodingJSON: the hand-written json format is exactly what
// encoding/json's indenting encoder writes for the same values, hostile
// strings included.
func TestJSONAsEncodingJSON(t *testing.T) {
	type finding struct {
		File     string              `json:"file"`
		Line     int                 `json:"line"`
		Column   int                 `json:"column"`
		EndLine  int                 `json:"endLine"`
		Severity apacheconf.Severity `json:"severity"`
		Code     string              `json:"code"`
		Message  string              `json:"message"`
		Detail   string              `json:"detail,omitempty"`
	}
	type summary struct {
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
		Infos    int `json:"infos"`
	}
	type doc struct {
		Version  int       `json:"version"`
		Summary  summary   `json:"summary"`
		Findings []finding `json:"findings"`
	}
	ds, _ := sample("/work/repo")
	ds = append(ds, apacheconf.Diagnostic{Code: "x", Summary: "\x00\x1f\b\f\t\"\\ <&> \u2028\u2029 \xff é \U0001F600"})
	for _, set := range []apacheconf.Diagnostics{ds, {}} {
		want := doc{Version: 1, Findings: []finding{}}
		for _, d := range set {
			switch d.Severity {
			case apacheconf.SeverityError:
				want.Summary.Errors++
			case apacheconf.SeverityWarning:
				want.Summary.Warnings++
			default:
				want.Summary.Infos++
			}
			want.Findings = append(want.Findings, finding{d.Subject.Start.Filename, d.Subject.Start.Line, d.Subject.Start.Column,
				endLine(d), d.Severity, d.Code, d.Summary, d.Detail})
		}
		var wantBuf, got bytes.Buffer
		enc := json.NewEncoder(&wantBuf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(want); err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(&got, set); err != nil {
			t.Fatal(err)
		}
		if got.String() != wantBuf.String() {
			t.Errorf("got:\n%s\nwant:\n%s", got.String(), wantBuf.String())
		}
	}
}
