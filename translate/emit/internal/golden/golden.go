// Package golden compares emitter output with the files under
// translate/emit/testdata/ and rewrites them when the tests run with
// -update, so that a change of output is reviewed in the diff.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/wsgidock/wsgidock/translate/emit/internal/oneline"
	"github.com/wsgidock/wsgidock/translate/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files under translate/emit/testdata")

// Check compares got with the file at path, or writes it there with -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the tests with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update and review the diff):\n%s", path, diff(want, got))
	}
}

// diff shows the first line that differs, with its neighbours, which is
// enough to find a change in files of a few hundred lines.
func diff(want, got []byte) string {
	wl := bytes.Split(want, []byte("\n"))
	gl := bytes.Split(got, []byte("\n"))
	i := 0
	for i < len(wl) && i < len(gl) && bytes.Equal(wl[i], gl[i]) {
		i++
	}
	var b bytes.Buffer
	for j := max(0, i-2); j < i; j++ {
		b.WriteString("  " + string(wl[j]) + "\n")
	}
	if i < len(wl) {
		b.WriteString("- " + string(wl[i]) + "\n")
	}
	if i < len(gl) {
		b.WriteString("+ " + string(gl[i]) + "\n")
	}
	return b.String()
}

// Notes renders emitter notes one a line, for a golden file beside the
// output they belong to.
func Notes(items []spec.Item) []byte {
	var b bytes.Buffer
	for _, it := range items {
		fmt.Fprintf(&b, "%s: [%s] %s: %s\n", oneline.String(it.Source.String()), it.Service, oneline.String(it.What), oneline.String(it.Why))
	}
	return b.Bytes()
}
