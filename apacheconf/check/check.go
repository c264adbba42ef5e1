// Package check is httpd's walk phase: after `httpd -t` has read its
// configuration (package apacheconf does that part), it walks the tree and
// runs every directive's handler, which refuses unknown directives,
// directives out of their context, wrong argument counts and values the
// handler cannot use. Check does the same from the tree the reader built,
// without httpd, and reports httpd's own message at the file and line httpd
// names.
//
// httpd stops at its first error; Check goes on and reports every error it
// finds, the first being httpd's. Each diagnostic has a code of ours (see
// Rules), httpd's message as its Summary and, where that helps, what to do
// in its Detail.
package check

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// Options adjust what Check assumes about the server.
type Options struct {
	// Modules are extra modules to treat as loaded, by symbol
	// ("ssl_module") or source file name ("mod_ssl.c"), as the reader's
	// Options.Modules (the CLI's --module). The tree already holds the
	// static modules and those LoadModule loaded.
	Modules []string
	// FileChecks makes the checks httpd makes on the machine it runs on:
	// the main server's DocumentRoot is a directory, mod_ssl's certificate
	// and key files exist and are not empty, Mutex directories exist.
	// Leave it off where the configuration is linted away from its server.
	FileChecks bool
}

// Check walks tree as httpd's ap_process_config_tree does and returns the
// errors httpd's handlers would report, in walk order: the first is the one
// `httpd -t` stops at.
func Check(tree *apacheconf.Tree, opts Options) apacheconf.Diagnostics {
	c := newChecker(tree, opts)
	top := &scope{}
	st := state{override: catalog.RsrcConf | catalog.OrOptions | catalog.OrFileInfo | catalog.OrIndexes}
	for _, f := range tree.Files {
		if f.IncludedBy == nil {
			c.list(f.Nodes, st, top)
		}
	}
	c.postWalk()
	return c.diags
}

// state is the part of httpd's cmd_parms that decides what a directive may
// do where it stands.
type state struct {
	// override is cmd->override: the req_override bits allowed here.
	override catalog.ReqOverride
	// virtual is cmd->server->is_virtual: inside <VirtualHost>.
	virtual bool
	// path is cmd->path != NULL: inside <Directory>, <Location>, <Files>,
	// <If> or <Proxy>.
	path bool
	// limited is cmd->limited != -1: inside <Limit> or <LimitExcept>;
	// methods is cmd->limited, one bit per method (see methodBit), 0 for
	// all.
	limited bool
	methods uint64
	// parent is the enclosing section of httpd's tree, nil at the top;
	// ancestors are all of them, innermost last.
	parent    *apacheconf.Node
	ancestors []*apacheconf.Node
	// within has the notIn* bit of each kind of section among ancestors
	// (notInDirectory for a <Directory> or <DirectoryMatch>, ...), so that
	// checkContext looks through them only for a kind that is there.
	within uint8
	// srv is the enclosing <VirtualHost>'s server, nil outside one.
	srv *server
}

// scope is one per-directory configuration being filled: httpd checks
// <Else> against the last <If> of the same one.
type scope struct {
	// lastIf is set when the last <If>-like section of this scope was
	// <If> or <ElseIf>.
	lastIf bool
}

type checker struct {
	tree    *apacheconf.Tree
	opts    Options
	sources map[string]bool
	diags   apacheconf.Diagnostics
	// regexps caches compiled patterns by text, so a pattern repeated in
	// every virtual host is compiled once.
	regexps map[string]error
	wsgi    wsgiState
	// authzAliases and authnAliases are the providers the walk has seen
	// <AuthzProviderAlias> and <AuthnProviderAlias> define; customMethods
	// is set once it has seen a method registration: methods are then
	// not judged.
	authzAliases, authnAliases []string
	customMethods              bool
	// workers are the URLs of the proxy workers defined so far.
	workers map[string]bool
	// errorOverride and errorOverrideGiven are ProxyErrorOverride's
	// state in each section's configuration (nil: the main server's).
	errorOverride, errorOverrideGiven map[*apacheconf.Node]bool
	// methodBits numbers the methods <Limit> names, as httpd numbers
	// them (HEAD is GET; others are registered as they come).
	methodBits map[string]int
	// listeners are the Listen lines so far, by host and port.
	listeners map[string]*apacheconf.Node
	// negativeAuthz are the per-directory sections whose Require lines
	// are all negative, in the order of the walk.
	negativeAuthz []negativeAuthz
	// vhosts are the virtual hosts in the order of their definition.
	vhosts []*server
	// lower caches the lower-case names of sections.
	lower map[string]string
	// directives and sections are what resolve found for each name.
	directives, sections map[string]*resolved
	// smartFilters are mod_filter's declared filters, by the section
	// whose configuration holds them (nil: the main server's).
	smartFilters map[*apacheconf.Node]map[string]*smartFilter
	// logDirs are logDirError's findings by directory.
	logDirs map[string]string
	// sedScripts are mod_sed's command sets, by section.
	sedScripts map[sedKey]*sedScript
	// xmlAliases are the charset aliases xml2EncAlias gave libxml2, by
	// upper-case alias.
	xmlAliases map[string]string
}

// place is where a diagnostic about n points: httpd's line for it (the
// last physical line of a continued one) as the reader places read errors,
// to the end of that line.
func place(n *apacheconf.Node) apacheconf.Range {
	return apacheconf.Range{Start: n.Pos(), End: apacheconf.Position{Filename: n.File.Name, Line: n.Line}}
}

// lowerName is name in lower case, computed once per name.
func (c *checker) lowerName(name string) string {
	l, ok := c.lower[name]
	if !ok {
		l = strings.ToLower(name)
		c.lower[name] = l
	}
	return l
}

func newChecker(tree *apacheconf.Tree, opts Options) *checker {
	c := &checker{tree: tree, opts: opts, sources: map[string]bool{}, regexps: map[string]error{}, lower: map[string]string{}, workers: map[string]bool{},
		directives: map[string]*resolved{}, sections: map[string]*resolved{}}
	for _, m := range append(append([]string(nil), tree.Modules...), opts.Modules...) {
		if mod, ok := catalog.ModuleByName(m); ok {
			c.sources[mod.Source] = true
		} else if _, ok := catalog.ModuleBySource(m); ok {
			c.sources[m] = true
		}
	}
	c.wsgi.init()
	return c
}

func (c *checker) hasSource(src string) bool { return c.sources[src] }

// hasModule reports whether the module with symbol sym is loaded.
func (c *checker) hasModule(sym string) bool {
	m, ok := catalog.ModuleByName(sym)
	return ok && c.sources[m.Source]
}

// list walks the effective nodes among nodes, splicing true conditional
// sections and included files in as httpd's tree holds them.
func (c *checker) list(nodes []*apacheconf.Node, st state, sc *scope) {
	for _, n := range nodes {
		if !n.Active {
			continue
		}
		if n.Flags&apacheconf.FlagExec != 0 {
			if n.Kind == apacheconf.KindSection {
				c.list(n.Children, st, sc)
			}
			for _, f := range n.Included {
				c.list(f.Nodes, st, sc)
			}
			continue
		}
		c.node(n, st, sc)
	}
}

// node is ap_walk_config_sub and invoke_cmd for one directive or section.
func (c *checker) node(n *apacheconf.Node, st state, sc *scope) {
	r := c.resolve(n)
	if !r.known {
		c.unknown(n, r.name)
		return
	}
	d := r.d
	if d.ReqOverride&catalog.ExecOnRead != 0 {
		return
	}
	if st.override&d.ReqOverride == 0 {
		msg := d.Name + " not allowed here"
		if st.parent != nil {
			msg = d.Name + " not allowed in " + c.canonical(st.parent) + "> context"
		}
		c.errorf(n, codeContext, contextHelp(d), "%s", msg)
		return
	}
	if msg := arity(&d, n.Args); msg != "" {
		c.errorf(n, codeArgs, substitutionHint(n), "%s", msg)
		return
	}
	if r.forbidden != 0 {
		if msg := checkContext(d.Name, r.forbidden, st); msg != "" {
			c.errorf(n, codeContext, contextHelp(d), "%s", msg)
			return
		}
	}
	if n.Kind == apacheconf.KindSection {
		// A module's section handler checks its arguments before it
		// walks the lines inside.
		if r.handler != nil {
			before := len(c.diags)
			r.handler(c, n, d, st)
			if len(c.diags) > before {
				return
			}
		}
		c.section(n, d, st, sc)
		return
	}
	// The value checks of the handlers Check knows; the arguments were
	// counted already.
	if r.handler != nil {
		r.handler(c, n, d, st)
	}
}

// resolved is what the walk needs to know about a directive name as
// written: its definition among the loaded modules, what its handler's
// ap_check_cmd_context forbids and its value check.
type resolved struct {
	name      string // the name as httpd looks it up ("<" before a section's)
	d         catalog.Directive
	known     bool
	forbidden uint8
	handler   handler
}

// resolve looks n's name up once per spelling and kind for the whole walk:
// a configuration repeats a few dozen names thousands of times, and the
// modules loaded do not change during the walk.
func (c *checker) resolve(n *apacheconf.Node) *resolved {
	cache := c.directives
	if n.Kind == apacheconf.KindSection {
		cache = c.sections
	}
	if r, ok := cache[n.Name]; ok {
		return r
	}
	r := &resolved{name: n.Name}
	if n.Kind == apacheconf.KindSection {
		r.name = "<" + n.Name
	}
	r.d, r.known = catalog.LookupIn(r.name, c.hasSource)
	if r.known {
		r.forbidden = forbiddenIn[r.d.Name]
		r.handler = handlers[r.d.Name]
	}
	cache[n.Name] = r
	return r
}

// canonical is a section's name as httpd's tree holds it: its module's
// spelling when known.
func (c *checker) canonical(n *apacheconf.Node) string {
	if d, ok := catalog.LookupIn("<"+n.Name, c.hasSource); ok {
		return d.Name
	}
	return "<" + n.Name
}

// checkContext is ap_check_cmd_context for the handlers that call it.
func checkContext(name string, forbidden uint8, st state) string {
	gt := ""
	if name[0] == '<' && name[len(name)-1] != '>' {
		gt = ">"
	}
	if forbidden&notInVirtualHost != 0 && st.virtual {
		return name + gt + " cannot occur within <VirtualHost> section"
	}
	if forbidden&notInLimit != 0 && st.limited {
		return name + gt + " cannot occur within <Limit> or <LimitExcept> section"
	}
	if forbidden&notInDirLocFile == notInDirLocFile && st.path {
		return name + gt + " cannot occur within directory context"
	}
	find := func(names ...string) string {
		for i := len(st.ancestors) - 1; i >= 0; i-- {
			a := st.ancestors[i]
			for _, s := range names {
				if strings.EqualFold(a.Name, s) {
					return "<" + a.Name
				}
			}
		}
		return ""
	}
	if forbidden&st.within&(notInDirLocFile|notInProxy) == 0 {
		return ""
	}
	var found string
	if forbidden&notInDirectory != 0 {
		found = find("Directory", "DirectoryMatch")
	}
	if found == "" && forbidden&notInLocation != 0 {
		found = find("Location", "LocationMatch")
	}
	if found == "" && forbidden&notInFiles != 0 {
		found = find("Files", "FilesMatch", "If", "ElseIf", "Else")
	}
	if found == "" && forbidden&notInProxy != 0 {
		found = find("Proxy", "ProxyMatch")
	}
	if found != "" {
		return name + gt + " cannot occur within " + found + "> section"
	}
	return ""
}

// sectionKinds are the notIn* bits that name the kind of a section, for
// state.within.
func sectionKinds(name string) uint8 {
	for _, k := range [...]struct {
		bit   uint8
		names []string
	}{
		{notInDirectory, []string{"Directory", "DirectoryMatch"}},
		{notInLocation, []string{"Location", "LocationMatch"}},
		{notInFiles, []string{"Files", "FilesMatch", "If", "ElseIf", "Else"}},
		{notInProxy, []string{"Proxy", "ProxyMatch"}},
	} {
		for _, s := range k.names {
			if strings.EqualFold(name, s) {
				return k.bit
			}
		}
	}
	return 0
}

// arity is invoke_cmd's check of the argument count for d's args_how.
func arity(d *catalog.Directive, args string) string {
	switch d.ArgsHow {
	case catalog.NoArgs:
		if args != "" {
			return d.Name + " takes no arguments"
		}
		return ""
	case catalog.Take1, catalog.Take2, catalog.Take12, catalog.Take3, catalog.Take23, catalog.Take123,
		catalog.Take13, catalog.Iterate, catalog.Iterate2, catalog.Flag:
	default:
		// RAW_ARGS and the others: the handler reads the text itself.
		return ""
	}
	usage := usageSuffix(d.Usage)
	w, rest := apacheconf.GetwordConf(args)
	switch d.ArgsHow {
	case catalog.Take1:
		if w == "" || rest != "" {
			return d.Name + " takes one argument" + usage.String()
		}
	case catalog.Take2:
		w2, rest := apacheconf.GetwordConf(rest)
		if w == "" || w2 == "" || rest != "" {
			return d.Name + " takes two arguments" + usage.String()
		}
	case catalog.Take12:
		_, rest := apacheconf.GetwordConf(rest)
		if w == "" || rest != "" {
			return d.Name + " takes 1-2 arguments" + usage.String()
		}
	case catalog.Take3:
		w2, rest := apacheconf.GetwordConf(rest)
		w3, rest := apacheconf.GetwordConf(rest)
		if w == "" || w2 == "" || w3 == "" || rest != "" {
			return d.Name + " takes three arguments" + usage.String()
		}
	case catalog.Take23:
		w2, rest := apacheconf.GetwordConf(rest)
		if rest != "" {
			_, rest = apacheconf.GetwordConf(rest)
		}
		if w == "" || w2 == "" || rest != "" {
			return d.Name + " takes two or three arguments" + usage.String()
		}
	case catalog.Take123:
		if rest != "" {
			_, rest = apacheconf.GetwordConf(rest)
		}
		if rest != "" {
			_, rest = apacheconf.GetwordConf(rest)
		}
		if w == "" || rest != "" {
			return d.Name + " takes one, two or three arguments" + usage.String()
		}
	case catalog.Take13:
		has2, has3 := false, false
		w2 := ""
		if rest != "" {
			w2, rest = apacheconf.GetwordConf(rest)
			has2 = true
		}
		if rest != "" {
			_, rest = apacheconf.GetwordConf(rest)
			has3 = true
		}
		if w == "" || (has2 && w2 != "" && !has3) || rest != "" {
			return d.Name + " takes one or three arguments" + usage.String()
		}
	case catalog.Iterate:
		if w == "" {
			return d.Name + " requires at least one argument" + usage.String()
		}
	case catalog.Iterate2:
		if w == "" || rest == "" {
			return d.Name + " requires at least two arguments" + usage.String()
		}
	case catalog.Flag:
		if !strings.EqualFold(w, "on") && !strings.EqualFold(w, "off") {
			return d.Name + " must be On or Off"
		}
	}
	return ""
}

// substitutionHint explains an argument count that ${VAR} substitution
// changed: it lists the words httpd saw.
func substitutionHint(n *apacheconf.Node) string {
	if n.File.Macro || !strings.Contains(n.File.Src[n.Offset:n.End], "${") {
		return ""
	}
	words := n.Words()
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = strconv.Quote(w)
	}
	return fmt.Sprintf("After ${VAR} substitution httpd reads %d arguments: %s. Quote a variable whose value has spaces.", len(words), strings.Join(quoted, " "))
}

// usageSuffix is what invoke_cmd appends to a count error: ", " and the
// module's usage text, built only for an error.
type usageSuffix string

func (u usageSuffix) String() string {
	if u == "" {
		return ""
	}
	return ", " + string(u)
}

// errorf records an error about n, placed where the user can see it: a
// directive that came out of a mod_macro Use is reported on the Use line,
// and the Detail names the line of the macro httpd names.
func (c *checker) errorf(n *apacheconf.Node, code, detail, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	d := apacheconf.Diagnostic{Severity: apacheconf.SeverityError, Code: code, Summary: msg, Detail: detail, Subject: place(n)}
	if n.File.Macro {
		use := n.File.IncludedBy
		for use.File.Macro {
			use = use.File.IncludedBy
		}
		where := fmt.Sprintf("httpd: Syntax error on line %d of %s", n.Line, n.File.Name)
		if detail != "" {
			where += "\n" + detail
		}
		d.Detail = where
		d.Subject = place(use)
	}
	c.diags = append(c.diags, d)
}
