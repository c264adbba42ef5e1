package check

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// mod_dbd's handlers and those of the modules that prepare their queries
// through it (mod_authn_dbd, mod_authz_dbd), as httpd 2.4 reads them.

// checkDBDNumber is mod_dbd's dbd_param_int: digits only.
func checkDBDNumber(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	if strings.Trim(w, "0123456789") != "" {
		c.errorf(n, codeValue, "Give a whole number of connections or seconds, digits only.", "Argument must be numeric!")
	}
}

// aprUtilDirs are where APR-util's loader (apu_dso_load) looks for its
// driver modules: the library path, then the library directory, each
// with its apr-util-1 subdirectory. Only the directories that exist on
// this machine are kept.
func aprUtilDirs() []string {
	var bases []string
	if lp := os.Getenv("LD_LIBRARY_PATH"); lp != "" {
		bases = append(bases, filepath.SplitList(lp)...)
	}
	multi, _ := filepath.Glob("/usr/lib/*-linux-gnu*")
	bases = append(bases, multi...)
	bases = append(bases, "/usr/lib", "/usr/lib64", "/usr/local/apr/lib")
	var dirs []string
	for _, b := range bases {
		for _, d := range []string{b, filepath.Join(b, "apr-util-1")} {
			if isDir(d) {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}

// checkDBDriver is mod_dbd's dbd_param for DBDriver: with FileChecks,
// apr_dbd_get_driver must find the driver's module, apr_dbd_NAME-1.so
// (names are case-sensitive). On a machine with no APR-util driver of
// any kind nothing is judged.
func checkDBDriver(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if !c.opts.FileChecks {
		return
	}
	name, _ := apacheconf.GetwordConf(n.Args)
	module := "apr_dbd_" + name + "-1.so"
	if len(module) > 31 {
		module = module[:31] // modname[32] in apr_dbd_get_driver
	}
	found, anyDriver := false, false
	for _, dir := range aprUtilDirs() {
		if m, _ := filepath.Glob(filepath.Join(dir, "apr_dbd_*-1.so")); len(m) > 0 {
			anyDriver = true
		}
		if fi, err := os.Stat(filepath.Join(dir, module)); err == nil && !fi.IsDir() {
			found = true
		}
	}
	if found || !anyDriver {
		return
	}
	c.errorf(n, codeValue, "The drivers are APR-util's: sqlite3, pgsql, mysql, odbc, each in its own package (Debian: libaprutil1-dbd-NAME).",
		"Can't load driver file apr_dbd_%s.so", name)
}

// dbdPrepares is the handler of a directive that prepares its query
// through mod_dbd: mod_dbd must be loaded.
func dbdPrepares(module string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if !c.hasModule("dbd_module") {
			c.errorf(n, codeValue, "Load mod_dbd (LoadModule dbd_module ...) and give it a DBDriver.", "You must load mod_dbd to enable %s functions", module)
		}
	}
}

// dbdHandlers are mod_dbd's value checks and its users'.
var dbdHandlers = map[string]handler{
	"DBDriver":              checkDBDriver,
	"DBDMin":                checkDBDNumber,
	"DBDKeep":               checkDBDNumber,
	"DBDMax":                checkDBDNumber,
	"DBDExptime":            checkDBDNumber,
	"AuthDBDUserPWQuery":    dbdPrepares("AuthDBD"),
	"AuthDBDUserRealmQuery": dbdPrepares("AuthDBD"),
	"AuthzDBDQuery":         dbdPrepares("AuthzDBD"),
	"AuthzDBDRedirectQuery": dbdPrepares("AuthzDBD"),
}
