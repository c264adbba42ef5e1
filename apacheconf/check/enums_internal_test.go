package check

import (
	"sort"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// EnumCases are, for every entry of the one-word table, a line per
// accepted word and one with a word httpd refuses, placed where the
// directive is allowed: the differential test runs them through httpd.
func EnumCases() []string {
	var names []string
	for name := range enums {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []string
	for _, name := range names {
		d, _ := catalog.Lookup(name)
		words := append(append([]string(nil), enums[name].words...), "bogus")
		for _, w := range words {
			line := name + " " + strings.ToUpper(w[:1]) + w[1:]
			if name == "ProxyErrorOverride" {
				line += " 502"
			}
			if d.ReqOverride&catalog.RsrcConf == 0 {
				line = "<Directory /srv>\n" + line + "\n</Directory>"
			}
			out = append(out, line+"\n")
		}
	}
	return out
}

func TestEnumCasesExported(t *testing.T) {
	if len(EnumCases()) < 100 {
		t.Errorf("only %d enum cases", len(EnumCases()))
	}
}
