package check_test

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/catalog"
	"github.com/wsgidock/wsgidock/apacheconf/check"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// allModules is a configuration that loads every module of Debian's
// module directory, with the event MPM.
func allModules(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(httpdtest.ModuleDir, "*.so"))
	if err != nil || len(files) < 50 {
		t.Fatalf("Debian's modules are not in %s: %v", httpdtest.ModuleDir, err)
	}
	var b strings.Builder
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "mod_"), ".so")
		if strings.HasPrefix(name, "mpm_") && name != "mpm_event" {
			continue
		}
		b.WriteString("LoadModule " + name + "_module " + f + "\n")
	}
	b.WriteString("ServerName localhost\nErrorLog /dev/null\n")
	return b.String()
}

// wrongArgs are arguments each form refuses.
var wrongArgs = map[catalog.ArgsHow]string{
	catalog.NoArgs: " x", catalog.Take1: " a b", catalog.Take2: " a", catalog.Take12: " a b c",
	catalog.Take3: " a b", catalog.Take23: " a", catalog.Take123: " a b c d", catalog.Take13: " a b",
	catalog.Iterate: "", catalog.Iterate2: " a", catalog.Flag: " maybe",
}

// generatedCases are, from the catalog: for every module and argument
// form, its first directive given arguments the form refuses, where the
// directive is allowed; and for every req_override mask, a directive of it
// put where the mask refuses it.
func generatedCases(t *testing.T) []corpusCase {
	t.Helper()
	loaded := map[string]bool{}
	for _, m := range catalog.Modules() {
		if !strings.HasPrefix(m.Name, "mpm_") || m.Name == "mpm_event_module" {
			loaded[m.Source] = true
		}
	}
	defs := map[string]int{}
	for _, d := range catalog.Directives() {
		if loaded[d.Module] {
			defs[strings.ToLower(d.Name)]++
		}
	}
	usable := func(d catalog.Directive) bool {
		return loaded[d.Module] && !d.Section && d.ReqOverride&catalog.ExecOnRead == 0 && defs[strings.ToLower(d.Name)] == 1
	}
	where := func(d catalog.Directive, line string) string {
		if d.ReqOverride&catalog.RsrcConf != 0 {
			return line + "\n"
		}
		return "<Directory /srv>\n" + line + "\n</Directory>\n"
	}
	mod := func(d catalog.Directive) string {
		m, _ := catalog.ModuleBySource(d.Module)
		return m.Name
	}
	var cases []corpusCase
	seenForm := map[string]bool{}
	seenMask := map[catalog.ReqOverride]bool{}
	for _, d := range catalog.Directives() {
		if !usable(d) {
			continue
		}
		if args, ok := wrongArgs[d.ArgsHow]; ok && !seenForm[d.Module+d.ArgsHow.String()] {
			seenForm[d.Module+d.ArgsHow.String()] = true
			cases = append(cases, corpusCase{name: "args-" + d.Name, conf: where(d, d.Name+args), module: mod(d)})
		}
		if !seenMask[d.ReqOverride] {
			seenMask[d.ReqOverride] = true
			line := d.Name + " x"
			const top = catalog.RsrcConf | catalog.OrOptions | catalog.OrFileInfo | catalog.OrIndexes
			switch {
			case d.ReqOverride&(catalog.OrAll|catalog.AccessConf) == 0:
				cases = append(cases, corpusCase{name: "context-" + d.Name, conf: "<Location /x>\n" + line + "\n</Location>\n", module: mod(d)})
			case d.ReqOverride&top == 0:
				cases = append(cases, corpusCase{name: "context-" + d.Name, conf: line + "\n", module: mod(d)})
			}
		}
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	return cases
}

// TestGeneratedMatchesHTTPD runs the cases generated from the catalog
// through httpd -t and Check, each with its module loaded: the same
// verdict, and the first error at httpd's line with httpd's message. It
// holds the catalog's argument forms, usage texts and req_override masks,
// and Check's use of them, against httpd across every module.
func TestGeneratedMatchesHTTPD(t *testing.T) {
	cases := generatedCases(t)
	if len(cases) < 150 {
		t.Fatalf("only %d generated cases", len(cases))
	}
	fails := runByModule(t, cases)
	if fails < len(cases)*9/10 {
		t.Errorf("only %d of %d generated cases fail in httpd", fails, len(cases))
	}
}

// runByModule runs cases through httpd -t and Check as the sweep does, in
// batches of the cases of one module (with that module loaded), two
// httpd runs at a time; it reports every case where they differ and
// returns how many httpd refuses.
func runByModule(t *testing.T, cases []corpusCase) int {
	httpdtest.Binary(t)
	version := httpdtest.Version(t)
	dir := t.TempDir()
	groups := map[string][]sweepCase{}
	for _, c := range cases {
		groups[c.module] = append(groups[c.module], sweepCase{text: strings.TrimSuffix(c.conf, "\n")})
	}
	names := groupNames(groups)
	results := runSweepGroups(t, dir, version, groups, names, nil)
	fails := 0
	for i, mod := range names {
		for _, o := range results[i] {
			if o.httpd != "" {
				fails++
			}
			if o.httpd != o.check {
				t.Errorf("%s:\n%s\nhttpd: %q\ncheck: %q", mod, o.c.text, o.httpd, o.check)
			}
		}
	}
	return fails
}

// TestEnumsMatchHTTPD runs every word of the one-word table, and a word
// none accepts, through httpd -t and Check, with the directive's module
// loaded: the table must accept exactly what httpd accepts, and refuse
// with its message.
func TestEnumsMatchHTTPD(t *testing.T) {
	var cases []corpusCase
	for _, conf := range check.EnumCasesForTest() {
		name := strings.Fields(strings.TrimPrefix(conf, "<Directory /srv>\n"))[0]
		d, ok := catalog.Lookup(name)
		if !ok {
			t.Fatalf("%s is not in the catalog", name)
		}
		m, _ := catalog.ModuleBySource(d.Module)
		cases = append(cases, corpusCase{name: name, conf: conf, module: m.Name})
	}
	runByModule(t, cases)
}
