package catalog_test

import (
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// benchNames are the names a large configuration repeats: canonical,
// lower-case, upper-case and unknown spellings.
func benchNames() []string {
	var names []string
	for _, d := range catalog.Directives() {
		names = append(names, d.Name, strings.ToLower(d.Name), strings.ToUpper(d.Name), d.Name+"X")
	}
	return names
}

// BenchmarkLookup looks up one directive per iteration; a 150,000-directive
// configuration costs 150,000 iterations.
func BenchmarkLookup(b *testing.B) {
	names := benchNames()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		catalog.Lookup(names[i%len(names)])
	}
}

// BenchmarkLookupIn is the reader's <IfDirective> and section-name test,
// with a module set held in a map.
func BenchmarkLookupIn(b *testing.B) {
	names := benchNames()
	loaded := map[string]bool{}
	for _, m := range catalog.StaticModules() {
		loaded[m.Source] = true
	}
	for _, s := range []string{"event.c", "mod_proxy.c", "mod_wsgi.c", "mod_headers.c"} {
		loaded[s] = true
	}
	present := func(src string) bool { return loaded[src] }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		catalog.LookupIn(names[i%len(names)], present)
	}
}
