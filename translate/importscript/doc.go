// Package importscript reads the Python launcher scripts behind mod_wsgi's
// WSGIImportScript without running them, and says exactly which program
// such a script starts, with which argv, environment and directory.
//
// The pattern it exists for (DESIGN.md, pattern 1) is a daemon group that
// runs no WSGI application and an import script that execs `docker run`:
//
//	import os
//	os.execl('/usr/local/bin/docker', '(docker:blog.example.com)', 'run', '--rm', '-p', '8002:80', 'blog.example.com')
//
// # How it reads
//
// A tokenizer written after CPython's (logical lines, brackets, backslash
// continuation, INDENT/DEDENT with CPython's tab rules, UTF-8 only) feeds a
// hand-written recursive-descent parser (parser.go: one token of lookahead,
// nesting bounded) for the statements and expressions such scripts use.
// An evaluator then runs the statements in order symbolically, keeping
// values that are known before the script runs: strings (with the place in
// the script each byte was written), lists, tuples, dicts and the daemon's
// environment as lookupEnv describes it. Whatever it cannot know is a
// diagnostic, never a guess.
//
// # What is followed
//
//   - import os | import os, sys | import os.path | import os as o |
//     from os import execl [as run], (a, b) ...
//   - string literals in every static form: single, double and triple
//     quoted (three single or three double quotes),
//     r/R, u/U prefixes, adjacent literals, escapes exactly as Python
//     decodes them; f-strings whose fields are static expressions (with !s
//     at most; !r, !a, format specs and {x=} are reported unsupported);
//     \N{...} is reported unsupported. A bytes literal is a value only
//     where any value will do (input=b""), never an argument.
//   - assignments, a, b = ... unpacking, += on strings and lists,
//     d[key] = value on dicts and os.environ; + on strings, lists and
//     tuples; * unpacking in calls and displays; `x or default`.
//   - os.environ[...], os.environ.get(k[, d]), os.getenv(k[, d]),
//     os.environ.copy(), .setdefault, .update, dict(os.environ, K=V),
//     {**os.environ, ...}; reads of the daemon's environment are recorded
//     as EnvRefs.
//   - helpers: os.path.join, os.chdir, shlex.split/quote/join (shlex.split
//     follows Python's POSIX-mode rules), str.join, str.split, str(),
//     list(), tuple(), print, time.sleep, sys.stdout/stderr.flush/write.
//   - the calls that start programs: os.execl, execle, execlp, execlpe,
//     execv, execve, execvp, execvpe; subprocess.call, run, check_call,
//     check_output, Popen (with a list, a one-word string, or a string with
//     shell=True); os.system. Command lines for /bin/sh -c are parsed with
//     mvdan.cc/sh as POSIX sh and accepted when they are one simple command
//     (optionally `exec`, optionally NAME=value prefixes) whose words are
//     static after quote removal; parameter expansion, command
//     substitution, globs, tildes, pipelines, lists and redirections are
//     diagnostics naming what was found.
//   - sys.exit(...), raise SystemExit(...), exit(), os._exit(): the script
//     ends there; code after them or after os.exec* is reported
//     unreachable (a warning).
//   - comments, blank lines, a shebang, a coding cookie for UTF-8, a module
//     docstring, semicolons.
//
// # The main guard
//
// mod_wsgi loads an import script as a module named _mod_wsgi_<md5 of its
// path>, so `if __name__ == '__main__':` is false under Apache (checked
// against Apache 2.4 with mod_wsgi 4.9 by TestModWSGIImportsScriptAsModule).
// Such a block is accepted, skipped as mod_wsgi skips it, and reported
// with a warning; a script whose only launch is inside it launches
// nothing, which is an error that points at the guard. Other `if`
// statements, loops, functions, try and with are reported unsupported.
//
// # Which call launches
//
// See Launch: the last command the script runs is the launch; the
// blocking commands before it are Setup; a Popen that is not waited for
// and is followed by another command is an error, since two programs
// would run at once.
package importscript
