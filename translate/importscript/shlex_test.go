package importscript

import (
	"reflect"
	"testing"
)

// splitCases are command lines for shlex.split, hostile ones included.
var splitCases = []string{
	"", " ", "docker run --rm -p 8002:80 blog.example.com",
	"a  b\tc\nd\re", "'a b' \"c d\" e\\ f",
	"a'b'c", "a\"b\"c", "''", "'' ''", "a '' b", `""`, `"" x`,
	`"a\"b"`, `"a\\b"`, `"a\$b"`, `"a\nb"`, `'a\'`, `a\\`, `\a\b`,
	`a\ `, `\'`, `\"`, `"'"`, `'"'`, "$HOME `id` $(id) ${X:-y}",
	"*.py ?x [ab]", "ünï cödé 日本", "a#b # c", "#x", "a\\\nb", "a \\\n b",
	"--env='A=1 2' -e B=\"x y\"", "\"a\\\\\\\"b\"", "x\"\"y", "x''y''",
	`"unterminated`, `'unterminated`, `trailing\`, `"esc\`, "\v\f", "a\x00b",
	"tab\there", "\"\t\"", "a;b&&c|d", "'it'\\''s'", "\\#notcomment #comment",
	"\"#in quotes\" #out", "a#", "#", "'#'",
}

func TestSplitWordsTable(t *testing.T) {
	tests := []struct {
		in       string
		comments bool
		want     []word
		err      string
	}{
		{in: "docker run  -p 8002:80", want: []word{{"docker", 0}, {"run", 7}, {"-p", 12}, {"8002:80", 15}}},
		{in: `a "b c" 'd'e`, want: []word{{"a", 0}, {"b c", 2}, {"de", 8}}},
		{in: `"a\"b\x"`, want: []word{{`a"b\x`, 0}}},
		{in: `a\ b`, want: []word{{"a b", 0}}},
		{in: `'' x`, want: []word{{"", 0}, {"x", 3}}},
		{in: "a #b\nc", comments: true, want: []word{{"a", 0}, {"c", 5}}},
		{in: "a#b c", comments: true, want: []word{{"a", 0}}},
		{in: "a#b c", want: []word{{"a#b", 0}, {"c", 4}}},
		{in: `x "open`, err: "No closing quotation"},
		{in: `x\`, err: "No escaped character"},
	}
	for _, tt := range tests {
		got, err := splitWords(tt.in, tt.comments)
		if tt.err != "" {
			if err == nil || err.msg != tt.err {
				t.Errorf("splitWords(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("splitWords(%q): %v", tt.in, err.msg)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("splitWords(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// TestSplitWordsMatchesPython compares splitWords with Python's own
// shlex.split, with and without comments, on every case.
func TestSplitWordsMatchesPython(t *testing.T) {
	type result struct {
		Words []string `json:"words"`
		Err   string   `json:"err"`
	}
	const program = `
import json, shlex, sys
out = []
for s in json.load(sys.stdin):
    for comments in (False, True):
        try:
            out.append({"words": shlex.split(s, comments=comments), "err": ""})
        except ValueError as e:
            out.append({"words": None, "err": str(e)})
json.dump(out, sys.stdout)
`
	var want []result
	runPython(t, program, splitCases, &want)
	for i, s := range splitCases {
		for j, comments := range []bool{false, true} {
			w := want[2*i+j]
			got, err := splitWords(s, comments)
			if w.Err != "" {
				if err == nil || err.msg != w.Err {
					t.Errorf("splitWords(%q, comments=%v) error %v, Python says %q", s, comments, err, w.Err)
				}
				continue
			}
			if err != nil {
				t.Errorf("splitWords(%q, comments=%v) fails with %q, Python gives %q", s, comments, err.msg, w.Words)
				continue
			}
			texts := []string{}
			for _, g := range got {
				texts = append(texts, g.text)
			}
			if !reflect.DeepEqual(texts, w.Words) {
				t.Errorf("splitWords(%q, comments=%v) = %q, Python gives %q", s, comments, texts, w.Words)
			}
		}
	}
}

func TestQuoteWordMatchesPython(t *testing.T) {
	const program = `
import json, shlex, sys
json.dump([shlex.quote(s) for s in json.load(sys.stdin)], sys.stdout)
`
	var want []string
	runPython(t, program, splitCases, &want)
	for i, s := range splitCases {
		if got := quoteWord(s); got != want[i] {
			t.Errorf("quoteWord(%q) = %q, Python gives %q", s, got, want[i])
		}
	}
}
