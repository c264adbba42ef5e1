package httpdtable

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Options says where Debian keeps httpd and its modules.
type Options struct {
	// Apache2 is the httpd binary.
	Apache2 string
	// ModuleDir holds the module .so files; every one is loaded.
	ModuleDir string
	// ModsAvailable holds Debian's *.load files, checked against the
	// symbols the .so files export.
	ModsAvailable string
}

// DefaultOptions are Debian's paths.
func DefaultOptions() Options {
	return Options{
		Apache2:       "/usr/sbin/apache2",
		ModuleDir:     "/usr/lib/apache2/modules",
		ModsAvailable: "/etc/apache2/mods-available",
	}
}

// The Debian packages the catalog records, and the .so that mod_wsgi's
// package installs.
const (
	httpdPackage = "apache2-bin"
	wsgiPackage  = "libapache2-mod-wsgi-py3"
	wsgiFile     = "mod_wsgi.so"
)

// commandTimeout bounds each apache2 run; one takes well under a second.
const commandTimeout = time.Minute

// sharedModule is a .so file of ModuleDir.
type sharedModule struct {
	File string
	Path string
	sharedObject
}

// Collect loads every module of opts.ModuleDir into the real apache2,
// once per MPM, and reads back its module and directive tables.
func Collect(opts Options) (*Table, error) {
	t := &Table{ModuleDir: opts.ModuleDir}
	var err error
	if t.Server, t.Version, err = serverVersion(opts.Apache2); err != nil {
		return nil, err
	}
	staticSources, err := compiledIn(opts.Apache2)
	if err != nil {
		return nil, err
	}
	shared, err := readModuleDir(opts.ModuleDir)
	if err != nil {
		return nil, err
	}
	if err := checkLoadFiles(opts.ModsAvailable, shared); err != nil {
		return nil, err
	}
	var mpms, others []sharedModule
	for _, m := range shared {
		if strings.HasPrefix(m.Symbol, "mpm_") {
			mpms = append(mpms, m)
		} else {
			others = append(others, m)
		}
	}
	if len(mpms) == 0 {
		return nil, fmt.Errorf("no MPM module (mpm_*_module) in %s: apache2 cannot start without one", opts.ModuleDir)
	}
	dir, err := os.MkdirTemp("", "wsgidock-catalog-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	m := newMerger(staticSources)
	for _, mpm := range mpms {
		t.MPMs = append(t.MPMs, mpm.Symbol)
		r, err := readRun(opts.Apache2, dir, append([]sharedModule{mpm}, others...), staticSources)
		if err != nil {
			return nil, fmt.Errorf("with %s: %v", mpm.Symbol, err)
		}
		if err := m.add(r); err != nil {
			return nil, fmt.Errorf("with %s: %v", mpm.Symbol, err)
		}
	}
	if t.Modules, t.Static, t.Directives, err = m.result(); err != nil {
		return nil, err
	}
	if err := addCommands(t, opts); err != nil {
		return nil, err
	}
	if t.Packages, err = packageVersions(httpdPackage, wsgiPackage); err != nil {
		return nil, err
	}
	t.WSGIVersion = upstreamVersion(t.Packages[1].Version)
	return t, nil
}

// apache2 runs the httpd binary and returns its standard output.
func apache2(bin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %v: %s", bin, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// serverVersion reads the banner of `apache2 -v`.
func serverVersion(bin string) (server, version string, err error) {
	out, err := apache2(bin, "-v")
	if err != nil {
		return "", "", err
	}
	for _, line := range strings.Split(out, "\n") {
		if s, ok := strings.CutPrefix(line, "Server version: "); ok {
			v, _, _ := strings.Cut(strings.TrimPrefix(s, "Apache/"), " ")
			if v == "" || !strings.HasPrefix(s, "Apache/") {
				break
			}
			return s, v, nil
		}
	}
	return "", "", fmt.Errorf("%s -v printed no \"Server version: Apache/X.Y.Z\" line", bin)
}

// compiledIn reads the source names `apache2 -l` lists.
func compiledIn(bin string) ([]string, error) {
	out, err := apache2(bin, "-l")
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 || lines[0] != "Compiled in modules:" {
		return nil, fmt.Errorf("%s -l: expected \"Compiled in modules:\" and a list, got %q", bin, out)
	}
	var srcs []string
	for _, l := range lines[1:] {
		srcs = append(srcs, strings.TrimSpace(l))
	}
	return srcs, nil
}

// readModuleDir reads every *.so of dir, sorted by file name. mod_wsgi
// must be there: the catalog is for mod_wsgi configurations.
func readModuleDir(dir string) ([]sharedModule, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.so"))
	if err != nil {
		return nil, err
	}
	var mods []sharedModule
	wsgi := false
	for _, path := range files {
		so, err := readSharedObject(path)
		if err != nil {
			return nil, err
		}
		file := filepath.Base(path)
		wsgi = wsgi || file == wsgiFile
		mods = append(mods, sharedModule{File: file, Path: path, sharedObject: so})
	}
	if !wsgi {
		return nil, fmt.Errorf("no %s in %s: install %s", wsgiFile, dir, wsgiPackage)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].File < mods[j].File })
	return mods, nil
}

// checkLoadFiles holds Debian's LoadModule lines against the .so files:
// same symbol, no .load for a missing file.
func checkLoadFiles(dir string, shared []sharedModule) error {
	loads, err := readLoadFiles(dir)
	if err != nil {
		return err
	}
	byFile := map[string]sharedModule{}
	for _, m := range shared {
		byFile[m.File] = m
	}
	files := make([]string, 0, len(loads))
	for f := range loads {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		l := loads[f]
		m, ok := byFile[f]
		if !ok {
			return fmt.Errorf("%s: loads %s, which is not in the module directory", l.At, f)
		}
		if m.Symbol != l.Symbol {
			return fmt.Errorf("%s: names %s but %s exports %s", l.At, l.Symbol, f, m.Symbol)
		}
	}
	return nil
}

// run is what one apache2 configuration, with one MPM, showed.
type run struct {
	// loaded are the shared modules in load order, with the source name
	// httpd answered <IfModule> for.
	loaded []Module
	// staticSymbols are the static modules of DUMP_MODULES, in order.
	staticSymbols []string
	directives    []Directive
}

// readRun writes a configuration that loads mods in order, each followed
// by an <IfModule> probe of its candidate source names, and reads it with
// -L, -D DUMP_MODULES and -D DUMP_RUN_CFG.
func readRun(bin, dir string, mods []sharedModule, staticSources []string) (*run, error) {
	conf, err := writeProbeConfig(dir, mods)
	if err != nil {
		return nil, err
	}
	r := &run{}
	out, err := apache2(bin, "-f", conf, "-L")
	if err != nil {
		return nil, err
	}
	if r.directives, err = ParseDirectiveList(out); err != nil {
		return nil, err
	}
	if out, err = apache2(bin, "-f", conf, "-t", "-D", "DUMP_MODULES"); err != nil {
		return nil, err
	}
	var sharedSymbols []string
	if r.staticSymbols, sharedSymbols, err = parseDumpModules(out); err != nil {
		return nil, err
	}
	if len(r.staticSymbols) != len(staticSources) {
		return nil, fmt.Errorf("DUMP_MODULES lists %d static modules, apache2 -l %d", len(r.staticSymbols), len(staticSources))
	}
	if len(sharedSymbols) != len(mods) {
		return nil, fmt.Errorf("DUMP_MODULES lists %d shared modules, the configuration loads %d", len(sharedSymbols), len(mods))
	}
	for i, m := range mods {
		if sharedSymbols[i] != m.Symbol {
			return nil, fmt.Errorf("DUMP_MODULES lists %s where %s was loaded", sharedSymbols[i], m.Symbol)
		}
	}
	if out, err = apache2(bin, "-f", conf, "-t", "-D", "DUMP_RUN_CFG"); err != nil {
		return nil, err
	}
	if r.loaded, err = attributeSources(out, mods, staticSources); err != nil {
		return nil, err
	}
	return r, nil
}

func probeDefine(mod, cand int) string { return fmt.Sprintf("wsgidock_probe_%d_%d", mod, cand) }

func writeProbeConfig(dir string, mods []sharedModule) (string, error) {
	for _, s := range append([]string{dir}, pathsOf(mods)...) {
		if strings.ContainsAny(s, "\"\n\\") {
			return "", fmt.Errorf("path %q has a quote, backslash or newline; httpd cannot be given it in this probe", s)
		}
	}
	var b strings.Builder
	b.WriteString("# wsgidock catalog probe: every module, then <IfModule> for each C file\n# name in its .so, to learn its source name.\n")
	fmt.Fprintf(&b, "ServerRoot %s\nServerName localhost\nErrorLog /dev/null\n", confQuote(dir))
	for i, m := range mods {
		fmt.Fprintf(&b, "LoadModule %s %s\n", m.Symbol, confQuote(m.Path))
		for j, src := range m.Sources {
			fmt.Fprintf(&b, "<IfModule %s>\n  Define %s\n</IfModule>\n", src, probeDefine(i, j))
		}
	}
	conf := filepath.Join(dir, fmt.Sprintf("probe-%s.conf", mods[0].Symbol))
	return conf, os.WriteFile(conf, []byte(b.String()), 0o644)
}

func pathsOf(mods []sharedModule) []string {
	var ps []string
	for _, m := range mods {
		ps = append(ps, m.Path)
	}
	return ps
}

func confQuote(s string) string { return `"` + s + `"` }

// parseDumpModules splits `-D DUMP_MODULES` output into static and shared
// symbols, in httpd's order.
func parseDumpModules(out string) (static, shared []string, err error) {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) == 0 || lines[0] != "Loaded Modules:" {
		return nil, nil, fmt.Errorf("DUMP_MODULES: expected \"Loaded Modules:\", got %q", out)
	}
	for _, l := range lines[1:] {
		sym, kind, ok := strings.Cut(strings.TrimSpace(l), " ")
		switch {
		case ok && kind == "(static)" && len(shared) == 0:
			static = append(static, sym)
		case ok && kind == "(shared)":
			shared = append(shared, sym)
		default:
			return nil, nil, fmt.Errorf("DUMP_MODULES: unexpected line %q", l)
		}
	}
	return static, shared, nil
}

// attributeSources reads which probes DUMP_RUN_CFG shows defined. A
// module's source name is the one candidate that became true when it was
// loaded: true before, it names a module loaded earlier.
func attributeSources(out string, mods []sharedModule, staticSources []string) ([]Module, error) {
	defined := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		if d, ok := strings.CutPrefix(l, "Define: "); ok {
			defined[d] = true
		}
	}
	known := map[string]bool{}
	for _, s := range staticSources {
		known[s] = true
	}
	var loaded []Module
	for i, m := range mods {
		var found []string
		for j, src := range m.Sources {
			if defined[probeDefine(i, j)] && !known[src] {
				found = append(found, src)
			}
		}
		if len(found) != 1 {
			return nil, fmt.Errorf("%s: <IfModule> became true for %d of its C file names %v (%v), want exactly one", m.File, len(found), m.Sources, found)
		}
		known[found[0]] = true
		loaded = append(loaded, Module{Name: m.Symbol, Source: found[0], File: m.File})
	}
	return loaded, nil
}

// packageVersions asks dpkg for the installed versions of pkgs, in order.
func packageVersions(pkgs ...string) ([]Package, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	var out []Package
	for _, p := range pkgs {
		v, err := exec.CommandContext(ctx, "dpkg-query", "-W", "-f", "${Version}", p).Output()
		if err != nil {
			return nil, fmt.Errorf("dpkg-query -W %s: %v (the catalog records Debian package versions: is %s installed?)", p, err, p)
		}
		out = append(out, Package{Name: p, Version: string(v)})
	}
	return out, nil
}

// upstreamVersion strips a Debian version's epoch and revision:
// "4.9.4-1+b2" is 4.9.4.
func upstreamVersion(v string) string {
	if _, after, ok := strings.Cut(v, ":"); ok {
		if _, err := strconv.Atoi(v[:len(v)-len(after)-1]); err == nil {
			v = after
		}
	}
	if i := strings.LastIndexByte(v, '-'); i > 0 {
		v = v[:i]
	}
	return v
}

// addCommands reads every module's command table from its .so (or, for a
// static module, from the apache2 binary) and gives each directive its
// args_how, req_override and usage text.
func addCommands(t *Table, opts Options) error {
	bySource := map[string][]Command{}
	images := map[string]*image{}
	for _, mod := range t.Modules {
		file := opts.Apache2
		if mod.File != "" {
			file = filepath.Join(opts.ModuleDir, mod.File)
		}
		im, ok := images[file]
		if !ok {
			var err error
			if im, err = openImage(file); err != nil {
				return err
			}
			images[file] = im
		}
		cmds, err := im.commandTable(mod.Name)
		if err != nil {
			return err
		}
		bySource[mod.Source] = cmds
	}
	for i := range t.Directives {
		d := &t.Directives[i]
		found := false
		for _, c := range bySource[d.Module] {
			if c.Name == d.Name {
				d.ReqOverride, d.ArgsHow, d.Usage = c.ReqOverride, c.ArgsHow, c.Usage
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("apache2 -L lists %s (%s), but that module's command table has no such entry", d.Name, d.Module)
		}
	}
	return nil
}
