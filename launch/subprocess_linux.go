package launch

import "syscall"

// procAttr puts the child in a process group of its own and has the kernel
// SIGKILL it when the thread that started it ends, which for Go means when
// wsgidock dies, even by SIGKILL.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
