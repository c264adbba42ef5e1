package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// The SARIF 2.1.0 objects wsgidock writes: a small subset of the format,
// as plain types, so that the output is exactly what these say (a test
// validates it against the schema).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult               `json:"results"`
	ColumnKind         string                      `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifText          `json:"help"`
	HelpURI              string             `json:"helpUri"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
}

func sarifLevel(s apacheconf.Severity) string {
	switch s {
	case apacheconf.SeverityError:
		return "error"
	case apacheconf.SeverityWarning:
		return "warning"
	}
	return "note"
}

// writeSARIF writes one run: every known rule, and a result per finding
// with its file (relative to %SRCROOT%, the base directory, when it lies
// below it) and region.
func writeSARIF(w io.Writer, ds apacheconf.Diagnostics, opts Options) error {
	driver := sarifDriver{Name: "wsgidock", Version: opts.Version, InformationURI: "https://github.com/wsgidock/wsgidock", Rules: []sarifRule{}}
	index := map[string]int{}
	addRule := func(r apacheconf.Rule) {
		if _, ok := index[r.Code]; ok {
			return
		}
		index[r.Code] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.Code, ShortDescription: sarifText{r.Summary}, FullDescription: sarifText{r.Summary + "."},
			Help: sarifText{r.Help}, HelpURI: RulesURL + "#" + strings.ToLower(r.Code),
			DefaultConfiguration: sarifConfiguration{sarifLevel(r.Severity)},
		})
	}
	for _, r := range opts.Rules {
		addRule(r)
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}, ColumnKind: "utf16CodeUnits"}
	for _, d := range ds {
		if _, ok := index[d.Code]; !ok {
			addRule(apacheconf.Rule{Code: d.Code, Severity: d.Severity, Summary: d.Summary, Help: d.Detail})
		}
		loc := sarifPhysical{ArtifactLocation: artifact(d.Subject.Start.Filename, opts.BaseDir)}
		if p := d.Subject.Start; p.Line > 0 {
			loc.Region = &sarifRegion{StartLine: p.Line, StartColumn: p.Column, EndLine: endLine(d)}
		}
		run.Results = append(run.Results, sarifResult{
			RuleID: d.Code, RuleIndex: index[d.Code], Level: sarifLevel(d.Severity),
			Message: sarifText{message(d)}, Locations: []sarifLocation{{loc}},
		})
	}
	run.Tool.Driver = driver
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{
		Schema:  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// artifact is a file as SARIF names it: a relative URI against %SRCROOT%
// when it lies below base, else an absolute file: URI.
func artifact(name, base string) sarifArtifactLoc {
	rel := relPath(name, base)
	if base != "" && !filepath.IsAbs(filepath.FromSlash(rel)) && !strings.HasPrefix(rel, "../") {
		return sarifArtifactLoc{URI: (&url.URL{Path: rel}).EscapedPath(), URIBaseID: "%SRCROOT%"}
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		abs = name
	}
	return sarifArtifactLoc{URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()}
}
