package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/check"
	"github.com/wsgidock/wsgidock/apacheconf/lint"
	"github.com/wsgidock/wsgidock/translate"
)

// TestRulesDoc keeps docs/rules.md in step with the rules: every rule with
// its code, severity, summary and help, and for the rules with fixtures
// the bad and the good fixture as examples. -update rewrites it.
func TestRulesDoc(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`# Lint rules

` + "`wsgidock lint`" + ` reports each finding with a code in brackets. Turn a rule off for
the project in ` + "`.wsgidock.yaml`" + ` (` + "`disable: [CODE]`" + `), for one run with ` + "`--disable CODE`" + `,
or for one directive with a comment on the line before it:

` + "```apache" + `
# wsgidock:disable trace-enable
TraceEnable On
` + "```" + `

Severities are the defaults; ` + "`--fail-on`" + ` says which make the run fail. The
examples are the fixtures in ` + "`fixtures/lint/CODE/`" + ` (each bad one passes
` + "`apache2 -t`" + `: these are things httpd accepts), shown without the lines that load
modules.

This file is generated from the rules and fixtures by
` + "`go test ./cmd/wsgidock -run TestRulesDoc -update`" + `.

`)
	sections := []struct {
		title, intro string
		rules        []apacheconf.Rule
	}{
		{"What httpd cannot see: Apache", "Package `apacheconf/lint`: reading traps, proxy and front end, security, httpd 2.2 leftovers.", lint.Rules()},
		{"What httpd cannot see: mod_wsgi and services", "From translate's planner (`translate.Rules`): what the daemon groups and their launchers start.", translate.Rules()},
		{"httpd's verdicts: the read phase", "What `httpd -t` reports while reading (package `apacheconf`), and suppression comments.", lint.ReadRules()},
		{"httpd's verdicts: the walk phase", "What `httpd -t` reports when it runs each directive's handler (package `apacheconf/check`; [docs/checks.md](checks.md) says how each is checked and tested). A configuration that loads no MPM is a fragment of another (a site, a module's `.conf`): lint reads and judges it as if every module were loaded.", check.Rules()},
	}
	for _, s := range sections {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", s.title, s.intro)
		for _, r := range s.rules {
			writeRuleDoc(t, &b, r)
		}
	}
	path := "../../docs/rules.md"
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, b.Bytes()) {
		t.Errorf("docs/rules.md is not up to date; run go test ./cmd/wsgidock -run TestRulesDoc -update and review the diff")
	}
}

func writeRuleDoc(t *testing.T, b *bytes.Buffer, r apacheconf.Rule) {
	fmt.Fprintf(b, "### %s\n\n%s: %s.\n\n%s\n\n", r.Code, strings.ToUpper(r.Severity.String()[:1])+r.Severity.String()[1:], r.Summary, r.Help)
	dir := filepath.Join("../../fixtures/lint", r.Code)
	if _, err := os.Stat(dir); err != nil {
		return
	}
	for _, kind := range []string{"bad", "good"} {
		data, err := os.ReadFile(filepath.Join(dir, kind+".conf"))
		if err != nil {
			t.Fatal(err)
		}
		title, body := exampleBody(string(data))
		if kind == "bad" {
			fmt.Fprintf(b, "Bad (%s):\n\n```apache\n%s```\n\n", title, body)
		} else {
			fmt.Fprintf(b, "Good:\n\n```apache\n%s```\n\n", body)
		}
		var extra []string
		filepath.WalkDir(filepath.Join(dir, kind), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				extra = append(extra, p)
			}
			return nil
		})
		sort.Strings(extra)
		for _, p := range extra {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(filepath.Join(dir, kind), p)
			lang := ""
			if filepath.Ext(p) == ".py" {
				lang = "python"
			}
			fmt.Fprintf(b, "`%s`:\n\n```%s\n%s```\n\n", rel, lang, data)
		}
	}
}

// exampleBody splits a fixture into its title (the first comment) and the
// configuration after the lines that load modules and set up the server.
func exampleBody(src string) (title, body string) {
	lines := strings.SplitAfter(src, "\n")
	title = strings.TrimSpace(strings.TrimPrefix(lines[0], "#"))
	title = strings.TrimSuffix(title, ".")
	i := 1
	for i < len(lines) && (strings.HasPrefix(lines[i], "LoadModule ") || strings.TrimSpace(lines[i]) == "" ||
		lines[i] == "ServerName localhost\n" || lines[i] == "Listen 80\n" || lines[i] == "ErrorLog /dev/null\n") {
		i++
	}
	return title, strings.Join(lines[i:], "")
}
