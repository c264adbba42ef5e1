package apacheconf

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// DefaultVersion is the httpd version <IfVersion> compares against unless
// Options.Version says otherwise: the httpd the directive catalog was
// generated from.
const DefaultVersion = catalog.HTTPDVersion

// Options are what httpd takes from its command line and environment.
type Options struct {
	// ServerRoot is httpd's -d. Empty means the directory of the main
	// configuration file.
	ServerRoot string
	// Defines are httpd's -D names. As with httpd, "-D NAME=VALUE" defines
	// the name "NAME=VALUE"; use a pre-directive "Define NAME VALUE" (-C) to
	// give a variable a value.
	Defines []string
	// PreDirectives and PostDirectives are httpd's -C and -c: lines read
	// before and after the main file.
	PreDirectives, PostDirectives []string
	// LookupEnv resolves ${VAR} that no Define names; nil means the process
	// environment, as httpd's getenv.
	LookupEnv func(string) (string, bool)
	// Modules are extra modules to treat as loaded, by symbol name
	// ("ssl_module") or source file name ("mod_ssl.c").
	Modules []string
	// StaticModules replaces the list of modules compiled into httpd; nil
	// means Debian's apache2.
	StaticModules []string
	// Version is the httpd version for <IfVersion>; empty means
	// DefaultVersion.
	Version string
	// NoFileChecks skips the checks httpd makes on the machine it runs on
	// while reading: that ServerRoot and DefaultRuntimeDir are directories
	// and that LoadModule files exist. Include and <IfFile> still read the
	// file system.
	NoFileChecks bool
	// FS is the file system includes are read from; nil means the
	// machine's.
	FS FileSystem
}

// ReadError is an error httpd reports while reading its configuration, the
// kind that stops `httpd -t` with "Syntax error on line N of FILE".
type ReadError struct {
	Diagnostic
	// Message is httpd's own message, as printed after "httpd: ", with the
	// "Syntax error on line N of FILE:" prefixes of every file on the way.
	Message string
	// prefixed is set when the message already names the place httpd
	// would name for the file being read: an error in a macro's content,
	// which httpd reads as part of the file that uses it.
	prefixed bool
}

// Load reads the configuration file at path and everything it includes.
// A read error is returned as a *ReadError together with the tree read so
// far; other errors (the main file cannot be read) are plain errors.
func Load(path string, opts Options) (*Tree, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return LoadSource(path, src, opts)
}

// LoadSource reads src as the main configuration file named name; included
// files are read from disk.
func LoadSource(name string, src []byte, opts Options) (*Tree, error) {
	r, err := newReader(name, opts)
	if err != nil {
		return nil, err
	}
	return r.run(name, src)
}

// reader holds httpd's read-time state: ServerRoot, Defines, variables,
// loaded modules, include depth.
type reader struct {
	opts    Options
	fs      FileSystem
	tree    *Tree
	root    string
	defines []string
	vars    map[string]varValue
	mods    moduleSet
	version [3]int
	verStr  string
	depth   int
	// macros are mod_macro's definitions, by lower-case name; nil until
	// the first <Macro>, as httpd's table.
	macros map[string]*macro
	// Nodes and child lists are cut from slabs: a large configuration has
	// hundreds of thousands of them.
	nodeSlab []Node
	ptrSlab  []*Node
}

// alloc returns a new zero node.
func (r *reader) alloc() *Node {
	if len(r.nodeSlab) == cap(r.nodeSlab) {
		r.nodeSlab = make([]Node, 0, 1024)
	}
	r.nodeSlab = r.nodeSlab[:len(r.nodeSlab)+1]
	return &r.nodeSlab[len(r.nodeSlab)-1]
}

// nodeList copies a list of nodes into a slice of its own, capped so that
// appending to it never writes into another list.
func (r *reader) nodeList(src []*Node) []*Node {
	if len(src) == 0 {
		return nil
	}
	if cap(r.ptrSlab)-len(r.ptrSlab) < len(src) {
		r.ptrSlab = make([]*Node, 0, max(4096, len(src)))
	}
	start := len(r.ptrSlab)
	r.ptrSlab = append(r.ptrSlab, src...)
	return r.ptrSlab[start:len(r.ptrSlab):len(r.ptrSlab)]
}

// varValue keeps a Define variable's name as written, since httpd's table
// matches names case-insensitively.
type varValue struct{ name, value string }

func newReader(name string, opts Options) (*reader, error) {
	root := opts.ServerRoot
	if root == "" {
		root = filepath.Dir(name)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	r := &reader{
		opts:    opts,
		fs:      opts.FS,
		tree:    &Tree{},
		root:    abs,
		defines: append([]string(nil), opts.Defines...),
		vars:    map[string]varValue{},
	}
	if r.fs == nil {
		r.fs = OSFileSystem{}
	}
	r.verStr = opts.Version
	if r.verStr == "" {
		r.verStr = DefaultVersion
	}
	v, ok := parseVersion(r.verStr)
	if !ok {
		return nil, fmt.Errorf("httpd version %q is not major.minor.patch", r.verStr)
	}
	r.version = v
	r.mods.init(opts.StaticModules, opts.Modules)
	return r, nil
}

func (r *reader) run(name string, src []byte) (*Tree, error) {
	var err *ReadError
	if len(r.opts.PreDirectives) > 0 {
		err = r.readCommandLine(r.opts.PreDirectives)
	}
	if err == nil {
		err = r.readFile(name, src, nil)
	}
	if err == nil && len(r.opts.PostDirectives) > 0 {
		err = r.readCommandLine(r.opts.PostDirectives)
	}
	t := r.tree
	t.Defines = r.defines
	t.Vars = make(map[string]string, len(r.vars))
	for _, v := range r.vars {
		t.Vars[v.name] = v.value
	}
	t.Modules = r.mods.loadedSymbols()
	t.ServerRoot = r.root
	if err != nil {
		return t, err
	}
	return t, nil
}

// readCommandLine reads -C or -c directives as httpd does: as the lines of
// a pseudo-file, with their own error prefix.
func (r *reader) readCommandLine(lines []string) *ReadError {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(strings.ReplaceAll(l, "\n", " "))
		b.WriteByte('\n')
	}
	f := &File{Name: "-c/-C directives", Src: b.String(), CommandLine: true, Index: len(r.tree.Files)}
	r.tree.Files = append(r.tree.Files, f)
	fr := &fileReader{r: r, f: f, lines: newLineReader(f.Src)}
	if err := fr.buildFile(); err != nil {
		err.Message = "Syntax error in -C/-c directive: " + err.Message
		return err
	}
	return nil
}

// readFile reads one configuration file into the tree.
func (r *reader) readFile(name string, src []byte, includedBy *Node) *ReadError {
	f := &File{Name: name, IncludedBy: includedBy, Index: len(r.tree.Files)}
	if len(src) > 0 {
		// The source is never modified: share its bytes instead of copying.
		f.Src = unsafe.String(&src[0], len(src))
	}
	r.tree.Files = append(r.tree.Files, f)
	if includedBy != nil {
		includedBy.Included = append(includedBy.Included, f)
	}
	fr := &fileReader{r: r, f: f, lines: newLineReader(f.Src)}
	if err := fr.buildFile(); err != nil {
		switch {
		case err.prefixed:
			err.prefixed = false
		case fr.errLine > 0:
			err.Message = fmt.Sprintf("Syntax error on line %d of %s: %s", fr.errLine, name, err.Message)
		}
		return err
	}
	return nil
}

// fileReader reads one file. errLine is httpd's err_directive for the
// file: the line of the last directive executed while reading, or of the
// one in error; it names the line in "Syntax error on line N".
type fileReader struct {
	r       *reader
	f       *File
	lines   *lineReader
	errLine int
	// pending holds the nodes read so far into the containers still open
	// (the file, sections, conditional sections), innermost last; a
	// container takes its children from it when it closes.
	pending []*Node
}

// push adds n to the container being read; parent is nil at the top of the
// file.
func (fr *fileReader) push(n, parent *Node) {
	n.Parent = parent
	fr.pending = append(fr.pending, n)
}

// finish gives container n the children read since start.
func (fr *fileReader) finish(n *Node, start int) {
	n.Children = fr.r.nodeList(fr.pending[start:])
	fr.pending = fr.pending[:start]
}

// fail builds a read error at line (httpd's line for it) of this file.
func (fr *fileReader) fail(ll *logicalLine, msg string) *ReadError {
	d := Diagnostic{Severity: SeverityError, Code: "read", Summary: msg}
	if ll != nil {
		d.Subject = Range{
			Start: Position{Filename: fr.f.Name, Line: ll.line, Column: colFor(ll)},
			End:   Position{Filename: fr.f.Name, Line: ll.line},
		}
	} else {
		d.Subject.Start = Position{Filename: fr.f.Name}
	}
	return &ReadError{Diagnostic: d, Message: msg}
}

// failAt is fail for an error httpd attributes to an earlier node (an
// unclosed section, a conditional whose end is wrong).
func (fr *fileReader) failAt(n *Node, msg, detail string) *ReadError {
	fr.errLine = n.Line
	return &ReadError{Diagnostic: Diagnostic{Severity: SeverityError, Code: "read", Summary: msg, Detail: detail,
		Subject: Range{Start: n.Pos(), End: Position{Filename: n.File.Name, Line: n.Line}}}, Message: msg}
}

func colFor(ll *logicalLine) int {
	if ll.firstLine != ll.line {
		return 0
	}
	return ll.col
}

func (fr *fileReader) warn(ll *logicalLine, code, msg, detail string) {
	fr.r.tree.Warnings = append(fr.r.tree.Warnings, Diagnostic{
		Severity: SeverityWarning, Code: code, Summary: msg, Detail: detail,
		Subject: Range{Start: Position{Filename: fr.f.Name, Line: ll.line, Column: colFor(ll)}},
	})
}

func (fr *fileReader) newNode(ll *logicalLine, kind Kind, name, args string, active bool) *Node {
	n := fr.r.alloc()
	*n = Node{
		Kind: kind, Name: name, Args: args, Active: active, File: fr.f,
		Line: ll.line, StartLine: ll.firstLine, Column: ll.col,
		Offset: ll.start, End: ll.end,
	}
	return n
}

// closeNode records the line that closed section n.
func closeNode(n *Node, ll *logicalLine) {
	n.CloseOffset, n.CloseEnd, n.CloseLine = ll.start, ll.end, ll.line
}

// tooLong is the error for a logical line over httpd's limit.
func (fr *fileReader) tooLong(e *errLineTooLong) *ReadError {
	ll := logicalLine{line: e.line, firstLine: e.line, col: 1}
	return fr.fail(&ll, fmt.Sprintf("Error reading %s at line %d: Line too long", fr.f.Name, e.line))
}

// buildFile reads the whole file, as ap_build_config does: sections must
// close in the file that opened them.
func (fr *fileReader) buildFile() *ReadError {
	open, _, err := fr.build(nil, "")
	fr.f.Nodes = fr.r.nodeList(fr.pending)
	fr.pending = fr.pending[:0]
	if err != nil {
		return err
	}
	if open == nil {
		return nil
	}
	// Report every unclosed section, innermost first; httpd names the
	// outermost in its "Syntax error on line N".
	var msg strings.Builder
	outer := open
	for n := open; n != nil; n = n.Parent {
		if msg.Len() > 0 {
			msg.WriteByte('\n')
		}
		fmt.Fprintf(&msg, "%s:%d: <%s> was not closed.", n.File.Name, n.Line, fr.sectionName(n))
		outer = n
	}
	return fr.failAt(outer, msg.String(), "Close each section with its </Name> line in the same file.")
}

// build reads logical lines into container (nil: the file's top level) as
// ap_build_config_sub does, until the end of the file or, when closeTag is
// set, until a line that is exactly "</"+closeTag at this level: the end of
// a true conditional section (ap_build_cont_config). It returns the
// innermost section still open at the end of the file, and the closing
// line when one was found.
func (fr *fileReader) build(container *Node, closeTag string) (open *Node, closing *logicalLine, err *ReadError) {
	var cur *Node    // httpd's curr_parent, local to this call
	var starts []int // where the children of cur and its open ancestors begin in pending
	parent := func() *Node {
		if cur != nil {
			return cur
		}
		return container
	}
	add := func(n *Node) { fr.push(n, parent()) }
	// Whatever ends the call, sections still open take the children read
	// so far, so that even a failed read leaves a coherent tree.
	defer func() {
		n := cur
		for i := len(starts) - 1; i >= 0; i-- {
			fr.finish(n, starts[i])
			n = n.Parent
		}
	}()
	for {
		ll, ok, tl := fr.lines.next()
		if tl != nil {
			return nil, nil, fr.tooLong(tl)
		}
		if !ok {
			return cur, nil, nil
		}
		text := ll.text
		if closeTag != "" && cur == nil && len(text) > 2 && text[0] == '<' && text[1] == '/' && strings.EqualFold(text[2:], closeTag) {
			closing := ll
			return nil, &closing, nil
		}
		if text == "" || text[0] == '#' {
			continue
		}
		line := text
		if strings.IndexByte(text, '$') >= 0 {
			line = fr.resolveEnv(text, &ll)
		}
		name, args := GetwordConf(line)
		if name == "" {
			continue
		}
		if len(name) < 2 || name[1] != '/' {
			if name[len(name)-1] == '>' {
				name = name[:len(name)-1]
			}
			if name != "" && name[0] == '<' && args == "" {
				args = ">"
			}
		}
		if name != "" {
			if x := lookupExec(name, &fr.r.mods); x != execNone {
				fr.errLine = ll.line
				n, err := fr.execute(x, &ll, name, args)
				if n != nil {
					add(n)
				}
				if err != nil {
					return nil, nil, err
				}
				if n != nil && x.conditional() {
					if err := fr.runConditional(n, x, &ll); err != nil {
						return nil, nil, err
					}
				}
				continue
			}
		}
		if name == "" || name[0] != '<' {
			add(fr.newNode(&ll, KindDirective, name, args, true))
			continue
		}
		if len(name) < 2 || name[1] != '/' {
			n := fr.newNode(&ll, KindSection, name[1:], args, true)
			add(n)
			cur = n
			starts = append(starts, len(fr.pending))
			continue
		}
		// A closing tag.
		if cur == nil {
			fr.errLine = ll.line
			return nil, nil, fr.fail(&ll, name+" without matching <"+name[2:]+" section")
		}
		if name[len(name)-1] != '>' {
			fr.errLine = ll.line
			return nil, nil, fr.fail(&ll, name+"> directive missing closing '>'")
		}
		closed := name[2 : len(name)-1]
		if !strings.EqualFold(closed, cur.Name) {
			fr.errLine = ll.line
			return nil, nil, fr.fail(&ll, "Expected </"+fr.sectionName(cur)+"> but saw "+name[:len(name)-1]+">")
		}
		closeNode(cur, &ll)
		fr.finish(cur, starts[len(starts)-1])
		starts = starts[:len(starts)-1]
		cur = cur.Parent
		if cur == container {
			cur = nil
		}
	}
}

// soak skips a false conditional branch as ap_soak_end_container does: no
// substitution, no directive lookup, only the nesting of lines whose first
// word starts with '<'. The lines are kept in the tree, inactive. directive
// is the section being skipped, with its '<'. Errors are reported on the
// line of the conditional (fr.errLine), as httpd reports them.
func (fr *fileReader) soak(container *Node, directive string, cond *Node) *ReadError {
	for {
		ll, ok, tl := fr.lines.next()
		if tl != nil {
			return fr.tooLong(tl)
		}
		if !ok {
			return fr.failAt(cond, "Expected </"+directive[1:]+"> before end of configuration",
				fmt.Sprintf("The section opened on line %d is not closed before the end of %s.", container.Line, fr.f.Name))
		}
		name, args := GetwordConf(ll.text)
		if name == "" || name[0] != '<' {
			if ll.text != "" && ll.text[0] != '#' {
				fr.push(fr.newNode(&ll, KindDirective, name, args, false), container)
			}
			continue
		}
		if len(name) > 1 && name[1] == '/' {
			chopped := name[:len(name)-1]
			closed := ""
			if len(chopped) > 2 {
				closed = chopped[2:]
			}
			if !strings.EqualFold(closed, directive[1:]) {
				return fr.failAt(cond, "Expected </"+directive[1:]+"> but saw "+chopped+">",
					fmt.Sprintf("Line %d closes a section that is not open; the innermost open one is <%s> on line %d.", ll.line, directive[1:], container.Line))
			}
			closeNode(container, &ll)
			return nil
		}
		nested := name
		if args == "" && nested[len(nested)-1] == '>' {
			nested = nested[:len(nested)-1]
		}
		n := fr.newNode(&ll, KindSection, nested[1:], args, false)
		fr.push(n, container)
		start := len(fr.pending)
		err := fr.soak(n, nested, cond)
		fr.finish(n, start)
		if err != nil {
			return err
		}
	}
}

// sectionName is the section's name as httpd records it in its tree: the
// module's spelling when the directive is known, else as written.
func (fr *fileReader) sectionName(n *Node) string {
	if c, ok := fr.r.mods.canonical("<" + n.Name); ok {
		return c[1:]
	}
	return n.Name
}
