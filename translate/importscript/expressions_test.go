package importscript

import (
	"strings"
	"testing"
)

// exprCases are expressions over known values as launchers write them;
// TestExpressionsMatchPython evaluates each with python3 and with the
// evaluator (as the argument of an exec) and compares their repr.
var exprCases = []string{
	// str methods
	`'blog example'.title()`, `"they're bill's friends".title()`, `'3rd time'.title()`, `'hELLO wORLD'.capitalize()`,
	`'aBc'.swapcase()`, `'Blog.Example.COM'.casefold()`,
	`'7'.zfill(4)`, `'-7'.zfill(4)`, `'+12'.zfill(2)`, `''.zfill(3)`,
	`'ab'.center(7, '*')`, `'abc'.center(6)`, `'abc'.center(8, '-')`, `'a'.center(4)`, `'ab'.center(1)`,
	`'x'.ljust(3, '.')`, `'x'.rjust(3)`, `'héllo'.rjust(7, 'é')`,
	`'a,b,,c'.count(',')`, `'aaaa'.count('aa')`, `'abc'.count('')`, `'abcabc'.count('b', 2)`, `'abcabc'.count('b', -2, -1)`,
	`'blog example'.find('ex')`, `'blog'.find('z')`, `'abcabc'.rfind('b')`, `'abcabc'.find('b', 2)`, `'héllo wörld'.find('w')`,
	`'abc'.index('c')`, `'abcabc'.rindex('a')`, `'abc'.find('', 5)`,
	`'a\nb\r\nc\rd\x0be\x1cf\u2028g'.splitlines()`, `'a\nb\n'.splitlines(True)`, `''.splitlines()`, `'\n'.splitlines()`,
	`'v1.2'.removeprefix('v')`, `'app.py'.removesuffix('.py')`, `'app'.removesuffix('')`,
	`'abc1'.isalnum()`, `'abc'.isalpha()`, `' \t'.isspace()`, `''.isspace()`, `'ABC1'.isupper()`, `'abc'.islower()`, `'123'.isdecimal()`,
	`'1'.isupper()`, `'Ab'.islower()`,
	// formatting
	`'%(host)s:%(port)d' % {'host': 'h', 'port': 80}`, `'%-5s|%05d|%x' % ('a', 42, 255)`,
	`f"{8002:>{6}}|{'x':^{4}}|{3:{'0'}{3}d}"`, `'{:>{w}}'.format('a', w=3)`, `'{0:{1}}'.format('b', 4)`,
	// numbers and operators
	`2 ** 10`, `7 // 2 * 3 % 4`, `-7 // 2`, `1 << 4 | 1`, `6 & 3 ^ 1`, `~5`, `True | False`, `3 | 4 & 5`, `1 | 2 ^ 3 & 4 << 1`,
	`abs(-3)`, `chr(65) + chr(0xe9)`, `ord('a')`, `hex(255)`, `oct(8)`, `bin(-5)`, `sum([1, 2, 3])`, `sum([[1], [2]], [])`,
	// builtins over sequences
	`sorted(['b', 'A', 'c'], key=str.lower)`, `sorted([3, 1, 2], reverse=True)`, `sorted([('b', 2), ('a', 2), ('c', 1)], key=lambda kv: kv[1])`,
	`sorted(['aa', 'b', 'ccc'], key=len, reverse=True)`, `list(map(str, [1, 2]))`, `list(map(lambda a, b: a + b, ['x', 'y'], ['1', '2', '3']))`,
	`list(filter(None, ['', 'a', '', 'b']))`, `list(filter(lambda p: p > 1, [1, 2, 3]))`, `any([0, '', 'x'])`, `all([])`, `all(x > 0 for x in [1, 2])`,
	`list(reversed('abc'))`, `list(enumerate(['a', 'b'], 1))`, `list(zip('ab', [1, 2, 3]))`, `isinstance(True, int)`, `isinstance('a', (int, str))`,
	`isinstance([], tuple)`, `callable(len)`, `dict([('a', '1')], b='2')`, `dict(zip(['k'], ['v']))`, `{'a': 1} | {'b': 2}`,
	`' '.join(str(p) for p in [80, 443])`, `'-'.join(reversed(['a', 'b']))`,
	// sets
	`8002 in {80, 443}`, `'a' in {'a', 'b'}`, `len({'a', 'a', 'b'})`, `sorted({'b', 'a'} | {'c'})`, `sorted({1, 2, 3} - {2})`, `sorted({1, 2} & {2, 3})`,
	`{'a'} == {'a'}`, `sorted(set(['x', 'y', 'x']))`, `max({3, 1})`, `bool(set())`, `sorted(frozenset('ab').union('c'))`, `[1] in {1}`,
	// dicts with keys other than strings
	`{80: 'a', (1, 2): 'b', None: 'c'}`, `{80: 'x'}[80]`, `80 in {80: 1}`, `'80' in {80: 1}`, `sorted({443: 'b', 80: 'a'})`,
	`list({1: 'a', True: 'b'}.items())`, `dict([(80, 'a')])`, `{80: 1}.get(80)`, `{None: 1}.get(None, 2)`, `{8: 'x'}.pop(8)`,
	`json.dumps({80: 'a', True: 1, None: 2})`, `{(1, 'a'): 2}[(1, 'a')]`, `{80: 'a'}[81]`, `{[1]: 2}`, `{1: 2} == {1: 2}`,
	`sorted(k for k in {3: 'c', 1: 'a'})`, `'%s' % {80: 'a'}`, `dict({1: 'x'}, y=2)`,
	// json
	`json.dumps({'a': [1, 'é', None, True], 'b': 'x"y\n\t\\'})`, `json.dumps({'b': 1, 'a': 2}, sort_keys=True)`,
	`json.dumps([1, (2, 3)], separators=(',', ':'))`, `json.dumps('\x7f\x01\U0001f600')`, `json.dumps({})`,
	// more builtins and the standard library
	`divmod(7, 2)`, `divmod(-7, 2)`, `divmod(-7.5, 2)`, `divmod(1, 0)`, `max([1, 3, 2], key=lambda x: -x)`, `min([], default=5)`, `max(1, 2, default=0)`,
	`min(['bb', 'a', 'cc'], key=len)`, `'{a}-{b}'.format_map({'a': 1, 'b': 'xy'})`, `'{z}'.format_map({})`,
	`string.Template('$a-${b}$$c').substitute(a=1, b='x')`, `string.Template('$a $z ${y').safe_substitute({'a': 1})`, `string.Template('$a').substitute({'a': 1}, a=2)`,
	`string.Template('$').substitute()`, `string.Template('$b').substitute(a=1)`, `sys.version_info[0]`, `sys.version_info.major`, `sys.version_info >= (3,)`,
	`sys.version_info < (2, 7)`, `sys.version_info > (3, 0)`, `(2, 7) < sys.version_info`,
	// starred and unpacking
	`[*'ab', *[1]]`, `(lambda *a, **k: (a, sorted(k)))(1, 2, x=3)`, `(lambda x, y=2: x * y)(3)`,
}

// TestExpressionsMatchPython: each expression gives the same value under
// python3 and in the evaluator.
func TestExpressionsMatchPython(t *testing.T) {
	cases := append(append(append([]string{}, exprCases...), pathCases...), floatCases()...)
	program := `
import json, sys, os, os.path, math, string
from pathlib import Path, PurePosixPath
out = []
for c in json.load(sys.stdin):
    try:
        out.append(repr(eval(c)))
    except Exception as e:
        out.append('error: ' + type(e).__name__)
json.dump(out, sys.stdout)
`
	var want []string
	runPython(t, program, cases, &want)
	for i, c := range cases {
		src := "import os, os.path, json, math, string, sys\nfrom pathlib import Path, PurePosixPath\nos.execv('/p', ['p', repr(" + c + ")])\n"
		l, diags := Parse("expr.py", []byte(src), nil)
		got := ""
		if l == nil {
			got = "refused: " + diags.Err().Error()
		} else {
			got = l.Args[1]
		}
		if strings.HasPrefix(want[i], "error: ") {
			if l != nil {
				t.Errorf("%s: Python fails (%s), the evaluator gives %s", c, want[i], got)
			}
			continue
		}
		if got != want[i] {
			t.Errorf("%s: Python gives %s, the evaluator %s", c, want[i], got)
		}
	}
}

var pathCases = []string{
	`Path('/srv/blog') / 'data' / 'media'`, `str(Path('/srv//blog/./x/'))`, `Path('a', 'b', '/c', 'd')`, `Path('')`, `Path('//x/y')`, `Path('///x')`,
	`Path('/srv/blog/app.tar.gz').suffix`, `Path('/srv/blog/app.tar.gz').stem`, `Path('/srv/blog/.env').suffix`, `Path('/').name`,
	`Path('/srv/blog').parent`, `Path('/srv').parent`, `Path('/').parent`, `Path('x').parent`, `Path('a/b').parent.parent`,
	`Path('/srv/blog').parts`, `Path('a/b').parts`, `'/srv' / Path('x')`, `Path('/a') / Path('/b')`,
	`Path('/srv/app.py').with_suffix('.ini')`, `Path('/srv/app.py').with_name('x.conf')`, `Path('/srv/a/b').relative_to('/srv')`,
	`Path('/a').joinpath('b', 'c')`, `Path('/a/b').as_posix()`, `Path('a').is_absolute()`, `'%s' % Path('/x')`, `f'{Path("/y")}'`,
	`os.path.join(Path('/a'), 'b')`, `os.path.relpath('/srv/blog/app', '/srv')`, `os.path.relpath('/a', '/a/b/c')`, `os.path.relpath('/a/b', '/a/b')`,
	`os.sep + os.pathsep + os.devnull`, `Path('/srv/x') == Path('/srv//x')`,
}

// TestFileIsTheScriptPath: __file__ is the path the script is read under,
// as mod_wsgi gives it, so that a launcher finds the files beside it.
func TestFileIsTheScriptPath(t *testing.T) {
	src := "import os\nHERE = os.path.dirname(os.path.abspath(__file__))\nos.execv('/usr/bin/docker', ['docker', 'compose', '-f', os.path.join(HERE, 'compose.yml'), 'up'])\n"
	l, diags := Parse("/srv/blog/deploy/launch.py", []byte(src), nil)
	if l == nil {
		t.Fatal(diags)
	}
	if got := l.Args[3]; got != "/srv/blog/deploy/compose.yml" {
		t.Errorf("the compose file is %q, want the one beside the script", got)
	}
}

// floatCases are floats as launchers compute them (sizes, timeouts, CPU
// shares): literals, arithmetic, conversions, and every conversion of
// %-formatting and format() over values that test the switch to
// exponent notation and rounding.
func floatCases() []string {
	cases := []string{
		`2.5`, `1e16`, `1e15`, `123456789012345678.0`, `0.0001`, `0.00001`, `1e-7`, `-0.0`, `.5`, `5.`, `1_000.5`, `1E3`,
		`0.1 + 0.2`, `3 / 2`, `4 / 2`, `1 / 3`, `7.5 // 2`, `-7.5 // 2`, `7.5 % 2`, `-7.5 % 2`, `7 % -2.5`, `2 ** -1`, `2.0 ** 3`, `1.5 ** 2`,
		`2 ** 0.5`, `10 ** -2`, `1 / 0`, `1.0 // 0`, `1.0 % 0`, `0.0 ** -1`, `-2.5`, `+2.5`, `abs(-2.5)`,
		`int(2.9)`, `int(-2.9)`, `int(float('7.9'))`, `float('  1.5 ')`, `float('1e3')`, `float(3)`, `float()`, `float('x')`, `float('1_0.5')`,
		`round(2.5)`, `round(3.5)`, `round(-2.5)`, `round(2.675, 2)`, `round(0.125, 2)`, `round(1234.5, -2)`, `round(7, -1)`, `round(15, -1)`, `round(2.5, 0)`, `round(5)`,
		`math.ceil(2.1)`, `math.floor(-2.1)`, `math.ceil(4)`, `math.trunc(-3.7)`,
		`1 == 1.0`, `2.5 < 3`, `3 > 2.5`, `0.5 in [0.5]`, `{1.0: 'a'}[1]`, `{2.5: 'x'}[2.5]`, `len({1, 1.0})`, `sorted([2.5, 1, 3])`, `max(1.5, 2)`, `min([2, 0.5])`,
		`sum([0.1, 0.2, 0.3])`, `sum([1, 2.5])`, `bool(0.0)`, `isinstance(2.5, float)`, `isinstance(2.5, int)`, `isinstance(2, float)`,
		`str(2.0)`, `str(1e100)`, `'%s %r' % (0.1, 2.5)`, `f'{2.5}'`, `json.dumps([1.5, 1e20, 0.1])`, `'%d %i %u' % (2.9, -2.9, 7.0)`, `'%x' % 2.5`,
		`'%5.1f|%-8.3e|%+g|% G' % (2.25, 12345.678, 0.0001, 1e-5)`, `'%010.2f' % -3.14159`, `'%#.0f %#g' % (2.0, 2.0)`, `'%c' % 65.0`,
		`'{:,.2f}'.format(1234567.891)`, `'{:_}'.format(1234567.5)`, `'{:.1%}'.format(0.25)`, `'{:+010.3f}'.format(3.14159)`, `'{:^10.2f}'.format(1.5)`,
		`'{:.3}'.format(123.0)`, `'{:.3}'.format(12.0)`, `'{:.3}'.format(1.0)`, `'{:.0}'.format(12.5)`, `format(1e22)`, `format(2.5, 'd')`, `format(2.5, 'n')`,
		`'{:d}'.format(3)`, `'%g %g' % (100000, 1000000)`, `'{:g}'.format(5)`, `'{:e}'.format(5)`, `'{:x<8.2f}'.format(1.5)`, `'{:=+8.2f}'.format(1.5)`,
		`'%*.*f' % (8, 2, 1.5)`, `[1.5] * 2`, `'a' * 2.0`, `range(2.0)`, `[0, 1][1.0]`, `2.5 * 'x'`, `~2.5`, `2.5 | 1`, `'{:=+8d}|{:=#10x}'.format(5, 255)`,
	}
	values := []string{"0.0", "1.0", "2.5", "0.1", "123.456", "1e-5", "0.00012345", "9.9999", "99999.5", "1234567.0", "1e16", "1.5e300", "-0.75", "0.5", "1.25", "2.675"}
	specs := []string{"f", ".0f", ".1f", ".2f", ".3f", "e", ".2e", "E", "g", ".1g", ".2g", ".10g", "G", "%", ".0%", "", ".1", ".2", ".5", ".17", "10.3f", "<10", "#g", "#.3g"}
	for _, v := range values {
		for _, sp := range specs {
			cases = append(cases, "format("+v+", '"+sp+"')")
		}
		cases = append(cases, "'%f %e %g %.3g %.12g %r %s' % ("+strings.Repeat(v+", ", 6)+v+")")
	}
	return cases
}
