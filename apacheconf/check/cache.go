package check

import (
	"math"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// The handlers of mod_cache, mod_cache_disk, mod_cache_socache and the
// socache providers' own directives (mod_socache_memcache,
// mod_socache_redis), as httpd 2.4 reads their values.

// cacheFileLen is mod_cache_disk's CACHEFILE_LEN: CacheDirLevels times
// CacheDirLength may not exceed it.
const cacheFileLen = 20

// cacheDirDefault is mod_cache_disk's DEFAULT_DIRLEVELS and
// DEFAULT_DIRLENGTH, what each server starts with.
const cacheDirDefault = 2

// cacheDisk is one server's CacheDirLevels and CacheDirLength so far.
type cacheDisk struct{ levels, length int32 }

// cacheDiskOf is the server's cacheDisk: mod_cache_disk has no merge, so
// a virtual host starts from the defaults.
func (c *checker) cacheDiskOf(st state) *cacheDisk {
	s := c.server(st)
	if s.cacheDisk == nil {
		s.cacheDisk = &cacheDisk{levels: cacheDirDefault, length: cacheDirDefault}
	}
	return s.cacheDisk
}

// checkCacheDirDepth is set_cache_dirlevels and set_cache_dirlength: atoi
// of the value, at least 1, and its product with the other (in C's int)
// at most 20.
func checkCacheDirDepth(levels bool) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		v := int32(cAtoi(w))
		conf := c.cacheDiskOf(st)
		other := conf.length
		if !levels {
			other = conf.levels
		}
		switch {
		case v < 1:
			c.errorf(n, codeValue, "", "%s value must be an integer greater than 0", d.Name)
		case v*other > cacheFileLen:
			c.errorf(n, codeValue, "CacheDirLevels times CacheDirLength makes the cache file names; together they may not exceed 20.", "CacheDirLevels*CacheDirLength value must not be higher than 20")
		case levels:
			conf.levels = v
		default:
			conf.length = v
		}
	}
}

// offAtLeast is a handler whose argument apr_strtoff reads without a test
// of the end (5s is 5, abc is 0), refused when it overflows or is below
// min or above max.
func offAtLeast(min, max int64, msg string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if v, _, good := strtoff(w); !good || v < min || v > max {
			c.errorf(n, codeValue, "", "%s", msg)
		}
	}
}

// checkCacheFactor is mod_cache's set_cache_factor: sscanf's %lg.
func checkCacheFactor(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	trimmed := strings.TrimLeft(w, " \t\n\v\f\r")
	if _, rest := strtod(w); len(rest) == len(trimmed) {
		c.errorf(n, codeValue, "Give a number, such as 0.1.", "CacheLastModifiedFactor value must be a float")
	}
}

// checkCacheKeyBaseURL is mod_cache's set_cache_key_base_url: a URL
// apr_uri_parse reads, with a scheme, a host name or a port.
func checkCacheKeyBaseURL(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	u, ok := parseAprURI(w)
	switch {
	case !ok:
		c.errorf(n, codeValue, "", "Could not parse '%s' as an URL.", w)
	case !u.hasScheme && !u.hasHostname && !u.hasPortStr:
		c.errorf(n, codeValue, "Give the URL the cache keys start with: http://www.example.com.", "URL '%s' must contain at least one of a scheme, a hostname or a port.", w)
	}
}

// checkCacheSocache is mod_cache_socache's set_cache_socache: the name
// before any ':' is a socache provider a loaded module registers.
func checkCacheSocache(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	name, _, _ := strings.Cut(w, ":")
	if mod, ok := socacheProviders[name]; ok && c.hasModule(mod) {
		return
	}
	c.errorf(n, codeValue, "Load the module of the cache: shmcb is mod_socache_shmcb (LoadModule socache_shmcb_module).",
		"Unknown socache provider '%s'. Maybe you need to load the appropriate socache module (mod_socache_%s?)", name, name)
}

// socacheTTL is the providers' TTL and timeout handlers: a timeout in
// seconds by default, from 0 to an hour.
func socacheTTL(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	v, ok := apTimeout(w, "s")
	switch {
	case !ok:
		c.errorf(n, codeValue, "Give seconds, or a number with a unit: 30, 500ms, 5min.", "%s has wrong format", d.Name)
	case v > 3600*1000000:
		c.errorf(n, codeValue, "", "%s can only be 0 or up to one hour.", d.Name)
	}
}

// cacheHandlers are the caches' value checks.
var cacheHandlers = map[string]handler{
	// mod_cache
	"CacheLastModifiedFactor": checkCacheFactor,
	"CacheLockMaxAge":         numberCheck(cAtol, atLeast(1), "CacheLockMaxAge value must be a non-zero positive integer"),
	"CacheKeyBaseURL":         checkCacheKeyBaseURL,

	// mod_cache_disk
	"CacheDirLevels":   checkCacheDirDepth(true),
	"CacheDirLength":   checkCacheDirDepth(false),
	"CacheMinFileSize": offAtLeast(0, math.MaxInt64, "CacheMinFileSize argument must be a non-negative integer representing the min size of a file to cache in bytes."),
	"CacheMaxFileSize": offAtLeast(0, math.MaxInt64, "CacheMaxFileSize argument must be a non-negative integer representing the max size of a file to cache in bytes."),
	"CacheReadSize":    offAtLeast(0, math.MaxInt64, "CacheReadSize argument must be a non-negative integer representing the max amount of data to cache in go."),
	"CacheReadTime":    offAtLeast(0, math.MaxInt64, "CacheReadTime argument must be a non-negative integer representing the max amount of time taken to cache in go."),

	// mod_cache_socache
	"CacheSocache":         checkCacheSocache,
	"CacheSocacheMaxSize":  offAtLeast(1024, math.MaxUint32, "CacheSocacheMaxSize argument must be a integer representing the max size of a cached entry (headers and body), at least 1024 and at most (4294967295U)"),
	"CacheSocacheMaxTime":  offAtLeast(0, math.MaxInt64, "CacheSocacheMaxTime argument must be the maximum amount of time in seconds to cache an entry."),
	"CacheSocacheMinTime":  offAtLeast(0, math.MaxInt64, "CacheSocacheMinTime argument must be the minimum amount of time in seconds to cache an entry."),
	"CacheSocacheReadSize": offAtLeast(0, math.MaxInt64, "CacheSocacheReadSize argument must be a non-negative integer representing the max amount of data to cache in go."),
	"CacheSocacheReadTime": offAtLeast(0, math.MaxInt64, "CacheSocacheReadTime argument must be a non-negative integer representing the max amount of time taken to cache in go."),

	// the socache providers
	"MemcacheConnTTL":  socacheTTL,
	"RedisConnPoolTTL": socacheTTL,
	"RedisTimeout":     socacheTTL,
}
