package importscript

import (
	"bytes"
	"os"
	"testing"
)

// FuzzParse feeds arbitrary scripts to Parse, seeded with the fixtures:
// it must never panic, and a launch it returns must be whole.
func FuzzParse(f *testing.F) {
	for _, path := range fixtures(f) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	// The evaluator's bounds: steps, call depth, bytes of strings built.
	for _, src := range []string{
		"x = []\nfor i in range(60000):\n    x.append('%100000s' % i)\n",
		"def f(n):\n    return f(n) + [n]\nf(1)\n",
		"a = list(range(300))\nb = [(x, y) for x in a for y in a if x != y]\n",
		"s = 'ab' * 500000\nt = s[::-1].upper().replace('A', 'xyz')\n",
		"x = '{:>1000000}'.format('a') + f'{1:01000000d}'\n",
		"l = []\nwhile True:\n    l.append([0] * 60000)\n",
		"l = []\nfor i in range(100000):\n    l.append(list(range(60000)))\n",
		"class A:\n    def f(self):\n        return self.f()\nA().f()\n",
		"f = lambda n: f(n) + [n]\nf(1)\n",
		"class A:\n    def __str__(self):\n        return '%s' % self\n    __repr__ = __str__\nx = f'{A()!r}{A()}'\n",
		"a, *b = 'x' * 70000\n",
		"s = set()\nfor i in range(60000):\n    s.add((i, i))\n",
		"d = {}\nfor i in range(60000):\n    d[(i, None, True)] = {i: str(i)}\n",
		"l = list(range(60000))\nfor i in l:\n    x = i in l and l.count(i)\n",
		"x = 1.5 ** 64 + round(1e300, -400) + round(2.5e-300, 400)\ny = '%.99999f|%g' % (x, -0.0)\n",
		"x = format(1e22, ',.100000f') + '{:=+#030.2e}'.format(-1e-300)\n",
		"x = sorted([(1, 'a'), (1, 2), (1.0, None)])\ny = type(x) is list and x is not None\n",
		"def d(f):\n    @d\n    def g():\n        return f\n    return g\n@d\ndef h():\n    pass\n",
		"from dataclasses import dataclass, field\n@dataclass(frozen=True)\nclass A:\n    x: int = 1\n    y: list = field(default_factory=list)\n    def __post_init__(self):\n        A(self.x)\nA()\n",
		"import collections\nP = collections.namedtuple('P', 'a b', defaults=[1])\np = P(0)._replace(b=P(1, 2))\nq = '{0.b.a}'.format(p) + repr(p)\n",
		"import string, sys\nl = [1, 2, 3]\nl[1:] = l * 3\ndel l[-2:]\nx = string.Template('$a${b}$$').safe_substitute(a=divmod(7, 2.5)) + str(sys.version_info >= (3,))\n",
		"import os\nos.system('cd a; cd ../b && export A=1 B=2 && x || true; cd /c; exec d')\n",
		"class A: pass\nclass B(A): pass\nclass C(A, B): pass\nclass D(B, A):\n    def f(self):\n        return super().f()\nD().f()\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		l, diags := Parse("f.py", src, lookupFixtureEnv)
		lines := bytes.Count(src, []byte("\n")) + bytes.Count(src, []byte("\r")) + 1
		for _, d := range diags {
			if p := d.Pos(); p.Filename != "f.py" || p.Line < 1 || p.Line > lines || p.Column < 1 {
				t.Errorf("diagnostic %v has a position outside the script", d)
			}
		}
		if l == nil {
			if !diags.HasErrors() {
				t.Errorf("no launch and no error")
			}
			return
		}
		if diags.HasErrors() {
			t.Errorf("a launch with errors: %v", diags)
		}
		for _, c := range append(l.Setup, l.Command) {
			if c.Program == "" || len(c.Args) == 0 || len(c.ArgPos) != len(c.Args) {
				t.Errorf("incomplete command %+v", c)
			}
			for _, p := range c.ArgPos {
				if p.Line < 1 || p.Line > lines {
					t.Errorf("argument position %v outside the script", p)
				}
			}
		}
	})
}

// FuzzSplitWords checks that shlex.split never panics and places words
// inside the line.
func FuzzSplitWords(f *testing.F) {
	for _, s := range splitCases {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, comments bool) {
		words, err := splitWords(s, comments)
		if err != nil {
			if err.offset < 0 || err.offset >= len(s) {
				t.Errorf("error offset %d outside %q", err.offset, s)
			}
			return
		}
		for _, w := range words {
			if w.start < 0 || w.start >= len(s) {
				t.Errorf("word %q starts at %d, outside %q", w.text, w.start, s)
			}
		}
	})
}
