package apacheconf

import "strings"

// maxLineLen is httpd's VARBUF_MAX_LEN: the longest logical line
// (continuations joined) httpd reads.
const maxLineLen = 16 * 1024 * 1024

// logicalLine is one line as httpd's ap_varbuf_cfg_getline returns it:
// physical lines joined where a backslash ends the line, then trimmed.
type logicalLine struct {
	// text is the trimmed line. It is a substring of the source unless
	// continuation lines had to be joined.
	text string
	// start and end are the byte offsets of the physical lines the logical
	// line came from, end just past the last newline.
	start, end int
	// firstLine is the first physical line; line is the number httpd
	// records for the line: its last physical line.
	firstLine, line int
	// col is the 1-based byte column of the first non-blank character on
	// the first physical line, or 1 when that line is blank.
	col int
}

// lineReader splits a file into logical lines.
type lineReader struct {
	src  string
	pos  int
	line int // physical lines read so far
	buf  []byte
}

func newLineReader(src string) *lineReader {
	return &lineReader{src: src}
}

// errLineTooLong reports a logical line over httpd's limit; the reader
// stops there, as httpd does.
type errLineTooLong struct{ line int }

// next returns the next logical line. ok is false at the end of the file.
func (r *lineReader) next() (ll logicalLine, ok bool, tooLong *errLineTooLong) {
	if r.pos >= len(r.src) {
		return ll, false, nil
	}
	ll.start = r.pos
	ll.firstLine = r.line + 1
	joined := false
	r.buf = r.buf[:0]
	var text string
	for {
		r.line++
		rest := r.src[r.pos:]
		nl := strings.IndexByte(rest, '\n')
		var phys string // the physical line as httpd's buffer sees it
		hasNL := nl >= 0
		if hasNL {
			phys = rest[:nl]
			r.pos += nl + 1
		} else {
			phys = rest
			r.pos = len(r.src)
		}
		// httpd reads lines into a C string: a NUL byte ends the line there,
		// and the rest of that physical line is lost.
		if z := strings.IndexByte(phys, 0); z >= 0 {
			phys = phys[:z]
			hasNL = false
		}
		// httpd's buffer takes a logical line of up to maxLineLen bytes,
		// counting the newline that ends it (measured against httpd 2.4).
		if n := len(r.buf) + len(phys); (hasNL && n+1 > maxLineLen) || (!hasNL && n > maxLineLen) {
			return ll, false, &errLineTooLong{line: r.line}
		}
		cont := false
		content := phys
		if hasNL {
			// One carriage return may sit between the backslash and the
			// newline.
			c := strings.TrimSuffix(phys, "\r")
			if strings.HasSuffix(c, "\\") {
				content = c[:len(c)-1]
				cont = true
			}
		}
		if ll.col == 0 {
			ll.col = 1
			for i := 0; i < len(phys); i++ {
				if !isSpace(phys[i]) {
					ll.col = i + 1
					break
				}
			}
		}
		if !cont {
			if joined {
				r.buf = append(r.buf, phys...)
				text = string(r.buf)
			} else {
				text = phys
			}
			break
		}
		r.buf = append(r.buf, content...)
		joined = true
		if r.pos >= len(r.src) {
			// A continuation at the end of the file: httpd counts one more
			// line while looking for the next one.
			r.line++
			text = string(r.buf)
			break
		}
	}
	ll.end = r.pos
	ll.line = r.line
	ll.text = trimSpace(text)
	return ll, true, nil
}
