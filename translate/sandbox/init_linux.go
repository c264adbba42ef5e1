package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Init runs the sandbox's init when this process is one: the binary
// re-executed by Run inside the new namespaces. Call it first thing in
// main (and in TestMain of tests that use Run); it returns at once in
// any other process, and never returns in the init.
func Init() {
	cfgJSON, ok := os.LookupEnv(initEnv)
	if !ok {
		return
	}
	runtime.LockOSThread() // capabilities are per thread: drop and exec on this one
	var cfg initConfig
	if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
		fail("reading the configuration: %v", err)
	}
	if err := setup(cfg); err != nil {
		fail("%v", err)
	}
	listener, err := installExecFilter()
	if err != nil {
		fail("%v", err)
	}
	if err := sendListener(listener); err != nil {
		fail("%v", err)
	}
	env, unset := cfg.Env, "0"
	if !hasName(env, "PYTHONCOERCECLOCALE") {
		env, unset = append(env[:len(env):len(env)], "PYTHONCOERCECLOCALE=0"), "1"
	}
	// The address-space limit is set by the runner, first thing in
	// python3: set here, it would also bind the Go runtime of this init,
	// which reserves more address space than python3 needs.
	argv := []string{cfg.Python, "-c", runner, fmt.Sprint(reportFD), cfg.Script, unset, fmt.Sprint(cfg.Memory)}
	err = unix.Exec(cfg.Python, argv, env)
	fail("starting %s: %v", cfg.Python, err)
}

func hasName(env []string, name string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}

// fail reports why the sandbox could not be made, on stderr where Run
// looks for it, and exits.
func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "sandbox: "+format+"\n", args...)
	os.Exit(125)
}

// setup makes the view of the host read-only with private temporary
// directories, sets the limits and gives up every capability.
func setup(cfg initConfig) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the mounts private: %v", err)
	}
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID}
	if err := unix.MountSetattr(unix.AT_FDCWD, "/", unix.AT_RECURSIVE, attr); err != nil {
		return fmt.Errorf("making the file system read-only (mount_setattr, Linux 5.12 or later): %v", err)
	}
	// The launcher's own tree, when it is under a directory the sandbox
	// makes private: cloned (read-only, as everything is now) before the
	// tmpfs hides it, and put back at the same path on top of the tmpfs.
	type tree struct {
		path string
		fd   int
	}
	var trees []tree
	for _, p := range cfg.Visible {
		fd, err := unix.OpenTree(unix.AT_FDCWD, p, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_RECURSIVE)
		if err != nil {
			return fmt.Errorf("keeping %s visible (open_tree, Linux 5.2 or later): %v", p, err)
		}
		ro := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
		if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, ro); err != nil {
			return fmt.Errorf("making %s read-only: %v", p, err)
		}
		trees = append(trees, tree{p, fd})
	}
	for _, dir := range privateDirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "size=16m,mode=1777"); err != nil {
			return fmt.Errorf("mounting a private %s: %v", dir, err)
		}
	}
	for _, t := range trees {
		if err := os.MkdirAll(t.path, 0o755); err != nil {
			return fmt.Errorf("keeping %s visible: %v", t.path, err)
		}
		if err := unix.MoveMount(t.fd, "", unix.AT_FDCWD, t.path, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
			return fmt.Errorf("keeping %s visible (move_mount): %v", t.path, err)
		}
		unix.Close(t.fd)
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mounting /proc of the new PID namespace: %v", err)
	}
	if err := os.Chdir(cfg.Dir); err != nil {
		return fmt.Errorf("entering the daemon's directory %s: %v", cfg.Dir, err)
	}
	for _, l := range []struct {
		res int
		max uint64
	}{
		{unix.RLIMIT_CPU, cfg.CPU},
		{unix.RLIMIT_FSIZE, 16 << 20},
		{unix.RLIMIT_NOFILE, 256},
		{unix.RLIMIT_CORE, 0},
	} {
		if err := unix.Setrlimit(l.res, &unix.Rlimit{Cur: l.max, Max: l.max}); err != nil {
			return fmt.Errorf("setting a resource limit: %v", err)
		}
	}
	for c := 0; c <= 63; c++ {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && err != unix.EINVAL {
			return fmt.Errorf("dropping capability %d: %v", c, err)
		}
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("setting no_new_privs: %v", err)
	}
	// Root of the user namespace keeps its capabilities over exec unless
	// told otherwise: with no bounding set and these bits, python3 runs
	// with none.
	const securebits = 1<<0 | 1<<1 | 1<<2 | 1<<3 // NOROOT, NOROOT_LOCKED, NO_SETUID_FIXUP, its lock
	if err := unix.Prctl(unix.PR_SET_SECUREBITS, securebits, 0, 0, 0); err != nil {
		return fmt.Errorf("setting securebits: %v", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("dropping capabilities: %v", err)
	}
	return nil
}

// sysProcAttr is the clone of the init: new namespaces, the caller's user
// mapped to root inside, so that it may make mounts there.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWNET | syscall.CLONE_NEWPID |
			syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		GidMappingsEnableSetgroups: false,
		Pdeathsig:                  syscall.SIGKILL,
		Setpgid:                    true,
	}
}
