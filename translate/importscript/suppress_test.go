package importscript

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// TestSuppressions: a comment covers every line of the statement after
// it, and only that statement; comments inside strings and brackets, and
// comments cut off by a blank line, cover nothing.
func TestSuppressions(t *testing.T) {
	src := `import os
# wsgidock:disable launcher, script-main-guard
port = open('/etc/port'
            ).read()
x = 1

# wsgidock:disable launcher

y = open('/a')
doc = """
# wsgidock:disable launcher
"""
# wsgidock:disable launcher
# another comment
z = 2
args = [
    # wsgidock:disable launcher
    open('/b').read(),
]
if True:
    # wsgidock:disable launcher
    w = x + \
        open('/c').read()
`
	got := map[int][]string{}
	for line, sups := range Suppressions("l.py", []byte(src)) {
		for _, s := range sups {
			got[line] = append(got[line], s.Code)
		}
	}
	want := map[int][]string{
		3: {"launcher", "script-main-guard"}, 4: {"launcher", "script-main-guard"},
		22: {"launcher"}, 23: {"launcher"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("covered lines %v, want %v", got, want)
	}
	sups := Suppressions("l.py", []byte(src))
	if p := sups[3][1].Pos; p != (apacheconf.Position{Filename: "l.py", Line: 2, Column: 30}) {
		t.Errorf("script-main-guard named at %v", p)
	}
}

// TestSuppressDropsCoveredFindings: only findings of a covered line with
// a named code go; an unknown code is reported at the comment.
func TestSuppressDropsCoveredFindings(t *testing.T) {
	script := filepath.Join(t.TempDir(), "l.py")
	if err := os.WriteFile(script, []byte("import os\n# wsgidock:disable launcher,nope\nport = open('/p').read()\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	at := func(line int, code string) apacheconf.Diagnostic {
		p := apacheconf.Position{Filename: script, Line: line, Column: 1}
		return apacheconf.Diagnostic{Severity: apacheconf.SeverityWarning, Code: code, Subject: apacheconf.Range{Start: p, End: p}}
	}
	known := map[string]apacheconf.Rule{"launcher": {}, "service-threads": {}}
	out := Suppress(apacheconf.Diagnostics{at(3, "launcher"), at(3, "service-threads"), at(1, "launcher")}, nil, nil, known)
	var codes []string
	for _, d := range out {
		codes = append(codes, fmt.Sprintf("%d:%d %s", d.Pos().Line, d.Pos().Column, d.Code))
	}
	want := []string{"2:29 bad-suppression", "3:1 service-threads", "1:1 launcher"}
	if !reflect.DeepEqual(codes, want) {
		t.Errorf("got %q, want %q", codes, want)
	}
}
