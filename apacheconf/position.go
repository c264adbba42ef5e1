package apacheconf

import "strconv"

// Position is a place in a source file. Line and Column are 1-based; Column
// counts bytes, as httpd and most editors' "go to" commands do. The zero
// Position is invalid and prints as "-".
type Position struct {
	Filename string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
}

// IsValid reports whether the position names a line.
func (p Position) IsValid() bool { return p.Line > 0 }

// String renders the position as FILE:LINE:COL, FILE:LINE or FILE.
func (p Position) String() string {
	s := p.Filename
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += strconv.Itoa(p.Line)
		if p.Column > 0 {
			s += ":" + strconv.Itoa(p.Column)
		}
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Range is a span of source between two positions in the same file. End is
// inclusive of the last line: a directive continued over lines 3 and 4 has
// Start.Line 3 and End.Line 4.
type Range struct {
	Start Position
	End   Position
}
