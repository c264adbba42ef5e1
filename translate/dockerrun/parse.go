package dockerrun

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/distribution/reference"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// The engines whose `run` command line this package reads.
const (
	Docker = "docker"
	Podman = "podman"
)

// Diagnostic codes.
const (
	// CodeCommand: the argv is no `run` command, or one that runs nothing
	// (--help, --version).
	CodeCommand = "docker-run-command"
	// CodeFlag: an unknown flag or a malformed one.
	CodeFlag = "docker-run-flag"
	// CodeValue: a flag without its value, or with one the engine refuses.
	CodeValue = "docker-run-value"
	// CodeImage: no image, or a name that is no image reference.
	CodeImage = "docker-run-image"
	// CodeMapping: a flag wsgidock changes, drops or cannot vouch for.
	CodeMapping = "docker-run-mapping"
)

// Run is a parsed `run` command line: what the engine program was given.
type Run struct {
	// Engine is Docker or Podman.
	Engine string
	// Global are the engine's own options, before the subcommand.
	Global []Option
	// Subcommand is ["run"] or ["container", "run"].
	Subcommand []string
	// SubcommandPos is where the subcommand's first word is.
	SubcommandPos apacheconf.Position
	// Options are the run options in the order given.
	Options  []Option
	Image    string
	ImagePos apacheconf.Position
	// Command is everything after the image, flags included.
	Command    []string
	CommandPos []apacheconf.Position
}

// Option is one flag as the engine read it. A group of short flags (-itd)
// gives one Option per flag.
type Option struct {
	// Name is the canonical long form, aliases resolved: "--network" for
	// --net.
	Name string
	// Written is the flag as the user wrote it: "-p", "--net".
	Written string
	// Value is the flag's value; for a boolean flag it is set only when
	// written (--rm=false).
	Value string
	// HasValue says whether Value was given: always for value flags.
	HasValue bool
	// Bool says the flag takes no value (it may still have =VALUE).
	Bool bool
	// Pos is where the flag is; ValuePos where its value is, the same
	// place unless the value is the next argument.
	Pos      apacheconf.Position
	ValuePos apacheconf.Position
}

// On is the value of a boolean option: true unless written =false.
func (o Option) On() bool {
	if !o.HasValue {
		return true
	}
	b, err := strconv.ParseBool(o.Value)
	return err == nil && b
}

// EngineOf tells whether a program path names a container engine whose CLI
// this package reads, and which: "/usr/local/bin/docker", "podman",
// "podman-remote", `C:\Program Files\Docker\docker.exe`.
func EngineOf(program string) (string, bool) {
	base := program[strings.LastIndexAny(program, `/\`)+1:]
	if len(base) > 4 && strings.EqualFold(base[len(base)-4:], ".exe") {
		// Windows file names ignore case.
		base = strings.ToLower(base[:len(base)-4])
	}
	switch base {
	case "docker":
		return Docker, true
	case "podman", "podman-remote":
		return Podman, true
	}
	return "", false
}

// IsRun reports whether args, the arguments after the engine program, are a
// `run` or `container run` command, possibly after the engine's own options.
func IsRun(engine string, args []string) bool {
	p := parser{engine: engine, args: args}
	_, ok := p.subcommand()
	return ok
}

// Parse reads the arguments given to an engine program exactly as the
// engine's flag parser (cobra and pflag) does: flags until the first
// non-flag word or "--", that word the image, the rest the command, even
// where it looks like flags. pos holds each argument's place in the
// launcher script; it may be shorter than args (missing places are
// unknown). Parse reads flags, not their meaning: Apply checks values.
// The Run is nil only for an engine other than Docker and Podman; after
// an error it holds what was read before it.
func Parse(engine string, args []string, pos []apacheconf.Position) (*Run, apacheconf.Diagnostics) {
	p := parser{engine: engine, args: args, pos: pos}
	if engine != Docker && engine != Podman {
		p.errorf(CodeCommand, p.posAt(0), fmt.Sprintf("unknown container engine %q", engine),
			"wsgidock reads the command lines of docker and podman only")
		return nil, p.diags
	}
	r := &Run{Engine: engine}
	sub, ok := p.subcommand()
	r.Global = p.global
	if !ok {
		if !p.diags.HasErrors() {
			p.notRun(sub)
		}
		return r, p.diags
	}
	r.Subcommand = sub
	r.SubcommandPos = p.posAt(p.i - len(sub))
	runScope := dockerRun
	if engine == Podman {
		runScope = podmanRun
	}
	r.Options, ok = p.options(runScope)
	for _, o := range r.Options {
		if o.Name == "--help" && o.On() {
			p.errorf(CodeCommand, o.Pos, engine+" run --help prints the usage and runs no container",
				"remove --help from the launcher's command line")
		}
	}
	if !ok {
		return r, p.diags
	}
	if p.i >= len(args) {
		p.errorf(CodeImage, p.posAt(len(args)-1), "'"+engine+" run' requires at least 1 argument: the image",
			"name the image after the options: "+engine+" run [OPTIONS] IMAGE [COMMAND] [ARG...]")
		return r, p.diags
	}
	r.Image, r.ImagePos = args[p.i], p.posAt(p.i)
	p.checkImage(r.Image, r.ImagePos)
	for j := p.i + 1; j < len(args); j++ {
		r.Command = append(r.Command, args[j])
		r.CommandPos = append(r.CommandPos, p.posAt(j))
	}
	return r, p.diags
}

// parser walks one argv.
type parser struct {
	engine string
	args   []string
	pos    []apacheconf.Position
	i      int // next argument
	global []Option
	diags  apacheconf.Diagnostics
}

func (p *parser) posAt(i int) apacheconf.Position {
	if i >= 0 && i < len(p.pos) {
		return p.pos[i]
	}
	return apacheconf.Position{}
}

func (p *parser) diag(sev apacheconf.Severity, code string, at apacheconf.Position, summary, detail string) {
	p.diags = append(p.diags, apacheconf.Diagnostic{
		Severity: sev,
		Code:     code,
		Summary:  summary,
		Detail:   detail,
		Subject:  apacheconf.Range{Start: at, End: at},
	})
}

func (p *parser) errorf(code string, at apacheconf.Position, summary, detail string) {
	p.diag(apacheconf.SeverityError, code, at, summary, detail)
}

// subcommand reads the engine's own options and the subcommand words. It
// reports whether they make a run command; sub holds the words read.
func (p *parser) subcommand() (sub []string, ok bool) {
	top := dockerTop
	if p.engine == Podman {
		top = podmanTop
	}
	p.global, ok = p.options(top)
	if !ok {
		return nil, false
	}
	for _, o := range p.global {
		if (o.Name == "--help" || o.Name == "--version") && o.On() {
			p.errorf(CodeCommand, o.Pos, fmt.Sprintf("%s %s prints %s and runs no container", p.engine, o.Written, strings.TrimPrefix(o.Name, "--")),
				"remove "+o.Written+" from the launcher's command line")
			return nil, false
		}
	}
	if p.i < len(p.args) && p.args[p.i] == "container" {
		sub = append(sub, "container")
		p.i++
	}
	if p.i < len(p.args) && p.args[p.i] == "run" {
		p.i++
		return append(sub, "run"), true
	}
	if p.i < len(p.args) {
		sub = append(sub, p.args[p.i])
	}
	return sub, false
}

func (p *parser) notRun(sub []string) {
	if len(sub) == 0 {
		p.errorf(CodeCommand, p.posAt(p.i-1), "the "+p.engine+" command line has no subcommand",
			"wsgidock runs launchers that exec `"+p.engine+" run ...`")
		return
	}
	words := strings.Join(sub, " ")
	p.errorf(CodeCommand, p.posAt(p.i), fmt.Sprintf("`%s %s` is not a run command", p.engine, words),
		"wsgidock turns launchers that exec `"+p.engine+" run ...` or `"+p.engine+" container run ...` into services")
}

// options reads flags of one scope until the first non-flag word, which it
// leaves at p.i, or "--", which it consumes. ok is false after an error
// that stops the engine's parser.
func (p *parser) options(sc scope) (opts []Option, ok bool) {
	fs := flagSets[sc]
	for p.i < len(p.args) {
		s := p.args[p.i]
		if len(s) < 2 || s[0] != '-' {
			return opts, true
		}
		at := p.i
		p.i++
		if s == "--" {
			return opts, true
		}
		if s[1] == '-' {
			o, good := p.long(fs, sc, s, at)
			if !good {
				return opts, false
			}
			opts = append(opts, o)
			continue
		}
		group, good := p.shorts(fs, sc, s, at)
		opts = append(opts, group...)
		if !good {
			return opts, false
		}
	}
	return opts, true
}

// long reads --name, --name=value or --name value.
func (p *parser) long(fs flagSet, sc scope, s string, at int) (Option, bool) {
	name := s[2:]
	if name[0] == '-' || name[0] == '=' {
		p.errorf(CodeFlag, p.posAt(at), "bad flag syntax: "+s,
			"a long flag is --NAME or --NAME=VALUE")
		return Option{}, false
	}
	name, value, hasValue := strings.Cut(name, "=")
	written, def := fs.lookup(name)
	if def == nil {
		p.unknown(sc, "--"+name, at)
		return Option{}, false
	}
	o := Option{Name: "--" + def.name, Written: "--" + written.name, Bool: def.boolean,
		Pos: p.posAt(at), ValuePos: p.posAt(at)}
	switch {
	case hasValue:
		o.Value, o.HasValue = value, true
	case def.boolean:
	case p.i < len(p.args):
		o.Value, o.HasValue, o.ValuePos = p.args[p.i], true, p.posAt(p.i)
		p.i++
	default:
		p.errorf(CodeValue, p.posAt(at), "flag needs an argument: "+s,
			"give "+s+" its value: "+s+" VALUE or "+s+"=VALUE")
		return Option{}, false
	}
	if !p.check(def, o) {
		return o, false
	}
	return o, true
}

// shorts reads a group of shorthand flags, -itd, -p8002:80, -p=8002:80: the
// first flag that takes a value takes the rest of the group, or the next
// argument when it ends the group.
func (p *parser) shorts(fs flagSet, sc scope, s string, at int) ([]Option, bool) {
	var opts []Option
	rest := s[1:]
	for len(rest) > 0 {
		if strings.HasPrefix(rest, "test.") {
			// pflag skips what looks like a Go test flag, without a word.
			p.diag(apacheconf.SeverityWarning, CodeFlag, p.posAt(at),
				fmt.Sprintf("%s ignores %q in %s", p.engine, "-"+rest, s),
				"the engine's flag parser skips Go test flags; remove it")
			return opts, true
		}
		c := rest[0]
		def := fs.short[c]
		if def == nil {
			p.unknownShort(sc, c, rest, at)
			return opts, false
		}
		o := Option{Name: "--" + def.name, Written: "-" + string(c), Bool: def.boolean,
			Pos: p.posAt(at), ValuePos: p.posAt(at)}
		switch {
		case len(rest) > 2 && rest[1] == '=':
			o.Value, o.HasValue = rest[2:], true
			rest = ""
		case def.boolean:
			rest = rest[1:]
		case len(rest) > 1:
			o.Value, o.HasValue = rest[1:], true
			rest = ""
		case p.i < len(p.args):
			o.Value, o.HasValue, o.ValuePos = p.args[p.i], true, p.posAt(p.i)
			p.i++
			rest = ""
		default:
			p.errorf(CodeValue, p.posAt(at), fmt.Sprintf("flag needs an argument: %q in -%s", c, rest),
				"give -"+string(c)+" its value: -"+string(c)+" VALUE")
			return opts, false
		}
		if !p.check(def, o) {
			return opts, false
		}
		opts = append(opts, o)
	}
	return opts, true
}

// unknown reports a long flag the engine does not know, and which other
// engine knows it.
func (p *parser) unknown(sc scope, flag string, at int) {
	other, otherEngine := p.otherScope(sc)
	detail := "neither docker nor podman knows it; check its spelling, or remove it"
	if _, d := flagSets[other].lookup(flag[2:]); d != nil {
		detail = otherEngine + " knows it, " + p.engine + " does not; use a " + p.engine + " flag or run the launcher with " + otherEngine
	}
	p.errorf(CodeFlag, p.posAt(at), fmt.Sprintf("unknown flag: %s (unknown to %s %s)", flag, p.engine, p.where(sc)), detail)
}

func (p *parser) unknownShort(sc scope, c byte, rest string, at int) {
	other, otherEngine := p.otherScope(sc)
	detail := "neither docker nor podman knows it; check its spelling, or remove it"
	if flagSets[other].short[c] != nil {
		detail = otherEngine + " knows it, " + p.engine + " does not; use a " + p.engine + " flag or run the launcher with " + otherEngine
	}
	p.errorf(CodeFlag, p.posAt(at), fmt.Sprintf("unknown shorthand flag: %q in -%s (unknown to %s %s)", c, rest, p.engine, p.where(sc)), detail)
}

func (p *parser) where(sc scope) string {
	if sc == dockerRun || sc == podmanRun {
		return "run"
	}
	return "before its subcommand"
}

func (p *parser) otherScope(sc scope) (scope, string) {
	switch sc {
	case dockerRun:
		return podmanRun, Podman
	case podmanRun:
		return dockerRun, Docker
	case dockerTop:
		return podmanTop, Podman
	}
	return dockerTop, Docker
}

// check does what the engine's flag parser does with a value: booleans and
// numbers must parse. It also passes on a flag's standing note.
func (p *parser) check(def *flagDef, o Option) bool {
	if def.note != "" {
		p.diag(apacheconf.SeverityWarning, CodeFlag, o.Pos, o.Written+" "+def.note,
			"remove "+o.Written+" from the launcher's command line")
	}
	if !o.HasValue {
		return true
	}
	var err error
	if def.boolean {
		_, err = strconv.ParseBool(o.Value)
	} else {
		err = checkType(def.valueType(p.engine), o.Value)
	}
	if ne, ok := err.(*strconv.NumError); ok {
		// "strconv.ParseInt: parsing "x": invalid syntax" says less than
		// its last part.
		err = ne.Err
	}
	if err != nil {
		p.errorf(CodeValue, o.ValuePos, fmt.Sprintf("invalid argument %q for %s: %v", o.Value, o.Written, err),
			"give "+o.Written+" a value of its type, as `"+p.engine+" run --help` lists it")
		return false
	}
	return true
}

func checkType(t vtype, v string) error {
	var err error
	switch t {
	case vInt, vInt64:
		_, err = strconv.ParseInt(v, 0, 64)
	case vUint:
		_, err = strconv.ParseUint(v, 0, strconv.IntSize)
	case vUint16:
		_, err = strconv.ParseUint(v, 0, 16)
	case vUint64:
		_, err = strconv.ParseUint(v, 0, 64)
	case vFloat:
		_, err = strconv.ParseFloat(v, 64)
	case vDuration:
		_, err = time.ParseDuration(v)
	}
	return err
}

// checkImage refuses what the engine's reference parser refuses.
func (p *parser) checkImage(image string, at apacheconf.Position) {
	if _, err := reference.ParseAnyReference(image); err != nil {
		p.errorf(CodeImage, at, fmt.Sprintf("invalid image reference %q: %v", image, err),
			"the first word after the options is the image: [REGISTRY/]NAME[:TAG][@DIGEST], lower case; put flags before it")
	}
}
