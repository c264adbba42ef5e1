package catalog_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// The expectations below are httpd's and mod_wsgi's documented facts
// (module, context), not copies of the generated table.
func TestLookup(t *testing.T) {
	outside := catalog.ServerConfig | catalog.VirtualHost
	tests := []struct {
		name    string
		want    catalog.Directive
		missing bool
	}{
		{name: "WSGIDaemonProcess", want: catalog.Directive{Name: "WSGIDaemonProcess", Module: "mod_wsgi.c", Context: outside}},
		{name: "wsgidaemonprocess", want: catalog.Directive{Name: "WSGIDaemonProcess", Module: "mod_wsgi.c", Context: outside}},
		{name: "WSGIDAEMONPROCESS", want: catalog.Directive{Name: "WSGIDaemonProcess", Module: "mod_wsgi.c", Context: outside}},
		{name: "WSGIImportScript", want: catalog.Directive{Name: "WSGIImportScript", Module: "mod_wsgi.c", Context: outside}},
		{name: "WSGIScriptAlias", want: catalog.Directive{Name: "WSGIScriptAlias", Module: "mod_wsgi.c", Context: outside}},
		{name: "Define", want: catalog.Directive{Name: "Define", Module: "core.c", Context: outside | catalog.Directory}},
		{name: "include", want: catalog.Directive{Name: "Include", Module: "core.c", Context: outside | catalog.Directory}},
		{name: "IncludeOptional", want: catalog.Directive{Name: "IncludeOptional", Module: "core.c", Context: outside | catalog.Directory}},
		{name: "ServerRoot", want: catalog.Directive{Name: "ServerRoot", Module: "core.c", Context: outside}},
		{name: "LoadModule", want: catalog.Directive{Name: "LoadModule", Module: "mod_so.c", Context: outside}},
		{name: "<IfModule", want: catalog.Directive{Name: "<IfModule", Module: "core.c", Section: true, Context: outside | catalog.Directory | catalog.OverrideAll}},
		{name: "<ifmodule", want: catalog.Directive{Name: "<IfModule", Module: "core.c", Section: true, Context: outside | catalog.Directory | catalog.OverrideAll}},
		{name: "<IfVersion", want: catalog.Directive{Name: "<IfVersion", Module: "mod_version.c", Section: true, Context: outside | catalog.Directory | catalog.OverrideAll | catalog.NoPerDirConfig}},
		{name: "<IFVERSION", want: catalog.Directive{Name: "<IfVersion", Module: "mod_version.c", Section: true, Context: outside | catalog.Directory | catalog.OverrideAll | catalog.NoPerDirConfig}},
		{name: "<VirtualHost", want: catalog.Directive{Name: "<VirtualHost", Module: "core.c", Section: true, Context: outside}},
		{name: "<Limit", want: catalog.Directive{Name: "<Limit", Module: "core.c", Section: true, Context: catalog.Directory | catalog.OverrideAuthConfig | catalog.OverrideLimit}},
		{name: "ProxyPass", want: catalog.Directive{Name: "ProxyPass", Module: "mod_proxy.c", Context: outside | catalog.Directory}},
		{name: "RequestHeader", want: catalog.Directive{Name: "RequestHeader", Module: "mod_headers.c", Context: outside | catalog.Directory | catalog.OverrideFileInfo}},
		{name: "Require", want: catalog.Directive{Name: "Require", Module: "mod_authz_core.c", Context: catalog.Directory | catalog.OverrideAuthConfig}},
		{name: "Options", want: catalog.Directive{Name: "Options", Module: "core.c", Context: outside | catalog.Directory | catalog.OverrideOptions}},
		// Several MPMs define it; Lookup gives the first module by name.
		{name: "StartServers", want: catalog.Directive{Name: "StartServers", Module: "event.c", Context: outside}},
		// httpd's table spells sections with their '<'.
		{name: "IfModule", missing: true},
		{name: "VirtualHost", missing: true},
		{name: "</VirtualHost>", missing: true},
		{name: "NoSuchDirective", missing: true},
		{name: "", missing: true},
		{name: "<", missing: true},
		{name: strings.Repeat("WSGIDaemonProcess", 10), missing: true},
		// Only ASCII letters fold, as in httpd's C locale: the Kelvin sign
		// is not a K, though Unicode lower-cases it to k.
		{name: "KeepAlive", want: catalog.Directive{Name: "KeepAlive", Module: "http_core.c", Context: outside}},
		{name: "\u212AeepAlive", missing: true},
	}
	for _, tt := range tests {
		got, ok := catalog.Lookup(tt.name)
		if ok == tt.missing {
			t.Errorf("Lookup(%q) found = %v, want %v", tt.name, ok, !tt.missing)
			continue
		}
		// The command-table fields have a test of their own.
		got.ReqOverride, got.ArgsHow, got.Usage = 0, 0, ""
		if got != tt.want {
			t.Errorf("Lookup(%q) = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestCommandFields checks the fields read from the modules' command
// tables for directives whose definitions httpd's source shows.
func TestCommandFields(t *testing.T) {
	tests := []struct {
		name  string
		how   catalog.ArgsHow
		req   catalog.ReqOverride
		usage string
	}{
		{"Alias", catalog.Take12, catalog.RsrcConf | catalog.AccessConf, "a fakename and a realname, or a realname in a Location"},
		{"ServerName", catalog.Take1, catalog.RsrcConf, "The hostname and port of the server"},
		{"KeepAlive", catalog.Flag, catalog.RsrcConf, "Whether persistent connections should be On or Off"},
		{"Options", catalog.RawArgs, catalog.OrOptions, "Set a number of attributes for a given directory"},
		{"DirectoryIndex", catalog.RawArgs, catalog.OrIndexes, "a list of file names"},
		{"AddType", catalog.Iterate2, catalog.OrFileInfo, "a mime type followed by one or more file extensions"},
		{"Define", catalog.Take12, catalog.RsrcConf | catalog.AccessConf | catalog.ExecOnRead, "Define a variable, optionally to a value.  Same as passing -D to the command line."},
		{"<VirtualHost", catalog.RawArgs, catalog.RsrcConf, "Container to map directives to a particular virtual host, takes one or more host addresses"},
		{"RewriteCond", catalog.RawArgs, catalog.OrFileInfo, "an input string and a to be applied regexp-pattern"},
	}
	for _, tt := range tests {
		d, ok := catalog.Lookup(tt.name)
		if !ok {
			t.Errorf("%s is not in the catalog", tt.name)
			continue
		}
		if d.ArgsHow != tt.how || d.ReqOverride != tt.req || d.Usage != tt.usage {
			t.Errorf("%s: %v %#x %q, want %v %#x %q", tt.name, d.ArgsHow, d.ReqOverride, d.Usage, tt.how, tt.req, tt.usage)
		}
	}
}

func TestLookupIn(t *testing.T) {
	tests := []struct {
		name    string
		present []string
		module  string // "" when not found
	}{
		{"ScriptLog", []string{"core.c", "mod_cgid.c"}, "mod_cgid.c"},
		{"ScriptLog", []string{"mod_cgi.c", "mod_cgid.c"}, "mod_cgi.c"},
		{"scriptsock", []string{"mod_cgi.c"}, ""},
		{"StartServers", []string{"prefork.c"}, "prefork.c"},
		{"StartServers", []string{"worker.c"}, "worker.c"},
		{"StartServers", []string{"core.c"}, ""},
		{"WSGIDaemonProcess", []string{"core.c", "mod_so.c"}, ""},
		{"WSGIDaemonProcess", []string{"mod_wsgi.c"}, "mod_wsgi.c"},
		{"<ifversion", []string{"mod_version.c"}, "mod_version.c"},
		{"NoSuchDirective", []string{"core.c"}, ""},
	}
	for _, tt := range tests {
		present := func(src string) bool {
			for _, p := range tt.present {
				if p == src {
					return true
				}
			}
			return false
		}
		d, ok := catalog.LookupIn(tt.name, present)
		if ok != (tt.module != "") || d.Module != tt.module {
			t.Errorf("LookupIn(%q, %v) = %q, %v; want module %q", tt.name, tt.present, d.Module, ok, tt.module)
		}
	}
}

func TestModules(t *testing.T) {
	tests := []struct {
		by, key string
		want    catalog.Module
		missing bool
	}{
		{by: "name", key: "proxy_module", want: catalog.Module{Name: "proxy_module", Source: "mod_proxy.c", File: "mod_proxy.so"}},
		{by: "source", key: "mod_proxy.c", want: catalog.Module{Name: "proxy_module", Source: "mod_proxy.c", File: "mod_proxy.so"}},
		{by: "name", key: "wsgi_module", want: catalog.Module{Name: "wsgi_module", Source: "mod_wsgi.c", File: "mod_wsgi.so"}},
		{by: "source", key: "mod_wsgi.c", want: catalog.Module{Name: "wsgi_module", Source: "mod_wsgi.c", File: "mod_wsgi.so"}},
		// Names that do not follow mod_X.c / X_module.
		{by: "source", key: "util_ldap.c", want: catalog.Module{Name: "ldap_module", Source: "util_ldap.c", File: "mod_ldap.so"}},
		{by: "source", key: "event.c", want: catalog.Module{Name: "mpm_event_module", Source: "event.c", File: "mod_mpm_event.so"}},
		{by: "name", key: "http_module", want: catalog.Module{Name: "http_module", Source: "http_core.c"}},
		// Debian's dump_io.load loads dumpio_module.
		{by: "name", key: "dumpio_module", want: catalog.Module{Name: "dumpio_module", Source: "mod_dumpio.c", File: "mod_dumpio.so"}},
		{by: "name", key: "version_module", want: catalog.Module{Name: "version_module", Source: "mod_version.c"}},
		// <IfModule> compares case-sensitively.
		{by: "name", key: "Proxy_module", missing: true},
		{by: "source", key: "MOD_PROXY.C", missing: true},
		{by: "name", key: "mod_proxy.c", missing: true},
		{by: "source", key: "proxy_module", missing: true},
	}
	for _, tt := range tests {
		lookup := catalog.ModuleByName
		if tt.by == "source" {
			lookup = catalog.ModuleBySource
		}
		got, ok := lookup(tt.key)
		if ok == tt.missing || got != tt.want {
			t.Errorf("ModuleBy%s(%q) = %+v, %v; want %+v, %v", tt.by, tt.key, got, ok, tt.want, !tt.missing)
		}
	}
}

// Debian's apache2 compiles these in (apache2 -l); the live test checks
// the list against the machine's apache2.
func TestStaticModules(t *testing.T) {
	want := []string{"core.c", "mod_so.c", "mod_watchdog.c", "http_core.c", "mod_log_config.c", "mod_logio.c", "mod_version.c", "mod_unixd.c"}
	var got []string
	for _, m := range catalog.StaticModules() {
		if m.File != "" {
			t.Errorf("static module %s has a .so file %q", m.Name, m.File)
		}
		got = append(got, m.Source)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("StaticModules() sources = %v, want %v", got, want)
	}
}

func TestContextString(t *testing.T) {
	outside := catalog.ServerConfig | catalog.VirtualHost
	tests := []struct {
		c    catalog.Context
		want string
	}{
		{outside, "Allowed in *.conf only outside <Directory>, <Files>, <Location>, or <If>"},
		{outside | catalog.Directory, "Allowed in *.conf anywhere"},
		{catalog.Directory, "Allowed in *.conf only inside <Directory>, <Files>, <Location>, or <If>"},
		{outside | catalog.Directory | catalog.OverrideAll, "Allowed in *.conf anywhere and in .htaccess when AllowOverride isn't None"},
		{catalog.Directory | catalog.OverrideAuthConfig | catalog.OverrideLimit, "Allowed in *.conf only inside <Directory>, <Files>, <Location>, or <If> and in .htaccess when AllowOverride includes AuthConfig or Limit"},
		{outside | catalog.Directory | catalog.OverrideIndexes | catalog.OverrideFileInfo, "Allowed in *.conf anywhere and in .htaccess when AllowOverride includes FileInfo or Indexes"},
		{outside | catalog.Directory | catalog.OverrideAll | catalog.NoPerDirConfig, "Allowed in *.conf anywhere [no per-dir config] and in .htaccess when AllowOverride isn't None"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("Context(%#x).String() = %q, want %q", uint16(tt.c), got, tt.want)
		}
		if got, want := tt.c.InHTAccess(), strings.Contains(tt.want, ".htaccess"); got != want {
			t.Errorf("Context(%#x).InHTAccess() = %v, want %v", uint16(tt.c), got, want)
		}
	}
}

// TestTableInvariants checks what Lookup's index relies on and what the
// reader assumes: sorted, every module known, sections spelled with '<',
// every definition found by its own name in any case.
func TestTableInvariants(t *testing.T) {
	ds := catalog.Directives()
	if len(ds) < 500 {
		t.Fatalf("only %d directives; the generated table looks truncated", len(ds))
	}
	if !sort.SliceIsSorted(ds, func(i, j int) bool {
		a, b := strings.ToLower(ds[i].Name), strings.ToLower(ds[j].Name)
		return a < b || a == b && ds[i].Module < ds[j].Module
	}) {
		t.Error("Directives() is not sorted by lower-case name, then module")
	}
	for _, d := range ds {
		if d.Section != strings.HasPrefix(d.Name, "<") {
			t.Errorf("%s: Section = %v", d.Name, d.Section)
		}
		if _, ok := catalog.ModuleBySource(d.Module); !ok {
			t.Errorf("%s: module %s is not in the module table", d.Name, d.Module)
		}
		if d.Context&(catalog.ServerConfig|catalog.VirtualHost|catalog.Directory) == 0 {
			t.Errorf("%s (%s): allowed nowhere", d.Name, d.Module)
		}
		for _, name := range []string{d.Name, strings.ToUpper(d.Name), strings.ToLower(d.Name)} {
			got, ok := catalog.LookupIn(name, func(src string) bool { return src == d.Module })
			if !ok || got != d {
				t.Errorf("LookupIn(%q, only %s) = %+v, %v; want %+v", name, d.Module, got, ok, d)
			}
		}
	}
	names, sources := map[string]bool{}, map[string]bool{}
	for _, m := range catalog.Modules() {
		if names[m.Name] || sources[m.Source] {
			t.Errorf("module %+v: name or source repeated", m)
		}
		names[m.Name], sources[m.Source] = true, true
		if got, ok := catalog.ModuleByName(m.Name); !ok || got != m {
			t.Errorf("ModuleByName(%q) = %+v, %v", m.Name, got, ok)
		}
	}
	if !names["wsgi_module"] {
		t.Error("mod_wsgi is missing from the module table")
	}
}

// Lookup runs once per directive of the user's configuration: it must not
// allocate, whatever the case of the name.
func TestLookupDoesNotAllocate(t *testing.T) {
	for _, name := range []string{"ProxyPass", "proxypass", "PROXYPASS", "<VirtualHost", "NoSuchDirective", strings.Repeat("x", 100)} {
		if n := testing.AllocsPerRun(100, func() { catalog.Lookup(name) }); n != 0 {
			t.Errorf("Lookup(%q) allocates %v times per call", name, n)
		}
		present := func(string) bool { return true }
		if n := testing.AllocsPerRun(100, func() { catalog.LookupIn(name, present) }); n != 0 {
			t.Errorf("LookupIn(%q) allocates %v times per call", name, n)
		}
	}
}
