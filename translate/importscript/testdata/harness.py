# Runs a launcher script the way mod_wsgi's WSGIImportScript does, but
# with the process-starting primitives replaced by recorders, and prints
# as JSON what the script would have run. Used by the differential test:
#     python3 harness.py SCRIPT
# Python's own os.exec*, subprocess and shlex code runs unchanged; only the
# lowest layers are replaced: os.execv and os.execve (which os.execl*,
# os.execvp* call), subprocess's fork_exec (which every subprocess
# function reaches through Popen), os.system, os.chdir, and the fork of
# os.spawn* (its child's exec is recorded in the process itself).
import hashlib
import json
import os
import subprocess
import sys

commands = []
state = {"cwd": None}


class Execed(BaseException):
    """Stops the script where the real exec would have replaced it."""


def environ_list(env):
    return sorted(k + "=" + v for k, v in env.items())


def record(path, argv, env_list, cwd, background=False):
    commands.append({
        "program": os.fsdecode(path),
        "args": [os.fsdecode(a) for a in argv],
        "env": env_list,
        "dir": cwd if cwd is not None else "",
        "background": background,
    })


def joined(cwd, path):
    if path is None:
        return state["cwd"]
    path = os.fsdecode(path)
    if state["cwd"] is None or path.startswith("/"):
        return path
    return os.path.join(state["cwd"], path)


def fake_execv(path, argv):
    if not argv:
        raise ValueError("execv() arg 2 must not be empty")
    record(path, argv, environ_list(os.environ), state["cwd"])
    raise Execed()


def fake_execve(path, argv, env):
    if not argv:
        raise ValueError("execv() arg 2 must not be empty")
    record(path, argv, environ_list(env), state["cwd"])
    raise Execed()


FAKE_PID = 4194303  # above any pid this machine hands out, never our child


def fake_fork_exec(args, executable_list, close_fds, fds, cwd, env_list, *rest):
    if any(c.isspace() for c in os.fsdecode(executable_list[0])):
        # A program named "docker run ..." exists nowhere: the real child
        # fails to exec it, and Popen raises this in the parent.
        raise FileNotFoundError(2, "No such file or directory", os.fsdecode(executable_list[0]))
    env = sorted(os.fsdecode(kv) for kv in env_list) if env_list is not None else environ_list(os.environ)
    record(executable_list[0], args, env, joined(state["cwd"], cwd), background=True)
    return FAKE_PID - len(commands)


def fake_system(command):
    record("/bin/sh", ["/bin/sh", "-c", command], environ_list(os.environ), state["cwd"])
    return 0


def fake_chdir(path):
    state["cwd"] = joined(state["cwd"], path)


real_wait = subprocess.Popen.wait


def waiting(self, *args, **kwargs):
    i = FAKE_PID - self.pid - 1
    if 0 <= i < len(commands):
        commands[i]["background"] = False
    return real_wait(self, *args, **kwargs)


def fake_spawnvef(mode, file, args, env, func):
    # os.spawn*: the exec of the same letters, in a child that never
    # exists; P_WAIT waits for it, P_NOWAIT leaves it running.
    if not isinstance(args, (tuple, list)):
        raise TypeError('argv must be a tuple or a list')
    if not args or not args[0]:
        raise ValueError('argv first element cannot be empty')
    try:
        if env is None:
            func(file, args)
        else:
            func(file, args, env)
    except Execed:
        pass
    if mode == os.P_NOWAIT:
        commands[-1]["background"] = True
        return FAKE_PID - len(commands)
    return 0


os._spawnvef = fake_spawnvef
os.execv = fake_execv
os.execve = fake_execve
os.system = fake_system
os.chdir = fake_chdir
subprocess._USE_POSIX_SPAWN = False
if hasattr(subprocess, "_fork_exec"):
    subprocess._fork_exec = fake_fork_exec
else:
    import _posixsubprocess
    _posixsubprocess.fork_exec = fake_fork_exec
subprocess.Popen.wait = waiting


def main():
    path = sys.argv[1]
    with open(path, "rb") as f:
        source = f.read()
    # mod_wsgi loads the script as a module named after the MD5 of its
    # path, so __name__ is never "__main__".
    module = {
        "__name__": "_mod_wsgi_" + hashlib.md5(path.encode()).hexdigest(),
        "__file__": path,
        "__builtins__": __builtins__,
    }
    status = "end"
    sys.argv = ["mod_wsgi"]  # as mod_wsgi sets it for every interpreter
    sys.stdout = sys.stderr  # the script's prints must not mix with the report
    try:
        exec(compile(source, path, "exec"), module)
    except Execed:
        status = "exec"
    except SystemExit:
        status = "exit"
    except BaseException as e:  # the script's own failure is the result
        status = "error: " + type(e).__name__ + ": " + str(e)
    json.dump({"status": status, "commands": commands}, sys.__stdout__)


main()
