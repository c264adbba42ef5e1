package migration

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/emit/compose"
	"github.com/wsgidock/wsgidock/translate/emit/internal/fixtures"
	"github.com/wsgidock/wsgidock/translate/emit/internal/golden"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// TestGolden writes each fixture's report with the compose emitter's
// notes, the format with the most of them.
func TestGolden(t *testing.T) {
	for _, c := range fixtures.All() {
		t.Run(c.Name, func(t *testing.T) {
			_, notes, err := compose.File(c.Spec)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Markdown(c.Spec, c.Report, "compose", notes)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("..", "testdata", c.Name, "MIGRATION.md"), out)
		})
	}
}

// TestStructure checks the document's outline: the headings are exactly
// the ones the report calls for, however hostile the values, and every
// item of the report and the notes has its own list line.
func TestStructure(t *testing.T) {
	for _, c := range fixtures.All() {
		t.Run(c.Name, func(t *testing.T) {
			_, notes, err := compose.File(c.Spec)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Markdown(c.Spec, c.Report, "compose", notes)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(out), "\n")
			var headings []string
			for _, l := range lines {
				if strings.HasPrefix(l, "#") {
					headings = append(headings, l[:strings.IndexByte(l, ' ')])
				}
			}
			if !reflect.DeepEqual(headings, wantHeadings(c.Spec, c.Report, notes)) {
				t.Errorf("heading levels %q, want %q", headings, wantHeadings(c.Spec, c.Report, notes))
			}
			items := 0
			for _, l := range lines {
				if strings.HasPrefix(l, "- `") || strings.HasPrefix(l, "- (empty)") {
					items++
				}
			}
			if want := len(c.Report.Mapped) + len(c.Report.Unmapped) + len(notes); items != want {
				t.Errorf("%d item lines, want %d", items, want)
			}
			for _, s := range c.Spec.Services {
				if !strings.Contains(string(out), "\n## "+text(s.Name)+" (") {
					t.Errorf("no section for service %s", s.Name)
				}
			}
		})
	}
}

func wantHeadings(sp *spec.Spec, r *spec.Report, notes []spec.Item) []string {
	h := []string{"#"}
	count := func(items []spec.Item, name string) int { return len(byService(items)[name]) }
	rest := len(r.Mapped) + len(r.Unmapped) + len(notes)
	for _, s := range sp.Services {
		h = append(h, "##")
		var acts, infos []spec.Item
		for _, it := range notes {
			if it.Info {
				infos = append(infos, it)
			} else {
				acts = append(acts, it)
			}
		}
		for _, items := range [][]spec.Item{r.Mapped, r.Unmapped, acts, infos} {
			if n := count(items, s.Name); n > 0 {
				h = append(h, "###")
				rest -= n
			}
		}
	}
	if rest > 0 {
		h = append(h, "##")
		known := map[string]bool{}
		for _, s := range sp.Services {
			known[s.Name] = true
		}
		var report, other, info int
		for _, it := range append(append([]spec.Item{}, r.Mapped...), r.Unmapped...) {
			if !known[it.Service] {
				report++
			}
		}
		for _, it := range notes {
			if !known[it.Service] && it.Info {
				info++
			} else if !known[it.Service] {
				other++
			}
		}
		for _, n := range []int{report, other, info} {
			if n > 0 {
				h = append(h, "###")
			}
		}
	}
	return h
}

func TestCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"x", "`x`"},
		{"", "(empty)"},
		{"a`b", "``a`b``"},
		{"`x`", "`` `x` ``"},
		{"a``b`", "``` a``b` ```"},
		{" x ", "`  x  `"},
		{"a\nb", "`a\\nb`"},
	}
	for _, tt := range tests {
		if got := code(tt.in); got != tt.want {
			t.Errorf("code(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words, and (parens) - dashes", "plain words, and (parens) - dashes"},
		{"a *b* _c_ `d` [e](f) <g> h|i ~~j~~ \\", "a \\*b\\* \\_c\\_ \\`d\\` \\[e\\](f) \\<g> h\\|i \\~\\~j\\~\\~ \\\\"},
		{"line\n## heading", `line\\n## heading`},
	}
	for _, tt := range tests {
		if got := text(tt.in); got != tt.want {
			t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	if _, err := Markdown(nil, nil, "sh", nil); err == nil {
		t.Error("no error for a nil spec")
	}
	if _, err := Markdown(&spec.Spec{Services: []*spec.Service{nil}}, nil, "sh", nil); err == nil {
		t.Error("no error for a missing service")
	}
	out, err := Markdown(&spec.Spec{Project: "empty"}, nil, "sh", nil)
	if err != nil || !strings.Contains(string(out), "It found 0 services") {
		t.Errorf("empty spec: %q, %v", out, err)
	}
}

// TestWords: code, text and pos on words of every kind they treat apart
// (as the writer had them when each had a second, appending copy).
func TestWords(t *testing.T) {
	codes := []struct{ in, want string }{
		{"", "(empty)"},
		{"a", "`a`"},
		{" a", "`  a `"},
		{"a ", "` a  `"},
		{"a`b", "``a`b``"},
		{"``", "``` `` ```"},
		{"`a", "`` `a ``"},
		{"*x*", "`*x*`"},
		{"_", "`_`"},
		{"[l](u)", "`[l](u)`"},
		{"<b>", "`<b>`"},
		{"a|b", "`a|b`"},
		{"~", "`~`"},
		{"\\", "`\\`"},
		{"é", "`é`"},
		{"tab\tx", "`tab\\tx`"},
		{"nl\nx", "`nl\\nx`"},
		{"\xff", "`\\xff`"},
		{"\u2028", "`\\u2028`"},
		{"/etc/httpd.conf", "`/etc/httpd.conf`"},
		{"/srv/my site/a.conf", "`/srv/my site/a.conf`"},
		{"c:\\x", "`c:\\x`"},
	}
	for _, tt := range codes {
		if got := code(tt.in); got != tt.want {
			t.Errorf("code(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	texts := []struct{ in, want string }{
		{"", ""},
		{"a", "a"},
		{" a", " a"},
		{"a ", "a "},
		{"a`b", "a\\`b"},
		{"``", "\\`\\`"},
		{"`a", "\\`a"},
		{"*x*", "\\*x\\*"},
		{"_", "\\_"},
		{"[l](u)", "\\[l\\](u)"},
		{"<b>", "\\<b>"},
		{"a|b", "a\\|b"},
		{"~", "\\~"},
		{"\\", "\\\\"},
		{"é", "é"},
		{"tab\tx", "tab\\\\tx"},
		{"nl\nx", "nl\\\\nx"},
		{"\xff", "\\\\xff"},
		{"\u2028", "\\\\u2028"},
		{"/etc/httpd.conf", "/etc/httpd.conf"},
		{"/srv/my site/a.conf", "/srv/my site/a.conf"},
		{"c:\\x", "c:\\\\x"},
	}
	for _, tt := range texts {
		if got := text(tt.in); got != tt.want {
			t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	positions := []struct {
		in   apacheconf.Position
		want string
	}{
		{apacheconf.Position{Filename: "/etc/httpd.conf", Line: 0, Column: 0}, "`/etc/httpd.conf`"},
		{apacheconf.Position{Filename: "/etc/httpd.conf", Line: 3, Column: 0}, "`/etc/httpd.conf:3`"},
		{apacheconf.Position{Filename: "/etc/httpd.conf", Line: 12, Column: 7}, "`/etc/httpd.conf:12:7`"},
		{apacheconf.Position{Filename: "/etc/httpd.conf", Line: 0, Column: 2}, "`/etc/httpd.conf`"},
		{apacheconf.Position{Filename: "/srv/my site/a.conf", Line: 0, Column: 0}, "`/srv/my site/a.conf`"},
		{apacheconf.Position{Filename: "/srv/my site/a.conf", Line: 3, Column: 0}, "`/srv/my site/a.conf:3`"},
		{apacheconf.Position{Filename: "/srv/my site/a.conf", Line: 12, Column: 7}, "`/srv/my site/a.conf:12:7`"},
		{apacheconf.Position{Filename: "/srv/my site/a.conf", Line: 0, Column: 2}, "`/srv/my site/a.conf`"},
		{apacheconf.Position{Filename: "a`b", Line: 0, Column: 0}, "``a`b``"},
		{apacheconf.Position{Filename: "a`b", Line: 3, Column: 0}, "``a`b:3``"},
		{apacheconf.Position{Filename: "a`b", Line: 12, Column: 7}, "``a`b:12:7``"},
		{apacheconf.Position{Filename: "a`b", Line: 0, Column: 2}, "``a`b``"},
		{apacheconf.Position{Filename: " a", Line: 0, Column: 0}, "`  a `"},
		{apacheconf.Position{Filename: " a", Line: 3, Column: 0}, "`  a:3 `"},
		{apacheconf.Position{Filename: " a", Line: 12, Column: 7}, "`  a:12:7 `"},
		{apacheconf.Position{Filename: " a", Line: 0, Column: 2}, "`  a `"},
		{apacheconf.Position{Filename: "nl\nx", Line: 0, Column: 0}, "`nl\\nx`"},
		{apacheconf.Position{Filename: "nl\nx", Line: 3, Column: 0}, "`nl\\nx:3`"},
		{apacheconf.Position{Filename: "nl\nx", Line: 12, Column: 7}, "`nl\\nx:12:7`"},
		{apacheconf.Position{Filename: "nl\nx", Line: 0, Column: 2}, "`nl\\nx`"},
		{apacheconf.Position{Filename: "", Line: 0, Column: 0}, "unknown place"},
		{apacheconf.Position{Filename: "", Line: 3, Column: 0}, "`3`"},
		{apacheconf.Position{Filename: "", Line: 12, Column: 7}, "`12:7`"},
		{apacheconf.Position{Filename: "", Line: 0, Column: 2}, "unknown place"},
		{apacheconf.Position{Filename: "", Line: 5, Column: 0}, "`5`"},
	}
	for _, tt := range positions {
		if got := pos(tt.in); got != tt.want {
			t.Errorf("pos(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
