// Package catalog is httpd's table of modules and directives, as Debian's
// apache2 and mod_wsgi have it: which modules are compiled in, what each
// module is called (symbol, source file, .so file), and for every directive
// its canonical spelling, its module and where it is allowed.
//
// The data in catalog.gen.go is read from the installed apache2 by
// ./internal/gen (`go generate`); the tests compare it with the live
// `apache2 -L` and `apache2 -l` when apache2 is present.
package catalog

//go:generate go run ./internal/gen -o catalog.gen.go

// Directive is one module's definition of a configuration directive.
type Directive struct {
	// Name is the directive's canonical spelling; a section's name keeps
	// its '<' ("<VirtualHost"), as in httpd's command table.
	Name string
	// Module is the source file of the module that defines it
	// ("mod_proxy.c"), the name <IfModule> also accepts.
	Module string
	// Section is true for a section directive (<Foo ...> ... </Foo>).
	Section bool
	// Context is where httpd accepts the directive.
	Context Context
	// ReqOverride is the req_override mask of the module's command table
	// (RSRC_CONF, ACCESS_CONF, the OR_* classes, EXEC_ON_READ), which
	// httpd holds against the place of each use.
	ReqOverride ReqOverride
	// ArgsHow is how httpd splits the directive's arguments before its
	// handler runs.
	ArgsHow ArgsHow
	// Usage is the module's description of the arguments, which httpd
	// appends to its argument-count errors; empty when it has none.
	Usage string
}

// Module names one httpd module the three ways configuration refers to it.
type Module struct {
	// Name is the module's symbol, as LoadModule and <IfModule> take it
	// ("proxy_module").
	Name string
	// Source is the module's source file name, as <IfModule> also takes
	// it and `apache2 -l` and `-L` print it ("mod_proxy.c").
	Source string
	// File is the Debian shared object under /usr/lib/apache2/modules
	// ("mod_proxy.so"); empty for a module compiled into apache2.
	File string
}

// span is the run of directives sharing a lower-case name: several modules
// may define the same directive (every MPM's StartServers; mod_cgi's and
// mod_cgid's ScriptLog).
type span struct{ first, end uint16 }

var (
	directiveIndex = indexDirectives()
	moduleByName   = indexModules(func(m Module) string { return m.Name })
	moduleBySource = indexModules(func(m Module) string { return m.Source })
)

func indexDirectives() map[string]span {
	idx := make(map[string]span, len(directives))
	for i, d := range directives {
		key := lower(d.Name)
		s, ok := idx[key]
		if !ok {
			s.first = uint16(i)
		}
		s.end = uint16(i + 1)
		idx[key] = s
	}
	return idx
}

func indexModules(key func(Module) string) map[string]Module {
	idx := make(map[string]Module, len(modules))
	for _, m := range modules {
		idx[key(m)] = m
	}
	return idx
}

// lower is ASCII lower-casing, as httpd's ap_str_tolower in the C locale.
func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// find returns the definitions of name, compared case-insensitively as
// httpd does, without allocating.
func find(name string) []Directive {
	if len(name) > maxDirectiveLen {
		return nil
	}
	var buf [maxDirectiveLen]byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	s, ok := directiveIndex[string(buf[:len(name)])]
	if !ok {
		return nil
	}
	return directives[s.first:s.end]
}

// Lookup finds a directive by name, case-insensitively like httpd. A
// section is found by its name with the '<' ("<IfModule"). When several
// modules define the name, Lookup returns the definition of the module
// whose source name sorts first; use LookupIn to ask about the modules a
// configuration has.
func Lookup(name string) (Directive, bool) {
	defs := find(name)
	if len(defs) == 0 {
		return Directive{}, false
	}
	return defs[0], true
}

// LookupIn finds a directive by name, case-insensitively, among the
// definitions whose module source name ("mod_cgid.c") present accepts: it
// is httpd's test for <IfDirective> and <IfSection> when present says
// which modules are static or loaded.
func LookupIn(name string, present func(source string) bool) (Directive, bool) {
	for _, d := range find(name) {
		if present(d.Module) {
			return d, true
		}
	}
	return Directive{}, false
}

// Directives returns every definition in the catalog, ordered by
// lower-case name, then module.
func Directives() []Directive { return append([]Directive(nil), directives...) }

// ModuleByName finds a module by its symbol ("proxy_module"). The match is
// case-sensitive, as <IfModule> and LoadModule are.
func ModuleByName(name string) (Module, bool) {
	m, ok := moduleByName[name]
	return m, ok
}

// ModuleBySource finds a module by its source file name ("mod_proxy.c"),
// case-sensitively, as <IfModule> does.
func ModuleBySource(source string) (Module, bool) {
	m, ok := moduleBySource[source]
	return m, ok
}

// StaticModules returns the modules compiled into Debian's apache2, in the
// order `apache2 -l` lists them. <IfModule> is true for them without a
// LoadModule.
func StaticModules() []Module {
	out := make([]Module, len(staticModuleNames))
	for i, name := range staticModuleNames {
		out[i] = moduleByName[name]
	}
	return out
}

// Modules returns every module in the catalog, static and shared, ordered
// by symbol name.
func Modules() []Module { return append([]Module(nil), modules...) }
