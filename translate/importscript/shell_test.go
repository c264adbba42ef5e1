package importscript

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// shellLine is a string written on line 1, byte i at column i+1.
func shellLine(s string) *str {
	at := apacheconf.Position{Filename: "t.py", Line: 1, Column: 1}
	return &str{s: s, at: at, spans: []span{{at: at, step: true}}}
}

// staticShellLines are command lines whose words need no expansion.
var staticShellLines = []string{
	"docker run --rm -p 8002:80 blog.example.com",
	`docker run -e 'A=$HOME' -e "B=\$x" "a b" c\ d`,
	`printf '%s\n' "it's" 'say "hi"' \'`,
	`a"b"'c'd`, `"" ''`, `"a\\b\"c\x\$d\` + "`" + `e"`, "a\\\nb", "\"a\\\nb\"",
	"'new\nline'", `x\*y "*.py" '?' \[a\]`, `ünï 日本`, `a#b`, `x # comment`,
	`--label 'k=v with spaces' -v /srv:/srv:ro`, `a~b "~" '~'`, `echo $'x'`, `a$ b`,
}

func TestParseShellTable(t *testing.T) {
	tests := []struct {
		line   string
		words  []string
		assign []string
		setup  [][]string // the words of the commands before the last
		dir    string
		code   string
		col    int // of the diagnostic, in the line
	}{
		{line: "exec docker run x", words: []string{"docker", "run", "x"}},
		{line: "FOO=1 BAR='a b' exec docker", words: []string{"docker"}, assign: []string{"FOO=1", "BAR=a b"}},
		{line: "exec FOO=1 docker", words: []string{"FOO=1", "docker"}},
		{line: "docker run $IMAGE", code: CodeUnresolved, col: 12},
		{line: "docker run ${IMAGE}", code: CodeUnresolved, col: 12},
		{line: `docker run "$IMAGE"`, code: CodeUnresolved, col: 13},
		{line: "docker run `cat f`", code: CodeUnresolved, col: 12},
		{line: "docker run $(cat f)", code: CodeUnresolved, col: 12},
		{line: "echo $((1+2))", code: CodeUnresolved, col: 6},
		{line: "ls *.py", code: CodeUnresolved, col: 4},
		{line: "ls a?", code: CodeUnresolved, col: 5},
		{line: "ls [ab]", code: CodeUnresolved, col: 4},
		{line: "ls ~/x", code: CodeUnresolved, col: 4},
		{line: "A=x:~/bin ls", code: CodeUnresolved, col: 5},
		{line: "a && b", words: []string{"b"}, setup: [][]string{{"a"}}},
		{line: "a || b", code: CodeUnsupported, col: 3},
		{line: "a || b", code: CodeUnsupported, col: 3},
		{line: "a | b", code: CodeUnsupported, col: 3},
		{line: "a; b", words: []string{"b"}, setup: [][]string{{"a"}}},
		{line: "a >/dev/null 2>&1\nb c && exec d", words: []string{"d"}, setup: [][]string{{"a"}, {"b", "c"}}},
		{line: "exec a; b", code: CodeUnsupported, col: 1},
		{line: "cd /srv/blog && docker compose up", words: []string{"docker", "compose", "up"}, dir: "/srv/blog"},
		{line: "a; export X=1; b", words: []string{"b"}, assign: []string{"X=1"}, setup: [][]string{{"a"}}},
		{line: "cd /srv; cd blog/ && export A=1 B=2 && A=3 exec docker run x", words: []string{"docker", "run", "x"}, assign: []string{"A=3", "B=2"}, dir: "/srv/blog"},
		{line: "cd app && a", words: []string{"a"}, dir: "app"},
		{line: "docker pull x || true; docker pull y || :; exec docker run y", words: []string{"docker", "run", "y"}, setup: [][]string{{"docker", "pull", "x"}, {"docker", "pull", "y"}}},
		{line: "a || false; b", code: CodeUnsupported, col: 3},
		{line: "a; cd /srv", code: CodeUnsupported, col: 4},
		{line: "export X; b", code: CodeUnsupported, col: 1},
		{line: "cd; b", code: CodeUnsupported, col: 1},
		{line: "cd -; b", code: CodeUnresolved, col: 4},
		{line: "cd /srv && cd /tmp && cd - && b", words: []string{"b"}, dir: "/srv"},
		{line: "cd app; cd -; b", words: []string{"b"}, dir: ""},
		{line: "cd -P /x; b", code: CodeUnsupported, col: 1},
		{line: "a; b >x", code: CodeUnsupported, col: 6},
		{line: "a &", code: CodeUnsupported, col: 3},
		{line: "a > /dev/null", code: CodeUnsupported, col: 3},
		{line: "a 2>&1", code: CodeUnsupported, col: 3},
		{line: "! a", code: CodeUnsupported, col: 1},
		{line: "(a)", code: CodeUnsupported, col: 1},
		{line: "{ a; }", code: CodeUnsupported, col: 1},
		{line: "if a; then b; fi", code: CodeUnsupported, col: 1},
		{line: "exec -a name docker", code: CodeUnsupported, col: 6},
		{line: "", code: CodeRuntime, col: 1},
		{line: "# only a comment", code: CodeRuntime, col: 1},
		{line: "FOO=1", code: CodeRuntime, col: 1},
		{line: "exec", code: CodeRuntime, col: 1},
		{line: "echo 'open", code: CodeRuntime},
		{line: "a\x00b", code: CodeRuntime, col: 2},
	}
	for _, tt := range tests {
		sh, err := parseShell(shellLine(tt.line))
		if tt.code != "" {
			d, ok := err.(apacheconf.Diagnostic)
			if !ok || d.Code != tt.code || tt.col != 0 && d.Pos().Column != tt.col {
				t.Errorf("parseShell(%q) = %v, want %s at column %d", tt.line, err, tt.code, tt.col)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseShell(%q): %v", tt.line, err)
			continue
		}
		var words []string
		for _, w := range sh.words {
			words = append(words, w.s)
		}
		if sh.dir != tt.dir {
			t.Errorf("parseShell(%q) runs in %q, want %q", tt.line, sh.dir, tt.dir)
		}
		if !reflect.DeepEqual(words, tt.words) || !reflect.DeepEqual(sh.assign, tt.assign) {
			t.Errorf("parseShell(%q) = %q %q, want %q %q", tt.line, words, sh.assign, tt.words, tt.assign)
		}
		var setup [][]string
		for _, c := range sh.setup {
			var ws []string
			for _, w := range c.words {
				ws = append(ws, w.s)
			}
			setup = append(setup, ws)
		}
		if !reflect.DeepEqual(setup, tt.setup) {
			t.Errorf("parseShell(%q) runs %q first, want %q", tt.line, setup, tt.setup)
		}
	}
}

// TestParseShellMatchesSh gives each static line to the real /bin/sh as
// the arguments of printf and compares the words it prints.
func TestParseShellMatchesSh(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to compare with")
	}
	for _, line := range staticShellLines {
		got, perr := parseShell(shellLine("printf '%s\\0' " + line))
		if perr != nil {
			t.Errorf("parseShell(%q): %v", line, perr)
			continue
		}
		out, err := exec.Command(sh, "-c", "printf '%s\\0' "+line).Output()
		if err != nil {
			t.Fatalf("sh -c %q: %v", line, err)
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		var words []string
		for _, w := range got.words[2:] {
			words = append(words, w.s)
		}
		if !reflect.DeepEqual(words, want) && !(len(words) == 0 && bytes.Equal(out, nil)) {
			t.Errorf("%q: got %q, sh gives %q", line, words, want)
		}
	}
}

// TestShellListsMatchSh runs lists that change directory and export
// variables with the real /bin/sh, the last command a program that prints
// where it runs and with which variables, and compares with parseShell.
func TestShellListsMatchSh(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to compare with")
	}
	root := t.TempDir()
	for _, d := range []string{"srv/blog/app", "srv/x"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(root, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "show"), []byte("#!/bin/sh\nprintf '%s|%s|%s|%s' \"$PWD\" \"$A\" \"$B\" \"$*\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"cd srv && cd blog/app && show 1",
		"cd srv/blog; export A=1 B='two words' && true || true; exec show 2",
		"cd srv/x/../blog && export A=1 && A=3 show 3",
		"export B=x; cd srv; cd x && show 4",
		"cd srv/blog; cd " + root + "/srv/x && show 5",
		"cd srv/blog && cd /tmp && cd - && show 6",
		"cd srv; cd x; cd -; cd blog && show 7",
		"cd srv; cd -; show 8",
	} {
		got, perr := parseShell(shellLine(line))
		if perr != nil {
			t.Errorf("parseShell(%q): %v", line, perr)
			continue
		}
		cmd := exec.Command(sh, "-c", line)
		cmd.Dir = root
		cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin"}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("sh -c %q: %v", line, err)
		}
		env := map[string]string{}
		for _, kv := range got.assign {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		var words []string
		for _, w := range got.words[1:] {
			words = append(words, w.s)
		}
		dir := got.dir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		want := dir + "|" + env["A"] + "|" + env["B"] + "|" + strings.Join(words, " ")
		if i := strings.LastIndexByte(string(out), '\n'); i >= 0 {
			out = out[i+1:] // what cd - printed
		}
		if string(out) != want {
			t.Errorf("%q: parseShell gives %q, sh runs %q", line, want, out)
		}
	}
}
