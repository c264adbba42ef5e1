package check

import (
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// TestTablesNameCatalogDirectives holds the handler and context tables
// against the catalog: Check finds them by the catalog's spelling, so a
// key spelled otherwise would never be used.
func TestTablesNameCatalogDirectives(t *testing.T) {
	names := map[string]bool{}
	for _, d := range catalog.Directives() {
		names[d.Name] = true
	}
	for name := range handlers {
		if !names[name] {
			t.Errorf("handlers has %q, which the catalog spells otherwise or does not have", name)
		}
	}
	for name := range forbiddenIn {
		if !names[name] {
			t.Errorf("forbiddenIn has %q, which the catalog spells otherwise or does not have", name)
		}
	}
}
