package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/envvars"
)

// configFlags are the flags every command that reads one Apache config
// takes.
type configFlags struct {
	File string `arg:"" name:"FILE" help:"The main Apache configuration file (httpd.conf, apache2.conf)." type:"path" predictor:"file"`
	readFlags
}

// readFlags say how to read a config, as httpd's command line does: -d,
// -D, -C and -c mean what they mean to httpd.
type readFlags struct {
	ServerRoot   string   `short:"d" name:"server-root" placeholder:"DIR" help:"ServerRoot, as httpd's -d (default: the directory of FILE)." type:"path"`
	Define       []string `short:"D" sep:"none" name:"define" placeholder:"NAME" help:"Define NAME for <IfDefine>, as httpd's -D (repeatable). As with httpd, NAME=VALUE defines the name \"NAME=VALUE\"; use -C 'Define NAME VALUE' to set a variable."`
	Pre          []string `short:"C" sep:"none" name:"pre-directive" placeholder:"DIRECTIVE" help:"A directive read before FILE, as httpd's -C (repeatable)."`
	Post         []string `short:"c" sep:"none" name:"post-directive" placeholder:"DIRECTIVE" help:"A directive read after FILE, as httpd's -c (repeatable)."`
	Module       []string `name:"module" sep:"none" placeholder:"NAME" help:"Treat module NAME (ssl_module or mod_ssl.c) as loaded, for <IfModule> (repeatable)."`
	Envvars      string   `name:"envvars" placeholder:"FILE" help:"Read environment variables for $${VAR} from a shell file, as apache2ctl reads Debian's /etc/apache2/envvars." type:"path"`
	HTTPDVersion string   `name:"httpd-version" placeholder:"X.Y.Z" help:"The httpd version <IfVersion> compares with." default:"${httpd_version}"`
	NoFileChecks bool     `name:"no-file-checks" help:"Do not check, as httpd -t does, that the files and directories the config names exist on this machine (ServerRoot, LoadModule, DocumentRoot, SSL certificates, log directories, User and Group): for configs from another server."`
}

// options turns the flags into reader options.
func (c *readFlags) options() (apacheconf.Options, error) {
	opts := apacheconf.Options{
		ServerRoot:     c.ServerRoot,
		Defines:        c.Define,
		PreDirectives:  c.Pre,
		PostDirectives: c.Post,
		Modules:        c.Module,
		Version:        c.HTTPDVersion,
		NoFileChecks:   c.NoFileChecks,
	}
	if c.Envvars != "" {
		env := os.Environ()
		if os.Getenv("APACHE_CONFDIR") == "" {
			env = append(env, "APACHE_CONFDIR="+dirOf(c.Envvars))
		}
		vars, err := envvars.Read(c.Envvars, env)
		if err != nil {
			return opts, &exitError{code: exitUsage, msg: "reading --envvars: " + err.Error()}
		}
		opts.LookupEnv = func(name string) (string, bool) {
			if v, ok := vars[name]; ok {
				return v, true
			}
			return os.LookupEnv(name)
		}
	}
	return opts, nil
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i > 0 {
		return path[:i]
	}
	return "."
}

// load reads the configuration. Warnings go to stderr; a read error is
// reported there as FILE:LINE:COL: error: ... with the source line, and
// returned as an exit status 1. The tree is returned even then.
func (c *configFlags) load(stderr io.Writer) (*apacheconf.Tree, *apacheconf.ReadError, error) {
	opts, err := c.options()
	if err != nil {
		return nil, nil, err
	}
	tree, err := apacheconf.Load(c.File, opts)
	var re *apacheconf.ReadError
	if err != nil && !errors.As(err, &re) {
		return nil, nil, &exitError{code: exitUsage, msg: fmt.Sprintf("cannot read %s: %v", c.File, unwrapPathError(err))}
	}
	if len(tree.Warnings) > 0 {
		apacheconf.WriteText(stderr, tree.Warnings, tree.Source)
	}
	if re != nil {
		apacheconf.WriteText(stderr, apacheconf.Diagnostics{re.Diagnostic}, tree.Source)
	}
	return tree, re, nil
}

// unwrapPathError drops the operation and path a *PathError repeats.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// paceGC tunes the garbage collector for a command that reads a
// configuration into a tree it keeps to the end, and returns the function
// that restores the settings: percent is GOGC (0 leaves it alone), limit
// the soft memory limit in bytes. Collecting while the tree is built finds
// almost no garbage but scans every node, so parse and lint (percent -1:
// off) collect only near their memory limit. GOGC and GOMEMLIMIT in the
// environment win.
func paceGC(percent int, limit int64) (restore func()) {
	oldPercent, memLimit := -2, int64(-1)
	if os.Getenv("GOGC") == "" && percent != 0 {
		oldPercent = debug.SetGCPercent(percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		memLimit = debug.SetMemoryLimit(limit)
	}
	return func() {
		if oldPercent != -2 {
			debug.SetGCPercent(oldPercent)
		}
		if memLimit >= 0 {
			debug.SetMemoryLimit(memLimit)
		}
	}
}
