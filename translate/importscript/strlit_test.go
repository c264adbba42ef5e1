package importscript

import (
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// evalAssignment runs a script and returns the value bound to r.
func evalAssignment(src string, env map[string]string) (value, apacheconf.Diagnostics) {
	stmts, err := parseScript("t.py", []byte(src), new(arena))
	if err != nil {
		return nil, apacheconf.Diagnostics{syntaxDiag("t.py", err)}
	}
	e := newEvaluator("t.py", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	e.block(stmts)
	return e.names["r"], e.diags
}

// literalCases are Python expressions made of string literals; name is
// bound to 'blog' for the f-strings.
var literalCases = []string{
	`'a'`, `"a"`, `'''a
b'''`, `"""x"y"""`, `r'\n'`, `R"\d"`, `u'x'`, `U"x"`, `b'x'`, `rb'x'`, `'a' "b" '''c'''`,
	`'\x41\101\u00e9\U0001F600'`, `'\N{BULLET}'`, `'\q\d'`, `'\0'`, `'\777'`, `'\18'`,
	`'a\
b'`, `r'a\
b'`, `'\a\b\f\n\r\t\v\\\'\"'`, `'it\'s'`, `"say \"hi\""`, `r'\''`, `r"\""`,
	`'\x4'`, `'\u12'`, `'\U00110000'`, `'\ud800'`, `'$HOME ` + "`id`" + ` *.py'`, `'tab	in'`,
	`f'{"x"}'`, `f'{{}}'`, `f'a{name}b'`, `f"{name!s}"`, `f"{name!r}"`, `f"{name:>10}"`, `f'{name=}'`,
	`f'{}'`, `f'}'`, `f'{'`, `f"{'a' 'b'}"`, `f'''{"x"}
{name}'''`, `rf'\n{name}'`, `fr"{name}\t"`, `f'{8002}'`, `f'{name + "-" + name}'`,
	`f'{ name }'`, `f'{name}' f'{name}'`, `'a' f'{name}' "c"`, `b'a' 'b'`, `'日本' '\u65e5'`,
	`f'{name!x}'`, `f'{name:}'`, `f'{name #}'`, `f'{"\n"}'`, `f'{[name][0]}'`, `f'{{name}}'`,
	`''`, `""""""`, `'\
'`, `f'{0x10}'`, `f'{-1}'`, `f'{"a" if name else "b"}'`,
}

// TestStringLiteralsMatchPython evaluates each literal with Python and
// with the evaluator: equal values where both succeed, a syntax error
// exactly where Python has one, and "unsupported" only where Python
// succeeds.
func TestStringLiteralsMatchPython(t *testing.T) {
	type result struct {
		Value     *string `json:"value"`
		Syntax    bool    `json:"syntax"`
		Surrogate bool    `json:"surrogate"`
		Bytes     bool    `json:"bytes"`
	}
	const program = `
import json, sys, warnings
warnings.simplefilter("ignore")
out = []
for src in json.load(sys.stdin):
    try:
        v = eval(compile(src, "t.py", "eval"), {"name": "blog"})
    except SyntaxError:
        out.append({"syntax": True})
        continue
    if isinstance(v, bytes):
        out.append({"bytes": True})
    elif any(0xd800 <= ord(c) <= 0xdfff for c in v):
        out.append({"surrogate": True})
    else:
        out.append({"value": v})
json.dump(out, sys.stdout)
`
	var want []result
	runPython(t, program, literalCases, &want)
	for i, src := range literalCases {
		w := want[i]
		v, diags := evalAssignment("name = 'blog'\nr = "+src+"\n", nil)
		code := ""
		if len(diags) > 0 {
			code = diags[0].Code
		}
		switch {
		case w.Syntax:
			if code != CodeSyntax {
				t.Errorf("%s: Python has a SyntaxError, got %v %v", src, v, diags)
			}
		case w.Bytes:
			if _, ok := v.(*bytesValue); !ok || code != "" {
				t.Errorf("%s: want a bytes value, got %v %v", src, v, diags)
			}
		case w.Surrogate:
			if code != CodeUnsupported {
				t.Errorf("%s: want unsupported (lone surrogate), got %v %v", src, v, diags)
			}
		case code == CodeUnsupported:
			// \N{...}, !r, format specs, {x=}, conditional expressions:
			// declined, and Python accepts them.
		case code != "":
			t.Errorf("%s: Python gives %q, got %v", src, *w.Value, diags)
		default:
			s, ok := v.(*str)
			if !ok || s.s != *w.Value {
				t.Errorf("%s: got %#v, Python gives %q", src, v, *w.Value)
			}
		}
	}
}

// TestStringPositions checks that each byte of a decoded string knows
// where it was written, through escapes, line breaks and f-strings.
func TestStringPositions(t *testing.T) {
	tests := []struct {
		src  string
		want []string // line:col of each byte of r
	}{
		{"r = 'ab'\n", []string{"1:6", "1:7"}},
		{"r = '\\x41\\n'\n", []string{"1:6", "1:10"}},
		{"r = '''a\nb'''\n", []string{"1:8", "1:9", "2:1"}},
		{"r = 'a' \"b\"\n", []string{"1:6", "1:10"}},
		{"x = 'xy'\nr = f'-{x}'\n", []string{"2:7", "1:6", "1:7"}},
		{"r = 'é'\n", []string{"1:6", "1:7"}},
	}
	for _, tt := range tests {
		v, diags := evalAssignment(tt.src, nil)
		s, ok := v.(*str)
		if !ok || len(diags) > 0 {
			t.Errorf("%q: %v %v", tt.src, v, diags)
			continue
		}
		var got []string
		for i := 0; i < len(s.s); i++ {
			got = append(got, strings.TrimPrefix(s.posAt(i).String(), "t.py:"))
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%q: positions %v, want %v", tt.src, got, tt.want)
		}
	}
}
