package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// BenchmarkLintCommand runs the whole of `wsgidock lint --format json` in
// the process on 10,000 seed-shaped virtual hosts, with their launchers
// present and absent: the read, httpd's walk-phase checks, the Apache-only
// rules, the service rules and the report. cmd/wsgidock-bench times the
// same command as a whole process against apache2 -t.
func BenchmarkLintCommand(b *testing.B) {
	conf, err := httpdtest.WriteSeedTree(b.TempDir(), 10000)
	if err != nil {
		b.Fatal(err)
	}
	root := filepath.Dir(conf)
	for _, name := range []string{"present", "absent"} {
		if name == "absent" {
			if err := os.RemoveAll(filepath.Join(root, "launchers")); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if code := run([]string{"lint", "--format", "json", "--fail-on", "never", "-d", root, conf}, streams{stdout: io.Discard, stderr: io.Discard}); code != exitOK {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
