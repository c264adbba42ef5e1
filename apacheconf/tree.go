package apacheconf

import "strings"

// Tree is a configuration as httpd read it: the files in the order they
// were read, the main file first.
type Tree struct {
	// Files holds one entry per file read. A file included twice appears
	// twice: httpd reads it twice, possibly under different Defines.
	Files []*File
	// Defines are the names defined at the end of reading (-D and Define).
	Defines []string
	// Vars are the Define variables with values at the end of reading.
	Vars map[string]string
	// Modules are the modules loaded at the end of reading, static ones
	// included, by symbol name ("proxy_module").
	Modules []string
	// ServerRoot is the server root at the end of reading.
	ServerRoot string
	// Warnings are what httpd would log while reading (AH00111 and such).
	Warnings Diagnostics
}

// Main is the main configuration file.
func (t *Tree) Main() *File {
	for _, f := range t.Files {
		if f.IncludedBy == nil && !f.CommandLine {
			return f
		}
	}
	return nil
}

// File is one reading of one configuration file.
type File struct {
	// Name is the path as httpd names it: the main file as given, included
	// files resolved against ServerRoot.
	Name string
	// Src is the file's bytes, exactly as read.
	Src string
	// Nodes are the directives and sections written at the top level of
	// the file, in order.
	Nodes []*Node
	// IncludedBy is the Include directive that read this file; nil for the
	// main file.
	IncludedBy *Node
	// CommandLine is true for the pseudo-files of -C and -c directives.
	CommandLine bool
	// Macro is true for the content of a mod_macro Use: Name is httpd's
	// description of it ("macro 'vhost' (defined on line 1 of "F") used on
	// line 9 of "F""), Src the expanded lines, IncludedBy the Use.
	Macro bool
	// Index is the file's position in Tree.Files.
	Index int
}

// Kind distinguishes directives from sections.
type Kind uint8

// Node kinds.
const (
	// KindDirective is a one-line directive.
	KindDirective Kind = iota
	// KindSection is a <Name args> ... </Name> container.
	KindSection
)

// Flags say what the reader did with a node.
type Flags uint8

// Node flags.
const (
	// FlagExec marks a directive httpd executes while reading (Define,
	// UnDefine, Include, IncludeOptional, LoadModule, LoadFile, ServerRoot,
	// DefaultRuntimeDir) and the read-time conditional sections. httpd's
	// configuration tree does not contain them: their effect, or their
	// content, takes their place.
	FlagExec Flags = 1 << iota
	// FlagCondTrue marks a conditional section whose condition held.
	FlagCondTrue
	// FlagUnclosed marks a section the file ended inside of, which httpd
	// accepts within a true conditional section.
	FlagUnclosed
)

// Node is one directive or section as written in a file.
type Node struct {
	Kind Kind
	// Active is false inside a false conditional branch: httpd skipped the
	// line, checking only how sections nest.
	Active bool
	Flags  Flags
	// Name is the directive or section name as written, without the angle
	// brackets of a section: "ServerName", "VirtualHost".
	Name string
	// Args is the rest of the line as httpd stores it, after ${VAR}
	// substitution for active nodes; for sections it still ends with the
	// closing '>' and anything after it, as httpd keeps it.
	Args string
	File *File
	// Line is httpd's line number for the node: the last physical line of
	// its (opening) logical line. StartLine is the first; Column is the byte
	// column of the name on StartLine.
	Line, StartLine, Column int
	// Offset and End delimit the source of the node's (opening) logical
	// line in File.Src, End just past its newline.
	Offset, End int
	// For sections: the closing line's span and httpd line number; CloseLine
	// is 0 when the section was not closed.
	CloseOffset, CloseEnd, CloseLine int
	// Parent is the enclosing section in the same file, nil at the top.
	Parent   *Node
	Children []*Node
	// Included are the files an Include or IncludeOptional read.
	Included []*File
}

// Is reports whether the node's name is name, case-insensitively as httpd
// compares directive names: ASCII letters only (ap_cstr_casecmp), so a
// name of another length is never the same.
func (n *Node) Is(name string) bool {
	a := n.Name
	if len(a) != len(name) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if x, y := a[i], name[i]; x != y && lowerByte(x) != lowerByte(y) {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Pos is the node's position: its file, httpd's line and its column.
func (n *Node) Pos() Position {
	col := n.Column
	if n.StartLine != n.Line {
		col = 0
	}
	return Position{Filename: n.File.Name, Line: n.Line, Column: col}
}

// Range is the span of the node's opening line, from the first to the last
// physical line.
func (n *Node) Range() Range {
	return Range{
		Start: Position{Filename: n.File.Name, Line: n.StartLine, Column: n.Column},
		End:   Position{Filename: n.File.Name, Line: n.Line},
	}
}

// ArgText is the argument text a directive's handler tokenizes: Args, or
// for a section the text before its last '>'.
func (n *Node) ArgText() string {
	if n.Kind == KindSection {
		if i := strings.LastIndexByte(n.Args, '>'); i >= 0 {
			return trimSpace(n.Args[:i])
		}
	}
	return n.Args
}

// Words is ArgText split into words as ap_getword_conf splits them.
func (n *Node) Words() []string { return Words(n.ArgText()) }

// AppendWords appends n.Words() to dst (see the function AppendWords).
func (n *Node) AppendWords(dst []string) []string { return AppendWords(dst, n.ArgText()) }

// Walk calls fn for every node of the effective configuration in the order
// httpd's tree holds them: active nodes only, the content of true
// conditional sections and of included files spliced in where they were
// read, and the read-time directives themselves left out. depth counts the
// enclosing (non-conditional) sections. fn returns false to skip a
// section's children.
func (t *Tree) Walk(fn func(n *Node, depth int) bool) {
	for _, f := range t.Files {
		if f.IncludedBy == nil {
			walkNodes(f.Nodes, 0, fn)
		}
	}
}

func walkNodes(nodes []*Node, depth int, fn func(*Node, int) bool) {
	for _, n := range nodes {
		if !n.Active {
			continue
		}
		if n.Flags&FlagExec != 0 {
			if n.Kind == KindSection {
				walkNodes(n.Children, depth, fn)
			}
			for _, f := range n.Included {
				walkNodes(f.Nodes, depth, fn)
			}
			continue
		}
		if fn(n, depth) && n.Kind == KindSection {
			walkNodes(n.Children, depth+1, fn)
		}
	}
}

// EffectiveChildren are the nodes httpd's tree holds under the section n
// (or at the top when n is nil, for the given tree), spliced as Walk does.
func EffectiveChildren(nodes []*Node) []*Node {
	var out []*Node
	var add func([]*Node)
	add = func(ns []*Node) {
		for _, n := range ns {
			if !n.Active {
				continue
			}
			if n.Flags&FlagExec != 0 {
				if n.Kind == KindSection {
					add(n.Children)
				}
				for _, f := range n.Included {
					add(f.Nodes)
				}
				continue
			}
			out = append(out, n)
		}
	}
	add(nodes)
	return out
}
