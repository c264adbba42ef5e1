//go:build unix && !linux

package launch

import "syscall"

// procAttr puts the child in a process group of its own. Only Linux has a
// parent-death signal; elsewhere helpers end when their pipes close.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
