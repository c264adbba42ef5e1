package envvars

import (
	"os"
	"strings"
	"testing"
)

func TestParseDebianShape(t *testing.T) {
	src := `unset HOME
if [ "${APACHE_CONFDIR##/etc/apache2-}" != "${APACHE_CONFDIR}" ] ; then
	SUFFIX="-${APACHE_CONFDIR##/etc/apache2-}"
else
	SUFFIX=
fi
export APACHE_RUN_USER=www-data
export APACHE_LOG_DIR=/var/log/apache2$SUFFIX
NOT_EXPORTED=x
export LANG=C
`
	for _, tc := range []struct{ confdir, logdir string }{
		{"/etc/apache2", "/var/log/apache2"},
		{"/etc/apache2-blue", "/var/log/apache2-blue"},
	} {
		got, err := Parse("envvars", strings.NewReader(src), []string{"APACHE_CONFDIR=" + tc.confdir, "HOME=/root"})
		if err != nil {
			t.Fatal(err)
		}
		if got["APACHE_LOG_DIR"] != tc.logdir || got["APACHE_RUN_USER"] != "www-data" || got["LANG"] != "C" {
			t.Errorf("confdir %s: got %v", tc.confdir, got)
		}
		if _, ok := got["NOT_EXPORTED"]; ok {
			t.Error("unexported variable returned")
		}
		if _, ok := got["HOME"]; ok {
			t.Error("unset variable returned")
		}
	}
}

func TestParseRefusesSideEffects(t *testing.T) {
	for _, src := range []string{"touch /tmp/x\n", "echo hi > /tmp/wsgidock-envvars-test\n", "export A=$(id -u)\n"} {
		if _, err := Parse("envvars", strings.NewReader(src), nil); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
	if _, err := os.Stat("/tmp/wsgidock-envvars-test"); err == nil {
		t.Error("the file was written")
	}
}

func TestReadDebianEnvvars(t *testing.T) {
	const path = "/etc/apache2/envvars"
	if _, err := os.Stat(path); err != nil {
		t.Skip("Debian's apache2 is not installed")
	}
	got, err := Read(path, []string{"APACHE_CONFDIR=/etc/apache2"})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"APACHE_RUN_USER", "APACHE_RUN_GROUP", "APACHE_PID_FILE", "APACHE_RUN_DIR", "APACHE_LOCK_DIR", "APACHE_LOG_DIR"} {
		if got[k] == "" {
			t.Errorf("%s not set: %v", k, got)
		}
	}
}
