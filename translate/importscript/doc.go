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
// One evaluator over known values: every value (str, int, float, bool,
// None, list, tuple, dict, the daemon's environment, the script's functions)
// is computed as Python computes it, each str keeping where each of its
// bytes was written. The differential test runs every fixture under
// python3 and compares.
//
//   - import os | import os, sys | import os.path | import os as o |
//     from os import execl [as run], (a, b) ...
//   - string literals in every static form (prefixes, triple quotes,
//     adjacent literals, escapes exactly as Python decodes them; \N{...}
//     is reported unsupported); f-strings with expressions, !s/!r/!a and
//     format specs; a bytes literal only where any value will do.
//   - %-formatting (s r a d i u x X o c e E f F %, flags #0- +, width,
//     precision, *, tuples and %(name) with dicts); str.format with
//     automatic, numbered and named fields, [index] lookups, conversions
//     and the format-spec mini-language; format().
//   - str methods strip/lstrip/rstrip, split/rsplit, join, replace,
//     lower/upper (ASCII), startswith/endswith, partition/rpartition,
//     format, isdigit; str(), int(), len(), repr(), bool(), sorted(),
//     reversed(), enumerate(), range(), zip(), min(), max(), list(),
//     tuple(), dict(); dicts keyed by any hashable value (the environment
//     by strings), items/keys/values/get/pop/setdefault/update;
//     list append/extend/insert/index/count/copy.
//   - os.path.join/dirname/basename/normpath/split/splitext/isabs,
//     abspath (of an absolute path, or after a known os.chdir),
//     expanduser (HOME of the daemon's environment); os.getenv,
//     os.environ[...]/.get/.setdefault/.update/.copy, `in os.environ`;
//     reads of the daemon's environment are recorded as EnvRefs.
//   - assignments and unpacking, augmented +=, indexing and slicing,
//     the operators + - * // % on integers, * on strings and lists,
//     comparisons (chained),
//     in/not in, is None, and/or/not, conditional expressions;
//     list/dict comprehensions and generator arguments; for loops with
//     break/continue/else; if/elif/else; the script's own functions with
//     positional, keyword, default, *args, **kwargs and keyword-only
//     parameters and return (calls nest at most 32 deep, and a script
//     runs at most 100,000 statements and iterations); try: its body runs,
//     the except clauses do not (they depend on a failure at run time),
//     else and finally do.
//   - starred targets (a, *rest = ...), while loops (bounded like for),
//     with over contextlib.suppress, open(os.devnull) and a Popen (waited
//     for when the block ends; with open(...) of any other file is a
//     run-time diagnostic), lambda, global and nonlocal, assert, del;
//     classes of the script (class attributes, methods, __init__,
//     instances, base classes in Python's resolution order (C3), super(),
//     @staticmethod, @classmethod, @property, __str__ and __repr__ in
//     str(), repr() and formatting); decorators that are the script's
//     functions (decorator factories too) and functools.wraps;
//     @dataclass (fields from the annotations, defaults, field() with
//     default_factory, init/repr/compare, the generated __init__, __repr__
//     and __eq__, __post_init__, frozen, asdict); collections.namedtuple
//     and typing.NamedTuple classes (fields, defaults, _replace, _asdict,
//     _fields, repr, tuple behaviour); annotated assignments (the
//     annotation is not evaluated); {0.attr} in str.format fields; the operators ** << >> & | ^ ~ on integers and | on
//     dicts, every augmented assignment; sorted/list.sort with key= and
//     reverse=, map, filter, any, all, sum, isinstance, abs, chr, ord,
//     hex, oct, bin, callable, getattr/hasattr on the script's objects;
//     str methods zfill, center, ljust, rjust, title, capitalize,
//     swapcase, casefold, count, find, rfind, index, rindex, splitlines,
//     removeprefix/removesuffix and the is* tests; nested fields in
//     format specs; list pop/remove/sort/reverse/clear; pathlib's pure
//     Path (/, parent, name, stem, suffix, parts, joinpath, with_name,
//     with_suffix, relative_to), os.path.relpath, os.sep, os.devnull.
//   - floats as CPython computes them: literals, true division, the
//     arithmetic operators (// and % floored, ** with an integral
//     exponent or 0.5, rounded once, and with a fractional one as glibc's
//     pow gives it, except within 0.03 ULP of half-way, where its last
//     bit is not certain), comparisons and equality with
//     integers (1 == 1.0, one dict key), repr and str (the shortest
//     digits, exponent notation past 16 digits), %-conversions e f g
//     (and d of a float, truncated), format specs e f g % n and none,
//     float(), int() (truncation), round() (half to even, on the exact
//     value), abs, min, max, sum, math.ceil/floor/trunc, json.dumps. A
//     result that would be inf or nan is not followed.
//   - type(x) (a builtin type or the script's class), type(x).__name__,
//     `is` where Python's answer does not depend on the interpreter (None,
//     True, False, types, and one mutable object against another);
//     sorting compares tuples item by item as Python does.
//   - sets and frozensets of hashable values: membership, len, sorted,
//     min, max, sum, any, all, add/discard/remove/update, | & -; their
//     iteration order depends on hashing and is a run-time diagnostic.
//   - logging (basicConfig, getLogger, the level functions and a
//     logger's: they start nothing), json.dumps of known values
//     (sort_keys, separators).
//   - divmod, min/max with key= and default=, setattr, str.format_map,
//     string.Template (substitute, safe_substitute), slice assignment and
//     del of a slice (no step); sys.version_info's major version (3) and
//     comparisons that it decides; arithmetic on a value known only at
//     run time (an exit status >> 8) is such a value too, refused only
//     where it is used.
//   - helpers: os.chdir, shlex.split/quote/join, print, time.sleep,
//     sys.stdout/stderr.flush/write.
//   - globals(), locals() and vars() where names are read through them:
//     '%(port)s' % locals(), '{image}'.format(**locals()), format_map,
//     Template.substitute, [name], get, in (see scopeView); sys.argv is
//     ['mod_wsgi'], as mod_wsgi sets it; functools.partial, and
//     functools.lru_cache/cache on the script's functions (a call with
//     equal arguments does not run the function again);
//     os.environ.pop and del of a variable: later reads do not see it,
//     and a program that would inherit the daemon's environment without
//     one of the daemon's variables is refused (the spec can only add).
//   - the calls that start programs: os.execl, execle, execlp, execlpe,
//     execv, execve, execvp, execvpe; subprocess.call, run, check_call,
//     check_output, Popen (with a list, a one-word string, or a string with
//     shell=True; cwd= goes to Command.Dir); os.system; os.spawn* with
//     os.P_WAIT (a blocking command) or os.P_NOWAIT (left running).
//     Command lines for /bin/sh -c are parsed with mvdan.cc/sh as POSIX
//     sh and accepted when they are simple commands (optionally `exec`
//     last, optionally NAME=value prefixes) whose words are static after
//     quote removal, alone or in a list joined by ; && or line breaks:
//     the last one is the command, the ones before are setup (they may
//     redirect their output); `a || true` (or `|| :`) is a setup command
//     whose failure is ignored; `cd DIR` and `export NAME=value` before
//     the command set its directory and environment (a cd is taken to
//     succeed, as os.chdir is; `cd -` goes back after an earlier cd of
//     the line); other || and pipes depend on the shell.
//   - sys.exit(...), raise SystemExit(...), exit(), os._exit(): the script
//     ends there; code after them or after os.exec* is reported
//     unreachable (a warning).
//
// Python 2 habits that Python 3 refuses (the print statement, print
// >>stream, dict.has_key/iteritems, string.join and the string module's
// other removed functions, sys.maxint) are the error Python 3 stops with,
// naming what to write instead.
//
// What depends on the run (open(), the clock, randomness, the network,
// the file system, os.getpid(), an unset variable without a
// default) is a script-unresolved diagnostic at its line and column.
//
// # The main guard
//
// mod_wsgi loads an import script as a module named _mod_wsgi_<md5 of its
// path>, so `if __name__ == '__main__':` is false under Apache (checked
// against Apache 2.4 with mod_wsgi 4.9 by TestModWSGIImportsScriptAsModule).
// __file__ is the script's path as WSGIImportScript names it (the
// filename given to Parse), checked by the same test.
// The evaluator gives __name__ that value: such a block is skipped, its
// else runs, and the guard is reported with a warning at its line; a
// script whose only launch is inside it launches nothing, which is an
// error that points at the guard.
//
// # Which call launches
//
// See Launch: the last command the script runs is the launch; the
// blocking commands before it are Setup; a Popen that is not waited for
// and is followed by another command is an error, since two programs
// would run at once.
package importscript
