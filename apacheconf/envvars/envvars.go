// Package envvars reads a shell file of environment settings, such as
// Debian's /etc/apache2/envvars, the way apache2ctl sources it before it
// starts httpd, so that ${APACHE_LOG_DIR} and friends resolve as they do on
// the server.
//
// The file is run by an embedded POSIX shell interpreter (mvdan.cc/sh), not
// by /bin/sh: it may assign, export, test and branch, but it cannot run
// programs or touch files, so reading a config never has side effects.
package envvars

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Read runs the file at path with env as its starting environment
// (NAME=VALUE strings; apache2ctl sets APACHE_CONFDIR and friends first)
// and returns the exported variables it ends with.
func Read(path string, env []string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(path, f, env)
}

// sentinel is the command run after the file to capture the environment
// it ends with; no file can name it by accident.
const sentinel = "\x00wsgidock-envvars-end"

// Parse is Read for a file already open.
func Parse(name string, r io.Reader, env []string) (map[string]string, error) {
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(r, name)
	if err != nil {
		return nil, err
	}
	var out map[string]string
	var refused error
	runner, err := interp.New(
		interp.Env(expand.ListEnviron(env...)),
		interp.StdIO(nil, io.Discard, io.Discard),
		interp.ExecHandlers(func(interp.ExecHandlerFunc) interp.ExecHandlerFunc {
			return func(ctx context.Context, args []string) error {
				if args[0] == sentinel {
					out = map[string]string{}
					env := interp.HandlerCtx(ctx).Env
					env.Each(func(name string, _ expand.Variable) bool {
						// Each can list a variable the file unset; Get
						// has the last word.
						if v := env.Get(name); v.IsSet() && v.Exported && v.Kind == expand.String {
							out[name] = v.Str
						}
						return true
					})
					return nil
				}
				if refused == nil {
					refused = fmt.Errorf("%s: running %q is not allowed: only variable settings are read", name, args[0])
				}
				return refused
			}
		}),
		interp.OpenHandler(func(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
			if path == "/dev/null" {
				return devNull{}, nil
			}
			if refused == nil {
				refused = fmt.Errorf("%s: opening %q is not allowed: only variable settings are read", name, path)
			}
			return nil, refused
		}),
	)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := runner.Run(ctx, file); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if refused != nil {
		return nil, refused
	}
	end := &syntax.CallExpr{Args: []*syntax.Word{{Parts: []syntax.WordPart{&syntax.Lit{Value: sentinel}}}}}
	if err := runner.Run(ctx, &syntax.Stmt{Cmd: end}); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

type devNull struct{}

func (devNull) Read([]byte) (int, error)    { return 0, io.EOF }
func (devNull) Write(p []byte) (int, error) { return len(p), nil }
func (devNull) Close() error                { return nil }
