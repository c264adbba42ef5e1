package catalog_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf/catalog"
	"github.com/wsgidock/wsgidock/apacheconf/catalog/internal/httpdtable"
)

// requireApache makes a missing apache2 a failure instead of a skip (CI).
const requireApache = "WSGIDOCK_REQUIRE_APACHE"

// apache2OrSkip returns Debian's httpd paths, or skips (fails under
// WSGIDOCK_REQUIRE_APACHE=1) when apache2 or mod_wsgi is not installed.
func apache2OrSkip(t *testing.T) httpdtable.Options {
	t.Helper()
	opts := httpdtable.DefaultOptions()
	var missing []string
	if _, err := os.Stat(opts.Apache2); err != nil {
		missing = append(missing, "apache2 ("+opts.Apache2+")")
	}
	if _, err := os.Stat(filepath.Join(opts.ModuleDir, "mod_wsgi.so")); err != nil {
		missing = append(missing, "mod_wsgi ("+filepath.Join(opts.ModuleDir, "mod_wsgi.so")+")")
	}
	if len(missing) == 0 {
		skipOtherVersions(t, opts)
		return opts
	}
	msg := fmt.Sprintf("%s not installed: install the Debian packages apache2 and libapache2-mod-wsgi-py3 to compare the catalog with httpd", strings.Join(missing, " and "))
	if os.Getenv(requireApache) == "1" {
		t.Fatalf("%s=1, but %s", requireApache, msg)
	}
	t.Skip(msg)
	return opts
}

// skipOtherVersions skips a comparison with the live httpd when it is not
// the version the catalog was generated from: a machine that installed a
// newer Debian package needs `go generate ./apacheconf/catalog`, which this
// says, rather than a red test run.
func skipOtherVersions(t *testing.T, opts httpdtable.Options) {
	t.Helper()
	generated, err := os.ReadFile("catalog.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	var header string
	for _, line := range strings.Split(string(generated), "\n") {
		if strings.HasPrefix(line, "// Read from ") || strings.HasPrefix(line, "// and mod_wsgi ") {
			header += line + "\n"
		}
	}
	tab, err := httpdtable.Collect(opts)
	if err != nil {
		t.Fatal(err)
	}
	live, err := httpdtable.Render(tab)
	if err != nil {
		t.Fatal(err)
	}
	var liveHeader string
	for _, line := range strings.Split(string(live), "\n") {
		if strings.HasPrefix(line, "// Read from ") || strings.HasPrefix(line, "// and mod_wsgi ") {
			liveHeader += line + "\n"
		}
	}
	if header != liveHeader {
		t.Skipf("the catalog was generated from other packages than this machine has; run `go generate ./apacheconf/catalog` and commit the result to compare.\ngenerated from:\n%sthis machine:\n%s", header, liveHeader)
	}
}

// runApache runs apache2 and returns its standard output; it fails the
// test on a non-zero exit unless wantFail.
func runApache(t *testing.T, bin string, wantFail bool, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if (err != nil) != wantFail {
		t.Fatalf("%s %s: error %v (want failure: %v)\n%s", bin, strings.Join(args, " "), err, wantFail, errOut.String())
	}
	return out.String(), errOut.String()
}

// writeConf writes a configuration that loads the shared modules named,
// then the extra lines.
func writeConf(t *testing.T, opts httpdtable.Options, symbols []string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	lines := []string{fmt.Sprintf("ServerRoot %q", dir), "ServerName localhost", "ErrorLog /dev/null"}
	for _, sym := range symbols {
		m, ok := catalog.ModuleByName(sym)
		if !ok || m.File == "" {
			t.Fatalf("%s is not a shared module of the catalog", sym)
		}
		lines = append(lines, fmt.Sprintf("LoadModule %s %q", m.Name, filepath.Join(opts.ModuleDir, m.File)))
	}
	conf := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(conf, []byte(strings.Join(append(lines, extra...), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return conf
}

// TestGeneratedFileUpToDate regenerates the catalog from the installed
// apache2 and compares it with catalog.gen.go byte for byte.
func TestGeneratedFileUpToDate(t *testing.T) {
	opts := apache2OrSkip(t)
	tab, err := httpdtable.Collect(opts)
	if err != nil {
		t.Fatal(err)
	}
	want, err := httpdtable.Render(tab)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("catalog.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("catalog.gen.go is stale at line %d:\n have %q\n want %q\nrun: go generate ./apacheconf/catalog", i+1, gl, wl)
		}
	}
}

// sharedLoadOrder is every shared module of the catalog but the MPMs other
// than mpm, sorted by file so that mod_X loads before mod_X_Y.
func sharedLoadOrder(mpm string) []string {
	var mods []catalog.Module
	for _, m := range catalog.Modules() {
		if m.File == "" || strings.HasPrefix(m.Name, "mpm_") && m.Name != mpm {
			continue
		}
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].File < mods[j].File })
	var syms []string
	for _, m := range mods {
		syms = append(syms, m.Name)
	}
	return syms
}

// liveDirective is one entry of apache2 -L.
type liveDirective struct {
	name, module, allowed string
	// help is the help text -L prints: the command table's errmsg.
	help []string
}

// readLiveDirectives reads apache2 -L for this test: a "NAME (MODULE)"
// line, help lines, the "Allowed in" line and maybe a "when" line.
func readLiveDirectives(t *testing.T, out string) []liveDirective {
	t.Helper()
	var ds []liveDirective
	var cur *liveDirective
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		switch {
		case cur == nil:
			name, rest, ok := strings.Cut(line, " (")
			if !ok || !strings.HasSuffix(rest, ")") {
				t.Fatalf("apache2 -L line %d: want a directive header, got %q", i+1, line)
			}
			ds = append(ds, liveDirective{name: name, module: strings.TrimSuffix(rest, ")")})
			cur = &ds[len(ds)-1]
		case strings.HasPrefix(line, "\tAllowed in "):
			cur.allowed = strings.TrimPrefix(line, "\t")
			if !strings.HasSuffix(line, " and in .htaccess") {
				cur = nil
			}
		case strings.HasPrefix(line, "\twhen AllowOverride") && cur.allowed != "":
			cur.allowed += " " + strings.TrimPrefix(line, "\t")
			cur = nil
		case len(cur.help) == 0:
			cur.help = append(cur.help, strings.TrimPrefix(line, "\t"))
		default:
			cur.help = append(cur.help, line)
		}
	}
	if cur != nil {
		t.Fatalf("apache2 -L ends inside %s", cur.name)
	}
	return ds
}

// TestMatchesLiveApache loads every module of the catalog into the real
// apache2, once per MPM, and holds the catalog against -L, -l and
// DUMP_MODULES.
func TestMatchesLiveApache(t *testing.T) {
	opts := apache2OrSkip(t)

	files, err := filepath.Glob(filepath.Join(opts.ModuleDir, "*.so"))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, m := range catalog.Modules() {
		known[m.File] = true
	}
	for _, f := range files {
		if !known[filepath.Base(f)] {
			t.Errorf("%s is not in the catalog: run go generate ./apacheconf/catalog", f)
		}
	}

	out, _ := runApache(t, opts.Apache2, false, "-l")
	var static []string
	for _, m := range catalog.StaticModules() {
		static = append(static, "  "+m.Source)
	}
	if want := "Compiled in modules:\n" + strings.Join(static, "\n") + "\n"; out != want {
		t.Errorf("apache2 -l:\n%s\ncatalog's static modules:\n%s", out, want)
	}

	seen := map[catalog.Directive]bool{}
	var mpms []string
	for _, m := range catalog.Modules() {
		if strings.HasPrefix(m.Name, "mpm_") {
			mpms = append(mpms, m.Name)
		}
	}
	if len(mpms) == 0 {
		t.Fatal("the catalog has no MPM module")
	}
	for _, mpm := range mpms {
		loaded := sharedLoadOrder(mpm)
		conf := writeConf(t, opts, loaded)

		out, _ := runApache(t, opts.Apache2, false, "-f", conf, "-L")
		live := readLiveDirectives(t, out)
		if len(live) < 500 {
			t.Fatalf("with %s, apache2 -L lists only %d directives", mpm, len(live))
		}
		for _, l := range live {
			d, ok := catalog.LookupIn(l.name, func(src string) bool { return src == l.module })
			switch {
			case !ok:
				t.Errorf("with %s: %s (%s) is not in the catalog", mpm, l.name, l.module)
			case d.Name != l.name:
				t.Errorf("with %s: catalog spells %s as %s", mpm, l.name, d.Name)
			case d.Context.String() != l.allowed:
				t.Errorf("with %s: %s (%s):\n catalog: %s\n apache2: %s", mpm, l.name, l.module, d.Context, l.allowed)
			case d.Section != strings.HasPrefix(l.name, "<"):
				t.Errorf("with %s: %s: Section = %v", mpm, l.name, d.Section)
			case d.Usage != strings.Join(l.help, "\n"):
				t.Errorf("with %s: %s (%s): catalog usage %q, apache2 -L help %q", mpm, l.name, l.module, d.Usage, strings.Join(l.help, "\n"))
			}
			seen[d] = true
		}

		out, _ = runApache(t, opts.Apache2, false, "-f", conf, "-t", "-D", "DUMP_MODULES")
		var want []string
		for _, m := range catalog.StaticModules() {
			want = append(want, " "+m.Name+" (static)")
		}
		for _, sym := range loaded {
			want = append(want, " "+sym+" (shared)")
		}
		if w := "Loaded Modules:\n" + strings.Join(want, "\n") + "\n"; out != w {
			t.Errorf("with %s, DUMP_MODULES:\n%s\nwant:\n%s", mpm, out, w)
		}
	}
	for _, d := range catalog.Directives() {
		if !seen[d] {
			t.Errorf("%s (%s) is in the catalog but no apache2 -L run listed it", d.Name, d.Module)
		}
	}
}

// TestConditionsAgreeWithHTTPD loads a few modules and asks httpd
// <IfDirective>, <IfSection> and <IfModule> about every name in the
// catalog: LookupIn, ModuleByName and ModuleBySource, given the same
// modules, must answer as httpd does, yes and no alike.
func TestConditionsAgreeWithHTTPD(t *testing.T) {
	opts := apache2OrSkip(t)
	shared := []string{"mpm_prefork_module", "proxy_module", "cgid_module", "wsgi_module"}
	present := map[string]bool{}
	presentSymbols := map[string]bool{}
	for _, m := range catalog.StaticModules() {
		present[m.Source], presentSymbols[m.Name] = true, true
	}
	for _, sym := range shared {
		m, _ := catalog.ModuleByName(sym)
		present[m.Source], presentSymbols[m.Name] = true, true
	}

	type probe struct {
		cond string // the section line
		want bool
	}
	var probes []probe
	names := map[string]bool{}
	for i, d := range catalog.Directives() {
		key := strings.ToLower(d.Name)
		if names[key] {
			continue
		}
		names[key] = true
		name := d.Name
		if i%2 == 1 {
			name = strings.ToUpper(name) // httpd compares case-insensitively
		}
		_, want := catalog.LookupIn(name, func(src string) bool { return present[src] })
		if d.Section {
			probes = append(probes, probe{"<IfSection " + name[1:] + ">", want})
		} else {
			probes = append(probes, probe{"<IfDirective " + name + ">", want})
		}
	}
	// Sections are not directives without their '<', and unknown names
	// are unknown.
	probes = append(probes,
		probe{"<IfDirective IfModule>", false},
		probe{"<IfSection ProxyPass>", false},
		probe{"<IfDirective NoSuchDirective>", false})
	for _, m := range catalog.Modules() {
		_, bySym := catalog.ModuleByName(m.Name)
		_, bySrc := catalog.ModuleBySource(m.Source)
		probes = append(probes,
			probe{"<IfModule " + m.Name + ">", bySym && presentSymbols[m.Name]},
			probe{"<IfModule " + m.Source + ">", bySrc && present[m.Source]})
	}

	var lines []string
	for i, p := range probes {
		end := "</" + strings.TrimPrefix(strings.Fields(p.cond)[0], "<") + ">"
		lines = append(lines, p.cond, fmt.Sprintf("  Define wsgidock_probe_%d", i), end)
	}
	conf := writeConf(t, opts, shared, lines...)
	out, _ := runApache(t, opts.Apache2, false, "-f", conf, "-t", "-D", "DUMP_RUN_CFG")
	defined := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		if d, ok := strings.CutPrefix(l, "Define: "); ok {
			defined[d] = true
		}
	}
	trues := 0
	for i, p := range probes {
		got := defined[fmt.Sprintf("wsgidock_probe_%d", i)]
		if got != p.want {
			t.Errorf("%s: httpd says %v, catalog says %v", p.cond, got, p.want)
		}
		if got {
			trues++
		}
	}
	if trues == 0 || trues == len(probes) {
		t.Fatalf("%d of %d probes true: the probe itself is broken", trues, len(probes))
	}
}
