package check_test

import (
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/check"
)

// FuzzCheck runs Check on arbitrary configurations, seeded with the
// corpus, with every module loaded and the trees of failed reads too:
// whatever the input, no panic, and every finding is an error with a code
// of Rules, httpd's message and a place in a file of the tree.
func FuzzCheck(f *testing.F) {
	for _, c := range corpus {
		f.Add(c.conf)
	}
	codes := map[string]bool{}
	for _, r := range check.Rules() {
		codes[r.Code] = true
	}
	root := "/nonexistent-wsgidock-fuzz"
	f.Fuzz(func(t *testing.T, src string) {
		tree, _ := apacheconf.LoadSource(root+"/fuzz.conf", []byte(src), apacheconf.Options{ServerRoot: root, NoFileChecks: true,
			FS: apacheconf.RootedFileSystem{Root: root}, LookupEnv: func(string) (string, bool) { return "", false }})
		if tree == nil {
			return
		}
		files := map[string]bool{}
		for _, f := range tree.Files {
			files[f.Name] = true
		}
		for _, d := range check.Check(tree, check.Options{Modules: []string{"ssl_module", "access_compat_module", "expires_module"}}) {
			if !codes[d.Code] || d.Severity != apacheconf.SeverityError || strings.TrimSpace(d.Summary) == "" {
				t.Errorf("finding %+v", d)
			}
			if !files[d.Subject.Start.Filename] || d.Subject.Start.Line < 1 {
				t.Errorf("finding placed at %v, outside the tree", d.Subject.Start)
			}
		}
	})
}
