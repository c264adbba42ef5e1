package check_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/check"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// TestLibxmlEncodingsKnown holds the table of charsets against the
// installed httpd and libxml2: every name of the table, in lower case
// too, is one xml2EncDefault takes.
func TestLibxmlEncodingsKnown(t *testing.T) {
	httpdtest.Binary(t)
	root := t.TempDir()
	lines := []string{httpdtest.LoadModule("mpm_event_module"), httpdtest.LoadModule("authz_core_module"), httpdtest.LoadModule("xml2enc_module"),
		"ServerName localhost", "ErrorLog /dev/null", "<Location /x>"}
	var names []string
	for name := range check.LibxmlEncodingsForTest {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		lines = append(lines, `  xml2EncDefault "`+name+`"`, `  xml2EncDefault "`+strings.ToLower(name)+`"`)
	}
	lines = append(lines, "</Location>")
	file := filepath.Join(root, "httpd.conf")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := httpdtest.Run(t, nil, "-d", root, "-f", file); !r.OK {
		t.Fatalf("httpd refuses a charset of the table:\n%s", r.Stderr)
	}
}
