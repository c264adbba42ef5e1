package httpdtable

import (
	"bytes"
	"flag"
	"go/format"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func sampleTable() *Table {
	return &Table{
		Server:      "Apache/2.4.71 (Debian)",
		Version:     "2.4.71",
		WSGIVersion: "4.9.4",
		Packages:    []Package{{"apache2-bin", "2.4.71-1~deb12u1"}, {"libapache2-mod-wsgi-py3", "4.9.4-1+b2"}},
		ModuleDir:   "/usr/lib/apache2/modules",
		MPMs:        []string{"mpm_event_module"},
		Modules: []Module{
			{"core_module", "core.c", ""},
			{"mpm_event_module", "event.c", "mod_mpm_event.so"},
			{"version_module", "mod_version.c", ""},
			{"wsgi_module", "mod_wsgi.c", "mod_wsgi.so"},
		},
		Static: []string{"core_module", "version_module"},
		Directives: []Directive{
			{Name: "<IfVersion", Module: "mod_version.c", Context: Context{Outside: true, Inside: true, NoPerDir: true, Overrides: allOverrides}},
			{Name: "<Limit", Module: "core.c", Context: Context{Inside: true, Overrides: OverrideAuthConfig | OverrideLimit}},
			{Name: "Define", Module: "core.c", Context: Context{Outside: true, Inside: true}, ReqOverride: 448, ArgsHow: Take12, Usage: "Define a variable, optionally to a value.  Same as passing -D to the command line."},
			{Name: "StartServers", Module: "event.c", Context: Context{Outside: true}},
			{Name: "WSGIDaemonProcess", Module: "mod_wsgi.c", Context: Context{Outside: true}, ReqOverride: 128, ArgsHow: RawArgs},
		},
	}
}

// TestRender compares the rendering of a small table with a golden file
// (go test -update rewrites it) and checks it is gofmt'ed and stable.
func TestRender(t *testing.T) {
	got, err := Render(sampleTable())
	if err != nil {
		t.Fatal(err)
	}
	if formatted, err := format.Source(got); err != nil || !bytes.Equal(formatted, got) {
		t.Errorf("Render output is not gofmt'ed (err %v)", err)
	}
	again, _ := Render(sampleTable())
	if !bytes.Equal(got, again) {
		t.Error("Render is not deterministic")
	}
	golden := filepath.Join("testdata", "render.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Render differs from %s (go test -update rewrites it):\n%s", golden, got)
	}
}

func TestContextExpr(t *testing.T) {
	tests := []struct {
		c    Context
		want string
	}{
		{Context{Outside: true}, "ServerConfig | VirtualHost"},
		{Context{Inside: true}, "Directory"},
		{Context{Outside: true, Inside: true, Overrides: allOverrides}, "ServerConfig | VirtualHost | Directory | OverrideAll"},
		{Context{Inside: true, Overrides: OverrideFileInfo | OverrideIndexes}, "Directory | OverrideFileInfo | OverrideIndexes"},
		{Context{Outside: true, Inside: true, NoPerDir: true, Overrides: OverrideOptions}, "ServerConfig | VirtualHost | Directory | OverrideOptions | NoPerDirConfig"},
		{Context{}, "0"},
	}
	for _, tt := range tests {
		if got := contextExpr(tt.c); got != tt.want {
			t.Errorf("contextExpr(%+v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}
