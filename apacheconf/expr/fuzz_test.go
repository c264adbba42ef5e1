package expr_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/expr"
)

// fixtureExprs are the expressions the repository's fixtures use: the
// argument of <If>, <ElseIf>, Require expr and SetEnvIfExpr lines.
func fixtureExprs(t testing.TB) []string {
	var out []string
	_ = filepath.WalkDir("../../fixtures", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".conf") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			name, rest := apacheconf.GetwordConf(line)
			switch strings.ToLower(strings.TrimSuffix(name, ">")) {
			case "<if", "<elseif", "setenvifexpr":
				w, _ := apacheconf.GetwordConf(strings.TrimSuffix(rest, ">"))
				out = append(out, w)
			case "require":
				if p, e := apacheconf.GetwordConf(rest); strings.EqualFold(p, "expr") {
					out = append(out, strings.Trim(e, `"`))
				}
			}
		}
		return nil
	})
	return out
}

// FuzzParse feeds Parse arbitrary expressions, seeded with the
// differential cases and the fixtures' expressions: it must never panic,
// must give a message with every error and an offset inside the
// expression, and must give the same answer twice.
func FuzzParse(f *testing.F) {
	for _, c := range append(cases, fixtureExprs(f)...) {
		f.Add(c, false)
	}
	f.Add("Host: %{HTTP_HOST}", true)
	f.Add("%{tolower:%{HTTP_HOST}}", true)
	f.Fuzz(func(t *testing.T, s string, stringResult bool) {
		opts := expr.Options{StringResult: stringResult}
		e := expr.Parse(s, opts)
		again := expr.Parse(s, opts)
		if (e == nil) != (again == nil) || (e != nil && *e != *again) {
			t.Fatalf("Parse(%q) is not deterministic: %v, then %v", s, e, again)
		}
		if e == nil {
			return
		}
		if e.Message == "" {
			t.Fatalf("Parse(%q) fails without a message", s)
		}
		if e.Offset < 0 || e.Offset > len(s) {
			t.Fatalf("Parse(%q): offset %d outside the expression", s, e.Offset)
		}
	})
}
