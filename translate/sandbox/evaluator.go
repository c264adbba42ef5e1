package sandbox

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/importscript"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Evaluator returns the function translate.Options.Evaluate takes: it
// runs each launcher in the sandbox with env as the daemon's environment
// and describes its first program as importscript does, with the events
// before it as report items.
func Evaluator(ctx context.Context, env []string, lim Limits) func(script, dir string) (*importscript.Launch, []spec.Item, error) {
	return func(script, dir string) (*importscript.Launch, []spec.Item, error) {
		res, err := Run(ctx, Request{Script: script, Env: env, Dir: dir, Limits: lim})
		if err != nil {
			return nil, nil, err
		}
		return res.Launch(script, env, dir)
	}
}

// Launch describes the run's program as the static reader would: the
// environment as changes on top of base (or a whole one, when the script
// removed a variable), the directory when it is not the daemon's.
func (r *Result) Launch(script string, base []string, dir string) (*importscript.Launch, []spec.Item, error) {
	at := apacheconf.Position{Filename: script, Line: r.Line, Column: 1}
	if r.Line == 0 {
		at.Line = 1
	}
	events := r.items(script)
	if r.Status != "launch" {
		if r.Tried != nil {
			return nil, events, fmt.Errorf("the script ends with %s after trying to start %s, which is not an executable file on this machine", r.Status, r.Tried.Program)
		}
		return nil, events, fmt.Errorf("the script ran to its end without starting a program (%s)", r.Status)
	}
	if len(r.Args) == 0 {
		return nil, events, fmt.Errorf("the script starts %s with an empty argv", r.Program)
	}
	cmd := &importscript.Command{Call: r.Call, Pos: at, Program: r.Program, SearchPath: !strings.Contains(r.Program, "/"), Args: r.Args}
	for range r.Args {
		cmd.ArgPos = append(cmd.ArgPos, at)
	}
	var setup []importscript.Command
	// A shell's command line (os.system, shell=True) is taken apart as the
	// static reader does; the commands of a list before the last one are
	// setup, which never ran here (the shell did not start).
	if len(r.Args) == 3 && r.Args[1] == "-c" && (r.Program == "/bin/sh" || r.Args[0] == "/bin/sh") {
		sh, before, err := importscript.ShellCommand(r.Args[2], at, r.Call)
		if err != nil {
			if r.Call == "os.system" {
				return nil, events, fmt.Errorf("the script runs /bin/sh -c %q, which wsgidock cannot take apart: %v", r.Args[2], err)
			}
		} else {
			cmd, setup = sh, before
		}
	}
	if dir == "" {
		dir = "/"
	}
	ran := "" // where the program (or the shell) started, when not the daemon's own directory
	if r.Cwd != dir {
		ran = r.Cwd
	}
	// A cd in the shell's list moves the commands after it from there.
	cmd.Dir = underDir(ran, cmd.Dir)
	// The shell's NAME=value prefixes apply on top of the environment.
	changes, replace := envChanges(base, r.Env)
	for i := range setup {
		setup[i].Dir = underDir(ran, setup[i].Dir)
		setup[i].Env, setup[i].ReplaceEnv = append(append([]string(nil), changes...), setup[i].Env...), replace
	}
	cmd.Env, cmd.ReplaceEnv = append(changes, cmd.Env...), replace
	return &importscript.Launch{Command: *cmd, Setup: setup}, events, nil
}

// underDir is dir, a directory a shell's cd gave (or ""), from the
// directory base the shell started in ("" for the daemon's own).
func underDir(base, dir string) string {
	switch {
	case dir == "":
		return base
	case strings.HasPrefix(dir, "/") || base == "":
		return dir
	}
	return path.Join(base, dir)
}

// envChanges is env as the entries that differ from base, or the whole
// of env when a variable of base is gone.
func envChanges(base, env []string) ([]string, bool) {
	old := map[string]string{}
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		old[k] = v
	}
	now := map[string]bool{}
	var changed []string
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		now[k] = true
		if ov, ok := old[k]; !ok || ov != v {
			changed = append(changed, kv)
		}
	}
	for k := range old {
		if !now[k] {
			whole := append([]string(nil), env...)
			sort.Strings(whole)
			return whole, true
		}
	}
	sort.Strings(changed)
	return changed, false
}

// items are the run's events as report items: what the script did before
// it started its program, which wsgidock will not do.
func (r *Result) items(script string) []spec.Item {
	var out []spec.Item
	for _, e := range r.Events {
		at := apacheconf.Position{Filename: script, Line: max(e.Line, 1), Column: 1}
		out = append(out, spec.Item{What: e.Event + " " + strings.Join(e.Args, " "),
			Why: "the launcher did this before it started its program (seen when it ran in the sandbox, where it changed nothing); wsgidock does not do it", Source: at})
	}
	return out
}
