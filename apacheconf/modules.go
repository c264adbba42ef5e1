package apacheconf

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// moduleSet is the set of modules httpd has at a point of reading: the
// static ones, those LoadModule loaded so far, and those the user says are
// loaded. <IfModule> finds a module by symbol name ("ssl_module") or by
// source file name ("mod_ssl.c"), case-sensitively.
type moduleSet struct {
	symbols map[string]bool
	sources map[string]bool
	order   []string // symbols, in load order
	static  map[string]bool
	// loaded are the symbols LoadModule loaded, for its "already loaded"
	// warning.
	loaded map[string]bool
}

func (m *moduleSet) init(static, extra []string) {
	m.symbols = map[string]bool{}
	m.sources = map[string]bool{}
	m.static = map[string]bool{}
	m.loaded = map[string]bool{}
	if static == nil {
		for _, mod := range catalog.StaticModules() {
			m.add(mod.Name, mod.Source)
			m.static[mod.Name] = true
		}
	} else {
		for _, s := range static {
			sym, src := moduleNames(s)
			m.add(sym, src)
			m.static[sym] = true
		}
	}
	for _, s := range extra {
		m.add(moduleNames(s))
	}
}

// moduleNames gives the symbol and source names of a module named either
// way.
func moduleNames(s string) (symbol, source string) {
	if strings.HasSuffix(s, ".c") {
		if mod, ok := catalog.ModuleBySource(s); ok {
			return mod.Name, mod.Source
		}
		base := strings.TrimSuffix(strings.TrimPrefix(s, "mod_"), ".c")
		return base + "_module", s
	}
	if mod, ok := catalog.ModuleByName(s); ok {
		return mod.Name, mod.Source
	}
	return s, "mod_" + strings.TrimSuffix(s, "_module") + ".c"
}

func (m *moduleSet) add(symbol, source string) {
	if !m.symbols[symbol] {
		m.order = append(m.order, symbol)
	}
	m.symbols[symbol] = true
	if source != "" {
		m.sources[source] = true
	}
}

func (m *moduleSet) has(name string) bool { return m.symbols[name] || m.sources[name] }

func (m *moduleSet) hasSource(source string) bool { return m.sources[source] }

func (m *moduleSet) loadedSymbols() []string { return append([]string(nil), m.order...) }

// load is mod_so's LoadModule. It returns httpd's message when there is
// one, and whether that message is only a warning.
func (m *moduleSet) load(symbol, file string, r *reader, checkFile bool) (msg string, warning bool) {
	if m.loaded[symbol] {
		return "module " + symbol + " is already loaded, skipping", true
	}
	// mod_so refuses a static module whose source is mod_FOO.c when asked
	// for FOO_module.
	for s := range m.static {
		src := staticSource(s)
		if strings.HasPrefix(src, "mod_") && strings.TrimSuffix(strings.TrimPrefix(src, "mod_"), ".c")+"_module" == symbol {
			return "module " + symbol + " is built-in and can't be loaded", false
		}
	}
	m.loaded[symbol] = true
	if checkFile {
		path := r.serverRootRelative(file)
		if !r.isRegular(path) {
			return "Cannot load " + file + " into server: " + path + ": cannot open shared object file: No such file or directory", false
		}
	}
	sym, src := moduleNames(symbol)
	m.add(sym, src)
	return "", false
}

func staticSource(symbol string) string {
	_, src := moduleNames(symbol)
	return src
}

// directiveExists is ap_exists_directive: is name (with its '<' for a
// section) a directive of a module httpd has?
func (m *moduleSet) directiveExists(name string) bool {
	_, ok := m.canonical(name)
	return ok
}

// canonical is the directive's spelling in its module, when the module is
// present.
func (m *moduleSet) canonical(name string) (string, bool) {
	d, ok := catalog.LookupIn(name, m.hasSource)
	if !ok {
		return "", false
	}
	return d.Name, true
}
