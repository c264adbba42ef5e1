package check

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// accessCompat are mod_access_compat's httpd 2.2 directives, which httpd
// 2.4 replaces with Require.
var accessCompat = map[string]bool{"order": true, "allow": true, "deny": true, "satisfy": true}

// unknown reports a directive no loaded module defines, with what httpd
// says (ap_walk_config_sub) and what to do: load the module that defines
// it, or the directive it was probably meant to be.
func (c *checker) unknown(n *apacheconf.Node, name string) {
	var detail string
	if d, ok := catalog.Lookup(name); ok {
		detail = name + " is defined by " + d.Module + ", which is not loaded"
		if m, ok := moduleOfSource(d.Module); ok && m.File != "" {
			detail += ": load it with LoadModule " + m.Name + " modules/" + m.File + " (on Debian, a2enmod " + strings.TrimSuffix(m.Name, "_module") + ")"
		}
		if accessCompat[strings.ToLower(name)] {
			detail += ", or better, replace the httpd 2.2 access directives with Require (Require all granted, Require ip ...)"
		}
		detail += "."
	} else if s := suggest(name); s != "" {
		detail = "Did you mean " + s + "?"
	}
	c.errorf(n, codeUnknown, detail, "Invalid command '%s', perhaps misspelled or defined by a module not included in the server configuration", name)
}

func moduleOfSource(src string) (catalog.Module, bool) { return catalog.ModuleBySource(src) }

// suggest is the catalog directive closest to name by edit distance, when
// it is close enough to be a likely misspelling. The distance is bounded by
// the best found so far, so that a long name (a stray line of data, say)
// costs a length comparison per directive, not a full table.
func suggest(name string) string {
	lname := strings.ToLower(name)
	best, bestDist := "", len(lname)/3+1
	var rows []int
	for _, d := range catalog.Directives() {
		if strings.HasPrefix(d.Name, "<") != strings.HasPrefix(name, "<") {
			continue
		}
		if diff := len(lname) - len(d.Name); diff >= bestDist || -diff >= bestDist {
			continue
		}
		var dist int
		if dist, rows = editDistance(lname, strings.ToLower(d.Name), bestDist, rows); dist < bestDist {
			best, bestDist = d.Name, dist
		}
	}
	if best == "" {
		return ""
	}
	if best[0] == '<' {
		return best + ">"
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes, or
// limit when it is limit or more: once a whole row of the table reaches
// limit, no later row can come back under it. rows is scratch space,
// returned for the next call.
func editDistance(a, b string, limit int, rows []int) (int, []int) {
	if cap(rows) < 2*(len(b)+1) {
		rows = make([]int, 2*(len(b)+1))
	}
	prev, cur := rows[:len(b)+1], rows[len(b)+1:2*(len(b)+1)]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit, rows
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit), rows
}
