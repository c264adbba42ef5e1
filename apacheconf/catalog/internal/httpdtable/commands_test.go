package httpdtable

import (
	"os"
	"testing"
)

// TestCommandTable reads mod_alias's and core's command tables from the
// installed files and checks entries whose definition is known from
// httpd's source.
func TestCommandTable(t *testing.T) {
	opts := DefaultOptions()
	if _, err := os.Stat(opts.Apache2); err != nil {
		if os.Getenv("WSGIDOCK_REQUIRE_APACHE") == "1" {
			t.Fatal(err)
		}
		t.Skip("apache2 is not installed: install Debian's apache2 to read its command tables")
	}
	for _, tc := range []struct {
		file, symbol, name string
		want               Command
	}{
		{opts.ModuleDir + "/mod_alias.so", "alias_module", "Alias", Command{Name: "Alias", ReqOverride: 128 | 64, ArgsHow: Take12, Usage: "a fakename and a realname, or a realname in a Location"}},
		{opts.Apache2, "core_module", "ServerSignature", Command{Name: "ServerSignature", ReqOverride: 31, ArgsHow: Take1, Usage: "En-/disable server signature (on|off|email)"}},
		{opts.Apache2, "core_module", "Define", Command{Name: "Define", ReqOverride: 128 | 64 | 256, ArgsHow: Take12, Usage: "Define a variable, optionally to a value.  Same as passing -D to the command line."}},
		{opts.ModuleDir + "/mod_headers.so", "headers_module", "Header", Command{Name: "Header", ReqOverride: 4, ArgsHow: RawArgs, Usage: "an optional condition, an action, header and value followed by optional env clause"}},
	} {
		im, err := openImage(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		cmds, err := im.commandTable(tc.symbol)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range cmds {
			if c.Name == tc.name {
				found = true
				if c != tc.want {
					t.Errorf("%s: got %+v, want %+v", tc.name, c, tc.want)
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s among %d commands", tc.symbol, tc.name, len(cmds))
		}
	}
}
