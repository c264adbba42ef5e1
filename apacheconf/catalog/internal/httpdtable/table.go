// Package httpdtable reads httpd's module and directive tables from an
// installed Debian apache2 — `apache2 -v`, `-l`, `-L`, `-t -D DUMP_MODULES`,
// `-t -D DUMP_RUN_CFG`, the module .so files and mods-available/*.load —
// and renders them as the Go source of package catalog.
package httpdtable

// Table is what Collect learned from httpd.
type Table struct {
	// Server is httpd's version banner ("Apache/2.4.71 (Debian)").
	Server string
	// Version is the number in the banner ("2.4.71").
	Version string
	// WSGIVersion is mod_wsgi's upstream version ("4.9.4").
	WSGIVersion string
	// Packages are the Debian packages the data came from.
	Packages []Package
	// ModuleDir is the directory whose .so files were loaded.
	ModuleDir string
	// MPMs are the symbols of the MPM modules, each read in its own run
	// because only one MPM loads at a time.
	MPMs []string
	// Modules are all modules, static and shared, sorted by symbol.
	Modules []Module
	// Static are the symbols of the compiled-in modules, in `apache2 -l`
	// order.
	Static []string
	// Directives are sorted by lower-case name, then module source.
	Directives []Directive
}

// Package is an installed Debian package and its version.
type Package struct{ Name, Version string }

// Module is one module's symbol, source file name and .so file (empty
// for a static module).
type Module struct{ Name, Source, File string }

// Directive is one module's definition of a directive.
type Directive struct {
	Name    string
	Module  string
	Context Context
	// ReqOverride, ArgsHow and Usage come from the module's command
	// table.
	ReqOverride int
	ArgsHow     ArgsHow
	Usage       string
}

// Override is a set of AllowOverride classes.
type Override uint8

// The AllowOverride classes, in the order `apache2 -L` lists them.
const (
	OverrideAuthConfig Override = 1 << iota
	OverrideLimit
	OverrideOptions
	OverrideFileInfo
	OverrideIndexes

	allOverrides = OverrideAuthConfig | OverrideLimit | OverrideOptions | OverrideFileInfo | OverrideIndexes
)

var overrideNames = [...]string{"AuthConfig", "Limit", "Options", "FileInfo", "Indexes"}

// Context is one "Allowed in" description of `apache2 -L`.
type Context struct {
	// Outside: allowed in *.conf outside <Directory>, <Files>,
	// <Location> and <If>.
	Outside bool
	// Inside: allowed inside them.
	Inside bool
	// NoPerDir is "[no per-dir config]".
	NoPerDir bool
	// Overrides are the AllowOverride classes that allow it in .htaccess.
	Overrides Override
}
