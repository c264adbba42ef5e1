package apacheconf

import (
	"bufio"
	"io"
	"strconv"
)

// Flatten writes the effective configuration in the shape of httpd's
// `httpd -t -D DUMP_CONFIG` (mod_info): a "# In file:" line whenever the
// file changes, a "# N:" line before each directive, two spaces of
// indentation per section, conditional sections and includes replaced by
// their content, and read-time directives (Define, Include, LoadModule...)
// left out. Directive names are spelled as their module spells them, as
// httpd's tree holds them.
func (t *Tree) Flatten(w io.Writer) error {
	fl := &flattener{w: bufio.NewWriter(w), mods: &moduleSet{}}
	fl.mods.sources = map[string]bool{}
	for _, m := range t.Modules {
		_, src := moduleNames(m)
		fl.mods.sources[src] = true
	}
	for _, f := range t.Files {
		if f.IncludedBy == nil {
			fl.list(f.Nodes, 0)
		}
	}
	return fl.w.Flush()
}

type flattener struct {
	w    *bufio.Writer
	mods *moduleSet
	file string
	num  [20]byte
}

// list prints the effective nodes among nodes, splicing conditional
// sections and included files.
func (fl *flattener) list(nodes []*Node, depth int) {
	for _, n := range nodes {
		if !n.Active {
			continue
		}
		if n.Flags&FlagExec != 0 {
			if n.Kind == KindSection {
				fl.list(n.Children, depth)
			}
			for _, f := range n.Included {
				fl.list(f.Nodes, depth)
			}
			continue
		}
		fl.header(n.File.Name, depth, n.Line)
		name := n.Name
		if n.Kind == KindSection {
			name = "<" + name
		}
		if c, ok := fl.mods.canonical(name); ok {
			name = c
		}
		fl.w.WriteString(name)
		fl.w.WriteByte(' ')
		fl.w.WriteString(n.Args)
		fl.w.WriteByte('\n')
		if n.Kind == KindSection && hasEffective(n.Children) {
			fl.list(n.Children, depth+1)
			fl.header(n.File.Name, depth, 0)
			fl.w.WriteString("</")
			fl.w.WriteString(name[1:])
			fl.w.WriteString(">\n")
		}
	}
}

// header is mod_info_indent: the file line when the file changed, the
// line-number comment, and the indentation.
func (fl *flattener) header(file string, depth, line int) {
	if file != fl.file {
		fl.w.WriteString("# In file: ")
		fl.w.WriteString(file)
		fl.w.WriteByte('\n')
		fl.file = file
	}
	if line > 0 {
		fl.indent(depth)
		fl.w.WriteByte('#')
		b := strconv.AppendInt(fl.num[:0], int64(line), 10)
		for i := len(b); i < 4; i++ {
			fl.w.WriteByte(' ')
		}
		fl.w.Write(b)
		fl.w.WriteString(":\n")
	}
	fl.indent(depth)
}

func (fl *flattener) indent(depth int) {
	for i := 0; i < depth; i++ {
		fl.w.WriteString("  ")
	}
}

// hasEffective reports whether httpd's tree holds anything under nodes.
func hasEffective(nodes []*Node) bool {
	for _, n := range nodes {
		if !n.Active {
			continue
		}
		if n.Flags&FlagExec == 0 {
			return true
		}
		if n.Kind == KindSection && hasEffective(n.Children) {
			return true
		}
		for _, f := range n.Included {
			if hasEffective(f.Nodes) {
				return true
			}
		}
	}
	return false
}
