# Runs a launcher script the way mod_wsgi's WSGIImportScript does: as a
# module named _mod_wsgi_<md5 of its path>, with sys.argv ['mod_wsgi'].
# What the script starts is not decided here: the sandbox's seccomp filter
# stops every exec and wsgidock reads its program, argv, environment and
# directory from the kernel. An audit hook (PEP 578) only notes, on the
# report file descriptor, which call is about to start a program and at
# which line ("pending"), and what the script did before (files written,
# sockets, directory changes); at the end it writes how the script ended.
# One JSON object a line. Used as:
#     python3 -c RUNNER FD SCRIPT UNSET-COERCE MEMORY < SOURCE
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
_write, _exit = os.write, os._exit
_fsdecode, _dumps, _getframe = os.fsdecode, json.dumps, sys._getframe


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


def _send(record):
    _write(_report_fd, _dumps(record).encode() + b"\n")


def _pending(call):
    _send({"status": "pending", "call": call, "line": _line(), "events": _events})


def _note(what, *args):
    if len(_events) < _MAX_EVENTS:
        _events.append({"event": what, "args": [_text(a) for a in args], "line": _line()})


def _hook(event, args):
    if event in ("os.exec", "os.posix_spawn", "subprocess.Popen", "os.system"):
        _pending(event)
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
    _send({"status": status, "events": _events})
    _exit(0)


main()
