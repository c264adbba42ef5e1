package launch

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// projectLock says that a wsgidock process runs a project on this machine,
// so that a second `up` cannot fight the first over the same containers and
// `down` can ask a foreground `up` to stop. It is an flock on a file named
// after the project and the engine address; the kernel releases it when
// the process ends, however it ends. The file holds the owner's PID.
type projectLock struct{ f *os.File }

// lockPath is the lock file of project on the engine DOCKER_HOST or
// CONTAINER_HOST points at.
func lockPath(dir, project string) string {
	sum := sha256.Sum256([]byte(project + "\x00" + os.Getenv("DOCKER_HOST") + "\x00" + os.Getenv("CONTAINER_HOST")))
	return filepath.Join(dir, fmt.Sprintf("wsgidock-%d-%s.lock", os.Getuid(), hex.EncodeToString(sum[:8])))
}

// errLocked is returned by lockProject when another process holds the lock.
var errLocked = errors.New("locked")

// lockProject takes the lock, or returns errLocked and the holder's PID.
func lockProject(dir, project string) (*projectLock, int, error) {
	f, err := os.OpenFile(lockPath(dir, project), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, 0, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid := readPID(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, pid, errLocked
		}
		return nil, 0, err
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &projectLock{f: f}, 0, nil
}

// release gives the lock up. The file stays: removing it would let two
// processes lock two different files of the same name.
func (l *projectLock) release() {
	if l == nil {
		return
	}
	_ = l.f.Truncate(0)
	l.f.Close()
}

// lockHolder returns the PID of the process holding the project's lock, or
// 0 when nobody holds it.
func lockHolder(dir, project string) int {
	f, err := os.Open(lockPath(dir, project))
	if err != nil {
		return 0
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return 0
	}
	if pid := readPID(f); pid > 0 {
		return pid
	}
	return -1
}

func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil {
		return 0
	}
	return pid
}
