package importscript

import (
	"bytes"
	"os/exec"
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
		{line: "cd /srv/blog && docker compose up", code: CodeUnsupported, col: 1},
		{line: "a; export X=1; b", code: CodeUnsupported, col: 4},
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
