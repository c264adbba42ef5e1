package httpdtest

import (
	"os"
	"sort"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/envvars"
)

// DebianConfDir is where Debian's apache2 keeps its configuration.
const DebianConfDir = "/etc/apache2"

// DebianEnv returns the variables Debian's envvars file sets, read as
// apache2ctl reads it, both as a map and as NAME=VALUE lines (sorted) for
// httpd's environment. The run, lock and log directories point at scratch
// directories: httpd -t needs them to exist, and the test must not depend
// on the machine's. Without Debian's tree it skips the test.
func DebianEnv(t testing.TB) (map[string]string, []string) {
	t.Helper()
	if _, err := os.Stat(DebianConfDir + "/apache2.conf"); err != nil {
		t.Skip("Debian's /etc/apache2 is not there: install Debian's apache2 package")
	}
	vars, err := envvars.Read(DebianConfDir+"/envvars", []string{"APACHE_CONFDIR=" + DebianConfDir})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"APACHE_RUN_DIR", "APACHE_LOCK_DIR", "APACHE_LOG_DIR"} {
		vars[k] = t.TempDir()
	}
	vars["APACHE_PID_FILE"] = vars["APACHE_RUN_DIR"] + "/apache2.pid"
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return vars, env
}
