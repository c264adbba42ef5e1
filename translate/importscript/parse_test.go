package importscript

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// want is what a test expects of a launch; unset fields are not checked
// except Args, Env, SearchPath, ReplaceEnv and Background.
type want struct {
	call, program string
	search        bool
	args          []string
	env           []string
	replace       bool
	dir, shell    string
	background    bool
	setup         int
	argPos        []string // line:col of each argument, when given
	envRefs       []string // NAME=VALUE(set|default|unset)
	warning       string   // code of an expected warning
}

func TestParseLaunches(t *testing.T) {
	env := map[string]string{"IMAGE": "blog:1", "PORT": "8002", "EVIL": "a b'$(x)`y`\n*"}
	docker := []string{"docker", "run", "x"}
	tests := []struct {
		name string
		src  string
		want want
	}{
		// The seed, exactly as the blog means it.
		{"seed", "import os\nos.execl('/usr/local/bin/docker', '(docker:blog.example.com)', 'run', '--rm', '-p', '8002:80', 'blog.example.com')\n",
			want{call: "os.execl", program: "/usr/local/bin/docker",
				args:   []string{"(docker:blog.example.com)", "run", "--rm", "-p", "8002:80", "blog.example.com"},
				argPos: []string{"2:35", "2:64", "2:71", "2:79", "2:85", "2:96"}}},

		// Imports.
		{"import several", "import os, sys\nos.execv('/d', ['docker', 'run', 'x'])\n", want{call: "os.execv", program: "/d", args: docker}},
		{"import os.path", "import os.path\nos.execv('/d', ['docker', 'run', 'x'])\n", want{call: "os.execv", program: "/d", args: docker}},
		{"import as", "import os as o\no.execv('/d', ['docker', 'run', 'x'])\n", want{call: "os.execv", program: "/d", args: docker}},
		{"from import", "from os import execl\nexecl('/d', 'docker', 'run', 'x')\n", want{call: "os.execl", program: "/d", args: docker}},
		{"from import as", "from os import execl as run\nrun('/d', 'docker', 'run', 'x')\n", want{call: "os.execl", program: "/d", args: docker}},
		{"from import parens", "from os import (\n  execv,\n  environ,\n)\nexecv('/d', ['docker', 'run', environ['IMAGE']])\n",
			want{call: "os.execv", program: "/d", args: []string{"docker", "run", "blog:1"}, envRefs: []string{"IMAGE=blog:1(set)"}}},
		{"from subprocess", "from subprocess import call\ncall(['docker', 'run', 'x'])\n", want{call: "subprocess.call", program: "docker", search: true, args: docker}},
		{"shlex and subprocess", "import shlex, subprocess\nsubprocess.call(shlex.split('docker run x'))\n",
			want{call: "subprocess.call", program: "docker", search: true, args: docker, argPos: []string{"2:30", "2:37", "2:41"}}},

		// Layout: shebang, docstring, comments, blank lines, continuation.
		{"layout", "#!/usr/bin/python3\n# -*- coding: utf-8 -*-\n'''Docstring\nover lines.'''\n\nimport os  # the module\n\n\nos.execv('/d', \\\n  ['docker',  # argv[0]\n   'run', 'x'])\n",
			want{call: "os.execv", program: "/d", args: docker, argPos: []string{"10:4", "11:4", "11:11"}}},
		{"semicolons", "import os; a = ['docker']; a += ['run', 'x']; os.execv('/d', a)\n", want{call: "os.execv", program: "/d", args: docker}},
		{"no final newline", "import os\nos.execv('/d', ['docker', 'run', 'x'])", want{call: "os.execv", program: "/d", args: docker}},
		{"BOM and CRLF", "\ufeffimport os\r\nos.execv('/d', ['docker', 'run', 'x'])\r\n", want{call: "os.execv", program: "/d", args: docker, argPos: []string{"2:17", "2:27", "2:34"}}},

		// Values.
		{"names and concatenation", "import os\nbase = ['docker'] + ['run']\nimg = 'bl' 'og' + ':' + \"1\"\nos.execv('/d', base + [img])\n",
			want{call: "os.execv", program: "/d", args: []string{"docker", "run", "blog:1"}, argPos: []string{"2:9", "2:22", "3:7"}}},
		{"tuple", "import os\nos.execv('/d', ('docker', 'run') + ('x',))\n", want{call: "os.execv", program: "/d", args: docker}},
		{"star", "import os\nrest = ['run', 'x']\nos.execl('/d', 'docker', *rest)\n", want{call: "os.execl", program: "/d", args: docker}},
		{"list star display", "import os\nrest = ['run']\nos.execv('/d', ['docker', *rest, 'x'])\n", want{call: "os.execv", program: "/d", args: docker}},
		{"aliasing", "import os\na = ['docker']\nb = a\nb.append('run')\na.extend(['x'])\nos.execv('/d', b)\n", want{call: "os.execv", program: "/d", args: docker}},
		{"index", "import os\nargs = ['docker', 'run', 'x']\nos.execv('/d', [args[0], args[-2], args[2]])\n", want{call: "os.execv", program: "/d", args: docker}},
		{"environ get set", "import os\nos.execv('/d', ['docker', os.environ.get('IMAGE')])\n",
			want{call: "os.execv", program: "/d", args: []string{"docker", "blog:1"}, envRefs: []string{"IMAGE=blog:1(set)"}}},
		{"environ get default", "import os\nos.execv('/d', ['docker', os.environ.get('NOPE', 'dflt')])\n",
			want{call: "os.execv", program: "/d", args: []string{"docker", "dflt"}, envRefs: []string{"NOPE=dflt(default)"}}},
		{"getenv", "import os\nos.execv('/d', ['docker', os.getenv('PORT', '1'), os.getenv('NOPE', default='d')])\n",
			want{call: "os.execv", program: "/d", args: []string{"docker", "8002", "d"}, envRefs: []string{"PORT=8002(set)", "NOPE=d(default)"}}},
		{"or default", "import os\nos.execv('/d', ['docker', os.environ.get('NOPE') or 'fallback'])\n",
			want{call: "os.execv", program: "/d", args: []string{"docker", "fallback"}, envRefs: []string{"NOPE=(unset)"}}},
		{"hostile env value", "import os\nos.execv('/d', ['docker', os.environ['EVIL']])\n",
			want{call: "os.execv", program: "/d", args: []string{"docker", "a b'$(x)`y`\n*"}, envRefs: []string{"EVIL=a b'$(x)`y`\n*(set)"}}},
		{"fstring", "import os\nport = os.environ['PORT']\nos.execv('/d', ['docker', f'-p={port}:80', f\"{'a' + 'b'}{{}}\", f'{8002}'])\n",
			want{call: "os.execv", program: "/d", args: []string{"docker", "-p=8002:80", "ab{}", "8002"}, envRefs: []string{"PORT=8002(set)"}}},
		{"hostile literals", "import os\nos.execv('/d', ['d', 'it\\'s \"q\"', '$HOME', '`id`', 'a\\nb', 'sp ace', '*.py', 'ünï\\u00e9', r'\\n', ''])\n",
			want{call: "os.execv", program: "/d", args: []string{"d", `it's "q"`, "$HOME", "`id`", "a\nb", "sp ace", "*.py", "ünïé", `\n`, ""}}},
		{"path join", "import os\nos.execv(os.path.join('/usr', 'bin/', 'docker'), ['docker'])\n", want{call: "os.execv", program: "/usr/bin/docker", args: []string{"docker"}}},
		{"str join and split", "import os\nos.execv('/d', ' '.join(['docker', 'run']).split() + 'x,y'.split(','))\n",
			want{call: "os.execv", program: "/d", args: []string{"docker", "run", "x", "y"}}},
		{"shlex quote", "import os, shlex\nos.system('docker run ' + shlex.quote(\"it's\"))\n",
			want{call: "os.system", program: "docker", search: true, args: []string{"docker", "run", "it's"}, shell: `docker run 'it'"'"'s'`}},
		{"tuple unpacking", "import os\nprog, img = '/d', 'x'\nos.execv(prog, ['docker', 'run', img])\n", want{call: "os.execv", program: "/d", args: docker}},
		{"bytes where any value will do", "import subprocess\nsubprocess.run(['docker', 'run', 'x'], input=b'data')\n", want{call: "subprocess.run", program: "docker", search: true, args: docker}},
		{"str and list builtins", "import os\nos.execv('/d', list(('docker',)) + [str('run'), str(8002)])\n",
			want{call: "os.execv", program: "/d", args: []string{"docker", "run", "8002"}}},

		// Exits and the main guard.
		{"sys.exit wrapper", "import sys, subprocess\nsys.exit(subprocess.call(['docker', 'run', 'x']))\n", want{call: "subprocess.call", program: "docker", search: true, args: docker}},
		{"raise SystemExit", "import subprocess\nraise SystemExit(subprocess.call(['docker', 'run', 'x']))\n", want{call: "subprocess.call", program: "docker", search: true, args: docker}},
		{"main guard with launch outside", "import os\nif __name__ == \"__main__\":\n    print('by hand')\nos.execv('/d', ['docker', 'run', 'x'])\n",
			want{call: "os.execv", program: "/d", args: docker, warning: CodeMainGuard}},
		{"unreachable", "import os\nos.execv('/d', ['docker', 'run', 'x'])\nprint('never')\n", want{call: "os.execv", program: "/d", args: docker, warning: CodeUnreachable}},

		// Every launching call.
		{"execle", "import os\nos.execle('/d', 'docker', 'run', 'x', {'A': 'b'})\n", want{call: "os.execle", program: "/d", args: docker, env: []string{"A=b"}, replace: true}},
		{"execlp", "import os\nos.execlp('docker', 'docker', 'run', 'x')\n", want{call: "os.execlp", program: "docker", search: true, args: docker}},
		{"execlp with path", "import os\nos.execlp('./docker', 'docker', 'run', 'x')\n", want{call: "os.execlp", program: "./docker", args: docker}},
		{"execlpe", "import os\nos.execlpe('docker', 'docker', 'run', 'x', os.environ)\n", want{call: "os.execlpe", program: "docker", search: true, args: docker}},
		{"execve", "import os\nos.execve('/d', ['docker', 'run', 'x'], dict(A='1', B='2'))\n", want{call: "os.execve", program: "/d", args: docker, env: []string{"A=1", "B=2"}, replace: true}},
		{"execve keywords", "import os\nos.execve(path='/d', argv=['docker', 'run', 'x'], env={})\n", want{call: "os.execve", program: "/d", args: docker, replace: true}},
		{"execvp", "import os\nos.execvp('docker', ['docker', 'run', 'x'])\n", want{call: "os.execvp", program: "docker", search: true, args: docker}},
		{"execvpe", "import os\nos.execvpe('docker', ['docker', 'run', 'x'], dict(os.environ, A='b'))\n",
			want{call: "os.execvpe", program: "docker", search: true, args: docker, env: []string{"A=b"}}},
		{"environ copy and set", "import os\ne = os.environ.copy()\ne['A'] = 'b'\ne.update(C='d')\nos.execve('/d', ['docker', 'run', 'x'], e)\n",
			want{call: "os.execve", program: "/d", args: docker, env: []string{"A=b", "C=d"}}},
		{"environ assignment inherited", "import os\nos.environ['A'] = 'b'\nos.execv('/d', ['docker', 'run', 'x'])\n", want{call: "os.execv", program: "/d", args: docker, env: []string{"A=b"}}},
		{"dict unpacking", "import os\nos.execve('/d', ['docker', 'run', 'x'], {**os.environ, 'A': 'b'})\n", want{call: "os.execve", program: "/d", args: docker, env: []string{"A=b"}}},
		{"chdir", "import os\nos.chdir('/srv')\nos.chdir('app')\nos.execv('docker', ['docker', 'run', 'x'])\n", want{call: "os.execv", program: "docker", args: docker, dir: "/srv/app"}},
		{"subprocess.run", "import subprocess\nsubprocess.run(['docker', 'run', 'x'], check=True, timeout=30, stdout=subprocess.PIPE)\n",
			want{call: "subprocess.run", program: "docker", search: true, args: docker}},
		{"subprocess args keyword", "import subprocess\nsubprocess.run(args=['docker', 'run', 'x'], cwd='/srv', env={'A': 'b'})\n",
			want{call: "subprocess.run", program: "docker", search: true, args: docker, dir: "/srv", env: []string{"A=b"}, replace: true}},
		{"subprocess executable", "import subprocess\nsubprocess.call(['(docker)', 'run', 'x'], executable='/usr/bin/docker')\n",
			want{call: "subprocess.call", program: "/usr/bin/docker", args: []string{"(docker)", "run", "x"}}},
		{"subprocess single word", "import subprocess\nsubprocess.call('redis-server')\n", want{call: "subprocess.call", program: "redis-server", search: true, args: []string{"redis-server"}}},
		{"check_call", "import subprocess\nsubprocess.check_call(['/d', 'run', 'x'])\n", want{call: "subprocess.check_call", program: "/d", args: []string{"/d", "run", "x"}}},
		{"check_output", "import subprocess\nsubprocess.check_output(['docker', 'run', 'x'], input=b'')\n", want{call: "subprocess.check_output", program: "docker", search: true, args: docker}},
		{"Popen waited", "import subprocess\np = subprocess.Popen(['docker', 'run', 'x'])\np.wait()\n", want{call: "subprocess.Popen", program: "docker", search: true, args: docker}},
		{"Popen communicate", "import subprocess\nsubprocess.Popen(['docker', 'run', 'x']).communicate()\n", want{call: "subprocess.Popen", program: "docker", search: true, args: docker}},
		{"Popen last", "import subprocess\nsubprocess.call(['docker', 'rm', 'x'])\nsubprocess.Popen(['docker', 'run', 'x'])\n",
			want{call: "subprocess.Popen", program: "docker", search: true, args: docker, background: true, setup: 1}},
		{"shell=True", "import subprocess\nsubprocess.call(\"exec docker run 'x'\", shell=True)\n",
			want{call: "subprocess.call", program: "docker", search: true, args: docker, shell: "exec docker run 'x'", argPos: []string{"2:23", "2:30", "2:34"}}},
		{"os.system", "import os\nos.system('docker run x')\n", want{call: "os.system", program: "docker", search: true, args: docker, shell: "docker run x"}},
		{"os.system assignment prefix", "import os\nos.system('A=1 exec /d run x')\n", want{call: "os.system", program: "/d", args: []string{"/d", "run", "x"}, shell: "A=1 exec /d run x", env: []string{"A=1"}}},
		{"setup before exec", "import os, subprocess\nsubprocess.call(['docker', 'rm', '-f', 'x'])\nos.system('docker pull x')\nos.execv('/d', ['docker', 'run', 'x'])\n",
			want{call: "os.execv", program: "/d", args: docker, setup: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, diags := Parse("t.py", []byte(tt.src), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			if l == nil {
				t.Fatalf("no launch: %v", diags)
			}
			w := tt.want
			got := want{call: l.Call, program: l.Program, search: l.SearchPath, args: l.Args, env: l.Env, replace: l.ReplaceEnv,
				dir: l.Dir, shell: l.Shell, background: l.Background, setup: len(l.Setup)}
			for _, r := range l.EnvRefs {
				how := "unset"
				if r.Set {
					how = "set"
				} else if r.Default {
					how = "default"
				}
				got.envRefs = append(got.envRefs, fmt.Sprintf("%s=%s(%s)", r.Name, r.Value, how))
			}
			if w.argPos != nil {
				for _, p := range l.ArgPos {
					got.argPos = append(got.argPos, fmt.Sprintf("%d:%d", p.Line, p.Column))
				}
			}
			for _, d := range diags {
				got.warning = d.Code
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("got  %+v\nwant %+v\n%v", got, w, diags)
			}
			if len(l.ArgPos) != len(l.Args) {
				t.Errorf("%d positions for %d arguments", len(l.ArgPos), len(l.Args))
			}
		})
	}
}

// TestParseDiagnostics checks the diagnostic for every kind of script
// that cannot be read: its code, where it points, and its words.
func TestParseDiagnostics(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		code    string
		at      string // line:col
		summary string // a part of the summary
	}{
		// Not Python.
		{"unterminated string", "import os\nos.execl('/d', 'x)\n", CodeSyntax, "2:16", "unterminated string literal"},
		{"unterminated triple", "x = '''abc\n", CodeSyntax, "1:5", "unterminated triple-quoted"},
		{"never closed", "x = ['a',\n 'b'\n", CodeSyntax, "1:5", "'[' was never closed"},
		{"mismatched bracket", "x = ['a')\n", CodeSyntax, "1:9", "does not match"},
		{"unexpected indent", "import os\n  x = 1\n", CodeSyntax, "2:3", "unexpected indent"},
		{"bad dedent", "if __name__ == '__main__':\n    x = 1\n  y = 2\n", CodeSyntax, "3:3", "unindent does not match"},
		{"tabs and spaces", "if __name__ == '__main__':\n\tx = 1\n        y = 2\n", CodeSyntax, "3:9", "inconsistent use of tabs"},
		{"bad continuation", "x = 1 \\ y\n", CodeSyntax, "1:7", "after line continuation"},
		{"invalid character", "x = 1 $ 2\n", CodeSyntax, "1:7", "invalid character"},
		{"null byte", "x = 1\x00\n", CodeSyntax, "1:6", "null bytes"},
		{"bad utf-8", "x = '\xff'\n", CodeSyntax, "1:6", "not valid UTF-8"},
		{"latin-1 cookie", "# -*- coding: latin-1 -*-\nx = 1\n", CodeSyntax, "1:1", "latin-1"},
		{"truncated escape", "x = '\\x4'\n", CodeSyntax, "1:6", "truncated \\xXX"},
		{"empty fstring field", "x = f'{}'\n", CodeSyntax, "1:7", "empty expression"},
		{"lone brace", "x = f'}'\n", CodeSyntax, "1:7", "single '}'"},
		{"mixed bytes", "x = b'a' 'b'\n", CodeSyntax, "1:10", "mix bytes"},
		{"relative import", "from . import x\n", CodeSyntax, "1:6", "unexpected '.'"},
		{"positional after keyword", "import os\nos.execv(path='/d', ['x'])\n", CodeSyntax, "2:21", "positional argument follows"},

		// Python, but not followed.
		{"for over environ", "import os\nfor n in os.environ:\n    pass\n", CodeUnresolved, "2:10", "names in os.environ"},
		{"recursion", "def main():\n    main()\nmain()\n", CodeUnsupported, "2:5", "calls nest deeper than"},
		{"while", "while True:\n    pass\n", CodeUnsupported, "2:5", "more than 100000 statements"},
		{"endless loop", "x = list(range(60000))\nfor a in x:\n    for b in x:\n        pass\n", CodeUnsupported, "3:5", "more than 100000 statements"},
		{"with", "with open('x') as f:\n    pass\n", CodeUnresolved, "1:6", "open() is known only when the script runs"},
		{"class", "class A(dict):\n    pass\n", CodeUnsupported, "1:9", "deriving a class from dict"},
		{"globals iterated", "for k in globals():\n    pass\n", CodeUnsupported, "1:10", "iterating over the mapping globals() returns"},
		{"locals into a function", "def f(**kw):\n    pass\nf(**locals())\n", CodeUnsupported, "3:3", "** of locals() in a call other than str.format"},
		{"locals missing", "x = '%(nope)s' % locals()\n", CodeRuntime, "1:8", "locals() has no key 'nope'"},
		{"lru_cache unhashable", "import functools\n@functools.lru_cache\ndef f(x):\n    return x\nf([1])\n", CodeRuntime, "5:3", "unhashable type"},
		{"lru_cache method", "import functools\nclass C:\n    @functools.lru_cache\n    def f(self):\n        pass\n", CodeUnsupported, "3:5", "lru_cache on a method"},
		{"cd - first", "import os\nos.system('cd - && a')\n", CodeUnresolved, "2:15", "OLDPWD"},
		{"decorator", "import functools\n@functools.singledispatch\ndef f():\n    pass\n", CodeUnsupported, "2:1", "the decorator functools.singledispatch"},
		{"if on the file system", "import os\nif os.path.exists('/x'):\n    pass\n", CodeUnresolved, "2:4", "os.path.exists() is known only when the script runs"},
		{"del", "x = 1\ndel x\nprint(x)\n", CodeRuntime, "3:7", "name 'x' is not defined"},
		{"lambda", "f = lambda: 1\nf(2)\n", CodeRuntime, "2:1", "<lambda>() takes 0 positional arguments but 1 were given"},
		{"conditional", "x = 'a' if y else 'b'\n", CodeRuntime, "1:12", "name 'y' is not defined"},
		{"comprehension", "x = [a for a in b]\n", CodeRuntime, "1:17", "name 'b' is not defined"},
		{"percent", "x = '%s %s' % ('a',)\n", CodeRuntime, "1:9", "not enough arguments"},
		{"percent type", "x = '%d' % 'a'\n", CodeRuntime, "1:6", "a number is required"},
		{"format", "x = '{} {}'.format('a')\n", CodeRuntime, "1:9", "Replacement index 1 out of range"},
		{"fstring bad spec", "x = 'a'\ny = f'{x:d}'\n", CodeRuntime, "2:7", "unknown format code"},
		{"fstring selfdoc", "x = 'a'\ny = f'{x=}'\n", CodeUnsupported, "2:7", "{expr=}"},
		{"fstring dynamic", "import os\nx = f'{os.getpid()}'\n", CodeUnresolved, "2:8", "os.getpid() is known only when the script runs"},
		{"N escape", "x = '\\N{BULLET}'\n", CodeUnsupported, "1:6", "\\N{...}"},
		{"bytes", "import os\nos.execv(b'/d', [b'x'])\n", CodeUnsupported, "2:10", "bytes literal"},
		{"star import", "from os import *\n", CodeUnsupported, "1:1", "import *"},
		{"unknown function", "import os\nos.putenv('A', 'b')\n", CodeUnsupported, "2:1", "calling os.putenv"},
		{"unfollowed builtin", "x = hash('abc')\n", CodeUnsupported, "1:5", "calling hash"},
		{"unknown module function", "import mylib\nmylib.start()\n", CodeUnsupported, "2:1", "calling mylib.start"},
		{"tuple index", "x = ['a', 'b'][0, 1]\n", CodeUnsupported, "1:16", "this subscript"},
		{"shell=True list", "import subprocess\nsubprocess.call(['a'], shell=True)\n", CodeUnsupported, "2:17", "shell=True with a list"},
		{"preexec_fn", "import subprocess\nsubprocess.call(['a'], preexec_fn=None)\n", CodeUnsupported, "2:24", "preexec_fn="},
		{"Popen options by position", "import subprocess\nsubprocess.Popen(['a'], -1)\n", CodeUnsupported, "2:25", "by position"},
		{"posix=False", "import shlex\nx = shlex.split('a', posix=False)\n", CodeUnsupported, "2:5", "posix=False"},
		{"shell pipeline", "import os\nos.system('a | b')\n", CodeUnsupported, "2:14", "the operator |"},
		{"shell or list", "import os\nos.system('a || b')\n", CodeUnsupported, "2:14", "the operator ||"},
		{"shell exec before the end", "import os\nos.system('exec a; b')\n", CodeUnsupported, "2:12", "exec before the end of a list"},
		{"shell redirect of the launch", "import os\nos.system('a >/dev/null; b 2>&1')\n", CodeUnsupported, "2:28", "redirection"},
		{"shell redirect", "import os\nos.system('a >/dev/null 2>&1')\n", CodeUnsupported, "2:14", "redirection"},
		{"raise other", "raise RuntimeError('x')\n", CodeUnsupported, "1:1", "raising anything but SystemExit"},
		{"annotation", "from dataclasses import dataclass, InitVar\n@dataclass\nclass A:\n    x: InitVar[int]\n", CodeUnsupported, "4:5", "annotated InitVar"},
		{"attribute target", "import os\nos.x = 'y'\n", CodeUnsupported, "2:3", "assigning to an attribute of the module os"},
		{"unpacking mismatch", "a, b = 'x', 'y', 'z'\n", CodeRuntime, "1:1", "cannot unpack a tuple into 2 names"},
		{"file name", "import os\nx = os.path.abspath(__file__)\n", CodeUnresolved, "2:5", "os.path.abspath('t.py') depends on the daemon's working directory"},

		// Values known only at run time.
		{"environ unset", "import os\nx = os.environ['NOPE']\n", CodeUnresolved, "2:15", "os.environ['NOPE'] is not set"},
		{"environ get None", "import os\nos.execv('/d', ['d', os.environ.get('NOPE')])\n", CodeUnresolved, "2:22", "os.environ.get('NOPE') gives None"},
		{"shell variable", "import os\nos.system('docker run $IMAGE')\n", CodeUnresolved, "2:23", "$IMAGE"},
		{"shell glob", "import os\nos.system('ls *.py')\n", CodeUnresolved, "2:15", "glob character *"},
		{"shell command substitution", "import os\nos.system('echo $(id)')\n", CodeUnresolved, "2:17", "command substitution"},
		{"sys.argv", "import sys\nx = sys.argv[1]\n", CodeRuntime, "2:14", "under mod_wsgi it is ['mod_wsgi']"},
		{"return code used", "import os, subprocess\nrc = subprocess.call(['a'])\nos.execv('/d', ['d', rc])\n", CodeUnresolved, "3:16", "the result of subprocess.call"},

		{"string too long", "x = 'ab'\n" + strings.Repeat("x = x + x\n", 21), CodeUnsupported, "21:7", "more than wsgidock reads"},
		{"strings built in a loop", "x = []\nfor i in range(60000):\n    x.append('%100000s' % i)\n", CodeUnsupported, "3:14", "bytes of strings in all"},
		{"list too long", "x = ['a']\n" + strings.Repeat("x += x\n", 17), CodeUnsupported, "18:6", "more than wsgidock reads"},
		{"repetition of a string by a string", "x = ['a' * 'b']\n", CodeRuntime, "1:10", "unsupported operand types for *"},

		// Python would stop.
		{"name error", "os.execv('/d', ['d'])\n", CodeRuntime, "1:1", "name 'os' is not defined"},
		{"type error add", "x = 'a' + ['b']\n", CodeRuntime, "1:9", "cannot add a string and a list"},
		{"empty argv", "import os\nos.execv('/d', [])\n", CodeRuntime, "2:1", "needs at least"},
		{"empty argv0", "import os\nos.execl('/d', '')\n", CodeRuntime, "2:16", "argv[0] cannot be empty"},
		{"execv not a list", "import os\nos.execv('/d', 'docker')\n", CodeRuntime, "2:16", "must be a tuple or list"},
		{"execl without args", "import os\nos.execl()\n", CodeRuntime, "2:1", "at least 1"},
		{"execv keywords", "import os\nos.execv(path='/d', argv=['x'])\n", CodeRuntime, "2:10", "keyword argument 'path'"},
		{"nul byte", "import os\nos.execv('/d', ['d', 'a\\0b'])\n", CodeRuntime, "2:24", "NUL byte"},
		{"string without shell", "import subprocess\nsubprocess.call('docker run x')\n", CodeRuntime, "2:17", "spaces included"},
		{"empty command list", "import subprocess\nsubprocess.call([])\n", CodeRuntime, "2:17", "empty"},
		{"unknown keyword", "import subprocess\nsubprocess.call(['a'], check=True)\n", CodeRuntime, "2:24", "unexpected keyword argument 'check'"},
		{"shlex unclosed", "import shlex\nx = shlex.split('a \"b')\n", CodeRuntime, "2:20", "No closing quotation"},
		{"shell unparsable", "import os\nos.system('echo \"x')\n", CodeRuntime, "2:17", "cannot parse"},
		{"key error", "x = {'a': 'b'}['c']\n", CodeRuntime, "1:15", "no key 'c'"},
		{"index error", "x = ['a'][3]\n", CodeRuntime, "1:11", "index out of range"},
		{"env value not str", "import os\nos.execve('/d', ['d'], {'A': ['x']})\n", CodeRuntime, "2:24", "must be a str"},
		{"bad env name", "import os\nos.execve('/d', ['d'], {'A=B': 'x'})\n", CodeRuntime, "2:24", "illegal environment variable name"},
		{"not callable", "x = 'a'()\n", CodeRuntime, "1:5", "not callable"},

		// Which call launches.
		{"no launch", "import os\nprint('hello')\n", CodeNoLaunch, "1:1", "starts no program"},
		{"only in main guard", "import os\nif __name__ == '__main__':\n    os.execv('/d', ['d'])\n", CodeNoLaunch, "2:1", "starts no program"},
		{"competing Popen", "import os, subprocess\nsubprocess.Popen(['a'])\nos.execv('/d', ['d'])\n", CodeCompeting, "3:1", "still running"},
		{"two Popens", "import subprocess\nsubprocess.Popen(['a'])\nsubprocess.Popen(['b'])\n", CodeCompeting, "3:1", "subprocess.Popen at line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, diags := Parse("t.py", []byte(tt.src), nil)
			if l != nil {
				t.Fatalf("got a launch %+v, want %s", l, tt.code)
			}
			err := diags.Err()
			if err == nil {
				t.Fatalf("no error: %v", diags)
			}
			d := diags[0]
			for _, x := range diags {
				if x.Severity == d.Severity && x.Code == tt.code || d.Code != tt.code && x.Code == tt.code {
					d = x
					break
				}
			}
			at := fmt.Sprintf("%d:%d", d.Pos().Line, d.Pos().Column)
			if d.Code != tt.code || at != tt.at || !strings.Contains(d.Summary, tt.summary) || d.Pos().Filename != "t.py" {
				t.Errorf("got %s %s %q (%s)\nwant %s %s %q", d.Code, at, d.Summary, d.Pos(), tt.code, tt.at, tt.summary)
			}
			if d.Detail == "" {
				t.Errorf("%s has no advice in Detail", d.Code)
			}
		})
	}
}
