package httpdtable

import (
	"reflect"
	"strings"
	"testing"
)

// listSample is apache2 -L output in httpd 2.4.71's words: no help text,
// one line, several lines (mod_ldap's HTML), every "Allowed in" form.
const listSample = "<VirtualHost (core.c)\n" +
	"\tContainer to map directives to a particular virtual host, takes one or more host addresses\n" +
	"\tAllowed in *.conf only outside <Directory>, <Files>, <Location>, or <If>\n" +
	"Require (mod_authz_core.c)\n" +
	"\tspecifies authorization directives which one must pass (or not) for a request to be allowed\n" +
	"\tAllowed in *.conf only inside <Directory>, <Files>, <Location>, or <If> and in .htaccess\n" +
	"\twhen AllowOverride includes AuthConfig\n" +
	"AuthLDAPURL (mod_authnz_ldap.c)\n" +
	"\tURL to define LDAP connection. This should be an RFC 2255 compliant\n" +
	"URL of the form ldap://host[:port]/basedn[?attrib[?scope[?filter]]].\n" +
	"<ul>\n" +
	"<li>Host (x) is the name of the LDAP server.\n" +
	"</ul>\n" +
	"\tAllowed in *.conf only inside <Directory>, <Files>, <Location>, or <If> and in .htaccess\n" +
	"\twhen AllowOverride includes AuthConfig or Limit\n" +
	"NoHelp (mod_x.c)\n" +
	"\tAllowed in *.conf anywhere\n" +
	"<IfVersion (mod_version.c)\n" +
	"\ta comparison operator, a version (and a delimiter)\n" +
	"\tAllowed in *.conf anywhere [no per-dir config] and in .htaccess\n" +
	"\twhen AllowOverride isn't None\n" +
	"IndexOptions (mod_autoindex.c)\n" +
	"\tone or more index options [+|-][]\n" +
	"\tAllowed in *.conf anywhere and in .htaccess\n" +
	"\twhen AllowOverride includes FileInfo or Indexes\n"

func TestParseDirectiveList(t *testing.T) {
	got, err := ParseDirectiveList(listSample)
	if err != nil {
		t.Fatal(err)
	}
	want := []Directive{
		{Name: "<VirtualHost", Module: "core.c", Context: Context{Outside: true}},
		{Name: "Require", Module: "mod_authz_core.c", Context: Context{Inside: true, Overrides: OverrideAuthConfig}},
		{Name: "AuthLDAPURL", Module: "mod_authnz_ldap.c", Context: Context{Inside: true, Overrides: OverrideAuthConfig | OverrideLimit}},
		{Name: "NoHelp", Module: "mod_x.c", Context: Context{Outside: true, Inside: true}},
		{Name: "<IfVersion", Module: "mod_version.c", Context: Context{Outside: true, Inside: true, NoPerDir: true, Overrides: allOverrides}},
		{Name: "IndexOptions", Module: "mod_autoindex.c", Context: Context{Outside: true, Inside: true, Overrides: OverrideFileInfo | OverrideIndexes}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseDirectiveList:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseDirectiveListErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "printed nothing"},
		{"Bad line\n", `line 1: "Bad line" is not "NAME (MODULE)"`},
		{"X (core.c)\n\thelp\n", "line 1: directive X has no \"Allowed in\" line"},
		{"X (core.c)\n\tAllowed in *.conf somewhere\n", "line 2: unknown \"Allowed in\" wording \"somewhere\""},
		{"X (core.c)\n\tAllowed in *.conf anywhere and more\n", "line 2: unexpected \" and more\""},
		{"X (core.c)\n\tAllowed in *.conf anywhere and in .htaccess\n", "directive X allows .htaccess but no \"when AllowOverride\" line follows"},
		{"X (core.c)\n\tAllowed in *.conf anywhere and in .htaccess\n\twhen AllowOverride includes Magic\n", "line 3: unknown AllowOverride class \"Magic\""},
		{"X (core.c)\n\tAllowed in *.conf anywhere and in .htaccess\n\twhen AllowOverride is All\n", "line 3: unknown \"when AllowOverride\" wording"},
		{"X (core.c)\n\tAllowed in *.conf anywhere\nY (core.c) extra\n", `line 3: "Y (core.c) extra" is not`},
	}
	for _, tt := range tests {
		_, err := ParseDirectiveList(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseDirectiveList(%q) error = %v, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func FuzzParseDirectiveList(f *testing.F) {
	f.Add(listSample)
	f.Add("X (core.c)\n\tAllowed in *.conf anywhere and in .htaccess\n\twhen AllowOverride includes Limit or Options\n")
	f.Fuzz(func(t *testing.T, s string) {
		ds, err := ParseDirectiveList(s)
		if err != nil {
			return
		}
		for _, d := range ds {
			if d.Name == "" || d.Module == "" || !d.Context.Outside && !d.Context.Inside {
				t.Fatalf("ParseDirectiveList(%q) accepted %+v", s, d)
			}
		}
	})
}
