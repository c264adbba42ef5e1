package translate_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/translate"
)

// seedTree reads a config of n seed-shaped virtual hosts, each a daemon
// group with its own launcher.
func seedTree(b *testing.B, n int) *apacheconf.Tree {
	b.Helper()
	conf, err := httpdtest.WriteSeedTree(b.TempDir(), n)
	if err != nil {
		b.Fatal(err)
	}
	tree, err := apacheconf.Load(conf, apacheconf.Options{NoFileChecks: true})
	if err != nil {
		b.Fatal(err)
	}
	return tree
}

// BenchmarkPlan plans 1,000 and 10,000 virtual hosts; the time per host
// should not grow with their number.
func BenchmarkPlan(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		tree := seedTree(b, n)
		b.Run(itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sp, _, diags := translate.Plan(tree, translate.Options{})
				if diags.HasErrors() || len(sp.Services) != n {
					b.Fatalf("%d services, %v", len(sp.Services), diags)
				}
			}
		})
	}
}

// BenchmarkPlanApps plans 1,000 and 10,000 virtual hosts that each serve
// a WSGI application from a daemon group of their own (pattern 2); the
// time per host should not grow with their number.
func BenchmarkPlanApps(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		dir := b.TempDir()
		var conf strings.Builder
		conf.WriteString("ServerName localhost\n")
		for i := range n {
			fmt.Fprintf(&conf, "<VirtualHost *:80>\n    ServerName app%[1]d.example.com\n    WSGIDaemonProcess app%[1]d processes=2 threads=15 home=/srv/app%[1]d python-path=/srv/app%[1]d\n"+
				"    WSGIProcessGroup app%[1]d\n    WSGIScriptAlias / /srv/app%[1]d/wsgi.py\n    Alias /static/ /srv/app%[1]d/static/\n</VirtualHost>\n", i)
		}
		path := filepath.Join(dir, "httpd.conf")
		if err := os.WriteFile(path, []byte(conf.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		tree, err := apacheconf.Load(path, apacheconf.Options{NoFileChecks: true})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sp, _, diags := translate.Plan(tree, translate.Options{})
				if diags.HasErrors() || len(sp.Services) != n {
					b.Fatalf("%d services, %v", len(sp.Services), diags)
				}
			}
		})
	}
}

func itoa(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// BenchmarkLint runs lint's service rules on 10,000 seed-shaped virtual
// hosts, with their launchers present and then absent (every daemon group
// gets a launcher finding).
func BenchmarkLint(b *testing.B) {
	conf, err := httpdtest.WriteSeedTree(b.TempDir(), 10000)
	if err != nil {
		b.Fatal(err)
	}
	tree, err := apacheconf.Load(conf, apacheconf.Options{NoFileChecks: true})
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"present", "absent"} {
		if name == "absent" {
			if err := os.RemoveAll(filepath.Join(filepath.Dir(conf), "launchers")); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ds := translate.Lint(tree, translate.Options{})
				if (name == "absent") != (len(ds) >= 10000) {
					b.Fatalf("%d findings with the launchers %s", len(ds), name)
				}
			}
		})
	}
}
