package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/envvars"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/emit"
	"github.com/wsgidock/wsgidock/translate/emit/apache"
	"github.com/wsgidock/wsgidock/translate/emit/bundle"
	"github.com/wsgidock/wsgidock/translate/emit/kube"
	"github.com/wsgidock/wsgidock/translate/emit/migration"
	"github.com/wsgidock/wsgidock/translate/emit/shell"
	"github.com/wsgidock/wsgidock/translate/emit/specjson"
	"github.com/wsgidock/wsgidock/translate/sandbox"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// planFlags are the flags of every command that plans services from a
// config: migrate, up, down, ps.
type planFlags struct {
	configFlags
	Project   string `name:"project" placeholder:"NAME" help:"Name of the set of services, in container names and labels (default: FILE's name without extension)."`
	Base      string `name:"base" enum:"express,debian" default:"express" help:"Image a WSGI application moved into a container is built on: express (a Python slim image, mod_wsgi from pip, run by mod_wsgi-express) or debian (Debian bookworm's apache2 and libapache2-mod-wsgi-py3, no package index needed)."`
	BaseImage string `name:"base-image" placeholder:"IMAGE" help:"Image the applications' Dockerfiles start FROM instead of the base's usual one (python:X.Y-slim, debian:bookworm-slim)."`
	AppPort   int    `name:"app-port" placeholder:"PORT" default:"8000" help:"First loopback port tried for the applications' containers; each takes the next port no other service publishes."`
	evaluateFlags
}

// evaluateFlags are the flags of the commands that read launchers (the
// planning ones and lint): whether to run what the static reader cannot
// follow, and for how long.
type evaluateFlags struct {
	EvaluateLaunchers bool          `name:"evaluate-launchers" help:"When a launcher script cannot be read without running it, run it with python3 as mod_wsgi would, inside a sandbox (new user, mount and network namespaces, read-only file system, private /tmp, no network, time and memory limits), and stop it just before it starts its program. Never done without this flag."`
	EvaluateTimeout   time.Duration `name:"evaluate-timeout" default:"10s" help:"Time limit of each launcher run by --evaluate-launchers."`
}

// evaluator is the planner's Evaluate for these flags: nil without
// --evaluate-launchers, else the sandbox, run with the environment httpd
// gives its daemon processes (read says where --envvars is).
func (e *evaluateFlags) evaluator(read *readFlags) (translate.Evaluator, error) {
	if !e.EvaluateLaunchers {
		return nil, nil
	}
	env, err := read.daemonEnv()
	if err != nil {
		return nil, err
	}
	return sandbox.Evaluator(context.Background(), env, sandbox.Limits{Time: e.EvaluateTimeout}), nil
}

// migrateCmd is `wsgidock migrate`.
type migrateCmd struct {
	planFlags
	Format       string `name:"format" enum:"sh,compose,kube,json,apache" default:"sh" help:"What to print: sh (a bash script of docker commands), compose, kube, json (the launch spec and report), apache (the front-end config with the managed daemon groups commented out)."`
	Out          string `short:"o" name:"output" placeholder:"DIR" help:"Write every format, the rewritten Apache files and MIGRATION.md into DIR, a new directory, atomically, instead of printing one format." type:"path"`
	Force        bool   `name:"force" help:"With -o, replace DIR even when it is not empty."`
	Strict       bool   `name:"strict" help:"Fail (exit 1, no output) when anything could not be carried over."`
	Engine       string `name:"engine" enum:",docker,podman" default:"" help:"Engine the shell script calls (default: the one each launcher called)."`
	Routing      string `name:"routing" enum:"ingress,httproute" default:"ingress" help:"How the kube output routes the front end's paths: an Ingress or Gateway API HTTPRoutes."`
	Gateway      string `name:"gateway" placeholder:"[NAMESPACE/]NAME" help:"Parent Gateway of the HTTPRoutes."`
	IngressClass string `name:"ingress-class" placeholder:"NAME" help:"ingressClassName of the Ingress."`
	Namespace    string `name:"namespace" placeholder:"NAME" help:"Namespace of every Kubernetes object."`
}

// plan reads the config and plans its services. Diagnostics go to stderr
// with their source lines; any error among them is a failure (exit 1).
func (c *planFlags) plan(stderr io.Writer) (*apacheconf.Tree, *spec.Spec, *spec.Report, error) {
	tree, readErr, err := c.load(stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	if readErr != nil {
		return nil, nil, nil, &exitError{code: exitFindings}
	}
	opts, err := c.options()
	if err != nil {
		return nil, nil, nil, err
	}
	// Launchers see the environment httpd had: the machine's, plus the
	// envvars file apache2ctl reads.
	lookup := opts.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	popts := translate.Options{Project: c.Project, FS: opts.FS, LookupEnv: lookup,
		Base: spec.Base(c.Base), BaseImage: c.BaseImage, AppPort: c.AppPort}
	if popts.Envvars, err = c.envvarsEffect(); err != nil {
		return nil, nil, nil, err
	}
	if popts.Evaluate, err = c.evaluator(&c.readFlags); err != nil {
		return nil, nil, nil, err
	}
	sp, report, diags := translate.Plan(tree, popts)
	source := func(name string) (string, bool) {
		if s, ok := tree.Source(name); ok {
			return s, true
		}
		return apacheconf.DiskSource(name)
	}
	apacheconf.WriteText(stderr, diags, source)
	if diags.HasErrors() {
		return nil, nil, nil, &exitError{code: exitFindings, msg: "the configuration cannot be migrated as it is; see the errors above"}
	}
	return tree, sp, report, nil
}

// daemonEnv is the environment httpd gives its daemon processes, as
// --evaluate-launchers runs launchers with it: the machine's, with the
// --envvars file's variables set on top, as apache2ctl does.
func (c *readFlags) daemonEnv() ([]string, error) {
	env := os.Environ()
	if c.Envvars == "" {
		return env, nil
	}
	if os.Getenv("APACHE_CONFDIR") == "" {
		env = append(env, "APACHE_CONFDIR="+dirOf(c.Envvars))
	}
	vars, err := envvars.Read(c.Envvars, env)
	if err != nil {
		return nil, &exitError{code: exitUsage, msg: "reading --envvars: " + err.Error()}
	}
	out := []string{}
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !hasKey(vars, k) {
			out = append(out, kv)
		}
	}
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out, nil
}

// envvarsEffect is what the --envvars file does to the environment
// apache2ctl starts httpd with, which the applications' daemon processes
// see: the variables it exports with a value other than the one they had,
// and those it unsets. Nil without --envvars.
func (c *readFlags) envvarsEffect() (*translate.Envvars, error) {
	if c.Envvars == "" {
		return nil, nil
	}
	env := os.Environ()
	if os.Getenv("APACHE_CONFDIR") == "" {
		env = append(env, "APACHE_CONFDIR="+dirOf(c.Envvars))
	}
	vars, err := envvars.Read(c.Envvars, env)
	if err != nil {
		return nil, &exitError{code: exitUsage, msg: "reading --envvars: " + err.Error()}
	}
	before := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		before[k] = v
	}
	e := &translate.Envvars{File: c.Envvars, Set: map[string]string{}}
	for k, v := range vars {
		if old, ok := before[k]; (!ok || old != v) && !shellOwn[k] {
			e.Set[k] = v
		}
	}
	for k := range before {
		if _, ok := vars[k]; !ok && !shellOwn[k] {
			e.Unset = append(e.Unset, k)
		}
	}
	sort.Strings(e.Unset)
	return e, nil
}

// shellOwn are the variables a shell keeps itself, which say where and
// how the shell that read the envvars file ran, not what the file set.
var shellOwn = map[string]bool{"PWD": true, "OLDPWD": true, "SHLVL": true, "_": true, "PPID": true,
	"UID": true, "EUID": true, "GID": true, "IFS": true, "OPTIND": true, "PS1": true, "PS2": true, "PS4": true}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// migrateHeap is the heap size migrate lets the collector wait for.
const migrateHeap = 200 << 20

// collectLate makes the garbage collector of a migrate run wait until the
// heap reaches migrateHeap, unless GOGC or GOMEMLIMIT say otherwise:
// migrate is a short run that allocates much and keeps little, and
// collecting at every doubling of a small heap cost a quarter of its time
// at 10,000 daemon groups. Past migrateHeap it collects as the limit
// requires (the runtime bounds that work to half the CPU). The returned
// function puts the collector back as it was.
func collectLate() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	limit := debug.SetMemoryLimit(migrateHeap)
	percent := debug.SetGCPercent(-1)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}

func (c *migrateCmd) Run(io *streams) error {
	// With -o, each format is written to its file as it is made: what
	// stays live is the plan and the working memory of two formats,
	// under migrateHeap at 10,000 daemon groups.
	defer collectLate()()
	tree, sp, report, err := c.plan(io.stderr)
	if err != nil {
		return err
	}
	opts := emit.Options{
		Shell: shell.Options{Engine: c.Engine},
		Kube:  kube.Options{Routing: kube.Routing(c.Routing), Gateway: c.Gateway, IngressClass: c.IngressClass, Namespace: c.Namespace},
	}
	if c.Routing == "ingress" {
		opts.Kube.Routing = kube.RoutingIngress
	} else {
		opts.Kube.Routing = kube.RoutingHTTPRoute
	}
	if c.Out != "" {
		return c.writeAll(io, tree, sp, report, opts)
	}
	var out []byte
	var notes []spec.Item
	if c.Format == "apache" {
		files, n, err := apache.Rewrite(tree, sp)
		if err != nil {
			return err
		}
		switch len(files) {
		case 0:
			return &exitError{code: exitFindings, msg: "no daemon group of this config becomes a service: there is nothing to rewrite"}
		case 1:
			out = files[0].Data
		default:
			var names []string
			for _, f := range files {
				names = append(names, f.Name)
			}
			return &exitError{code: exitUsage, msg: fmt.Sprintf("the rewrite changes %d files (%s); use -o DIR to write them all", len(files), strings.Join(names, ", "))}
		}
		notes = n
	} else if c.Format == string(emit.FormatJSON) {
		// The JSON document is written as it is made: at 10,000
		// services it is tens of megabytes.
		if err := c.reportUnmapped(io.stderr, report, nil); err != nil {
			return err
		}
		bw := bufio.NewWriterSize(io.stdout, 64<<10)
		if err := specjson.Write(bw, sp, report); err != nil {
			return &exitError{code: exitFindings, msg: err.Error()}
		}
		return bw.Flush()
	} else {
		file, n, err := emit.Main(emit.Format(c.Format), sp, report, opts)
		if err != nil {
			return &exitError{code: exitFindings, msg: err.Error()}
		}
		out, notes = file.Data, n
	}
	if err := c.reportUnmapped(io.stderr, report, notes); err != nil {
		return err
	}
	_, err = io.stdout.Write(out)
	return err
}

// reportUnmapped writes what could not be carried over as positioned
// warnings, and fails under --strict. Notes about what wsgidock adapted by
// itself (Info) are left to MIGRATION.md. The same item for more than
// maxRepeats services (the same option in every virtual host) is one
// warning with the count and the first places; MIGRATION.md lists each.
// maxRepeats is how many warnings of one item migrate writes before it
// sums them up in one.
const maxRepeats = 3

func (c *migrateCmd) reportUnmapped(w io.Writer, report *spec.Report, notes []spec.Item) error {
	items := make([]spec.Item, 0, len(report.Unmapped)+len(notes))
	items = append(items, report.Unmapped...)
	for _, it := range notes {
		if !it.Info {
			items = append(items, it)
		}
	}
	ds := make(apacheconf.Diagnostics, 0, len(items))
	reasons := map[string]int{}
	for _, it := range items {
		summary := it.What + ": " + it.Why
		if it.Service != "" {
			summary = it.Service + ": " + summary
		}
		// Detail holds what makes two items the same; Code the service.
		ds = append(ds, apacheconf.Diagnostic{Severity: apacheconf.SeverityWarning, Code: it.Service, Summary: summary,
			Subject: apacheconf.Range{Start: it.Source}, Detail: it.What + ": " + it.Why})
		reasons[it.What+": "+it.Why]++
	}
	ds.Sort()
	// The places of each repeated item after its first, up to maxRepeats.
	places := map[string][]string{}
	for _, d := range ds {
		if reasons[d.Detail] > maxRepeats {
			if p, seen := places[d.Detail]; !seen {
				places[d.Detail] = []string{}
			} else if len(p) < maxRepeats {
				place := d.Subject.Start.String()
				if d.Code != "" {
					place = d.Code + " at " + place
				}
				places[d.Detail] = append(p, place)
			}
		}
	}
	hint := "migrate -o DIR lists each in " + emit.MigrationFile
	if c.Out != "" {
		hint = "each is in " + filepath.Join(c.Out, emit.MigrationFile)
	}
	bw := bufio.NewWriter(w)
	summed := map[string]bool{}
	for _, d := range ds {
		if n := reasons[d.Detail]; n > maxRepeats {
			if summed[d.Detail] {
				continue // summed up at its first place
			}
			summed[d.Detail] = true
			at := strings.Join(places[d.Detail], ", ")
			if n-1 > len(places[d.Detail]) {
				at += ", ..."
			}
			d.Summary += fmt.Sprintf(" (and %d more like it: %s; %s)", n-1, at, hint)
		}
		fmt.Fprintln(bw, d.Error())
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if c.Strict && len(items) > 0 {
		return &exitError{code: exitFindings, msg: fmt.Sprintf("--strict: %d items could not be carried over (listed above, each in %s)", len(items), emit.MigrationFile)}
	}
	return nil
}

// writeAll writes every format, the rewritten Apache files and one
// MIGRATION.md into a new directory.
func (c *migrateCmd) writeAll(io *streams, tree *apacheconf.Tree, sp *spec.Spec, report *spec.Report, opts emit.Options) (err error) {
	// Each file is written to the new directory as it is made, by
	// writeJobs jobs at a time; nothing is in place of -o DIR until the
	// end, and a failure leaves nothing.
	dw, err := emit.NewDirWriter(c.Out, c.Force)
	if err != nil {
		return dirError(c.Out, err)
	}
	defer func() {
		if err != nil {
			dw.Abort()
		}
	}()
	// Each job writes its files and returns their names and its notes,
	// in the order they are listed and reported in.
	type result struct {
		names []string
		notes []spec.Item
		err   error
	}
	put := func(r *result, f emit.File) error {
		r.names = append(r.names, f.Name)
		if err := dw.Put(f); err != nil {
			return dirError(c.Out, err)
		}
		return nil
	}
	var jobs []func(r *result)
	var results []result
	for _, f := range emit.Formats {
		jobs = append(jobs, func(r *result) {
			file, err := emit.FileOf(f)
			if err != nil {
				r.err = err
				return
			}
			r.names = append(r.names, file.Name)
			out, err := dw.Create(file.Name, file.Mode)
			if err != nil {
				r.err = dirError(c.Out, err)
				return
			}
			n, err := emit.Write(out, f, sp, report, opts)
			// A failed write to the file fails its Close too: a disk
			// error, not the format's.
			if cerr := out.Close(); cerr != nil {
				r.err = dirError(c.Out, cerr)
				return
			}
			if err != nil {
				r.err = &exitError{code: exitFindings, msg: fmt.Sprintf("%s: %v", f, err)}
				return
			}
			for _, it := range n {
				it.What = fmt.Sprintf("%s (%s)", it.What, f)
				r.notes = append(r.notes, it)
			}
		})
	}
	jobs = append(jobs, func(r *result) {
		rewritten, n, err := apache.Rewrite(tree, sp)
		if err != nil {
			r.err = err
			return
		}
		for _, it := range n {
			it.What = fmt.Sprintf("%s (apache)", it.What)
			r.notes = append(r.notes, it)
		}
		for _, f := range rewritten {
			if r.err = put(r, emit.File{Name: filepath.Join("apache", apacheOutName(tree, f.Name)), Data: f.Data, Mode: 0o644}); r.err != nil {
				return
			}
		}
	}, func(r *result) {
		apps, err := bundle.Files(sp)
		if err != nil {
			r.err = &exitError{code: exitFindings, msg: err.Error()}
			return
		}
		for _, f := range apps {
			mode := fs.FileMode(0o644)
			if f.Executable {
				mode = 0o755
			}
			if r.err = put(r, emit.File{Name: f.Name, Data: f.Data, Mode: mode}); r.err != nil {
				return
			}
		}
	})
	// MIGRATION.md needs every note, so it is made after the jobs that
	// give them, and the warnings of the notes with it, into a buffer
	// shown once every file is made; spec.json, which has no notes, is
	// made beside it. The largest formats start first.
	var warnings bytes.Buffer
	var warned, mdErr error
	json := slices.Index(emit.Formats, emit.FormatJSON)
	notesDone := make(chan struct{})
	jobs = append(jobs, func(r *result) {
		<-notesDone
		var notes []spec.Item
		for i := range len(results) - 1 {
			if i == json {
				continue // still being made, and without notes
			}
			if results[i].err != nil {
				return // the first failure is reported, nothing else
			}
			notes = append(notes, results[i].notes...)
		}
		warned = c.reportUnmapped(&warnings, report, notes)
		r.names = []string{emit.MigrationFile}
		mdErr = c.writeMigration(dw, sp, report, notes)
	})
	results = make([]result, len(jobs))
	order := startOrder(len(jobs), json)
	var noted sync.WaitGroup
	noted.Add(len(jobs) - 2) // all but spec.json and MIGRATION.md
	go func() { noted.Wait(); close(notesDone) }()
	runJobs(order, func(i int) {
		jobs[i](&results[i])
		if i != json && i != len(jobs)-1 {
			noted.Done()
		}
	})
	var names []string
	for _, r := range results {
		if r.err != nil {
			return r.err
		}
		names = append(names, r.names...)
	}
	if _, err := io.stderr.Write(warnings.Bytes()); err != nil {
		return err
	}
	if warned != nil {
		return warned
	}
	if mdErr != nil {
		return mdErr
	}
	if err := dw.Commit(); err != nil {
		return dirError(c.Out, err)
	}
	fmt.Fprintf(io.stderr, "wrote %s: %s\n", c.Out, strings.Join(names, ", "))
	return nil
}

// writeMigration writes MIGRATION.md into the new directory.
func (c *migrateCmd) writeMigration(dw *emit.DirWriter, sp *spec.Spec, report *spec.Report, notes []spec.Item) error {
	md, err := dw.Create(emit.MigrationFile, 0)
	if err != nil {
		return dirError(c.Out, err)
	}
	err = migration.Write(md, sp, report, migrationFormats, notes)
	if cerr := md.Close(); cerr != nil {
		return dirError(c.Out, cerr)
	}
	return err
}

// writeJobs is how many of -o DIR's files are made at once: the machines
// it runs on have a few cores, and each job holds one format's working
// memory.
const writeJobs = 2

// startOrder is the order in which writeAll starts its n jobs: the
// formats' from the largest (kube, compose, then the others as listed),
// then the apache rewrite and the bundles, then MIGRATION.md, which waits
// for all of them, and last spec.json (job json), made while
// MIGRATION.md is.
func startOrder(n, json int) []int {
	kube, compose := slices.Index(emit.Formats, emit.FormatKube), slices.Index(emit.Formats, emit.FormatCompose)
	order := []int{kube, compose}
	for i := range n - 1 {
		if i != kube && i != compose && i != json {
			order = append(order, i)
		}
	}
	return append(order, n-1, json)
}

// runJobs runs job(i) for each i of order, writeJobs at a time, in that
// order of start, and returns when all have ended.
func runJobs(order []int, job func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(writeJobs, len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				job(i)
			}
		}()
	}
	for _, i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
}

// dirError is the exit error of a failure to write -o DIR.
func dirError(dir string, err error) error {
	if errors.Is(err, emit.ErrNotEmpty) {
		return &exitError{code: exitUsage, msg: fmt.Sprintf("%s is not empty; choose a new directory or give --force to replace it", dir)}
	}
	return &exitError{code: exitUsage, msg: err.Error()}
}

// apacheOutName places a rewritten file in the output directory: its path
// below ServerRoot, or its absolute path without the leading slash.
func apacheOutName(tree *apacheconf.Tree, name string) string {
	if rel, err := filepath.Rel(tree.ServerRoot, name); err == nil && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel) {
		return rel
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		abs = name
	}
	return strings.TrimPrefix(abs, string(os.PathSeparator))
}

// migrationFormats is how MIGRATION.md of -o DIR names the outputs its
// notes come from.
const migrationFormats = "sh, compose, kube or apache"
