# Runs a launcher script the way mod_wsgi's WSGIImportScript does: as a
# module named _mod_wsgi_<md5 of its path>, with sys.argv ['mod_wsgi'].
# An audit hook (PEP 578) records the first call that would start a
# program (os.exec*, os.posix_spawn, subprocess.Popen, os.system) with its
# program, argv, environment and working directory, writes it to the
# report file descriptor and ends the process before the call runs. What
# the script did before (files written, sockets, directory changes) is
# recorded too. Used as: python3 -c RUNNER FD SCRIPT UNSET-COERCE MEMORY < SOURCE
import resource
import sys

# The memory limit first: nothing the script does can raise it again.
_memory = int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_AS, (_memory, _memory))

import hashlib
import json
import os

_report_fd = int(sys.argv[1])
_script = sys.argv[2]
if sys.argv[3] == "1":
    # Set by the sandbox only to stop python3's own locale coercion (PEP
    # 538), which embedded Python under mod_wsgi does not do.
    del os.environ["PYTHONCOERCECLOCALE"]
_events = []
_MAX_EVENTS = 100
_tried = []  # the first os.exec* of a file that cannot run (a PATH search's miss)
_write, _exit, _getcwd, _environ = os.write, os._exit, os.getcwd, os.environ
_access, _fsdecode, _dumps, _getframe = os.access, os.fsdecode, json.dumps, sys._getframe


def _line():
    f = _getframe(2)
    while f is not None:
        if f.f_code.co_filename == _script:
            return f.f_lineno
        f = f.f_back
    return 0


def _text(v):
    if isinstance(v, (bytes, bytearray)):
        return _fsdecode(bytes(v))
    if isinstance(v, os.PathLike):
        return _fsdecode(v)
    return str(v)


def _env(env):
    if env is None:
        env = _environ
    out = []
    for k, v in env.items():
        out.append(_text(k) + "=" + _text(v))
    return sorted(out)


def _record(call, program, argv, env, cwd):
    return {
        "status": "launch",
        "call": call,
        "program": _text(program),
        "args": [_text(a) for a in argv],
        "env": _env(env),
        "cwd": _text(cwd) if cwd is not None else _getcwd(),
        "line": _line(),
        "events": _events,
    }


def _report(call, program, argv, env, cwd):
    _write(_report_fd, _dumps(_record(call, program, argv, env, cwd)).encode())
    _exit(0)


def _note(what, *args):
    if len(_events) < _MAX_EVENTS:
        _events.append({"event": what, "args": [_text(a) for a in args], "line": _line()})


def _runnable(program, env, cwd):
    """Whether program names a file that can run: a path, or a bare name
    found on PATH as the child's exec would find it."""
    program = _text(program)
    if "/" in program:
        if cwd is not None and not program.startswith("/"):
            program = os.path.join(_text(cwd), program)
        return _access(program, os.X_OK)
    path = (env if env is not None else _environ).get("PATH", os.defpath)
    for d in _text(path).split(os.pathsep):
        if _access(os.path.join(d or ".", program), os.X_OK):
            return True
    return False


def _launch(call, program, argv, env, cwd):
    # A program that cannot run makes the call fail (os.execvp then tries
    # the next PATH entry): only one that can would start. The failed
    # attempt is harmless; the first is kept in case nothing else runs.
    if _runnable(program, env, cwd):
        _report(call, program, argv, env, cwd)
    elif not _tried:
        _tried.append(_record(call, program, argv, env, cwd))


def _hook(event, args):
    if event == "os.exec":
        path, argv, env = args
        _launch("os.exec", path, argv, env, None)
    elif event == "os.posix_spawn":
        path, argv, env = args
        _launch("os.posix_spawn", path, argv, env, None)
    elif event == "subprocess.Popen":
        executable, argv, cwd, env = args
        if isinstance(argv, (str, bytes, os.PathLike)):
            argv = [argv]
        _launch("subprocess.Popen", executable if executable is not None else argv[0], argv, env, cwd)
    elif event == "os.system":
        _report("os.system", "/bin/sh", ["/bin/sh", "-c", args[0]], None, None)
    elif event == "open":
        path, mode, flags = args
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)):
            _note("open for writing", path)
    elif event in ("socket.connect", "socket.bind", "socket.sendto"):
        _note(event, args[1])
    elif event in ("socket.getaddrinfo", "socket.gethostbyname"):
        _note(event, args[0])
    elif event in ("os.chdir", "os.mkdir", "os.remove", "os.rename", "os.rmdir", "os.putenv", "os.unsetenv", "os.kill", "shutil.rmtree"):
        _note(event, *args[:2])


def main():
    # The script comes on stdin: the host's /tmp, where it may be, is
    # hidden by the sandbox's own.
    source = sys.stdin.buffer.read()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    module = {
        "__name__": "_mod_wsgi_" + hashlib.md5(_script.encode()).hexdigest(),
        "__file__": _script,
        "__builtins__": __builtins__,
    }
    sys.argv = ["mod_wsgi"]
    status = "end"
    try:
        code = compile(source, _script, "exec")
    except SyntaxError as e:
        code = None
        status = "error: " + type(e).__name__ + ": " + str(e)
    sys.addaudithook(_hook)
    try:
        if code is not None:
            exec(code, module)
    except SystemExit as e:
        status = "exit: " + str(e.code)
    except BaseException as e:  # the script's own failure is the result
        status = "error: " + type(e).__name__ + ": " + str(e)
    report = {"status": status, "events": _events}
    if _tried:
        report["tried"] = _tried[0]
    _write(_report_fd, _dumps(report).encode())
    _exit(0)


main()
