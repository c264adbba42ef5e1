package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestMigrateGolden runs `wsgidock migrate` on every fixture config in
// every format and compares stdout with fixtures/CASE/golden/; the
// repository path is written as $ROOT. `go test ./cmd/wsgidock -update`
// rewrites them; review the diff.
func TestMigrateGolden(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]string{"sh": "run.sh", "compose": "compose.yaml", "kube": "k8s.yaml", "json": "spec.json", "apache": "httpd.conf"}
	for _, fixture := range []string{"seed002", "multi", "hostile"} {
		for format, file := range formats {
			t.Run(fixture+"/"+format, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				conf := filepath.Join(root, "fixtures", fixture, "httpd.conf")
				if code := run([]string{"migrate", "--format", format, conf}, streams{&stdout, &stderr}); code != 0 {
					t.Fatalf("exit status %d:\n%s", code, stderr.String())
				}
				got := bytes.ReplaceAll(stdout.Bytes(), []byte(root), []byte("$ROOT"))
				golden := filepath.Join(root, "fixtures", fixture, "golden", file)
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./cmd/wsgidock -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("migrate --format %s differs from %s; run with -update and review the diff", format, golden)
				}
			})
		}
	}
}
