// Command wsgidock reads Apache httpd configuration and turns its mod_wsgi
// daemon groups into containers: it prints or writes their launch specs,
// runs and supervises them, and checks configs as httpd does.
//
// This package only wires the command line to the library packages.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"
	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/sandbox"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit statuses, the same for every command.
const (
	exitOK       = 0
	exitFindings = 1 // findings, a config error, a failed service
	exitUsage    = 2 // bad usage or an I/O error
)

// cli is the whole command line. Each command is a struct with a Run method
// in a file of its own.
type cli struct {
	Version kong.VersionFlag `help:"Print the version and exit."`

	Parse   parseCmd   `cmd:"" help:"Read an Apache config as httpd does and print its tree as JSON, or the effective config (--flatten)."`
	Lint    lintCmd    `cmd:"" help:"Check Apache configs as httpd -t does, and for what httpd accepts but is probably wrong; report as text, json, sarif, github, checkstyle or gitlab."`
	Migrate migrateCmd `cmd:"" help:"Turn the mod_wsgi daemon groups of an Apache config into launch specs: a shell script (default), compose, Kubernetes, JSON, or the rewritten Apache config."`
	Up      upCmd      `cmd:"" help:"Run the services of an Apache config's daemon groups and supervise them (foreground), or start them for the engine to keep (--detach)."`
	Reload  reloadCmd  `cmd:"" help:"Apply a changed config to its running services: only what changed is replaced, started or stopped; a config that does not read or plan changes nothing."`
	Down    downCmd    `cmd:"" help:"Stop and remove every container and process wsgidock started for the config, by the stop schedule."`
	Logs    logsCmd    `cmd:"" help:"Show the output of the config's running containers, foreground or detached, behind the same service prefixes as up; -f follows them across restarts."`
	Ps      psCmd      `cmd:"" help:"Show each service: container, state, uptime, restarts, ports, readiness."`

	InstallCompletions kongplete.InstallCompletions `cmd:"" help:"Install shell completion for bash, zsh or fish."`
}

// exitError carries an exit status out of a command. A command that has
// already told the user what went wrong returns one with an empty message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// streams are the standard streams, replaceable in tests.
type streams struct {
	stdout io.Writer
	stderr io.Writer
}

func main() {
	sandbox.Init() // the sandbox of --evaluate-launchers re-executes this binary
	os.Exit(run(os.Args[1:], streams{stdout: os.Stdout, stderr: os.Stderr}))
}

func run(args []string, io streams) (code int) {
	// kong and kongplete end the program through kong.Exit (--help,
	// --version, a completion request); that unwinds to here.
	defer func() {
		if r := recover(); r != nil {
			k, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			code = int(k)
		}
	}()
	var c cli
	parser, err := kong.New(&c,
		kong.Name("wsgidock"),
		kong.Description("Read Apache httpd + mod_wsgi configs and run their daemon groups as containers."),
		kong.UsageOnError(),
		kong.Vars{"version": version, "httpd_version": apacheconf.DefaultVersion},
		kong.Writers(io.stdout, io.stderr),
		kong.Exit(func(code int) { panic(kongExit(code)) }),
		kong.Bind(&io),
	)
	if err != nil {
		fmt.Fprintln(io.stderr, "wsgidock:", err)
		return exitUsage
	}
	kongplete.Complete(parser, kongplete.WithPredictor("file", complete.PredictFiles("*")))
	return runParsed(parser, args, io)
}

// kongExit is how kong's own exits (--help, --version) unwind to run.
type kongExit int

func runParsed(parser *kong.Kong, args []string, io streams) int {
	ctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintln(io.stderr, "wsgidock:", err)
		return exitUsage
	}
	if err := ctx.Run(); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(io.stderr, "wsgidock:", ee.msg)
			}
			return ee.code
		}
		fmt.Fprintln(io.stderr, "wsgidock:", err)
		return exitUsage
	}
	return exitOK
}
