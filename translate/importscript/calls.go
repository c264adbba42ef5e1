package importscript

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/wsgidock/wsgidock/apacheconf"
)

// launcher evaluates a call that starts a program.
type launcher func(e *evaluator, name string, args *arguments, at lexer.Position) (value, error)

// launchers are the calls that start a program.
var launchers = map[string]launcher{
	"os.execl":                execCall,
	"os.execle":               execCall,
	"os.execlp":               execCall,
	"os.execlpe":              execCall,
	"os.execv":                execCall,
	"os.execve":               execCall,
	"os.execvp":               execCall,
	"os.execvpe":              execCall,
	"os.system":               systemCall,
	"subprocess.call":         subprocessCall,
	"subprocess.check_call":   subprocessCall,
	"subprocess.check_output": subprocessCall,
	"subprocess.run":          subprocessCall,
	"subprocess.Popen":        subprocessCall,
	"os.spawnl":               spawnCall,
	"os.spawnle":              spawnCall,
	"os.spawnlp":              spawnCall,
	"os.spawnlpe":             spawnCall,
	"os.spawnv":               spawnCall,
	"os.spawnve":              spawnCall,
	"os.spawnvp":              spawnCall,
	"os.spawnvpe":             spawnCall,
}

// spawnCall is os.spawn*(mode, ...): the os.exec* of the same letters run
// in a child; P_WAIT waits for it, P_NOWAIT leaves it running.
func spawnCall(e *evaluator, name string, args *arguments, at lexer.Position) (value, error) {
	if len(args.kw) > 0 {
		return nil, runtimeError(position(args.kw[0].at), name+"() takes no keyword arguments: Python stops with TypeError", "Pass the arguments by position.")
	}
	if len(args.pos) < 2 {
		return nil, runtimeError(position(at), name+"() needs a mode and a program: Python stops with TypeError", "Write "+name+"(os.P_WAIT, program, ...).")
	}
	mode, ok := intOf(args.pos[0])
	if !ok || mode != 0 && mode != 1 {
		if _, bad := args.pos[0].(poisoned); bad {
			return nil, errPoisoned
		}
		return nil, unsupported(args.posAt[0], "a spawn mode other than os.P_WAIT or os.P_NOWAIT")
	}
	cmd, err := e.execCommand("os.exec"+strings.TrimPrefix(name, "os.spawn"), &arguments{pos: args.pos[1:], posAt: args.posAt[1:]}, at)
	if err != nil {
		return nil, err
	}
	cmd.Call = name
	cmd.Background = mode == 1
	e.cmds = append(e.cmds, cmd)
	if mode == 1 {
		return &opaque{what: "the process id " + name + " returns", at: position(at)}, nil
	}
	return &opaque{what: "the exit status of " + name, at: position(at)}, nil
}

// execCall is os.exec*: l passes argv as arguments, v as a sequence; p
// searches PATH; e takes the environment as the last argument.
func execCall(e *evaluator, name string, args *arguments, at lexer.Position) (value, error) {
	cmd, err := e.execCommand(name, args, at)
	if err != nil {
		return nil, err
	}
	e.cmds = append(e.cmds, cmd)
	e.stopped = true
	return &none{}, nil
}

// execCommand is the command of an os.exec* call.
func (e *evaluator) execCommand(name string, args *arguments, at lexer.Position) (*Command, error) {
	suffix := strings.TrimPrefix(name, "os.exec")
	byList := strings.HasPrefix(suffix, "v")
	withEnv := strings.HasSuffix(suffix, "e")
	search := strings.Contains(suffix, "p")
	var argv []value
	var argvAt []lexer.Position
	var envArg value
	var envAt lexer.Position
	var program value
	var programAt lexer.Position
	if byList {
		params := []string{"path", "argv", "env"}
		posOnly := 0
		switch name {
		case "os.execv":
			params, posOnly = params[:2], 2
		case "os.execvp":
			params = []string{"file", "args"}
		case "os.execvpe":
			params = []string{"file", "args", "env"}
		}
		vals, where, err := bind(name, params, posOnly, len(params), args, at)
		if err != nil {
			return nil, err
		}
		program, programAt = vals[0], where[0]
		seq, ok := vals[1].(*list)
		if !ok {
			if _, bad := vals[1].(poisoned); bad {
				return nil, errPoisoned
			}
			return nil, runtimeError(position(where[1]), name+"() arg 2 must be a tuple or list, not "+vals[1].describe(),
				"Pass the program's argv as a list.")
		}
		argv = seq.items
		for range argv {
			argvAt = append(argvAt, where[1])
		}
		if withEnv {
			envArg, envAt = vals[2], where[2]
		}
	} else {
		min := 1
		if withEnv {
			min = 2
		}
		if err := arity(name, args, at, min, -1); err != nil {
			return nil, err
		}
		rest := args.pos[1:]
		restAt := args.posAt[1:]
		if withEnv {
			envArg, envAt = rest[len(rest)-1], restAt[len(rest)-1]
			rest, restAt = rest[:len(rest)-1], restAt[:len(rest)-1]
		}
		argv, argvAt = rest, restAt
		program, programAt = args.pos[0], args.posAt[0]
	}
	programStr, err := e.needStr(program, programAt, "the program of "+name)
	if err != nil {
		return nil, err
	}
	cmd := e.newCommand(name, at)
	if err := e.setArgv(cmd, argv, argvAt, "an argument of "+name); err != nil {
		return nil, err
	}
	if len(cmd.Args) == 0 {
		return nil, runtimeError(position(at), name+"() needs at least the program's display name after the program: Python stops with ValueError",
			"Pass argv[0], the name the program shows in ps, after the program's path.")
	}
	if cmd.Args[0] == "" {
		return nil, runtimeError(cmd.ArgPos[0], name+"(): argv[0] cannot be empty: Python stops with ValueError", "Give the program a display name.")
	}
	if err := e.setProgram(cmd, programStr, search); err != nil {
		return nil, err
	}
	if withEnv {
		if err := e.setEnv(cmd, envArg, envAt, name); err != nil {
			return nil, err
		}
	}
	return cmd, nil
}

// newCommand starts a command that inherits the daemon's environment as
// the script has changed it, and the script's working directory.
func (e *evaluator) newCommand(name string, at lexer.Position) *Command {
	cmd := &Command{Call: name, Pos: position(at)}
	e.noteUnset(cmd, e.environ)
	for _, k := range e.environ.keys {
		if v, ok := e.environ.vals[k].(*str); ok { // os.environ takes only strings
			cmd.Env = append(cmd.Env, k+"="+v.s)
		}
	}
	if e.dir != nil {
		cmd.Dir = e.dir.s
	}
	return cmd
}

func (e *evaluator) setArgv(cmd *Command, argv []value, at []lexer.Position, what string) error {
	cmd.Args = slices.Grow(cmd.Args, len(argv))
	cmd.ArgPos = slices.Grow(cmd.ArgPos, len(argv))
	for i, v := range argv {
		s, err := e.needStr(v, at[i], what)
		if err != nil {
			return err
		}
		if err := noNUL(s, what); err != nil {
			return err
		}
		cmd.Args = append(cmd.Args, s.s)
		cmd.ArgPos = append(cmd.ArgPos, s.at)
	}
	return nil
}

func (e *evaluator) setProgram(cmd *Command, program *str, search bool) error {
	if err := noNUL(program, "the program"); err != nil {
		return err
	}
	if program.s == "" {
		return runtimeError(program.at, "the program is an empty string", "Name the program to run.")
	}
	cmd.Program = program.s
	cmd.SearchPath = search && !strings.Contains(program.s, "/")
	return nil
}

func noNUL(s *str, what string) error {
	if i := strings.IndexByte(s.s, 0); i >= 0 {
		return runtimeError(s.posAt(i), what+" contains a NUL byte: Python stops with ValueError", "Remove the \\0 from the string.")
	}
	return nil
}

// setEnv applies an environment argument: a mapping that inherits
// (os.environ, dict(os.environ, ...)) adds to the inherited environment,
// any other mapping replaces it.
func (e *evaluator) setEnv(cmd *Command, v value, at lexer.Position, name string) error {
	d, ok := v.(*dict)
	if !ok {
		if _, bad := v.(poisoned); bad {
			return errPoisoned
		}
		return runtimeError(position(at), "the environment of "+name+" must be a mapping, not "+v.describe(), "Pass a dict or os.environ.")
	}
	cmd.Env = nil
	cmd.ReplaceEnv = !d.inherits
	e.noteUnset(cmd, d)
	for _, k := range d.keys {
		s, err := e.needStr(d.vals[k], at, "the environment value "+k)
		if err != nil {
			return err
		}
		kv := newStr(k+"="+s.s, d.keyPos[k])
		if err := noNUL(kv, "the environment entry "+k); err != nil {
			return err
		}
		if k == "" || strings.Contains(k, "=") {
			return runtimeError(position(at), fmt.Sprintf("illegal environment variable name %s: Python stops with ValueError", pyRepr(k)), "Use a name without '='.")
		}
		cmd.Env = append(cmd.Env, kv.s)
	}
	return nil
}

// systemCall is os.system(command): /bin/sh -c command, waited for.
func systemCall(e *evaluator, name string, args *arguments, at lexer.Position) (value, error) {
	vals, where, err := bind(name, []string{"command"}, 0, 1, args, at)
	if err != nil {
		return nil, err
	}
	line, err := e.needStr(vals[0], where[0], "the command line of os.system")
	if err != nil {
		return nil, err
	}
	cmd := e.newCommand(name, at)
	setup, err := e.setShell(cmd, line)
	if err != nil {
		return nil, err
	}
	e.cmds = append(append(e.cmds, setup...), cmd)
	return &opaque{what: "the exit status of os.system", at: position(at)}, nil
}

// setShell fills a command from a shell command line, and returns the
// commands the line runs before it (a; b, a && b), which share its call,
// shell line, environment and directory.
func (e *evaluator) setShell(cmd *Command, line *str) ([]*Command, error) {
	sh, err := parseShell(line)
	if err != nil {
		return nil, err
	}
	base := *cmd
	fill := func(c *Command, sh *shellCommand) error {
		c.Shell = line.s
		for _, w := range sh.words {
			c.Args = append(c.Args, w.s)
		}
		c.ArgPos = shellPos(sh.words)
		c.Env = mergeEnv(c.Env, sh.assign)
		if sh.dir != "" {
			if strings.HasPrefix(sh.dir, "/") || c.Dir == "" {
				c.Dir = sh.dir
			} else {
				c.Dir = path.Join(c.Dir, sh.dir)
			}
		}
		return e.setProgram(c, sh.words[0], true)
	}
	var setup []*Command
	for _, s := range sh.setup {
		c := base
		c.Args, c.ArgPos, c.Env = nil, nil, append([]string(nil), base.Env...)
		if err := fill(&c, s); err != nil {
			return nil, err
		}
		setup = append(setup, &c)
	}
	return setup, fill(cmd, sh)
}

// mergeEnv sets the NAME=VALUE entries of add over those of base.
func mergeEnv(base, add []string) []string {
	if len(add) == 0 {
		return base
	}
	out := append([]string{}, base...)
	for _, kv := range add {
		name := kv[:strings.IndexByte(kv, '=')+1]
		replaced := false
		for i, old := range out {
			if strings.HasPrefix(old, name) {
				out[i], replaced = kv, true
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}

// Keyword arguments of subprocess's functions that do not change which
// program runs with which argv, environment or directory.
var (
	popenPassive = []string{"stdin", "stdout", "stderr", "bufsize", "close_fds", "text", "universal_newlines",
		"encoding", "errors", "start_new_session", "restore_signals", "pass_fds", "process_group", "pipesize"}
	passiveKeywords = map[string][]string{
		"subprocess.Popen":        popenPassive,
		"subprocess.call":         append([]string{"timeout"}, popenPassive...),
		"subprocess.check_call":   append([]string{"timeout"}, popenPassive...),
		"subprocess.check_output": append([]string{"timeout", "input"}, popenPassive...),
		"subprocess.run":          append([]string{"timeout", "input", "capture_output", "check"}, popenPassive...),
	}
	// unfollowedKeywords change the program's process in ways a launch
	// spec does not describe.
	unfollowedKeywords = map[string]bool{"preexec_fn": true, "user": true, "group": true, "extra_groups": true, "umask": true}
)

// subprocessCall is subprocess.call/run/check_call/check_output/Popen.
func subprocessCall(e *evaluator, name string, args *arguments, at lexer.Position) (value, error) {
	var cmdArg, shell, executable, cwd, env value
	var cmdAt, cwdAt, envAt, execAt lexer.Position
	if len(args.pos) > 1 {
		return nil, unsupported(args.posAt[1], "passing Popen's options by position")
	}
	if len(args.pos) == 1 {
		cmdArg, cmdAt = args.pos[0], args.posAt[0]
	}
	for _, k := range args.kw {
		switch {
		case k.name == "args" && cmdArg == nil:
			cmdArg, cmdAt = k.v, k.at
		case k.name == "shell":
			shell = k.v
		case k.name == "executable":
			executable, execAt = k.v, k.at
		case k.name == "cwd":
			cwd, cwdAt = k.v, k.at
		case k.name == "env":
			env, envAt = k.v, k.at
		case unfollowedKeywords[k.name]:
			return nil, unsupported(k.at, "the "+k.name+"= argument")
		case indexOf(passiveKeywords[name], k.name) >= 0:
		default:
			return nil, runtimeError(position(k.at), fmt.Sprintf("%s() got an unexpected keyword argument %s: Python stops with TypeError", name, pyRepr(k.name)),
				"Remove the argument.")
		}
	}
	if cmdArg == nil {
		return nil, runtimeError(position(at), name+"() needs the command to run: Python stops with TypeError", "Pass the command as a list.")
	}
	useShell := false
	if shell != nil {
		b, ok := shell.(*boolean)
		if !ok {
			return nil, unsupported(at, "shell= with a value other than True or False")
		}
		useShell = b.v
	}
	cmd := e.newCommand(name, at)
	if cwd != nil {
		dir, err := e.needStr(cwd, cwdAt, "cwd=")
		if err != nil {
			return nil, err
		}
		cmd.Dir = e.relativeDir(dir).s
	}
	if env != nil {
		if _, inherit := env.(*none); !inherit {
			if err := e.setEnv(cmd, env, envAt, name); err != nil {
				return nil, err
			}
		}
	}
	switch v := cmdArg.(type) {
	case *str:
		if executable != nil {
			return nil, unsupported(execAt, "executable= together with a command string")
		}
		if useShell {
			setup, err := e.setShell(cmd, v)
			if err != nil {
				return nil, err
			}
			e.cmds = append(e.cmds, setup...)
			break
		}
		if strings.ContainsAny(v.s, " \t\n") {
			return nil, runtimeError(v.at, fmt.Sprintf("%s() with one string and no shell=True runs a program named %s, spaces included", name, pyRepr(v.s)),
				"Pass the command as a list, or as shlex.split(\"...\"), or add shell=True.")
		}
		if err := e.setArgv(cmd, []value{v}, []lexer.Position{cmdAt}, "the command"); err != nil {
			return nil, err
		}
		if err := e.setProgram(cmd, v, true); err != nil {
			return nil, err
		}
	case *list:
		if useShell {
			return nil, unsupported(cmdAt, "shell=True with a list")
		}
		at := make([]lexer.Position, len(v.items))
		for i := range at {
			at[i] = cmdAt
		}
		if err := e.setArgv(cmd, v.items, at, "an item of the command"); err != nil {
			return nil, err
		}
		if len(cmd.Args) == 0 {
			return nil, runtimeError(position(cmdAt), "the command list is empty: Python stops with IndexError", "Put the program and its arguments in the list.")
		}
		program := &str{s: cmd.Args[0], at: cmd.ArgPos[0]}
		if executable != nil {
			p, err := e.needStr(executable, execAt, "executable=")
			if err != nil {
				return nil, err
			}
			program = p
		}
		if err := e.setProgram(cmd, program, true); err != nil {
			return nil, err
		}
	case poisoned:
		return nil, errPoisoned
	default:
		return nil, runtimeError(position(cmdAt), "the command of "+name+" must be a list or a string, not "+v.describe(), "Pass the command as a list.")
	}
	e.cmds = append(e.cmds, cmd)
	if name == "subprocess.Popen" {
		cmd.Background = true
		return &process{cmd: cmd}, nil
	}
	return &opaque{what: "the result of " + name, at: position(at)}, nil
}

// inherited is the daemon's variable name as mapping d inherits it: not
// there once the script removed it.
func (e *evaluator) inherited(d *dict, name string) (string, bool) {
	if !d.inherits {
		return "", false
	}
	if _, gone := d.unset[name]; gone {
		return "", false
	}
	return e.lookupEnv(name)
}

// unsetInherited records that the script removed name from d, where the
// daemon's environment has it: later reads do not see it, and a program
// started with d's environment would lack it.
func (e *evaluator) unsetInherited(d *dict, name string, at lexer.Position) {
	if !d.inherits {
		return
	}
	if _, set := e.lookupEnv(name); set {
		d.unsetAt(name, position(at))
	}
}

// noteUnset records the variables the environment of cmd, d, lacks.
func (e *evaluator) noteUnset(cmd *Command, d *dict) {
	if len(d.unset) == 0 || !d.inherits {
		delete(e.unsetFor, cmd)
		return
	}
	if e.unsetFor == nil {
		e.unsetFor = map[*Command]map[string]apacheconf.Position{}
	}
	e.unsetFor[cmd] = maps.Clone(d.unset)
}

// checkUnset refuses a command whose inherited environment lacks a
// variable the daemon has: the service's spec gives a program variables
// on top of the daemon's environment, and has no way to take one away.
func (e *evaluator) checkUnset(c *Command) error {
	removed := e.unsetFor[c]
	if len(removed) == 0 {
		return nil
	}
	names := make([]string, 0, len(removed))
	for k := range removed {
		names = append(names, k)
	}
	slices.Sort(names)
	at := removed[names[0]]
	return newDiag(CodeUnsupported, c.Pos,
		fmt.Sprintf("%s runs without %s, which the script removed from the daemon's environment at line %d: wsgidock can add variables to a program's environment, not take one away", c.Call, strings.Join(names, ", "), at.Line),
		"Pass the program a whole environment instead (os.execve, or env= with a dict built without the variable), or unset it in the daemon's environment.")
}
