package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
	"github.com/wsgidock/wsgidock/apacheconf/check"
	"github.com/wsgidock/wsgidock/apacheconf/lint"
	"github.com/wsgidock/wsgidock/apacheconf/lint/report"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/importscript"
)

// lintCmd is `wsgidock lint`.
type lintCmd struct {
	Paths []string `arg:"" name:"FILE|DIR" help:"Configuration files to lint; a directory stands for every *.conf below it. A file another one includes is linted as part of it." predictor:"file"`
	readFlags
	Format  string   `name:"format" enum:"text,json,sarif,github,checkstyle,gitlab" default:"text" help:"How to report: text, json (docs/formats.md), sarif (SARIF 2.1.0), github (workflow commands), checkstyle (XML), gitlab (Code Quality)."`
	FailOn  string   `name:"fail-on" enum:",error,warning,never" default:"" help:"Exit 1 when a finding is at least this severe: error (default), warning or never."`
	Disable []string `name:"disable" placeholder:"CODE" help:"Do not report these rule codes (comma-separated, repeatable)."`
	Enable  []string `name:"enable" placeholder:"CODE" help:"Report these codes even when the settings file disables them (comma-separated, repeatable)."`
	Config  string   `name:"config" placeholder:"FILE" help:"Project settings for every file (default: for each file, the first .wsgidock.yaml in its directory or above)." type:"path"`
	evaluateFlags
}

// lintMemoryLimit is the memory lint asks the Go runtime to keep to, and
// the only thing that makes it collect (see paceGC): lint is a short-lived
// process whose tree lives to its end, and collecting while the tree is
// built and the checks run finds little garbage but scans every node. A
// 10,000-vhost configuration allocates about 95 MB in all, so the collector
// runs once or twice near the limit and the process stays under 96 MB; a
// configuration that keeps more than the limit live collects more often
// and grows past it (BENCHMARKS.md).
const lintMemoryLimit = 76 << 20

func (c *lintCmd) Run(io *streams) error {
	defer paceGC(-1, lintMemoryLimit)()
	files, err := lint.Files(c.Paths)
	if err != nil {
		return &exitError{code: exitUsage, msg: "cannot read " + pathOf(err) + ": " + unwrapPathError(err).Error()}
	}
	if len(files) == 0 {
		return &exitError{code: exitUsage, msg: "no *.conf file in " + strings.Join(c.Paths, ", ")}
	}
	rules := lintRules()
	known := map[string]apacheconf.Rule{}
	for _, r := range rules {
		known[r.Code] = r
	}
	walkCodes := map[string]bool{}
	for _, r := range check.Rules() {
		walkCodes[r.Code] = true
	}
	cache := map[string]*lintSettings{}
	opts, err := c.options()
	if err != nil {
		return err
	}
	lookup := opts.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	evaluate, err := c.evaluator(&c.readFlags)
	if err != nil {
		return err
	}
	// A configuration that loads no MPM cannot start httpd: it is a
	// fragment another configuration includes (a site, a module's .conf).
	// Which modules that one loads is not known here, so a fragment is read
	// and judged as if every module were loaded.
	fragment := map[*apacheconf.Tree]bool{}
	var everyModule []string
	for _, m := range catalog.Modules() {
		everyModule = append(everyModule, m.Name)
	}
	fragmentOpts := opts
	fragmentOpts.Modules = append(append([]string(nil), opts.Modules...), everyModule...)
	linter := lint.Linter{
		Known: known,
		Checks: []func(*apacheconf.Tree) apacheconf.Diagnostics{
			func(t *apacheconf.Tree) apacheconf.Diagnostics {
				if fragment[t] {
					return check.Check(t, check.Options{Modules: fragmentOpts.Modules})
				}
				// httpd -t checks files on the machine it runs on (certificates,
				// log and DocumentRoot directories, User); so does lint, unless
				// --no-file-checks. A fragment's including configuration is not
				// known, so its files are not judged.
				return check.Check(t, check.Options{Modules: opts.Modules, FileChecks: !opts.NoFileChecks})
			},
			lint.Check,
			func(t *apacheconf.Tree) apacheconf.Diagnostics {
				// Findings in a launcher script: its own suppression comments.
				ds := translate.Lint(t, translate.Options{FS: opts.FS, LookupEnv: lookup, Evaluate: evaluate})
				if !inLauncher(ds, t) {
					return ds // nothing for Suppress to read, and no copy
				}
				return importscript.Suppress(ds, t, opts.FS, known)
			},
		},
	}

	type loaded struct {
		tree    *apacheconf.Tree
		readErr *apacheconf.ReadError
	}
	var trees []loaded
	included := map[string]bool{}
	for _, f := range files {
		tree, err := apacheconf.Load(f, opts)
		var re *apacheconf.ReadError
		if err != nil && !errors.As(err, &re) {
			return &exitError{code: exitUsage, msg: fmt.Sprintf("cannot read %s: %v", f, unwrapPathError(err))}
		}
		if !loadsMPM(tree) {
			re = nil
			tree, err = apacheconf.Load(f, fragmentOpts)
			if err != nil && !errors.As(err, &re) {
				return &exitError{code: exitUsage, msg: fmt.Sprintf("cannot read %s: %v", f, unwrapPathError(err))}
			}
			fragment[tree] = true
		}
		for _, file := range tree.Files {
			if file.IncludedBy != nil && !file.Macro {
				included[realPath(file.Name)] = true
			}
		}
		trees = append(trees, loaded{tree, re})
	}
	var all apacheconf.Diagnostics
	failOn := lint.FailOn(c.FailOn)
	for i, l := range trees {
		set, err := c.settingsFor(files[i], known, cache)
		if err != nil {
			return err
		}
		if failOn == "" {
			failOn = set.failOn
		}
		if included[realPath(files[i])] {
			continue
		}
		fileLinter := linter
		fileLinter.Disabled = set.disabled
		if found := dropRefused(fileLinter.Lint(l.tree, l.readErr), walkCodes); all == nil {
			all = found
		} else {
			all = append(all, found...)
		}
	}
	if failOn == "" {
		failOn = lint.FailOnError
	}
	all = lint.Normalize(all)

	cwd, _ := os.Getwd()
	source := func(name string) (string, bool) {
		for _, l := range trees {
			if s, ok := l.tree.Source(name); ok {
				return s, true
			}
		}
		return apacheconf.DiskSource(name)
	}
	w := bufio.NewWriter(io.stdout)
	err = report.Write(w, c.Format, all, report.Options{
		Rules: rules, Source: source, Color: c.Format == "text" && colorful(io.stdout), BaseDir: cwd, Version: version,
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return &exitError{code: exitUsage, msg: "writing the report: " + err.Error()}
	}
	if failOn.Fails(all) {
		return &exitError{code: exitFindings}
	}
	return nil
}

// dropRefused leaves out the wsgi-app findings on a line the walk phase
// refuses (walkCodes are its codes): httpd's verdict on that line comes
// first, and the planner's, about a configuration httpd would not run,
// would repeat or contradict it.
func dropRefused(ds apacheconf.Diagnostics, walkCodes map[string]bool) apacheconf.Diagnostics {
	var refused map[apacheconf.Position]bool
	for _, d := range ds {
		if walkCodes[d.Code] && d.Severity >= apacheconf.SeverityError {
			if refused == nil {
				refused = map[apacheconf.Position]bool{}
			}
			refused[d.Pos()] = true
		}
	}
	if refused == nil {
		return ds
	}
	out := ds[:0]
	for _, d := range ds {
		if d.Code == translate.CodeApp && refused[d.Pos()] {
			continue
		}
		out = append(out, d)
	}
	return out
}

// inLauncher reports whether a finding is in a file other than the
// configuration's own, such as a launcher script, where
// importscript.Suppress reads suppression comments.
func inLauncher(ds apacheconf.Diagnostics, t *apacheconf.Tree) bool {
	conf := make(map[string]bool, len(t.Files))
	for _, f := range t.Files {
		conf[f.Name] = true
	}
	for _, d := range ds {
		if name := d.Subject.Start.Filename; name != "" && !conf[name] {
			return true
		}
	}
	return false
}

// loadsMPM reports whether a configuration loads a multi-processing
// module, without which httpd does not start.
func loadsMPM(t *apacheconf.Tree) bool {
	for _, m := range t.Modules {
		if strings.HasPrefix(m, "mpm_") {
			return true
		}
	}
	return false
}

// lintRules are the rules of every producer of findings.
func lintRules() []apacheconf.Rule {
	var rules []apacheconf.Rule
	rules = append(rules, lint.ReadRules()...)
	rules = append(rules, check.Rules()...)
	rules = append(rules, lint.Rules()...)
	rules = append(rules, translate.Rules()...)
	return rules
}

// lintSettings are what the settings file and the command line say for
// the files of one project.
type lintSettings struct {
	disabled map[string]bool
	failOn   lint.FailOn // "" when the settings file does not say
}

// settingsFor combines the settings that apply to a linted file (--config,
// or the first .wsgidock.yaml in its directory or above) with the command
// line, whose --disable and --enable win over the file's. Settings files
// are read once, through cache.
func (c *lintCmd) settingsFor(file string, known map[string]apacheconf.Rule, cache map[string]*lintSettings) (*lintSettings, error) {
	path := c.Config
	if path == "" {
		path = lint.FindConfig(filepath.Dir(file))
	}
	if s, ok := cache[path]; ok {
		return s, nil
	}
	cfg := &lint.Config{}
	if path != "" {
		var err error
		if cfg, err = lint.LoadConfig(path); err != nil {
			return nil, &exitError{code: exitUsage, msg: "reading settings: " + unwrapPathError(err).Error() + pathSuffix(err)}
		}
		if err := cfg.CheckCodes(known); err != nil {
			return nil, &exitError{code: exitUsage, msg: err.Error()}
		}
	}
	disabled := map[string]bool{}
	for _, code := range cfg.Disable {
		disabled[code] = true
	}
	for _, code := range cfg.Enable {
		delete(disabled, code)
	}
	for _, list := range []struct {
		codes []string
		on    bool
	}{{lint.SplitCodes(c.Disable), true}, {lint.SplitCodes(c.Enable), false}} {
		for _, code := range list.codes {
			if _, ok := known[code]; !ok {
				return nil, &exitError{code: exitUsage, msg: fmt.Sprintf("unknown rule code %q; docs/rules.md lists the codes", code)}
			}
			if list.on {
				disabled[code] = true
			} else {
				delete(disabled, code)
			}
		}
	}
	s := &lintSettings{disabled: disabled, failOn: cfg.FailOn}
	cache[path] = s
	return s, nil
}

// colorful reports whether text output should be coloured: stdout is a
// terminal and NO_COLOR is not set.
func colorful(w any) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// realPath resolves symbolic links, so that a file reached through two
// names counts once.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		if a, err := filepath.Abs(r); err == nil {
			return a
		}
		return r
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// pathOf is the path a *PathError names.
func pathOf(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Path
	}
	return ""
}

func pathSuffix(err error) string {
	if p := pathOf(err); p != "" {
		return " (" + p + ")"
	}
	return ""
}
