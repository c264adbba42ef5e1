package check

import (
	"fmt"
	"math"
	"strings"
)

// socacheCreateError is what a socache provider's create function says of
// the arguments after its name's ':' (hasArgs false when there is no
// ':'), "" when it takes them: what SSLSessionCache, SSLStaplingCache and
// AuthnCacheSOCache report while httpd reads the configuration.
func (c *checker) socacheCreateError(provider, args string, hasArgs bool) string {
	switch provider {
	case "shmcb", "default":
		// socache_shmcb_create: PATH or PATH(SIZE), SIZE from 8192 bytes
		// to below UINT_MAX, strtol's value taken as an apr_size_t.
		if !hasArgs || args == "" {
			return ""
		}
		path := c.serverRootPath(args)
		open := strings.LastIndexByte(path, '(')
		if open < 0 {
			if strings.HasSuffix(path, ")") {
				return "Invalid argument: no opening parenthesis"
			}
			return ""
		}
		if !strings.HasSuffix(path, ")") {
			return "Invalid argument: no closing parenthesis or cache size missing after pathname with parenthesis"
		}
		size := path[open+1 : len(path)-1]
		v, rest, _ := strtol(size)
		if rest != "" {
			return "Invalid argument: cache size not numerical"
		}
		switch n := uint64(v); {
		case n < 8192:
			return "Invalid argument: size has to be >= 8192 bytes"
		case n >= math.MaxUint32:
			return fmt.Sprintf("Invalid argument: size has to be < %d bytes on this platform", uint64(math.MaxUint32))
		}
	case "memcache", "redis":
		if args == "" {
			return "List of server names required to create " + provider + " socache."
		}
	}
	return ""
}
