package emit

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// File is one file of an output directory.
type File struct {
	// Name is the file's path inside the directory, slash-separated,
	// relative and clean ("run.sh", "k8s/web.yaml").
	Name string
	Data []byte
	// Mode is the permission bits; zero means 0644.
	Mode fs.FileMode
}

// ErrNotEmpty is returned, wrapped, by WriteDir when the directory already
// holds files and force is off.
var ErrNotEmpty = errors.New("directory is not empty")

// WriteDir makes dir hold exactly files. Everything is written and synced
// in a new hidden directory beside dir first, then renamed into place, so
// dir is never seen half-written: after an error it is as it was. A dir
// that holds anything is refused unless force is set; with force its old
// contents are swapped out in one rename where the system can (Linux's
// RENAME_EXCHANGE), else renamed aside just before the new one is renamed
// in, and then removed.
func WriteDir(dir string, files []File, force bool) error {
	if err := checkNames(files); err != nil {
		return err
	}
	w, err := NewDirWriter(dir, force)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := w.Put(f); err != nil {
			return err
		}
	}
	return w.Commit()
}

// DirWriter is WriteDir a file at a time, for outputs too large to hold
// all at once: each file is written to the new hidden directory as it is
// given, and nothing is in dir's place until Commit. After an error from
// Put or Commit, or after Abort, dir is as it was and nothing the writer
// made is left (the hidden directory, and the parents of dir it created).
// Its methods may be called from several goroutines at once.
type DirWriter struct {
	dir, abs, tmp string
	replace       bool
	created       string // the first parent directory NewDirWriter made, if any
	mu            sync.Mutex
	seen          map[string]bool
	done          bool  // committed or aborted: Create refuses
	failed        error // the first failure, which aborted the writer
}

// NewDirWriter checks dir as WriteDir does and makes the hidden
// directory beside it.
func NewDirWriter(dir string, force bool) (*DirWriter, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if filepath.Dir(abs) == abs {
		return nil, fmt.Errorf("%s: cannot replace the root directory; name a directory inside it", dir)
	}
	replace, err := mustReplace(dir, abs, force)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(abs)
	created := ""
	for p := parent; ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil || filepath.Dir(p) == p {
			break
		}
		created = p
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	w := &DirWriter{dir: dir, abs: abs, replace: replace, created: created, seen: map[string]bool{}}
	if w.tmp, err = os.MkdirTemp(parent, "."+filepath.Base(abs)+".new-"); err != nil {
		return nil, errors.Join(err, w.Abort())
	}
	if err := os.Chmod(w.tmp, 0o755); err != nil {
		return nil, errors.Join(err, w.Abort())
	}
	return w, nil
}

// Put writes one file of the directory.
func (w *DirWriter) Put(f File) error {
	out, err := w.Create(f.Name, f.Mode)
	if err != nil {
		return err
	}
	if _, err := out.Write(f.Data); err != nil {
		out.file.Close()
		return w.fail(err)
	}
	return out.Close()
}

// DirFile is one file of the directory being written, as Create gives it,
// and Close syncs it. Writes go to the file as they come, unbuffered: its
// writers (the emitters, MIGRATION.md) hold their output in pages of their
// own, which a second buffer would only copy.
type DirFile struct {
	w    *DirWriter
	file *os.File
	err  error // the first failed write, which Close returns
	mode fs.FileMode
}

// Write writes to the file; after an error, only Close is of use, and it
// leaves nothing.
func (f *DirFile) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.file.Write(p)
	f.err = err
	return n, err
}

// Close gives the file its mode and syncs it, or returns the write that
// failed. After an error the directory is as Abort leaves it.
func (f *DirFile) Close() error {
	err := f.err
	if err == nil {
		// The umask must not take bits the caller asked for (run.sh's x).
		err = f.file.Chmod(f.mode)
	}
	if err == nil {
		err = f.file.Sync()
	}
	if err = errors.Join(err, f.file.Close()); err != nil {
		return f.w.fail(err)
	}
	return nil
}

// Create starts one file of the directory, name as File.Name, mode as
// File.Mode; its contents are written to the DirFile, which the caller
// closes.
func (w *DirWriter) Create(name string, mode fs.FileMode) (*DirFile, error) {
	mode = mode.Perm()
	if mode == 0 {
		mode = 0o644
	}
	w.mu.Lock()
	if w.done {
		err := w.closedError()
		w.mu.Unlock()
		return nil, err
	}
	err := checkNames([]File{{Name: name}})
	if err == nil && w.seen[name] {
		err = fmt.Errorf("output file name %q is given twice", name)
	}
	var file *os.File
	if err == nil {
		w.seen[name] = true
		// Under the lock, so that nothing is made in the hidden
		// directory once Abort has removed it.
		p := filepath.Join(w.tmp, filepath.FromSlash(name))
		if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
			file, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		}
	}
	w.mu.Unlock()
	if err != nil {
		return nil, w.fail(err)
	}
	return &DirFile{w: w, file: file, mode: mode}, nil
}

// fail aborts the writer after err and returns err with what the abort
// met. The first failure is kept, so that a file asked for after it says
// why nothing is written rather than that the directory is.
func (w *DirWriter) fail(err error) error {
	w.mu.Lock()
	if w.failed == nil {
		w.failed = err
	}
	w.mu.Unlock()
	return errors.Join(fmt.Errorf("%s: nothing written: %w", w.dir, err), w.Abort())
}

// closedError is why a writer that is done takes no more files; w.mu is
// held.
func (w *DirWriter) closedError() error {
	if w.failed != nil {
		return fmt.Errorf("%s: nothing written: %w", w.dir, w.failed)
	}
	return fmt.Errorf("%s: the directory is already written", w.dir)
}

// Commit puts the directory in dir's place; every DirFile must be closed
// before. The lock is held throughout, so that no Create or Abort from
// another goroutine comes between the rename and its record.
func (w *DirWriter) Commit() error {
	w.mu.Lock()
	if w.done {
		err := w.closedError()
		w.mu.Unlock()
		return err
	}
	err := syncDir(w.tmp)
	if err == nil && w.replace {
		err = swap(w.tmp, w.abs)
	} else if err == nil {
		err = renameOver(w.tmp, w.abs)
	}
	if err != nil {
		w.failed = err
		aerr := w.abortLocked()
		w.mu.Unlock()
		return errors.Join(fmt.Errorf("%s: nothing written: %w", w.dir, err), aerr)
	}
	w.done = true
	w.mu.Unlock()
	return syncDir(filepath.Dir(w.abs))
}

// Abort removes what the writer made; dir stays as it was.
func (w *DirWriter) Abort() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.abortLocked()
}

// abortLocked is Abort with w.mu held.
func (w *DirWriter) abortLocked() error {
	if w.done {
		return nil
	}
	w.done = true
	var err error
	if w.tmp != "" {
		err = os.RemoveAll(w.tmp)
	}
	if w.created != "" {
		err = errors.Join(err, os.RemoveAll(w.created))
	}
	return err
}

// mustReplace reports whether dir exists with contents that force allows to
// replace. A missing or empty directory needs no replacing.
func mustReplace(dir, abs string, force bool) (bool, error) {
	info, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return false, fmt.Errorf("%s is a symbolic link; name the directory it points to", dir)
	case !info.IsDir():
		return false, fmt.Errorf("%s exists and is not a directory", dir)
	}
	f, err := os.Open(abs)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if _, err := f.Readdirnames(1); errors.Is(err, io.EOF) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if !force {
		return false, fmt.Errorf("%s: %w; remove it, or replace it with force", dir, ErrNotEmpty)
	}
	return true, nil
}

// checkNames refuses names that would land outside the directory, twice in
// it, or nowhere, before anything is written.
func checkNames(files []File) error {
	seen := map[string]bool{}
	for _, f := range files {
		n := f.Name
		switch {
		case n == "" || n == "." || strings.ContainsRune(n, 0):
			return fmt.Errorf("output file name %q is empty or invalid", n)
		case path.IsAbs(n) || path.Clean(n) != n || n == ".." || strings.HasPrefix(n, "../"):
			return fmt.Errorf("output file name %q must be a clean path inside the directory", n)
		case seen[n]:
			return fmt.Errorf("output file name %q is given twice", n)
		}
		seen[n] = true
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// swap puts the directory tmp in place of the non-empty directory dir and
// removes the old contents.
func swap(tmp, dir string) error {
	err := exchange(tmp, dir)
	if err == nil {
		// tmp now holds the old contents.
		return os.RemoveAll(tmp)
	}
	if !errors.Is(err, errExchangeUnsupported) {
		return err
	}
	old, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".old-")
	if err != nil {
		return err
	}
	if err := renameOver(dir, old); err != nil {
		return errors.Join(err, os.Remove(old))
	}
	if err := renameOver(tmp, dir); err != nil {
		return errors.Join(err, renameOver(old, dir))
	}
	return os.RemoveAll(old)
}

// errExchangeUnsupported says the system or file system cannot swap two
// directories in one rename.
var errExchangeUnsupported = errors.New("atomic exchange not supported")

// exchange swaps two directories; a variable so tests can take the
// two-rename path.
var exchange = renameExchange
