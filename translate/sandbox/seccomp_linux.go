package sandbox

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The launch is learnt from the kernel, not from the script: the init
// installs a seccomp filter that turns every execve and execveat of the
// sandbox into a user notification, and hands the listener to Run. The
// first one is the init's own exec of python3, let through; at each later
// one Run reads the path, argv and environment from the caller's memory
// and its working directory from /proc, answers "no such file" for a file
// that cannot run (so that a PATH search goes on, as it would), and for
// one that can, records it and kills the sandbox before the exec happens.
// Code in the script can write what it likes to the report pipe: the
// program, argv, environment and directory never come from there.

// listenFD is the descriptor of the init's end of the socket it sends the
// listener on: the second of ExtraFiles.
const listenFD = 4

// auditArch is the AUDIT_ARCH value of the seccomp data of this
// architecture's native system calls.
var auditArch = map[string]uint32{
	"amd64": unix.AUDIT_ARCH_X86_64,
	"arm64": unix.AUDIT_ARCH_AARCH64,
}

// seccompData, seccompNotif and seccompNotifResp are the kernel's structs
// (linux/seccomp.h).
type seccompData struct {
	Nr   int32
	Arch uint32
	IP   uint64
	Args [6]uint64
}

type seccompNotif struct {
	ID    uint64
	Pid   uint32
	Flags uint32
	Data  seccompData
}

type seccompNotifResp struct {
	ID    uint64
	Val   int64
	Error int32
	Flags uint32
}

// installExecFilter makes every later execve and execveat of this thread
// and its descendants wait for the supervisor; any other architecture's
// calls (x32, i386) kill the process. It returns the listener.
func installExecFilter() (int, error) {
	arch, ok := auditArch[runtime.GOARCH]
	if !ok {
		return -1, fmt.Errorf("no seccomp filter for %s", runtime.GOARCH)
	}
	const (
		ldAbs  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq    = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge    = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		ret    = unix.BPF_RET | unix.BPF_K
		x32Bit = 0x40000000
	)
	prog := []unix.SockFilter{
		{Code: ldAbs, K: 4},                         // 0: arch
		{Code: jeq, K: arch, Jt: 0, Jf: 6},          // 1: other ABI: kill
		{Code: ldAbs, K: 0},                         // 2: nr
		{Code: jge, K: x32Bit, Jt: 4, Jf: 0},        // 3: x32: kill
		{Code: jeq, K: unix.SYS_EXECVE, Jt: 2},      // 4
		{Code: jeq, K: unix.SYS_EXECVEAT, Jt: 1},    // 5
		{Code: ret, K: unix.SECCOMP_RET_ALLOW},      // 6
		{Code: ret, K: unix.SECCOMP_RET_USER_NOTIF}, // 7
		{Code: ret, K: unix.SECCOMP_RET_KILL_PROCESS},
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	fd, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, uintptr(unsafe.Pointer(&fprog)))
	if errno != 0 {
		return -1, fmt.Errorf("installing the seccomp filter that watches execve (seccomp user notification, Linux 5.5 or later): %v", errno)
	}
	return int(fd), nil
}

// sendListener passes the listener to Run over the socket at listenFD and
// closes that socket, which the script must not inherit.
func sendListener(fd int) error {
	defer unix.Close(listenFD)
	if err := unix.Sendmsg(listenFD, []byte{0}, unix.UnixRights(fd), nil, 0); err != nil {
		return fmt.Errorf("handing the seccomp listener to wsgidock: %v", err)
	}
	return unix.Close(fd)
}

// execSeen is an execve or execveat the kernel reported.
type execSeen struct {
	Program string
	Args    []string
	Env     []string
	Cwd     string
}

// supervisor answers the sandbox's exec notifications.
type supervisor struct {
	sock    *os.File // Run's end of the socket the listener comes on
	kill    func()   // ends the sandbox
	launch  *execSeen
	tried   *execSeen
	failure error // the listener never came, or could not be read
}

// run receives the listener and answers notifications until the sandbox
// is gone (stop is closed once Run has waited for it).
func (s *supervisor) run(stop <-chan struct{}) {
	defer s.sock.Close()
	buf, oob := make([]byte, 1), make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := unix.Recvmsg(int(s.sock.Fd()), buf, oob, 0)
	if err != nil || n == 0 {
		s.failure = errors.New("the sandbox's init sent no seccomp listener")
		return
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		s.failure = errors.New("the sandbox's init sent no seccomp listener")
		return
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		s.failure = errors.New("the sandbox's init sent no seccomp listener")
		return
	}
	listener := fds[0]
	defer unix.Close(listener)
	first := true
	for {
		select {
		case <-stop:
			return
		default:
		}
		pfd := []unix.PollFd{{Fd: int32(listener), Events: unix.POLLIN}}
		if _, err := unix.Poll(pfd, 100); err != nil && err != unix.EINTR {
			return
		}
		if pfd[0].Revents&(unix.POLLHUP|unix.POLLERR) != 0 {
			return
		}
		if pfd[0].Revents&unix.POLLIN == 0 {
			continue
		}
		var notif seccompNotif
		if err := ioctlPtr(listener, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(&notif)); err != nil {
			if err == unix.EINTR || err == unix.ENOENT {
				continue
			}
			return
		}
		resp := seccompNotifResp{ID: notif.ID}
		if first {
			// The init's own exec of python3: nothing of the script has
			// run yet.
			first = false
			resp.Flags = unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE
			ioctlPtr(listener, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp))
			continue
		}
		seen, err := readExec(int(notif.Pid), &notif.Data)
		if err == nil && ioctlPtr(listener, unix.SECCOMP_IOCTL_NOTIF_ID_VALID, unsafe.Pointer(&notif.ID)) != nil {
			continue // the caller died while it was read
		}
		if err != nil {
			// Unreadable: refuse the exec, and do not take it for the launch.
			resp.Error = -int32(unix.EPERM)
			ioctlPtr(listener, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp))
			continue
		}
		if errno := runnable(int(notif.Pid), seen.Program, seen.Cwd); errno != 0 {
			if s.tried == nil {
				s.tried = seen
			}
			resp.Error = -int32(errno)
			ioctlPtr(listener, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp))
			continue
		}
		s.launch = seen
		s.kill() // the exec never completes: the whole PID namespace ends
		return
	}
}

func ioctlPtr(fd int, req uint, arg unsafe.Pointer) error {
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(arg))
	if errno != 0 {
		return errno
	}
	return nil
}

// Bounds on what is read from the caller's memory.
const (
	maxExecArgs  = 4096
	maxExecBytes = 2 << 20
)

// readExec reads the arguments of an execve or execveat from the memory
// and the /proc entries of the calling process.
func readExec(pid int, d *seccompData) (*execSeen, error) {
	mem, err := os.Open("/proc/" + strconv.Itoa(pid) + "/mem")
	if err != nil {
		return nil, err
	}
	defer mem.Close()
	budget := maxExecBytes
	path, argv, envp := d.Args[0], d.Args[1], d.Args[2]
	dirfd, flags := int64(unix.AT_FDCWD), uint64(0)
	if d.Nr == unix.SYS_EXECVEAT {
		dirfd, path, argv, envp, flags = int64(int32(d.Args[0])), d.Args[1], d.Args[2], d.Args[3], d.Args[4]
	}
	program, err := readString(mem, path, &budget)
	if err != nil {
		return nil, err
	}
	seen := &execSeen{}
	if seen.Args, err = readStrings(mem, argv, &budget); err != nil {
		return nil, err
	}
	if seen.Env, err = readStrings(mem, envp, &budget); err != nil {
		return nil, err
	}
	proc := "/proc/" + strconv.Itoa(pid)
	if seen.Cwd, err = os.Readlink(proc + "/cwd"); err != nil {
		return nil, err
	}
	if dirfd != unix.AT_FDCWD && !filepath.IsAbs(program) {
		dir, err := os.Readlink(proc + "/fd/" + strconv.FormatInt(dirfd, 10))
		if err != nil {
			return nil, err
		}
		if program == "" && flags&unix.AT_EMPTY_PATH != 0 {
			program = dir
		} else {
			program = filepath.Join(dir, program)
		}
	}
	seen.Program = program
	return seen, nil
}

// readStrings reads a NULL-terminated array of string pointers.
func readStrings(mem *os.File, addr uint64, budget *int) ([]string, error) {
	out := []string{}
	if addr == 0 {
		return out, nil
	}
	var ptr [8]byte
	for i := 0; ; i++ {
		if i >= maxExecArgs {
			return nil, errors.New("too many exec arguments")
		}
		if _, err := mem.ReadAt(ptr[:], int64(addr)+int64(8*i)); err != nil {
			return nil, err
		}
		p := binary.NativeEndian.Uint64(ptr[:])
		if p == 0 {
			return out, nil
		}
		s, err := readString(mem, p, budget)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
}

// readString reads a NUL-terminated string.
func readString(mem *os.File, addr uint64, budget *int) (string, error) {
	var b []byte
	chunk := make([]byte, 256)
	for {
		// A read stops at an unmapped page: read up to the page's end.
		n := 256 - int(addr+uint64(len(b)))%256
		got, err := mem.ReadAt(chunk[:n], int64(addr)+int64(len(b)))
		if got == 0 && err != nil {
			return "", err
		}
		if i := bytes.IndexByte(chunk[:got], 0); i >= 0 {
			b = append(b, chunk[:i]...)
			*budget -= len(b)
			if *budget < 0 {
				return "", errors.New("exec arguments too long")
			}
			return string(b), nil
		}
		b = append(b, chunk[:got]...)
		if len(b) > *budget {
			return "", errors.New("exec arguments too long")
		}
	}
}

// runnable is 0 when program, as the caller in the sandbox sees it, is a
// file the exec would run, else the error the exec would fail with.
func runnable(pid int, program, cwd string) unix.Errno {
	if program == "" {
		return unix.ENOENT
	}
	if !filepath.IsAbs(program) {
		program = filepath.Join(cwd, program)
	}
	inside := "/proc/" + strconv.Itoa(pid) + "/root" + program
	var st unix.Stat_t
	if err := unix.Stat(inside, &st); err != nil {
		if errno, ok := err.(unix.Errno); ok {
			return errno
		}
		return unix.ENOENT
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return unix.EACCES
	}
	if err := unix.Faccessat(unix.AT_FDCWD, inside, unix.X_OK, 0); err != nil {
		return unix.EACCES
	}
	return 0
}

// afterKill is how long Run waits for the supervisor once the sandbox
// has ended.
const afterKill = 2 * time.Second
