package emit

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// renameExchange swaps a and b atomically with renameat2(RENAME_EXCHANGE).
func renameExchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
		return errExchangeUnsupported
	}
	if err != nil {
		return &os.LinkError{Op: "renameat2", Old: a, New: b, Err: err}
	}
	return nil
}

// renameOver renames a to b, replacing b when it is an empty directory, as
// rename(2) does; os.Rename refuses any existing directory.
func renameOver(a, b string) error {
	if err := unix.Rename(a, b); err != nil {
		return &os.LinkError{Op: "rename", Old: a, New: b, Err: err}
	}
	return nil
}
