package emit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

// tree reads every regular file under dir as name -> content, and modes.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		got[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// entries lists a directory's names, to catch temporary directories left
// behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

var sample = []File{
	{Name: "run.sh", Data: []byte("#!/usr/bin/env bash\n"), Mode: 0o755},
	{Name: "MIGRATION.md", Data: []byte("# report\n")},
	{Name: "k8s/web.yaml", Data: []byte("kind: Service\n")},
}

var sampleTree = map[string]string{"run.sh": "#!/usr/bin/env bash\n", "MIGRATION.md": "# report\n", "k8s/web.yaml": "kind: Service\n"}

func TestWriteDir(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(dir string) // prepares DIR
		force bool
	}{
		{"new directory", func(string) {}, false},
		{"new nested directory", func(string) {}, false},
		{"empty directory", func(dir string) { mkdir(t, dir) }, false},
		{"replace with force", func(dir string) { mkdir(t, dir); write(t, filepath.Join(dir, "old.txt"), "old") }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "out")
			if tt.name == "new nested directory" {
				dir = filepath.Join(parent, "a", "b", "out")
			}
			tt.setup(dir)
			if err := WriteDir(dir, sample, tt.force); err != nil {
				t.Fatal(err)
			}
			if got := tree(t, dir); !reflect.DeepEqual(got, sampleTree) {
				t.Errorf("directory holds %q, want %q", got, sampleTree)
			}
			info, err := os.Stat(filepath.Join(dir, "run.sh"))
			if err != nil || info.Mode().Perm() != 0o755 {
				t.Errorf("run.sh mode %v (%v), want 0755", info.Mode(), err)
			}
			if info, _ := os.Stat(filepath.Join(dir, "MIGRATION.md")); info.Mode().Perm() != 0o644 {
				t.Errorf("MIGRATION.md mode %v, want 0644", info.Mode())
			}
			if got := entries(t, filepath.Dir(dir)); !reflect.DeepEqual(got, []string{"out"}) {
				t.Errorf("beside the directory: %q, want only out", got)
			}
		})
	}
}

func TestWriteDirRefuses(t *testing.T) {
	parent := t.TempDir()
	full := filepath.Join(parent, "full")
	mkdir(t, full)
	write(t, filepath.Join(full, "keep.txt"), "mine")
	file := filepath.Join(parent, "file")
	write(t, file, "x")
	link := filepath.Join(parent, "link")
	if err := os.Symlink(full, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		dir   string
		files []File
		force bool
		want  string
	}{
		{"non-empty without force", full, sample, false, "directory is not empty"},
		{"a file", file, sample, true, "exists and is not a directory"},
		{"a symbolic link", link, sample, true, "is a symbolic link"},
		{"the root", "/", sample, true, "cannot replace the root directory"},
		{"absolute name", filepath.Join(parent, "n1"), []File{{Name: "/etc/passwd"}}, false, "must be a clean path"},
		{"escaping name", filepath.Join(parent, "n2"), []File{{Name: "../x"}}, false, "must be a clean path"},
		{"unclean name", filepath.Join(parent, "n3"), []File{{Name: "a//b"}}, false, "must be a clean path"},
		{"empty name", filepath.Join(parent, "n4"), []File{{Name: ""}}, false, "empty or invalid"},
		{"duplicate name", filepath.Join(parent, "n5"), []File{{Name: "a"}, {Name: "a"}}, false, "given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteDir(tt.dir, tt.files, tt.force)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if err := WriteDir(full, sample, false); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("error %v does not wrap ErrNotEmpty", err)
	}
	if got := tree(t, full); !reflect.DeepEqual(got, map[string]string{"keep.txt": "mine"}) {
		t.Errorf("refused directory changed: %q", got)
	}
	if got := entries(t, parent); !reflect.DeepEqual(got, []string{"file", "full", "link"}) {
		t.Errorf("parent holds %q after refusals", got)
	}
}

// TestWriteDirFailsCleanly makes a write fail after other files were
// written (a name too long for the file system, a file where a directory
// must go) and checks nothing of the attempt is left, and an old directory
// is untouched.
func TestWriteDirFailsCleanly(t *testing.T) {
	failing := [][]File{
		append(append([]File{}, sample...), File{Name: strings.Repeat("n", 300)}),
		append(append([]File{}, sample...), File{Name: "run.sh/inner"}),
	}
	for i, files := range failing {
		for _, existing := range []bool{false, true} {
			parent := t.TempDir()
			dir := filepath.Join(parent, "out")
			want := map[string]string{}
			if existing {
				mkdir(t, dir)
				write(t, filepath.Join(dir, "old.txt"), "old")
				want["old.txt"] = "old"
			}
			err := WriteDir(dir, files, true)
			if err == nil || !strings.Contains(err.Error(), "nothing written") {
				t.Fatalf("case %d: error = %v, want a failed write", i, err)
			}
			if existing {
				if got := tree(t, dir); !reflect.DeepEqual(got, want) {
					t.Errorf("case %d: old directory now holds %q", i, got)
				}
			} else if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("case %d: directory exists after a failed write: %v", i, err)
			}
			wantEntries := []string(nil)
			if existing {
				wantEntries = []string{"out"}
			}
			if got := entries(t, parent); !reflect.DeepEqual(got, wantEntries) {
				t.Errorf("case %d: parent holds %q, want %q", i, got, wantEntries)
			}
		}
	}
}

// TestWriteDirWithoutExchange takes the two-rename path systems without
// RENAME_EXCHANGE use, and a failure of its second rename.
func TestWriteDirWithoutExchange(t *testing.T) {
	saved := exchange
	t.Cleanup(func() { exchange = saved })
	exchange = func(a, b string) error { return errExchangeUnsupported }

	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	mkdir(t, dir)
	write(t, filepath.Join(dir, "old.txt"), "old")
	if err := WriteDir(dir, sample, true); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, sampleTree) {
		t.Errorf("directory holds %q", got)
	}
	if got := entries(t, parent); !reflect.DeepEqual(got, []string{"out"}) {
		t.Errorf("parent holds %q", got)
	}

	// An exchange that fails for another reason is an error, and leaves
	// the old directory alone.
	exchange = func(a, b string) error { return &os.LinkError{Op: "renameat2", Old: a, New: b, Err: fs.ErrPermission} }
	if err := WriteDir(dir, []File{{Name: "new.txt"}}, true); err == nil || !strings.Contains(err.Error(), "nothing written") {
		t.Fatalf("error = %v", err)
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, sampleTree) {
		t.Errorf("directory changed after a failed exchange: %q", got)
	}
	if got := entries(t, parent); !reflect.DeepEqual(got, []string{"out"}) {
		t.Errorf("parent holds %q", got)
	}
}

// TestWriteDirRelative checks a relative DIR, resolved against the
// working directory.
func TestWriteDirRelative(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := WriteDir("out", sample, false); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, "out"); !reflect.DeepEqual(got, sampleTree) {
		t.Errorf("directory holds %q", got)
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDirWriterAbort: after Abort, or a Put that fails, nothing the writer
// made is left, not even the parents of the directory it created; after
// Commit the directory holds what was put.
func TestDirWriterAbort(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "new", "parents", "out")
	w, err := NewDirWriter(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Put(File{Name: "run.sh", Data: []byte("x"), Mode: 0o755}); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(base); len(left) != 0 {
		t.Errorf("left after Abort: %v", left)
	}
	w, err = NewDirWriter(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Put(File{Name: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Put(File{Name: "a"}); err == nil {
		t.Fatal("a file given twice was taken")
	}
	if left, _ := os.ReadDir(base); len(left) != 0 {
		t.Errorf("left after a failed Put: %v", left)
	}
	w, err = NewDirWriter(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Put(File{Name: "sub/b", Data: []byte("b")}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "sub", "b")); err != nil || string(data) != "b" {
		t.Errorf("after Commit: %q, %v", data, err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("Abort after Commit removed the directory: %v", err)
	}
}

// TestDirWriterConcurrent: files streamed from several goroutines at once
// all land, with their modes; an abort among them leaves nothing, and
// nothing is made after it.
func TestDirWriterConcurrent(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "out")
	w, err := NewDirWriter(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := w.Create(fmt.Sprintf("d%d/f%d", i%2, i), fs.FileMode(0o644|(i%2)*0o111))
			if err != nil {
				t.Error(err)
				return
			}
			for range 1000 {
				fmt.Fprintf(f, "line of file %d\n", i)
			}
			if err := f.Close(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	got := tree(t, dir)
	if len(got) != 8 {
		t.Fatalf("%d files, want 8", len(got))
	}
	for i := range 8 {
		name := fmt.Sprintf("d%d/f%d", i%2, i)
		if want := strings.Repeat(fmt.Sprintf("line of file %d\n", i), 1000); got[name] != want {
			t.Errorf("%s: %d bytes, want %d", name, len(got[name]), len(want))
		}
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if want := fs.FileMode(0o644 | (i%2)*0o111); info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", name, info.Mode().Perm(), want)
		}
	}

	dir2 := filepath.Join(base, "out2")
	w, err = NewDirWriter(dir2, false)
	if err != nil {
		t.Fatal(err)
	}
	open, err := w.Create("open", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Create("late/file", 0); err == nil {
		t.Error("Create after Abort succeeded")
	}
	fmt.Fprintln(open, "written after the abort")
	open.Close()
	if got, want := entries(t, base), []string{"out"}; !reflect.DeepEqual(got, want) {
		t.Errorf("left after Abort: %v, want %v", got, want)
	}
}

// TestDirWriterKeepsFirstFailure checks that a file asked for after a
// failure is refused with that failure, not with "already written", and
// that nothing is left.
func TestDirWriterKeepsFirstFailure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	w, err := NewDirWriter(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Put(File{Name: "a", Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	first := w.Put(File{Name: "a", Data: []byte("y")})
	if first == nil || !strings.Contains(first.Error(), "given twice") {
		t.Fatalf("second a: %v; want the name given twice", first)
	}
	_, err = w.Create("b", 0)
	if err == nil || !strings.Contains(err.Error(), "given twice") || strings.Contains(err.Error(), "already written") {
		t.Errorf("after the failure, Create says %v; want the first failure", err)
	}
	if err := w.Commit(); err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("after the failure, Commit says %v; want the first failure", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s: %v; want nothing", dir, err)
	}
}

// TestDirFileKeepsFailedWrite: a write that fails fails every later
// write and the file's Close, which aborts the directory.
func TestDirFileKeepsFailedWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	w, err := NewDirWriter(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := w.Create("a", 0)
	if err != nil {
		t.Fatal(err)
	}
	f.file.Close() // the next write fails, as on a full disk
	_, first := f.Write([]byte("x"))
	if first == nil {
		t.Fatal("a write to a closed file succeeded")
	}
	if _, err := f.Write([]byte("y")); !errors.Is(err, first) {
		t.Errorf("the write after a failure says %v; want %v", err, first)
	}
	if err := f.Close(); !errors.Is(err, first) {
		t.Errorf("Close says %v; want %v", err, first)
	}
	if err := w.Commit(); err == nil {
		t.Error("Commit after a failed write succeeded")
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s: %v; want nothing", dir, err)
	}
}
