package apacheconf_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// allFixtureFiles are every configuration file under fixtures/, the files
// they include among them.
func allFixtureFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"apacheconf/*/*.conf", "apacheconf/inc/*.conf", "apacheconf/inc/*/*.conf", "*/*.conf"} {
		m, err := filepath.Glob(filepath.Join("..", "fixtures", pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures found")
	}
	return files
}

// TestPrintRoundTrip prints every file of every fixture back from its
// nodes: the bytes must be the file's, exactly.
func TestPrintRoundTrip(t *testing.T) {
	for _, file := range allFixtureFiles(t) {
		src := readFixture(t, file)
		tree, _ := apacheconf.LoadSource(file, src, apacheconf.Options{NoFileChecks: true})
		for _, f := range tree.Files {
			if f.CommandLine {
				continue
			}
			if got := f.Print(); !bytes.Equal(got, []byte(f.Src)) {
				t.Errorf("%s: printing gives different bytes:\n%s", f.Name, lineDiff(f.Src, string(got)))
			}
		}
	}
}

// FuzzLoad feeds arbitrary bytes to the reader: it must not panic, nodes
// must lie in order inside the source, and printing must give the bytes
// back.
func FuzzLoad(f *testing.F) {
	for _, file := range allFixtureFiles(f) {
		f.Add(readFixture(&testing.T{}, file))
	}
	f.Add([]byte("<A>\n<B \\\n>\n</B>\n</A>\n"))
	f.Add([]byte("<IfDefine X>\n<IfModule !a>\n</IfModule>\n</IfDefine>\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		root := t.TempDir()
		tree, _ := apacheconf.LoadSource(filepath.Join(root, "fuzz.conf"), src, apacheconf.Options{ServerRoot: root, NoFileChecks: true, FS: apacheconf.RootedFileSystem{Root: root}})
		if tree == nil {
			t.Fatal("no tree")
		}
		main := tree.Main()
		if got := main.Print(); !bytes.Equal(got, src) {
			t.Fatalf("round trip broken:\n%q\n%q", src, got)
		}
		var check func(ns []*apacheconf.Node, lo int) int
		check = func(ns []*apacheconf.Node, lo int) int {
			for _, n := range ns {
				if n.Offset < lo || n.End < n.Offset || n.End > len(src) {
					t.Fatalf("node %q spans %d..%d after %d", n.Name, n.Offset, n.End, lo)
				}
				if n.Line < n.StartLine {
					t.Fatalf("node %q: line %d before start line %d", n.Name, n.Line, n.StartLine)
				}
				lo = check(n.Children, n.End)
				if n.CloseLine > 0 {
					if n.CloseOffset < lo {
						t.Fatalf("section %q closes at %d before its content ends at %d", n.Name, n.CloseOffset, lo)
					}
					lo = n.CloseEnd
				} else if n.Kind != apacheconf.KindSection {
					lo = n.End
				}
			}
			return lo
		}
		check(main.Nodes, 0)
		var out bytes.Buffer
		if err := tree.WriteJSON(&out, nil); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(out.Bytes()) {
			t.Fatalf("invalid JSON for %q", src)
		}
		if err := tree.Flatten(&out); err != nil {
			t.Fatal(err)
		}
	})
}
