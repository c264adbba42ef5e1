package catalog

import "strings"

// Context is where httpd accepts a directive: the req_override mask that
// `apache2 -L` describes in its "Allowed in" lines, as flags.
//
// -L cannot tell the main server from a <VirtualHost>: a directive allowed
// outside <Directory> carries both ServerConfig and VirtualHost, even when
// its handler refuses a <VirtualHost> later, at run time (Listen, for one).
type Context uint16

// The places and AllowOverride classes a Context combines.
const (
	// ServerConfig is the main server, outside every section.
	ServerConfig Context = 1 << iota
	// VirtualHost is inside <VirtualHost>, outside per-directory sections.
	VirtualHost
	// Directory is inside <Directory>, <Files>, <Location> or <If> (and
	// their Match forms).
	Directory
	// OverrideAuthConfig allows the directive in .htaccess when
	// AllowOverride includes AuthConfig.
	OverrideAuthConfig
	// OverrideLimit: .htaccess when AllowOverride includes Limit.
	OverrideLimit
	// OverrideOptions: .htaccess when AllowOverride includes Options.
	OverrideOptions
	// OverrideFileInfo: .htaccess when AllowOverride includes FileInfo.
	OverrideFileInfo
	// OverrideIndexes: .htaccess when AllowOverride includes Indexes.
	OverrideIndexes
	// NoPerDirConfig marks a directive allowed per directory whose module
	// keeps no per-directory configuration (-L's "[no per-dir config]").
	NoPerDirConfig
)

// OverrideAll is every AllowOverride class: the directive is allowed in
// .htaccess unless AllowOverride is None.
const OverrideAll = OverrideAuthConfig | OverrideLimit | OverrideOptions | OverrideFileInfo | OverrideIndexes

// overrideNames are the AllowOverride classes in the order -L lists them.
var overrideNames = [...]struct {
	flag Context
	name string
}{
	{OverrideAuthConfig, "AuthConfig"},
	{OverrideLimit, "Limit"},
	{OverrideOptions, "Options"},
	{OverrideFileInfo, "FileInfo"},
	{OverrideIndexes, "Indexes"},
}

// InHTAccess reports whether the directive is allowed in .htaccess files
// for at least one AllowOverride class.
func (c Context) InHTAccess() bool { return c&OverrideAll != 0 }

// String renders the context in the words of `apache2 -L` (httpd 2.4.71),
// its two lines joined by a space, for example "Allowed in *.conf anywhere
// and in .htaccess when AllowOverride includes FileInfo".
func (c Context) String() string {
	var b strings.Builder
	b.WriteString("Allowed in *.conf ")
	outside := c&(ServerConfig|VirtualHost) != 0
	switch {
	case outside && c&Directory != 0:
		b.WriteString("anywhere")
	case outside:
		b.WriteString("only outside <Directory>, <Files>, <Location>, or <If>")
	default:
		b.WriteString("only inside <Directory>, <Files>, <Location>, or <If>")
	}
	if c&NoPerDirConfig != 0 {
		b.WriteString(" [no per-dir config]")
	}
	if !c.InHTAccess() {
		return b.String()
	}
	b.WriteString(" and in .htaccess when AllowOverride")
	if c&OverrideAll == OverrideAll {
		b.WriteString(" isn't None")
		return b.String()
	}
	b.WriteString(" includes ")
	n := 0
	for _, o := range overrideNames {
		if c&o.flag == 0 {
			continue
		}
		if n > 0 {
			b.WriteString(" or ")
		}
		b.WriteString(o.name)
		n++
	}
	return b.String()
}
