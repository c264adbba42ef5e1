//go:build !linux

package emit

import (
	"errors"
	"io/fs"
	"os"
)

// renameExchange has no portable equivalent outside Linux.
func renameExchange(a, b string) error { return errExchangeUnsupported }

// renameOver renames a to b, first removing b when it is an empty
// directory, since os.Rename refuses to replace a directory.
func renameOver(a, b string) error {
	if err := os.Remove(b); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Rename(a, b)
}
