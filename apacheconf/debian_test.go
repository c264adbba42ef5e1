package apacheconf_test

import (
	"bytes"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// TestDebianTreeMatchesHTTPD reads Debian's whole /etc/apache2, with the
// environment its envvars file sets, and requires the effective
// configuration httpd prints for it, line for line.
func TestDebianTreeMatchesHTTPD(t *testing.T) {
	httpdtest.Binary(t)
	const confDir = httpdtest.DebianConfDir
	vars, env := httpdtest.DebianEnv(t)
	opts := apacheconf.Options{
		ServerRoot:    confDir,
		Version:       httpdtest.Version(t),
		Defines:       []string{"DUMP_CONFIG"},
		PreDirectives: []string{httpdtest.LoadModule("info_module")},
		LookupEnv: func(k string) (string, bool) {
			v, ok := vars[k]
			return v, ok
		},
	}
	want := httpdtest.Run(t, env, httpdArgs(confDir, confDir+"/apache2.conf", opts)...)
	if !want.OK {
		t.Fatalf("httpd refuses Debian's configuration:\n%s", want.Stderr)
	}
	tree, err := apacheconf.Load(confDir+"/apache2.conf", opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Warnings) > 0 {
		t.Errorf("warnings: %v", tree.Warnings)
	}
	var got bytes.Buffer
	if err := tree.Flatten(&got); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.Stdout {
		t.Errorf("flattened Debian tree differs from httpd's DUMP_CONFIG:\n%s", lineDiff(want.Stdout, got.String()))
	}
	if len(tree.Files) < 20 {
		t.Errorf("only %d files read; Debian's tree has more", len(tree.Files))
	}
	for _, f := range tree.Files {
		if !bytes.Equal(f.Print(), []byte(f.Src)) {
			t.Errorf("%s does not print back to its bytes", f.Name)
		}
	}
}
