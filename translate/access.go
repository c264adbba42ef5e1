package translate

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Access control of a WSGI application, carried to the front end.
//
// Under mod_wsgi a request for a mount point maps to the script's file,
// so httpd merges the <Directory> sections that hold that file (by number
// of path components, then the regular-expression ones), then the <Files>
// sections that match its name, then the <Location> sections. Once the
// front end proxies the mount point, mod_proxy's map_to_storage walks no
// directory and no file; the <Location> sections still apply, matched
// against the same decoded path. So each <Directory> or <Files> section of
// that chain that holds access control becomes a <Location> (or
// <LocationMatch>) of the URLs that mapped to its files, in the same
// order and before the virtual host's own <Location> sections, so that
// the merge, and with it AuthMerging and the replacement of one Require
// block by a later one, stays what it was.

// accessSection is one <Directory>, <DirectoryMatch>, <Files> or
// <FilesMatch> of the configuration.
type accessSection struct {
	node  *apacheconf.Node
	files bool
	// pattern is the directory (with a trailing slash, as httpd stores
	// it) or the file name, a glob when it has wildcards; re is set
	// instead for the regular-expression forms.
	pattern string
	re      *regexp.Regexp
	// dir is the <Directory> a <Files> is inside, nil at server level.
	dir *accessSection
	// order is the section's place in the configuration.
	order int
}

// addAccessSection records a <Directory> or <Files> section (any form)
// of the scope sc; ancestors are the sections around it.
func (p *planner) addAccessSection(n *apacheconf.Node, ancestors []*apacheconf.Node, sc *appScope) {
	w := n.Words()
	if len(w) == 0 {
		return
	}
	s := &accessSection{node: n, files: n.Is("Files") || n.Is("FilesMatch"), order: len(p.accessOrder)}
	arg := w[len(w)-1]
	if strings.HasSuffix(lowerASCII(n.Name), "match") || len(w) > 1 && w[0] == "~" {
		re, err := regexp.Compile(arg)
		if err != nil {
			// A PCRE form Go's regexp does not read: never matched here,
			// said at planning time when it could apply.
			s.pattern = "\x00" + arg
		}
		s.re = re
	} else if s.files {
		s.pattern = arg
	} else {
		s.pattern = strings.TrimSuffix(arg, "/") + "/"
	}
	if s.files {
		for i := len(ancestors) - 1; i >= 0; i-- {
			if a := ancestors[i]; a.Is("Directory") || a.Is("DirectoryMatch") {
				s.dir = p.accessOf[a]
				break
			}
			if a := ancestors[i]; a.Is("Location") || a.Is("LocationMatch") || a.Is("VirtualHost") {
				break
			}
		}
	} else {
		for _, a := range ancestors {
			if a.Is("Location") || a.Is("LocationMatch") || a.Is("Files") || a.Is("FilesMatch") {
				return // not a directory section httpd walks
			}
		}
	}
	if p.accessOf == nil {
		p.accessOf = map[*apacheconf.Node]*accessSection{}
	}
	p.accessOf[n] = s
	p.accessOrder = append(p.accessOrder, s)
	sc.sections = append(sc.sections, s)
}

// components is httpd's count of a directory section's path components
// (ap_count_dirs on the path with its trailing slash).
func components(dir string) int { return strings.Count(dir, "/") }

// dirMatches reports whether a plain or glob <Directory> applies to the
// directory dir (with a trailing slash): it is dir or a parent, component
// by component, as the directory walk compares them.
func (s *accessSection) dirMatches(dir string) bool {
	if s.re != nil {
		return s.re.MatchString(dir)
	}
	if strings.HasPrefix(s.pattern, "\x00") {
		return false
	}
	n := components(s.pattern)
	if components(dir) < n {
		return false
	}
	// The first n components of dir, with their slash.
	i, seen := 0, 0
	for ; i < len(dir) && seen < n; i++ {
		if dir[i] == '/' {
			seen++
		}
	}
	prefix := dir[:i]
	if !strings.ContainsAny(s.pattern, "*?[") {
		return prefix == s.pattern
	}
	ok, err := path.Match(strings.TrimSuffix(s.pattern, "/"), strings.TrimSuffix(prefix, "/"))
	return err == nil && ok
}

// fileMatches reports whether a <Files> applies to a file of that name.
func (s *accessSection) fileMatches(name string) bool {
	if s.re != nil {
		return s.re.MatchString(name)
	}
	if strings.HasPrefix(s.pattern, "\x00") {
		return false
	}
	ok, err := path.Match(s.pattern, name)
	return err == nil && ok
}

// chain lists the sections of scopes whose merge decides the access to
// file (or, with file "", to the directory dir and what it holds), in the
// order httpd merges them: the plain and glob <Directory> sections by
// number of components, the regular-expression ones, then the <Files>
// ones of the server, then those inside the directories taken.
func chain(scopes []*appScope, dir, file string) []*accessSection {
	dir = strings.TrimSuffix(dir, "/") + "/"
	var dirs, regexDirs, files []*accessSection
	for _, sc := range scopes {
		for _, s := range sc.sections {
			switch {
			case s.files:
				files = append(files, s)
			case s.re != nil || strings.HasPrefix(s.pattern, "\x00"):
				if s.dirMatches(dir) {
					regexDirs = append(regexDirs, s)
				}
			case s.dirMatches(dir):
				dirs = append(dirs, s)
			}
		}
	}
	sort.SliceStable(dirs, func(i, j int) bool {
		ci, cj := components(dirs[i].pattern), components(dirs[j].pattern)
		if ci != cj {
			return ci < cj
		}
		return dirs[i].order < dirs[j].order
	})
	out := append(dirs, regexDirs...)
	taken := map[*accessSection]bool{}
	for _, s := range out {
		taken[s] = true
	}
	// Without a file, every <Files> that may match one of the
	// directory's files.
	matches := func(s *accessSection) bool { return file == "" || s.fileMatches(filepath.Base(file)) }
	for _, s := range files {
		if s.dir == nil && matches(s) {
			out = append(out, s)
		}
	}
	for _, d := range append(append([]*accessSection{}, dirs...), regexDirs...) {
		for _, s := range files {
			if s.dir == d && matches(s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// accessNames are the directives of access control, other than those of
// the Auth* family (authentication, its providers and AuthMerging).
var accessNames = map[string]bool{"require": true, "allow": true, "deny": true, "order": true, "satisfy": true,
	"sslrequire": true, "sslrequiressl": true}

// accessBlocks are the sections that group access control and are carried
// whole.
var accessBlocks = map[string]bool{"requireall": true, "requireany": true, "requirenone": true, "limit": true, "limitexcept": true}

// conditionals are sections whose content httpd applies when its
// condition holds, which the reader decided already.
var conditionals = map[string]bool{"ifmodule": true, "ifdefine": true, "ifversion": true, "iffile": true, "ifdirective": true, "ifsection": true}

func isAccess(n *apacheconf.Node) bool {
	name := lowerASCII(n.Name)
	return accessNames[name] || strings.HasPrefix(name, "auth")
}

// accessLines renders the access control directly in a section (not in
// a section nested in it, such as a <Files> in a <Directory>) as httpd
// read it, one directive a line; onlyRequire says whether all of it is of
// mod_authz_core's Require family, which a later section's own replaces;
// cond is a <If> section that holds access control, which cannot be
// carried as it is.
func accessLines(sec *apacheconf.Node) (lines []string, onlyRequire bool, cond *apacheconf.Node) {
	onlyRequire = true
	var walk func(ns []*apacheconf.Node, indent string)
	walk = func(ns []*apacheconf.Node, indent string) {
		for _, n := range ns {
			if !n.Active {
				continue
			}
			name := lowerASCII(n.Name)
			switch {
			case n.Kind == apacheconf.KindSection && conditionals[name]:
				walk(n.Children, indent)
			case n.Kind == apacheconf.KindSection && accessBlocks[name]:
				inner, only, c := accessLines(n)
				if c != nil && cond == nil {
					cond = c
				}
				if len(inner) == 0 {
					continue
				}
				onlyRequire = onlyRequire && only && strings.HasPrefix(name, "require")
				lines = append(lines, indent+"<"+n.Name+sectionArgs(n)+">")
				for _, l := range inner {
					lines = append(lines, indent+"    "+l)
				}
				lines = append(lines, indent+"</"+n.Name+">")
			case n.Kind == apacheconf.KindSection:
				if name == "if" || name == "elseif" || name == "else" {
					if inner, _, _ := accessLines(n); len(inner) > 0 && cond == nil {
						cond = n
					}
				}
			case isAccess(n):
				onlyRequire = onlyRequire && name == "require"
				lines = append(lines, indent+n.Name+" "+strings.TrimSpace(n.Args))
			}
		}
	}
	walk(sec.Children, "")
	return lines, onlyRequire, cond
}

// sectionArgs is the argument text of a section as written, with a space
// before it, or nothing.
func sectionArgs(n *apacheconf.Node) string {
	if a := strings.TrimSpace(n.ArgText()); a != "" {
		return " " + a
	}
	return ""
}

// replacesRequire reports whether a section of these lines replaces the
// Require lines of the sections merged before it: it has its own, and no
// AuthMerging to combine them (mod_authz_core's default, Off).
func replacesRequire(lines []string) bool {
	has := false
	for _, l := range lines {
		w := strings.ToLower(l)
		if strings.HasPrefix(w, "authmerging") && !strings.HasSuffix(strings.TrimSpace(w), "off") {
			return false
		}
		has = has || strings.HasPrefix(w, "require") || strings.HasPrefix(w, "<require")
	}
	return has
}

// openAccess reports whether lines let everyone in by themselves.
func openAccess(lines []string) bool {
	for _, l := range lines {
		w := strings.Fields(strings.ToLower(l))
		switch {
		case len(w) == 3 && w[0] == "require" && w[1] == "all" && w[2] == "granted":
		case len(w) == 3 && w[0] == "allow" && w[1] == "from" && w[2] == "all":
		case len(w) == 2 && w[0] == "order":
		case len(w) == 2 && w[0] == "satisfy":
		default:
			return false
		}
	}
	return true
}

// accessTarget is a URL space of an application whose requests httpd
// mapped into one file or directory: the script (or the directory of
// scripts), or a static Alias's directory.
type accessTarget struct {
	// open is the <Location> or <LocationMatch> line of its URLs,
	// without the brackets; base is the URL path its files are under,
	// for the <Files> of a directory.
	open, base string
	dir, file  string
	// scripts is set for a directory of scripts, whose <Files> match a
	// path segment followed by PATH_INFO.
	scripts bool
}

// checkServerLocations warns of a main-server <Location> with access
// control over the application's URLs, for a virtual host's application:
// httpd merged it after the <Directory> and <Files> sections, but the
// front end merges it before the carried ones, which a virtual host's
// sections follow, so where both say who may come in, the carried one
// now decides.
func (p *planner) checkServerLocations(s *spec.Service, sa *scriptAlias, base string, warned map[*apacheconf.Node]bool) {
	if sa.vhost == p.scopes[0] {
		return // carried at the server level, after the earlier ones
	}
	for _, loc := range p.scopes[0].locations {
		lines, _, _ := accessLines(loc)
		w := loc.Words()
		if len(lines) == 0 || len(w) == 0 || warned[loc] {
			continue
		}
		path := w[len(w)-1]
		if loc.Is("LocationMatch") || len(w) > 1 && w[0] == "~" {
			path = "/" // a pattern: it may match the application's URLs
		}
		if !pathPrefix(strings.TrimSuffix(base, "/"), strings.TrimSuffix(path, "/")) && !pathPrefix(strings.TrimSuffix(path, "/"), strings.TrimSuffix(base, "/")) {
			continue
		}
		warned[loc] = true
		p.warnf(CodeApp, loc.Pos(), fmt.Sprintf("httpd merged this server-level section after the <Directory> sections of %s's files; the front end merges it before the <Location> sections that now carry them, so for %s the carried access control decides. Repeat its access lines in a <Location> of the virtual host, after the carried ones, if they should still decide.", s.Name, base),
			"<%s%s> is merged before the access control carried for %s", loc.Name, sectionArgs(loc), s.Name)
	}
}

// scriptTarget is the URL space of one script alias of app (its mount
// point, or the expression of a WSGIScriptAliasMatch, less the Aliases
// under it that the front end serves itself), mapped to its script.
func scriptTarget(app *spec.App, mount, match, script string) accessTarget {
	t := accessTarget{dir: filepath.Dir(script), file: script, base: mount}
	if d := (&spec.App{Script: script, MountMatch: match}).ScriptDir(); d != filepath.Dir(script) || strings.HasSuffix(script, "/") {
		// The file is chosen per request: the directory's sections apply
		// to all of them, a <Files> to the URLs of its name.
		t = accessTarget{dir: d, base: mount, scripts: true}
	}
	var not []string
	for _, a := range app.Excluded {
		if pathPrefix(mount, strings.TrimSuffix(a.URL, "/")) {
			not = append(not, regexp.QuoteMeta(strings.TrimPrefix(a.URL, strings.TrimSuffix(mount, "/"))))
		}
	}
	switch {
	case match != "":
		t.open = "LocationMatch " + quoteArg(match)
	case len(not) > 0:
		t.open = "LocationMatch " + quoteArg("^"+regexp.QuoteMeta(strings.TrimSuffix(mount, "/"))+"(?!"+strings.Join(not, "|")+")")
	default:
		t.open = "Location " + quoteArg(mount)
	}
	return t
}

// filesLocation is the <LocationMatch> of the URLs under t whose file a
// <Files> section matches by name, or "" when its expression cannot be
// written over a URL.
func filesLocation(t accessTarget, sec *accessSection) string {
	var name string
	switch {
	case sec.re == nil && !strings.HasPrefix(sec.pattern, "\x00"):
		name = globRegexp(sec.pattern)
	case sec.re != nil && strings.HasPrefix(sec.re.String(), "^") && literalRegexp(sec.re.String()[1:]):
		name = sec.re.String()[1:] + "[^/]*"
	default:
		return ""
	}
	end := "$"
	if t.scripts {
		end = "(?:/|$)" // the rest is PATH_INFO
	}
	return "LocationMatch " + quoteArg("^"+regexp.QuoteMeta(strings.TrimSuffix(t.base, "/"))+"/(?:.*/)?"+name+end)
}

// globRegexp writes a file name glob (fnmatch, as <Files> reads it) as a
// regular expression of one path segment.
func globRegexp(glob string) string {
	var b strings.Builder
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			b.WriteString("[^/]*")
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(glob[i+1:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := glob[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += j + 1
		case '\\':
			if i+1 < len(glob) {
				i++
				b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// literalRegexp reports whether a regular expression is literal text (its
// special characters escaped), so that it can be followed by more.
func literalRegexp(re string) bool {
	for i := 0; i < len(re); i++ {
		c := re[i]
		if c == '\\' {
			i++
			continue
		}
		if strings.IndexByte(".*+?()[]{}|^$", c) >= 0 {
			return false
		}
	}
	return true
}

// quoteArg writes a section argument so that httpd reads it back as is.
func quoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"'\\>") {
		return s
	}
	return "\"" + strings.NewReplacer("\\", "\\\\", "\"", "\\\"").Replace(s) + "\""
}

// carryAccess works out, for each script alias (entry) the service's
// container serves, the <Location> sections that give its requests on the
// front end the access control httpd gave them: one for each section of
// the chain of the script and of each static Alias the container serves,
// in merge order, the wider URL spaces first. When nothing in any chain
// restricts anyone, there is nothing to carry and nothing is written.
func (p *planner) carryAccess(s *spec.Service, entries []*scriptAlias) {
	app := s.App
	type block struct {
		entry *scriptAlias
		base  string // the URL path of its target
		open  string
		sec   *accessSection
		lines []string
		opens bool // lets everyone in
	}
	var blocks []block
	restricted := false
	seen := map[*appScope]bool{}
	for _, sa := range entries {
		scopes := []*appScope{p.scopes[0]}
		if sa.vhost != p.scopes[0] {
			scopes = append(scopes, sa.vhost)
		}
		mount, match, script := mountOf(app, sa)
		targets := []accessTarget{scriptTarget(app, mount, match, script)}
		for _, a := range sa.vhost.statics {
			if !seen[sa.vhost] {
				targets = append(targets, accessTarget{open: "Location " + quoteArg(a.URL), base: a.URL, dir: a.Path})
			}
		}
		seen[sa.vhost] = true // its static Aliases are carried once
		// Wider URL spaces first: a request is in every target its URL is
		// under, and the last merged is the one whose file it is.
		sort.SliceStable(targets[1:], func(i, j int) bool { return len(targets[1+i].base) < len(targets[1+j].base) })
		for _, t := range targets {
			secs := chain(scopes, t.dir, t.file)
			// A section with Require lines of its own (and no AuthMerging)
			// replaces those merged before it: the sections before the
			// last such one are left out when they hold nothing else.
			// A <Files> of a directory covers some of its files only.
			last := -1
			for i, sec := range secs {
				if lines, _, _ := accessLines(sec.node); replacesRequire(lines) && (t.file != "" || !sec.files) {
					last = i
				}
			}
			for i, sec := range secs {
				lines, only, cond := accessLines(sec.node)
				if cond != nil {
					p.warnf(CodeApp, cond.Pos(), fmt.Sprintf("The front end proxies %s now and carries the access control of its <Directory> and <Files> sections as <Location> sections, but not one under a condition, which could look at the file; write it in a <Location> of the front end.", t.base),
						"access control inside <%s> in <%s> is not carried to the front end", cond.Name, sec.node.Name)
				}
				if strings.HasPrefix(sec.pattern, "\x00") {
					p.warnf(CodeApp, sec.node.Pos(), "Go's regular expressions do not read this pattern, so wsgidock cannot tell which files it covers; if it holds access control for the application, write it in a <Location> of the front end.",
						"<%s %s> is not carried to the front end", sec.node.Name, sec.pattern[1:])
				}
				if len(lines) == 0 || only && i < last {
					continue
				}
				open := t.open
				if t.file == "" && sec.files {
					// Some of the directory's files: by their URLs.
					if open = filesLocation(t, sec); open == "" {
						p.warnf(CodeApp, sec.node.Pos(), fmt.Sprintf("The front end proxies %s now and can only tell a file by its URL; wsgidock writes a glob or a ^literal pattern as a <LocationMatch>, not this one: write the same access control in a <LocationMatch> of the front end.", t.base),
							"the access control of <%s%s> over files under %s is not carried", sec.node.Name, sectionArgs(sec.node), t.base)
						continue
					}
				}
				if !openAccess(lines) {
					restricted = true
				}
				blocks = append(blocks, block{entry: sa, base: t.base, open: open, sec: sec, lines: lines, opens: openAccess(lines)})
			}
		}
	}
	if !restricted {
		return
	}
	// A section that lets everyone in is written only to undo a wider
	// restricting one before it: on its own it changes nothing for a
	// proxied request, and a <Location> granting all would replace the
	// Require of a server-level <Location> (mod_status's, say) that httpd
	// merged after the directories.
	var kept []block
	for _, b := range blocks {
		needed := !b.opens
		for _, k := range kept {
			needed = needed || !k.opens && k.entry == b.entry && pathPrefix(strings.TrimSuffix(k.base, "/"), strings.TrimSuffix(b.base, "/"))
		}
		if needed {
			kept = append(kept, b)
		}
	}
	warned := map[*apacheconf.Node]bool{}
	for _, b := range kept {
		p.checkServerLocations(s, b.entry, b.base, warned)
	}
	for _, b := range kept {
		// Before the virtual host's own <Location> sections, which httpd
		// merged after the directories and files.
		before := b.entry.node.Pos()
		if v := b.entry.vhost.node; v != nil {
			for _, c := range v.Children {
				if c.Active {
					before = c.Pos()
					break
				}
			}
		}
		app.Access = append(app.Access, spec.AccessSection{Open: b.open, Lines: b.lines, From: b.sec.node.Pos(), Before: before})
		p.mapped(s.Name, fmt.Sprintf("<%s%s>", b.sec.node.Name, sectionArgs(b.sec.node)),
			fmt.Sprintf("its access control is carried to the front end as <%s>, which the proxied requests pass in the order httpd merged the section", b.open), b.sec.node.Pos())
	}
}
