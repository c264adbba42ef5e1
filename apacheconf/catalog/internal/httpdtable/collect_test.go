package httpdtable

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseDumpModules(t *testing.T) {
	static, shared, err := parseDumpModules("Loaded Modules:\n core_module (static)\n so_module (static)\n mpm_event_module (shared)\n wsgi_module (shared)\n")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(static, []string{"core_module", "so_module"}) || !reflect.DeepEqual(shared, []string{"mpm_event_module", "wsgi_module"}) {
		t.Errorf("got static %v, shared %v", static, shared)
	}
	for _, bad := range []string{
		"Modules:\n core_module (static)\n",
		"Loaded Modules:\n core_module\n",
		"Loaded Modules:\n a_module (shared)\n core_module (static)\n",
	} {
		if _, _, err := parseDumpModules(bad); err == nil {
			t.Errorf("parseDumpModules(%q) accepted it", bad)
		}
	}
}

// TestAttributeSources: a module's source is the one candidate that turned
// true with it; one already true names an earlier module.
func TestAttributeSources(t *testing.T) {
	mods := []sharedModule{
		{File: "mod_proxy.so", sharedObject: sharedObject{Symbol: "proxy_module", Sources: []string{"mod_proxy.c", "proxy_util.c"}}},
		{File: "mod_proxy_balancer.so", sharedObject: sharedObject{Symbol: "proxy_balancer_module", Sources: []string{"core.c", "mod_proxy.c", "mod_proxy_balancer.c", "mod_slotmem_shm.c"}}},
		{File: "mod_ldap.so", sharedObject: sharedObject{Symbol: "ldap_module", Sources: []string{"util_ldap.c", "util_ldap_cache_mgr.c"}}},
	}
	out := "ServerRoot: \"/tmp\"\nDefine: DUMP_RUN_CFG\n" +
		"Define: " + probeDefine(0, 0) + "\n" +
		"Define: " + probeDefine(1, 0) + "\n" + // core.c: static
		"Define: " + probeDefine(1, 1) + "\n" + // mod_proxy.c: module 0
		"Define: " + probeDefine(1, 2) + "\n" +
		"Define: " + probeDefine(2, 0) + "\n"
	got, err := attributeSources(out, mods, []string{"core.c", "mod_so.c"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Module{
		{"proxy_module", "mod_proxy.c", "mod_proxy.so"},
		{"proxy_balancer_module", "mod_proxy_balancer.c", "mod_proxy_balancer.so"},
		{"ldap_module", "util_ldap.c", "mod_ldap.so"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("attributeSources = %+v, want %+v", got, want)
	}

	// No candidate, or two, is an error naming the file.
	for _, out := range []string{"", "Define: " + probeDefine(0, 0) + "\nDefine: " + probeDefine(0, 1) + "\n"} {
		_, err := attributeSources(out, mods[:1], nil)
		if err == nil || !strings.Contains(err.Error(), "mod_proxy.so") {
			t.Errorf("attributeSources(%q) error = %v, want one naming mod_proxy.so", out, err)
		}
	}
}

func TestUpstreamVersion(t *testing.T) {
	for in, want := range map[string]string{
		"4.9.4-1+b2":       "4.9.4",
		"2.4.71-1~deb12u1": "2.4.71",
		"1:2.0-3":          "2.0",
		"2.0":              "2.0",
		"1.2-3-4":          "1.2-3",
	} {
		if got := upstreamVersion(in); got != want {
			t.Errorf("upstreamVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadLoadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("dump_io.load", "LoadModule dumpio_module /usr/lib/apache2/modules/mod_dumpio.so\n")
	write("mpm_event.load", "# Conflicts: mpm_worker mpm_prefork\nLoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n")
	write("notes.conf", "LoadModule ignored_module x.so\n")
	got, err := readLoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]loadLine{
		"mod_dumpio.so":    {"dumpio_module", filepath.Join(dir, "dump_io.load") + ":1"},
		"mod_mpm_event.so": {"mpm_event_module", filepath.Join(dir, "mpm_event.load") + ":2"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("readLoadFiles = %+v, want %+v", got, want)
	}

	write("bad.load", "\nLoadModule only_symbol\n")
	if _, err := readLoadFiles(dir); err == nil || !strings.Contains(err.Error(), "bad.load:2") {
		t.Errorf("error = %v, want one naming bad.load:2", err)
	}
	if _, err := readLoadFiles(t.TempDir()); err == nil {
		t.Error("an empty mods-available was accepted")
	}
}

// A Go test binary is an ELF file but no httpd module.
func TestReadSharedObjectRejectsNonModules(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readSharedObject(exe); err == nil || !strings.Contains(err.Error(), "not an httpd module") {
		t.Errorf("readSharedObject(test binary) error = %v", err)
	}
	notELF := filepath.Join(t.TempDir(), "mod_text.so")
	if err := os.WriteFile(notELF, []byte("LoadModule x y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readSharedObject(notELF); err == nil {
		t.Error("readSharedObject accepted a text file")
	}
}

// On a machine with Debian's modules, the .so files say their symbols.
func TestReadSharedObject(t *testing.T) {
	file := filepath.Join(DefaultOptions().ModuleDir, "mod_wsgi.so")
	if _, err := os.Stat(file); err != nil {
		t.Skipf("%s not installed (libapache2-mod-wsgi-py3): %v", file, err)
	}
	so, err := readSharedObject(file)
	if err != nil {
		t.Fatal(err)
	}
	if so.Symbol != "wsgi_module" {
		t.Errorf("symbol = %q, want wsgi_module", so.Symbol)
	}
	found := false
	for _, s := range so.Sources {
		found = found || s == "mod_wsgi.c"
		if strings.Contains(s, "/") {
			t.Errorf("candidate %q keeps its directory", s)
		}
	}
	if !found {
		t.Errorf("mod_wsgi.c is not among the candidates %v", so.Sources)
	}
}

func TestMergerRejectsDisagreement(t *testing.T) {
	run1 := &run{
		staticSymbols: []string{"core_module"},
		loaded:        []Module{{"cgid_module", "mod_cgid.c", "mod_cgid.so"}},
		directives:    []Directive{{Name: "ScriptSock", Module: "mod_cgid.c", Context: Context{Outside: true}}},
	}
	tests := []struct {
		name string
		run  *run
		want string
	}{
		{"context", &run{staticSymbols: []string{"core_module"}, loaded: run1.loaded, directives: []Directive{{Name: "ScriptSock", Module: "mod_cgid.c", Context: Context{Inside: true}}}}, "in an earlier run"},
		{"source", &run{staticSymbols: []string{"core_module"}, loaded: []Module{{"cgid_module", "mod_cgi.c", "mod_cgid.so"}}}, "in an earlier run"},
		{"unknown module", &run{staticSymbols: []string{"core_module"}, directives: []Directive{{Name: "X", Module: "mod_x.c", Context: Context{Outside: true}}}}, "no loaded module's source name"},
		{"static", &run{staticSymbols: []string{"so_module"}}, "static modules"},
	}
	for _, tt := range tests {
		m := newMerger([]string{"core.c"})
		if err := m.add(run1); err != nil {
			t.Fatal(err)
		}
		if err := m.add(tt.run); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want %q", tt.name, err, tt.want)
		}
	}

	m := newMerger([]string{"core.c"})
	dup := &run{staticSymbols: []string{"core_module"}, loaded: []Module{{"other_module", "core.c", "mod_other.so"}}}
	if err := m.add(dup); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := m.result(); err == nil || !strings.Contains(err.Error(), "both have source name core.c") {
		t.Errorf("result error = %v", err)
	}
}
