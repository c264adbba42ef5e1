package apacheconf

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// execKind names the directives httpd executes while reading.
type execKind uint8

const (
	execNone execKind = iota
	execDefine
	execUnDefine
	execInclude
	execIncludeOptional
	execServerRoot
	execDefaultRuntimeDir
	execLoadModule
	execLoadFile
	execIfModule
	execIfDefine
	execIfFile
	execIfDirective
	execIfSection
	execIfVersion
	execMacro
	execUse
	execUndefMacro
)

// execNames maps lower-case names to read-time directives and their
// canonical spelling. <IfVersion> belongs to mod_version and LoadModule to
// mod_so: they are read-time only where those modules are present.
var execNames = map[string]struct {
	kind      execKind
	canonical string
	module    string
}{
	"define":            {execDefine, "Define", "core.c"},
	"undefine":          {execUnDefine, "UnDefine", "core.c"},
	"include":           {execInclude, "Include", "core.c"},
	"includeoptional":   {execIncludeOptional, "IncludeOptional", "core.c"},
	"serverroot":        {execServerRoot, "ServerRoot", "core.c"},
	"defaultruntimedir": {execDefaultRuntimeDir, "DefaultRuntimeDir", "core.c"},
	"loadmodule":        {execLoadModule, "LoadModule", "mod_so.c"},
	"loadfile":          {execLoadFile, "LoadFile", "mod_so.c"},
	"<ifmodule":         {execIfModule, "<IfModule", "core.c"},
	"<ifdefine":         {execIfDefine, "<IfDefine", "core.c"},
	"<iffile":           {execIfFile, "<IfFile", "core.c"},
	"<ifdirective":      {execIfDirective, "<IfDirective", "core.c"},
	"<ifsection":        {execIfSection, "<IfSection", "core.c"},
	"<ifversion":        {execIfVersion, "<IfVersion", "mod_version.c"},
	"<macro":            {execMacro, "<Macro", "mod_macro.c"},
	"use":               {execUse, "Use", "mod_macro.c"},
	"undefmacro":        {execUndefMacro, "UndefMacro", "mod_macro.c"},
}

// lookupExec says whether name is a directive httpd runs while reading.
func lookupExec(name string, mods *moduleSet) execKind {
	if len(name) < 3 || len(name) > 18 {
		return execNone
	}
	var buf [18]byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	e, ok := execNames[string(buf[:len(name)])]
	if !ok || (e.module != "core.c" && !mods.hasSource(e.module)) {
		return execNone
	}
	return e.kind
}

func execCanonical(x execKind) string {
	for _, e := range execNames {
		if e.kind == x {
			return e.canonical
		}
	}
	return ""
}

// execute runs a read-time directive. Conditional sections are evaluated
// here and returned as section nodes; the caller reads their body.
func (fr *fileReader) execute(x execKind, ll *logicalLine, name, args string) (*Node, *ReadError) {
	r := fr.r
	kind := KindDirective
	if name[0] == '<' {
		kind = KindSection
		name = name[1:]
	}
	n := fr.newNode(ll, kind, name, args, true)
	n.Flags |= FlagExec
	canon := execCanonical(x)
	switch x {
	case execDefine, execUnDefine:
		w1, rest1 := GetwordConf(args)
		w2, rest := GetwordConf(rest1)
		if x == execUnDefine && (w1 == "" || rest1 != "") {
			return n, fr.fail(ll, "UnDefine takes one argument, Undefine the existence of a variable. Undo a Define.")
		}
		if x == execDefine && (w1 == "" || rest != "") {
			return n, fr.fail(ll, "Define takes 1-2 arguments, Define a variable, optionally to a value.  Same as passing -D to the command line.")
		}
		if strings.IndexByte(w1, ':') >= 0 {
			return n, fr.fail(ll, "Variable name must not contain ':'")
		}
		if x == execDefine {
			r.define(w1, w2, w2 != "")
		} else {
			r.undefine(w1)
		}
	case execInclude, execIncludeOptional:
		w, rest := GetwordConf(args)
		if w == "" || rest != "" {
			help := "Name(s) of the config file(s) to be included; fails if the wildcard does not match at least one file"
			if x == execIncludeOptional {
				help = "Name or pattern of the config file(s) to be included; ignored if the file does not exist or the pattern does not match any files"
			}
			return n, fr.fail(ll, canon+" takes one argument, "+help)
		}
		if err := fr.include(n, ll, w, x == execIncludeOptional); err != nil {
			return n, err
		}
	case execServerRoot, execDefaultRuntimeDir:
		w, rest := GetwordConf(args)
		if w == "" || rest != "" {
			help := "Common directory of server-related files (logs, confs, etc.)"
			if x == execDefaultRuntimeDir {
				help = "Common directory for run-time files (shared memory, locks, etc.)"
			}
			return n, fr.fail(ll, canon+" takes one argument, "+help)
		}
		if x == execServerRoot {
			dir, err := filepath.Abs(w)
			if err == nil && !r.opts.NoFileChecks && !r.isDir(dir) {
				err = fs.ErrNotExist
			}
			if err != nil {
				return n, fr.fail(ll, "ServerRoot must be a valid directory")
			}
			r.root = dir
		} else if !r.opts.NoFileChecks && !r.isDir(r.serverRootRelative(w)) {
			return n, fr.fail(ll, "DefaultRuntimeDir must be a valid directory, absolute or relative to ServerRoot")
		}
	case execLoadModule:
		sym, rest := GetwordConf(args)
		file, rest := GetwordConf(rest)
		if sym == "" || file == "" || rest != "" {
			return n, fr.fail(ll, "LoadModule takes two arguments, a module name and the name of a shared object file to load it from")
		}
		if msg, warn := r.mods.load(sym, file, r, !r.opts.NoFileChecks); msg != "" {
			if warn {
				fr.warn(ll, "AH01574", msg, "Remove the second LoadModule line.")
			} else {
				return n, fr.fail(ll, msg)
			}
		}
	case execMacro:
		if err := fr.defineMacro(n, ll, args); err != nil {
			return n, err
		}
	case execUse:
		if err := fr.useMacro(n, ll, args); err != nil {
			return n, err
		}
	case execUndefMacro:
		if err := fr.undefMacro(ll, args); err != nil {
			return n, err
		}
	case execLoadFile:
		if w, _ := GetwordConf(args); w == "" {
			return n, fr.fail(ll, "LoadFile requires at least one argument, shared object file or library to load into the server at runtime")
		}
	default:
		truth, err := fr.evalCondition(x, ll, canon, args)
		if err != nil {
			return n, err
		}
		if truth {
			n.Flags |= FlagCondTrue
		}
	}
	return n, nil
}

// runConditional reads the body of conditional section n: a true branch
// as configuration, a false one skipped.
func (fr *fileReader) runConditional(n *Node, x execKind, ll *logicalLine) *ReadError {
	start := len(fr.pending)
	defer fr.finish(n, start)
	canon := execCanonical(x)
	if n.Flags&FlagCondTrue == 0 {
		return fr.soak(n, canon, n)
	}
	open, closing, err := fr.build(n, canon[1:]+">")
	if err != nil {
		return err
	}
	if closing != nil {
		closeNode(n, closing)
		return nil
	}
	// httpd accepts a true conditional section, and anything open inside
	// it, that the end of the file closes.
	n.Flags |= FlagUnclosed
	for o := open; o != nil && o != n; o = o.Parent {
		o.Flags |= FlagUnclosed
	}
	fr.warn(ll, "unclosed-conditional", fmt.Sprintf("<%s> is not closed before the end of %s", n.Name, fr.f.Name),
		"httpd accepts this only because the condition is true; where it is false, httpd refuses the file. Add the closing line.")
	return nil
}

// evalCondition evaluates the argument of a conditional section as the
// core's start_cond_section (or mod_version's start_ifversion) does.
func (fr *fileReader) evalCondition(x execKind, ll *logicalLine, canon, args string) (bool, *ReadError) {
	if x == execIfVersion {
		return fr.evalIfVersion(ll, args)
	}
	end := strings.LastIndexByte(args, '>')
	if end < 0 {
		return false, fr.fail(ll, canon+"> directive missing closing '>'")
	}
	arg := args[:end]
	not := arg != "" && arg[0] == '!'
	if not {
		arg = arg[1:]
	}
	w, _ := GetwordConf(arg)
	if w == "" {
		return false, fr.fail(ll, canon+"> directive requires additional arguments")
	}
	r := fr.r
	var result bool
	switch x {
	case execIfModule:
		result = r.mods.has(w)
	case execIfDefine:
		result = r.isDefined(w)
	case execIfFile:
		_, err := r.stat(r.serverRootRelative(w))
		result = err == nil
	case execIfDirective:
		result = r.mods.directiveExists(w)
	case execIfSection:
		result = r.mods.directiveExists("<" + w)
	}
	return result != not, nil
}

// serverRootRelative is ap_server_root_relative: path made absolute
// against the current ServerRoot.
func (r *reader) serverRootRelative(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(r.root, path)
}

// conditional says whether the directive is a read-time conditional
// section, whose body the reader reads or skips.
func (x execKind) conditional() bool {
	switch x {
	case execIfModule, execIfDefine, execIfFile, execIfDirective, execIfSection, execIfVersion:
		return true
	}
	return false
}
