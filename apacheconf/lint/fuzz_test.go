package lint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// FuzzCheck reads arbitrary configuration text and runs the Apache-only
// rules and the suppression comments on it: whatever the input, no panic,
// and every finding has a code that Rules or ReadRules lists and a
// position in the file.
func FuzzCheck(f *testing.F) {
	bad, _ := filepath.Glob("../../fixtures/lint/*/*.conf")
	for _, p := range bad {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(string(data))
		}
	}
	f.Add("# wsgidock:disable trace-enable\nTraceEnable \\\n On\n<IfModule nope>\n</Location}\n</IfModule>\n")
	known := map[string]apacheconf.Rule{}
	for _, r := range append(Rules(), ReadRules()...) {
		known[r.Code] = r
	}
	f.Fuzz(func(t *testing.T, src string) {
		tree, err := apacheconf.LoadSource("/fuzz.conf", []byte(src), apacheconf.Options{ServerRoot: "/", NoFileChecks: true, FS: noFiles{},
			LookupEnv: func(string) (string, bool) { return "", false }})
		var re *apacheconf.ReadError
		if err != nil && !asReadError(err, &re) {
			return
		}
		l := &Linter{Checks: []func(*apacheconf.Tree) apacheconf.Diagnostics{Check}, Known: known}
		for _, d := range Normalize(l.Lint(tree, re)) {
			if _, ok := known[d.Code]; !ok {
				t.Errorf("finding with unknown code %q: %v", d.Code, d)
			}
			if d.Subject.Start.Filename == "" {
				t.Errorf("finding without a file: %v", d)
			}
		}
	})
}
