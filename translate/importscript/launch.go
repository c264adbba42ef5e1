package importscript

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// Command is one program a launcher script runs.
type Command struct {
	// Call is the function that runs it, by its qualified name:
	// "os.execl", "subprocess.run", "os.system", ...
	Call string `json:"call"`
	// Program is the file executed, as written: a path, or a bare name
	// when SearchPath is set. A relative path is relative to Dir.
	Program string `json:"program"`
	// SearchPath says Program is a bare name looked up in PATH, as
	// execlp, execvp*, subprocess and /bin/sh do. PATH is the one of the
	// program's environment when the call gives a whole one (ReplaceEnv),
	// else the daemon's.
	SearchPath bool `json:"searchPath"`
	// Args is the argv the program sees, Args[0] included. For execl*
	// and execv* Args[0] is only a display name (the seed uses
	// "(docker:blog.example.com)"); for a shell command it is the
	// command word.
	Args []string `json:"args"`
	// ArgPos is where each element of Args was written in the script.
	ArgPos []apacheconf.Position `json:"argPos"`
	// Env holds NAME=VALUE entries the program gets. With ReplaceEnv they
	// are its whole environment; without, they are set on top of the
	// environment it inherits from the daemon process.
	Env        []string `json:"env,omitempty"`
	ReplaceEnv bool     `json:"replaceEnv"`
	// Dir is the working directory the script gives the program (cwd= or
	// os.chdir); empty means the daemon's own (WSGIDaemonProcess home=).
	Dir string `json:"dir,omitempty"`
	// Shell is the command line given to /bin/sh -c (os.system or
	// shell=True); Program and Args are then what that shell runs.
	Shell string `json:"shell,omitempty"`
	// Background is set for a subprocess.Popen the script does not wait
	// for: the script goes on, and ends, while the program runs.
	Background bool `json:"background"`
	// Pos is where the call is written.
	Pos apacheconf.Position `json:"pos"`
}

// EnvRef is one read of the daemon's environment (os.environ, os.getenv)
// that the script's result depends on. Reads of names the script set
// itself are not listed.
type EnvRef struct {
	Name string `json:"name"`
	// Value is the value the script went on with: the variable's, or the
	// default's when Default is set.
	Value string `json:"value"`
	// Set says lookupEnv knew the name.
	Set bool `json:"set"`
	// Default says the variable was unset and the script used the
	// default it gave (os.environ.get('X', 'default')).
	Default bool                `json:"default"`
	Pos     apacheconf.Position `json:"pos"`
}

// Launch is the program a launcher script starts, with what it needs to
// know about how the script got there.
//
// Which call launches: the script's last command. An os.exec* call ends
// the script (anything after it is unreachable); blocking calls
// (subprocess.call/run/check_call/check_output, os.system, a Popen the
// script waits for) run one after the other, so every command before the
// last one has finished before the last one starts: those are Setup. A
// Popen the script does not wait for keeps running, so a command after it
// competes with it, which is a diagnostic; a Popen that is the last
// command is the launch.
type Launch struct {
	Command
	// Setup are the commands that run, and finish, before the launch, in
	// order (a `docker rm -f NAME` before `docker run --name NAME`).
	Setup []Command `json:"setup,omitempty"`
	// EnvRefs are the environment reads the result depends on, in order.
	EnvRefs []EnvRef `json:"envRefs,omitempty"`
}

// Diagnostic codes of this package.
const (
	// CodeSyntax: the script is not Python, or not Python this reader
	// parses.
	CodeSyntax = "script-syntax"
	// CodeUnsupported: valid Python that wsgidock does not follow.
	CodeUnsupported = "script-unsupported"
	// CodeUnresolved: a value that cannot be known before the script runs.
	CodeUnresolved = "script-unresolved"
	// CodeRuntime: the script would fail when Python runs it.
	CodeRuntime = "script-error"
	// CodeNoLaunch: the script starts no program.
	CodeNoLaunch = "script-no-launch"
	// CodeCompeting: two programs would run at once.
	CodeCompeting = "script-competing-launches"
	// CodeUnreachable (warning): code after os.exec* or sys.exit.
	CodeUnreachable = "script-unreachable"
	// CodeMainGuard (warning): an `if __name__ == '__main__':` block,
	// which never runs under mod_wsgi.
	CodeMainGuard = "script-main-guard"
)

// subsetHelp is the advice for constructs outside what is followed.
const subsetHelp = "wsgidock reads launcher scripts without running them: it follows Python over values known before the script runs " +
	"(strings, numbers, lists and dicts, the daemon's environment, the script's own functions, and ifs and loops over those) " +
	"up to the os.exec*, subprocess or os.system call that starts the program. Rewrite this part in that form, " +
	"or let wsgidock run the script in a sandbox with --evaluate-launchers."

// Parse reads a launcher script and returns the program it starts.
// lookupEnv resolves reads of os.environ (nil: nothing is set). When the
// diagnostics hold an error, the Launch is nil; warnings may come with a
// Launch. Positions are 1-based lines and byte columns in the script.
func Parse(filename string, src []byte, lookupEnv func(string) (string, bool)) (*Launch, apacheconf.Diagnostics) {
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	a := getArena()
	defer a.release()
	stmts, err := parseScript(filename, src, a)
	if err != nil {
		return nil, apacheconf.Diagnostics{syntaxDiag(filename, err)}
	}
	e := newEvaluator(filename, lookupEnv)
	e.arena = a
	e.block(stmts)
	return e.finish()
}

// newDiag makes an error diagnostic as a Go error, for the evaluator's
// returns.
func newDiag(code string, at apacheconf.Position, summary, detail string) error {
	return apacheconf.Diagnostic{
		Severity: apacheconf.SeverityError,
		Code:     code,
		Summary:  summary,
		Detail:   detail,
		Subject:  apacheconf.Range{Start: at, End: at},
	}
}

func position(p lexer.Position) apacheconf.Position {
	return apacheconf.Position{Filename: p.Filename, Line: p.Line, Column: p.Column}
}

// tokenNames spell the grammar's token types for people.
var tokenNames = map[lexer.TokenType]string{
	tokNewline: "end of line",
	tokIndent:  "indent",
	tokDedent:  "unindent",
	lexer.EOF:  "end of file",
}

// constructs name what an unexpected keyword usually starts.
var constructs = map[string]string{
	"lambda": " (lambda expressions are not read)",
	"if":     " (conditional expressions are not read)",
	"for":    " (comprehensions are not read)",
	"async":  " (async code is not read)",
	"await":  " (async code is not read)",
	":=":     " (assignment expressions are not read)",
}

// syntaxDiag turns a lexer or parser error into a diagnostic.
func syntaxDiag(filename string, err error) apacheconf.Diagnostic {
	at := apacheconf.Position{Filename: filename, Line: 1, Column: 1}
	msg := err.Error()
	var unexpected *unexpectedToken
	var deep *tooDeep
	var lexErr *lexer.Error
	switch {
	case errors.As(err, &unexpected):
		at = position(unexpected.tok.Pos)
		what, ok := tokenNames[unexpected.tok.Type]
		if !ok {
			what = pyRepr(unexpected.tok.Value)
		}
		msg = "invalid syntax, or Python that wsgidock does not read: unexpected " + what + constructs[unexpected.tok.Value]
	case errors.As(err, &deep):
		at = position(deep.pos)
		msg = "too many nested parentheses or blocks (more than wsgidock reads)"
	case errors.As(err, &lexErr):
		at = position(lexErr.Pos)
		msg = lexErr.Msg
	}
	if at.Filename == "" {
		at.Filename = filename
	}
	code := CodeSyntax
	if unexpected != nil && constructs[unexpected.tok.Value] != "" {
		code = CodeUnsupported
	}
	d := newDiag(code, at, msg, "Check the script with `python3 -m py_compile SCRIPT`. "+subsetHelp).(apacheconf.Diagnostic)
	return d
}

// pyRepr writes s the way Python's repr does for plain text: in single
// quotes unless it holds one and no double quote, with backslash escapes
// for the quote, backslashes and control characters.
func pyRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// ShellCommand is the command a /bin/sh -c line runs, read as the static
// reader reads os.system's: simple commands whose words are static after
// quote removal, in a list (a; b, a && b) whose last one is the program;
// setup are the ones before it. at is where the line was found; call
// names the function that ran the shell.
func ShellCommand(line string, at apacheconf.Position, call string) (cmd *Command, setup []Command, err error) {
	e := newEvaluator(at.Filename, nil)
	cmd = &Command{Call: call, Pos: at}
	before, err := e.setShell(cmd, newStr(line, at))
	if err != nil {
		return nil, nil, err
	}
	for _, c := range before {
		setup = append(setup, *c)
	}
	return cmd, setup, nil
}
