package apacheconf

import (
	"fmt"
	"sort"
	"strings"
)

// Editor changes a File through its nodes and prints the result. Lines the
// edits do not touch come out byte for byte as they were read, comments and
// spacing included; with no edits the output is the file itself. The file
// is never modified: Bytes returns a new copy.
type Editor struct {
	f     *File
	edits map[*Node]*nodeEdit
}

type nodeEdit struct {
	replace  *string // replaces the node's whole text, section body included
	before   []string
	after    []string
	remove   bool
	comment  string // marker for CommentOut; "" when not commented out
	commentD bool
}

// NewEditor starts editing f.
func NewEditor(f *File) *Editor {
	return &Editor{f: f, edits: map[*Node]*nodeEdit{}}
}

func (e *Editor) edit(n *Node) (*nodeEdit, error) {
	if n.File != e.f {
		return nil, fmt.Errorf("node %s at %s is not in %s", n.Name, n.Pos(), e.f.Name)
	}
	ed := e.edits[n]
	if ed == nil {
		ed = &nodeEdit{}
		e.edits[n] = ed
	}
	return ed, nil
}

// Replace replaces the node's text (a section's whole text, from its
// opening to its closing line) with text, which should end with a newline.
func (e *Editor) Replace(n *Node, text string) error {
	ed, err := e.edit(n)
	if err == nil {
		ed.replace = &text
	}
	return err
}

// InsertBefore inserts text (whole lines) just before the node's first line.
func (e *Editor) InsertBefore(n *Node, text string) error {
	ed, err := e.edit(n)
	if err == nil {
		ed.before = append(ed.before, text)
	}
	return err
}

// InsertAfter inserts text (whole lines) just after the node's last line
// (a section's closing line).
func (e *Editor) InsertAfter(n *Node, text string) error {
	ed, err := e.edit(n)
	if err == nil {
		ed.after = append(ed.after, text)
	}
	return err
}

// Remove deletes the node's lines (a section's whole text).
func (e *Editor) Remove(n *Node) error {
	ed, err := e.edit(n)
	if err == nil {
		ed.remove = true
	}
	return err
}

// CommentOut turns every physical line of the node (a section's whole
// text) into a comment starting with "#" and marker, keeping the line's
// text after it, so that the change is visible and reversible.
func (e *Editor) CommentOut(n *Node, marker string) error {
	ed, err := e.edit(n)
	if err == nil {
		ed.comment = marker
		ed.commentD = true
	}
	return err
}

// Bytes prints the edited file.
func (e *Editor) Bytes() []byte {
	var b strings.Builder
	b.Grow(len(e.f.Src) + 256)
	pos := e.printNodes(&b, e.f.Nodes, 0)
	b.WriteString(e.f.Src[pos:])
	return []byte(b.String())
}

// Print is the file rebuilt from its nodes with no edits: byte for byte the
// file that was read.
func (f *File) Print() []byte { return NewEditor(f).Bytes() }

// printNodes writes the source from pos through the end of nodes, applying
// edits, and returns where it stopped.
func (e *Editor) printNodes(b *strings.Builder, nodes []*Node, pos int) int {
	for _, n := range nodes {
		b.WriteString(e.f.Src[pos:n.Offset])
		ed := e.edits[n]
		if ed == nil {
			pos = e.printNode(b, n)
			continue
		}
		for _, t := range ed.before {
			b.WriteString(t)
		}
		end := nodeEnd(n)
		switch {
		case ed.remove:
		case ed.replace != nil:
			b.WriteString(*ed.replace)
		case ed.commentD:
			b.WriteString(commentLines(e.f.Src[n.Offset:end], ed.comment))
		default:
			e.printNode(b, n)
		}
		pos = end
		for _, t := range ed.after {
			b.WriteString(t)
		}
	}
	return pos
}

// printNode writes a node's own text, its children's (with their edits)
// and its closing line, and returns where the node ends.
func (e *Editor) printNode(b *strings.Builder, n *Node) int {
	b.WriteString(e.f.Src[n.Offset:n.End])
	if n.Kind != KindSection {
		return n.End
	}
	pos := e.printNodes(b, n.Children, n.End)
	end := nodeEnd(n)
	b.WriteString(e.f.Src[pos:end])
	return end
}

// nodeEnd is where the node's text ends: past its closing line for a
// section, past its last child when it was never closed.
func nodeEnd(n *Node) int {
	if n.Kind != KindSection {
		return n.End
	}
	if n.CloseLine > 0 {
		return n.CloseEnd
	}
	end := n.End
	for _, c := range n.Children {
		if e := nodeEnd(c); e > end {
			end = e
		}
	}
	return end
}

// commentLines prefixes each physical line of text with "#" and marker.
func commentLines(text, marker string) string {
	lines := strings.SplitAfter(text, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			continue
		}
		b.WriteString("#")
		b.WriteString(marker)
		b.WriteString(l)
	}
	if !strings.HasSuffix(text, "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

// Changed lists the httpd line ranges the edits touch, in file order, for
// reports.
func (e *Editor) Changed() []Range {
	var rs []Range
	for n := range e.edits {
		end := n.Line
		if n.CloseLine > 0 {
			end = n.CloseLine
		}
		rs = append(rs, Range{Start: Position{Filename: e.f.Name, Line: n.StartLine}, End: Position{Filename: e.f.Name, Line: end}})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Start.Line < rs[j].Start.Line })
	return rs
}
