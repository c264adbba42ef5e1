package importscript

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"mvdan.cc/sh/v3/syntax"
)

// shellCommand is what `/bin/sh -c LINE` runs, when LINE is one simple
// command whose words are known without running anything.
type shellCommand struct {
	words  []*str
	assign []string // NAME=VALUE prefixes and exports, set in the program's environment
	// dir is where an earlier `cd DIR` of the list left the shell, or "".
	dir string
	// setup are the commands of the line before this one (a; b, a && b),
	// which run and finish first.
	setup []*shellCommand
}

// shellHelp is the advice for command lines that need the shell at run
// time.
const shellHelp = "wsgidock reads a shell command line only when it is one simple command (optionally after `exec`) " +
	"whose words are fixed: quote the words, and move variables, pipes, redirections and lists into the script " +
	"as a subprocess list, or into the container's own entry point."

// parseShell reads a command line given to /bin/sh -c (os.system,
// shell=True). The shell is POSIX sh (dash on Debian), so bash-only
// syntax is refused as sh would refuse it.
func parseShell(line *str) (*shellCommand, error) {
	if i := strings.IndexByte(line.s, 0); i >= 0 {
		return nil, runtimeError(line.posAt(i), "the command line contains a NUL byte: Python stops with ValueError", "Remove the \\0 from the string.")
	}
	parser := syntax.NewParser(syntax.Variant(syntax.LangPOSIX))
	file, err := parser.Parse(strings.NewReader(line.s), "")
	if err != nil {
		var perr syntax.ParseError
		at := line.at
		msg := err.Error()
		if errors.As(err, &perr) {
			at = line.posAt(int(perr.Pos.Offset()))
			msg = perr.Text
		}
		return nil, runtimeError(at, "the shell cannot parse the command line: "+msg, "Fix the quoting of the command line.")
	}
	notSimple := func(at syntax.Pos, what string) error {
		return newDiag(CodeUnsupported, line.posAt(int(at.Offset())), "the command line has "+what+", which only the shell can run", shellHelp)
	}
	if len(file.Stmts) == 0 {
		return nil, runtimeError(line.at, "the command line is empty", "Give the command to run.")
	}
	// A list (a; b, a && b, or one a line) runs its commands one after the
	// other: all but the last are setup, and the last is the program.
	var stmts []*syntax.Stmt
	var flatten func(st *syntax.Stmt) error
	flatten = func(st *syntax.Stmt) error {
		if b, isBin := st.Cmd.(*syntax.BinaryCmd); isBin && !st.Negated && !st.Background && len(st.Redirs) == 0 {
			switch {
			case b.Op == syntax.AndStmt:
				if err := flatten(b.X); err != nil {
					return err
				}
				return flatten(b.Y)
			case b.Op == syntax.OrStmt && isTrue(b.Y):
				// `a || true`: a's failure is ignored, as after `a;`.
				return flatten(b.X)
			}
		}
		stmts = append(stmts, st)
		return nil
	}
	for _, st := range file.Stmts {
		if err := flatten(st); err != nil {
			return nil, err
		}
	}
	var out *shellCommand
	// dir is where the shell is, "" where it started; oldDir is OLDPWD,
	// once a cd of the line has set it.
	dir, oldDir, cdDone := "", "", false
	var exported []string
	for i, st := range stmts {
		c, err := simpleCommand(line, st, i < len(stmts)-1, notSimple)
		if err != nil {
			return nil, err
		}
		if len(stmts) > 1 {
			// The builtins that change what the rest of the list runs with.
			switch c.words[0].s {
			case "cd", "export":
				if i == len(stmts)-1 {
					return nil, newDiag(CodeUnsupported, c.words[0].at, "the command line ends with the shell builtin "+c.words[0].s+", so it starts no program", shellHelp)
				}
				if len(c.assign) > 0 || len(st.Redirs) > 0 {
					return nil, notSimple(st.Pos(), "a "+c.words[0].s+" with assignments or redirections")
				}
				if c.words[0].s == "cd" {
					if len(c.words) == 2 && c.words[1].s == "-" {
						// cd - goes back to OLDPWD, which the line's
						// earlier cd set; before one, it is the
						// environment's, which differs between shells.
						if !cdDone {
							return nil, newDiag(CodeUnresolved, c.words[1].at, "the command line's `cd -` goes to the shell's OLDPWD, known only when it runs: no cd of the line comes before it", shellHelp)
						}
						dir, oldDir = oldDir, dir
						continue
					}
					if len(c.words) != 2 || c.words[1].s == "" || strings.HasPrefix(c.words[1].s, "-") {
						return nil, notSimple(st.Pos(), "a cd that is not to one directory")
					}
					oldDir, cdDone = dir, true
					if to := c.words[1].s; strings.HasPrefix(to, "/") {
						dir = path.Clean(to) // an absolute cd starts over
					} else {
						dir = path.Join(dir, to)
					}
					continue
				}
				for _, w := range c.words[1:] {
					name, _, hasValue := strings.Cut(w.s, "=")
					if !hasValue || !isShellName(name) {
						return nil, notSimple(st.Pos(), "an export of a variable the shell holds")
					}
					exported = mergeEnv(exported, []string{w.s})
				}
				continue
			}
		}
		c.dir = dir
		c.assign = mergeEnv(exported, c.assign)
		if out == nil {
			out = c
		} else {
			out.setup = append(out.setup, out.last())
			out.words, out.assign, out.dir = c.words, c.assign, c.dir
		}
	}
	return out, nil
}

// last is the command itself, without the setup before it.
func (c *shellCommand) last() *shellCommand {
	return &shellCommand{words: c.words, assign: c.assign, dir: c.dir}
}

// isTrue says whether a statement is `true` or `:` alone.
func isTrue(st *syntax.Stmt) bool {
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Negated || st.Background || len(st.Redirs) > 0 || len(call.Assigns) > 0 || len(call.Args) != 1 {
		return false
	}
	w := call.Args[0].Lit()
	return w == "true" || w == ":"
}

// isShellName says whether s is a name sh takes for a variable.
func isShellName(s string) bool {
	return isIdentifier(s)
}

// simpleCommand reads one command of the line; a setup command (not the
// last) may redirect its output, which changes nothing that runs.
func simpleCommand(line *str, st *syntax.Stmt, setup bool, notSimple func(syntax.Pos, string) error) (*shellCommand, error) {
	var err error
	switch {
	case st.Negated:
		return nil, notSimple(st.Pos(), "a negation (!)")
	case st.Background:
		return nil, notSimple(st.Semicolon, "a background command (&)")
	case len(st.Redirs) > 0 && !setup:
		return nil, notSimple(st.Redirs[0].Pos(), "a redirection ("+st.Redirs[0].Op.String()+")")
	}
	for _, r := range st.Redirs {
		if r.Hdoc != nil || r.Word == nil {
			return nil, notSimple(r.Pos(), "a redirection ("+r.Op.String()+")")
		}
		if _, err := staticWord(line, r.Word, false); err != nil {
			return nil, err
		}
	}
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok {
		what := fmt.Sprintf("a %T", st.Cmd)
		if b, isBin := st.Cmd.(*syntax.BinaryCmd); isBin {
			return nil, notSimple(b.OpPos, "the operator "+b.Op.String())
		}
		what = strings.ToLower(strings.TrimPrefix(what, "a *syntax."))
		return nil, notSimple(st.Pos(), "a compound command ("+what+")")
	}
	out := &shellCommand{}
	for _, a := range call.Assigns {
		if a.Append || a.Naked || a.Index != nil || a.Array != nil {
			return nil, notSimple(a.Pos(), "an assignment sh does not take")
		}
		val := &str{at: line.posAt(int(a.Pos().Offset()))}
		if a.Value != nil {
			if val, err = staticWord(line, a.Value, true); err != nil {
				return nil, err
			}
		}
		out.assign = append(out.assign, a.Name.Value+"="+val.s)
	}
	args := call.Args
	if len(args) > 0 && args[0].Lit() == "exec" {
		if setup {
			return nil, notSimple(args[0].Pos(), "exec before the end of a list, after which nothing else runs,")
		}
		args = args[1:]
		if len(args) > 0 && strings.HasPrefix(args[0].Lit(), "-") {
			return nil, notSimple(args[0].Pos(), "options to exec")
		}
	}
	if len(args) == 0 {
		return nil, runtimeError(line.at, "the command line runs no program", "Give the command to run after the assignments or exec.")
	}
	for _, w := range args {
		s, err := staticWord(line, w, false)
		if err != nil {
			return nil, err
		}
		out.words = append(out.words, s)
	}
	return out, nil
}

// staticWord does sh's quote removal on a word that needs no expansion;
// anything the shell would expand is a diagnostic naming it.
func staticWord(line *str, w *syntax.Word, assignment bool) (*str, error) {
	var b strings.Builder
	dynamic := func(at syntax.Pos, what string) error {
		return newDiag(CodeUnresolved, line.posAt(int(at.Offset())),
			"the command line has "+what+", which the shell expands only when it runs", shellHelp)
	}
	for i, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			if err := unquoted(&b, p, i == 0, assignment, dynamic); err != nil {
				return nil, err
			}
		case *syntax.SglQuoted:
			if p.Dollar {
				return nil, dynamic(p.Pos(), "$'...' quoting")
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			if p.Dollar {
				return nil, dynamic(p.Pos(), "$\"...\" quoting")
			}
			for _, inner := range p.Parts {
				lit, ok := inner.(*syntax.Lit)
				if !ok {
					return nil, dynamic(inner.Pos(), expansionName(inner))
				}
				doubleQuoted(&b, lit.Value)
			}
		default:
			return nil, dynamic(part.Pos(), expansionName(part))
		}
	}
	return newStr(b.String(), line.posAt(int(w.Pos().Offset()))), nil
}

func expansionName(p syntax.WordPart) string {
	switch p := p.(type) {
	case *syntax.ParamExp:
		name := ""
		if p.Param != nil {
			name = p.Param.Value
		}
		return "the parameter expansion $" + name
	case *syntax.CmdSubst:
		return "a command substitution"
	case *syntax.ArithmExp:
		return "an arithmetic expansion"
	}
	return fmt.Sprintf("a %T", p)
}

// unquoted removes backslashes from an unquoted literal and refuses glob
// and tilde characters, whose meaning depends on the machine.
func unquoted(b *strings.Builder, lit *syntax.Lit, first, assignment bool, dynamic func(syntax.Pos, string) error) error {
	v := lit.Value
	at := func(i int) syntax.Pos {
		return syntax.NewPos(lit.Pos().Offset()+uint(i), 0, 0)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\':
			if i+1 < len(v) {
				i++
				if v[i] != '\n' {
					b.WriteByte(v[i])
				}
			}
		case c == '*' || c == '?' || c == '[':
			return dynamic(at(i), "the glob character "+string(c)+" (quote it to keep it literal)")
		case c == '~' && (i == 0 && first || assignment && i > 0 && v[i-1] == ':'):
			return dynamic(at(i), "a tilde (~) that the shell expands to a home directory")
		default:
			b.WriteByte(c)
		}
	}
	return nil
}

// doubleQuoted removes the backslashes sh removes inside double quotes:
// before $, `, ", \ and a line break.
func doubleQuoted(b *strings.Builder, v string) {
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) && strings.IndexByte("$`\"\\\n", v[i+1]) >= 0 {
			i++
			if v[i] == '\n' {
				continue
			}
		}
		b.WriteByte(v[i])
	}
}

// shellPos is where a shell word came from, for Command.ArgPos.
func shellPos(words []*str) []apacheconf.Position {
	out := make([]apacheconf.Position, len(words))
	for i, w := range words {
		out[i] = w.at
	}
	return out
}
