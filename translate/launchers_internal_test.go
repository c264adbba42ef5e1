package translate

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// TestMissingDirs: below a directory that does not exist, every launcher
// fails as its own open would, naming itself; a file missing from a
// directory that exists is looked for again each time.
func TestMissingDirs(t *testing.T) {
	root := t.TempDir()
	m := &missingDirs{fs: apacheconf.OSFileSystem{}}
	for _, name := range []string{"a.py", "b.py"} {
		path := filepath.Join(root, "gone", name)
		_, err := m.readFile(path)
		_, want := os.ReadFile(path)
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Path != path || err.Error() != want.Error() {
			t.Errorf("%s: got %v, want %v", name, err, want)
		}
	}
	if len(m.dirs) != 1 {
		t.Errorf("remembered %v, want the missing directory", m.dirs)
	}
	path := filepath.Join(root, "later.py")
	if _, err := m.readFile(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v, want a missing file", err)
	}
	if err := os.WriteFile(path, []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if src, err := m.readFile(path); err != nil || string(src) != "x = 1\n" {
		t.Errorf("got %q, %v after the file was written", src, err)
	}
}
