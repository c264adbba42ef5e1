//go:build !linux

package sandbox

import "syscall"

// Init does nothing where there is no sandbox: Run refuses there.
func Init() {}

func sysProcAttr() *syscall.SysProcAttr { return nil }
