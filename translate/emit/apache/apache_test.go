package apache_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/emit/apache"
)

// copyDir copies a fixture directory so the rewritten config can be tried
// in place of the original.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if out, err := exec.Command("cp", "-a", src+"/.", dst).CombinedOutput(); err != nil {
		t.Fatalf("copying %s: %v\n%s", src, err, out)
	}
	return dst
}

// TestRewriteKeepsEverythingElseAndPassesHTTPD rewrites each fixture's
// front end: only the managed directives change (commented out, with one
// marker line above each daemon), every other line is byte-identical, and
// httpd accepts the result.
func TestRewriteKeepsEverythingElseAndPassesHTTPD(t *testing.T) {
	for _, name := range []string{"seed002", "multi", "hostile"} {
		t.Run(name, func(t *testing.T) {
			dir := copyDir(t, filepath.Join("..", "..", "..", "fixtures", name))
			conf := filepath.Join(dir, "httpd.conf")
			tree, err := apacheconf.Load(conf, apacheconf.Options{})
			if err != nil {
				t.Fatal(err)
			}
			sp, _, diags := translate.Plan(tree, translate.Options{})
			if diags.HasErrors() || len(sp.Services) == 0 {
				t.Fatalf("plan: %v", diags)
			}
			files, notes, err := apache.Rewrite(tree, sp)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 1 || files[0].Name != conf {
				t.Fatalf("rewrote %d files, want only %s", len(files), conf)
			}
			if len(notes) != 2*len(sp.Services) {
				t.Errorf("%d notes for %d services", len(notes), len(sp.Services))
			}
			orig := strings.SplitAfter(tree.Main().Src, "\n")
			got := strings.SplitAfter(string(files[0].Data), "\n")
			changed := map[int]bool{}
			for _, r := range files[0].Changed {
				for l := r.Start.Line; l <= r.End.Line; l++ {
					changed[l] = true
				}
			}
			j := 0
			for i, line := range orig {
				for j < len(got) && strings.HasPrefix(got[j], "#"+apache.Marker+"service ") {
					j++
				}
				switch {
				case changed[i+1]:
					if got[j] != "#"+apache.Marker+line {
						t.Errorf("line %d: %q is not commented out as %q", i+1, line, got[j])
					}
				case got[j] != line:
					t.Errorf("line %d changed: %q became %q", i+1, line, got[j])
				}
				j++
			}
			if err := os.WriteFile(conf, files[0].Data, 0o644); err != nil {
				t.Fatal(err)
			}
			res := httpdtest.Run(t, nil, "-d", dir, "-f", conf)
			if !res.OK {
				t.Fatalf("httpd refuses the rewritten config:\n%s", res.Stderr)
			}
			again, err := apacheconf.Load(conf, apacheconf.Options{})
			if err != nil {
				t.Fatal(err)
			}
			sp2, _, _ := translate.Plan(again, translate.Options{})
			if len(sp2.Services) != 0 {
				t.Errorf("the rewritten config still has %d services", len(sp2.Services))
			}
			if !bytes.Equal(again.Main().Print(), files[0].Data) {
				t.Error("the rewritten file does not print back to itself")
			}
		})
	}
}
