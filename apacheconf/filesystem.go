package apacheconf

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FileSystem is what the reader asks of the file system: Include,
// IncludeOptional, <IfFile>, ServerRoot, DefaultRuntimeDir and LoadModule
// read it. Paths are absolute.
type FileSystem interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
	// ReadDir lists a directory in any order; entries report their type
	// as the directory listing gives it (a symbolic link is not a
	// directory).
	ReadDir(name string) ([]fs.DirEntry, error)
}

// OSFileSystem is the machine's own file system.
type OSFileSystem struct{}

// ReadFile reads a file.
func (OSFileSystem) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }

// Stat follows symbolic links, as httpd's stat does.
func (OSFileSystem) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// ReadDir lists a directory.
func (OSFileSystem) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// RootedFileSystem is the machine's file system seen only below Root:
// anything else does not exist. Tests and fuzzing use it so that a config
// cannot make the reader walk the whole machine.
type RootedFileSystem struct{ Root string }

func (r RootedFileSystem) inside(name string) bool {
	rel, err := filepath.Rel(r.Root, name)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// ReadFile reads a file below Root.
func (r RootedFileSystem) ReadFile(name string) ([]byte, error) {
	if !r.inside(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return os.ReadFile(name)
}

// Stat stats a file below Root.
func (r RootedFileSystem) Stat(name string) (fs.FileInfo, error) {
	if !r.inside(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return os.Stat(name)
}

// ReadDir lists a directory below Root.
func (r RootedFileSystem) ReadDir(name string) ([]fs.DirEntry, error) {
	if !r.inside(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return OSFileSystem{}.ReadDir(name)
}

func (r *reader) stat(path string) (fs.FileInfo, error) { return r.fs.Stat(path) }

func (r *reader) isDir(path string) bool {
	st, err := r.fs.Stat(path)
	return err == nil && st.IsDir()
}

func (r *reader) isRegular(path string) bool {
	st, err := r.fs.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// readDirNames lists a directory's names in byte order.
func (r *reader) readDirNames(path string) ([]string, error) {
	entries, err := r.fs.ReadDir(path)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	sort.Strings(names)
	return names, nil
}
