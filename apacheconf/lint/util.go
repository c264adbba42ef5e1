package lint

import (
	"fmt"
	"strconv"
)

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

func quote(s string) string { return strconv.Quote(s) }
