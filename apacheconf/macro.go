package apacheconf

import (
	"fmt"
	"strings"
)

// macro is a mod_macro definition.
type macro struct {
	name     string   // lower case, as httpd keys it
	args     []string // parameter names, "$host"
	lines    []string // the body, one logical line each, newline ended
	location string   // `defined on line N of "FILE"`
}

// maxMacroLine is MAX_STRING_LEN: mod_macro reads and expands body lines in
// buffers of this size.
const maxMacroLine = 8192

// macroWords is mod_macro's get_arguments: words as ap_getword_conf reads
// them, blanks being spaces and tabs.
func macroWords(s string) []string {
	var out []string
	s = strings.TrimLeft(s, " \t")
	for s != "" {
		var w string
		w, s = GetwordConf(s)
		out = append(out, w)
		s = strings.TrimLeft(s, " \t")
	}
	return out
}

// defineMacro is mod_macro's <Macro name $arg ...>: the body is read raw,
// up to the matching </Macro>, and kept for Use.
func (fr *fileReader) defineMacro(n *Node, ll *logicalLine, args string) *ReadError {
	r := fr.r
	if r.macros == nil {
		r.macros = map[string]*macro{}
	}
	end := strings.LastIndexByte(args, '>')
	if end < 0 {
		return fr.fail(ll, "<Macro> directive missing closing '>'")
	}
	if end == 0 {
		return fr.fail(ll, "<Macro macro definition: empty name")
	}
	name, rest := GetwordConf(args[:end])
	if name == "" {
		return fr.fail(ll, "<Macro macro definition: name not found")
	}
	name = strings.ToLower(name)
	m := &macro{name: name, location: fmt.Sprintf("defined on line %d of \"%s\"", ll.line, fr.f.Name)}
	if old, ok := r.macros[name]; ok {
		fr.warn(ll, "AH02802", fmt.Sprintf("macro '%s' multiply defined: %s, redefined on line %d of \"%s\"", name, old.location, ll.line, fr.f.Name), "")
	}
	where := fmt.Sprintf("macro '%s' (%s)", name, m.location)
	m.args = macroWords(rest)
	for i, a := range m.args {
		if a == "" {
			return fr.fail(ll, fmt.Sprintf("macro '%s' (%s): empty argument #%d name", name, m.location, i+1))
		}
		for j := i + 1; j < len(m.args); j++ {
			if a == m.args[j] {
				return fr.fail(ll, fmt.Sprintf("argument name conflict in macro '%s' (%s): argument '%s': #%d and #%d, change argument names!", name, m.location, a, i+1, j+1))
			}
		}
	}
	// Read the body as get_lines_till_end_token does: logical lines,
	// comments dropped, nested <Macro> counted, up to </Macro>.
	depth := 1
	for {
		bl, ok, tl := fr.lines.next()
		if tl != nil || !ok || len(bl.text)+1 >= maxMacroLine {
			return fr.fail(ll, where+"\n\tcontents error: expected token not found: </Macro>")
		}
		if bl.text != "" && bl.text[0] == '#' {
			continue
		}
		first, _ := GetwordConf(bl.text)
		if strings.EqualFold(first, "</Macro>") {
			depth--
			if depth == 0 {
				closeNode(n, &bl)
				break
			}
		} else if strings.EqualFold(first, "<Macro") {
			depth++
		}
		m.lines = append(m.lines, bl.text+"\n")
	}
	if len(m.lines) == 0 {
		fr.warn(ll, "AH02799", fmt.Sprintf("macro '%s' (%s): empty contents!", name, m.location), "")
	} else {
		for i, a := range m.args {
			used := false
			for _, l := range m.lines {
				if strings.Contains(l, a) {
					used = true
					break
				}
			}
			if !used {
				fr.warn(ll, "AH02800", fmt.Sprintf("macro '%s' (%s): argument '%s' (#%d) never used", name, m.location, a, i+1), "")
			}
		}
	}
	r.macros[name] = m
	return nil
}

// useMacro is mod_macro's Use: the body, with arguments substituted, is
// read as configuration where the Use stands. It is read as a file of its
// own, named as httpd names it; httpd reads it as part of the surrounding
// file, which differs only for a section the macro opens and the file
// closes.
func (fr *fileReader) useMacro(n *Node, ll *logicalLine, args string) *ReadError {
	r := fr.r
	if r.macros == nil {
		return fr.fail(ll, "no macro defined before Use")
	}
	name, rest := GetwordConf(args)
	name = strings.ToLower(name)
	if name == "" {
		return fr.fail(ll, "no macro name specified with Use")
	}
	m, ok := r.macros[name]
	if !ok {
		return fr.fail(ll, fmt.Sprintf("macro '%s' undefined", name))
	}
	if strings.Contains(fr.f.Name, "macro '"+m.name+"'") {
		return fr.fail(ll, fmt.Sprintf("recursive use of macro '%s' is invalid", m.name))
	}
	values := macroWords(rest)
	if len(values) != len(m.args) {
		return fr.fail(ll, fmt.Sprintf("macro '%s' (%s) used with %d arguments instead of %d", m.name, m.location, len(values), len(m.args)))
	}
	where := fmt.Sprintf("macro '%s' (%s) used on line %d of \"%s\"", m.name, m.location, ll.line, fr.f.Name)
	for i, v := range values {
		if v == "" {
			fr.warn(ll, "AH02798", fmt.Sprintf("%s: empty argument #%d", where, i+1), "")
		}
	}
	var src strings.Builder
	for i, line := range m.lines {
		out, ok := substituteMacroArgs(line, m.args, values)
		if !ok {
			return fr.fail(ll, fmt.Sprintf("%s error while substituting: while processing line %d of macro '%s' (%s) cannot substitute, buffer size too small", where, i+1, m.name, m.location))
		}
		src.WriteString(out)
	}
	err := r.readFile(where, []byte(src.String()), n)
	for _, f := range n.Included {
		f.Macro = true
	}
	if err != nil {
		err.prefixed = true
		return err
	}
	return nil
}

// substituteMacroArgs is mod_macro's substitute_macro_args on one line:
// the earliest parameter found (the longest at a tie) is replaced, '@'
// parameters double-quoted with '"' and '\' escaped, and the search goes
// on after the length of the value, as mod_macro's does.
func substituteMacroArgs(line string, names, values []string) (string, bool) {
	pos := 0
	for {
		best, which := -1, -1
		for i, name := range names {
			j := strings.Index(line[pos:], name)
			if j < 0 {
				continue
			}
			j += pos
			if best < 0 || j < best || (j == best && len(name) > len(names[which])) {
				best, which = j, i
			}
		}
		if best < 0 {
			return line, true
		}
		name, value := names[which], values[which]
		if name != value {
			repl := value
			if name[0] == '@' {
				repl = `"` + strings.NewReplacer(`"`, `\"`, `\`, `\\`).Replace(value) + `"`
			}
			line = line[:best] + repl + line[best+len(name):]
			if len(line) >= maxMacroLine {
				return "", false
			}
		}
		pos = best + len(value)
		if pos > len(line) {
			return line, true
		}
	}
}

// undefMacro is mod_macro's UndefMacro.
func (fr *fileReader) undefMacro(ll *logicalLine, args string) *ReadError {
	w, rest := GetwordConf(args)
	if w == "" || rest != "" {
		return fr.fail(ll, "UndefMacro takes one argument, Remove a macro definition.")
	}
	if fr.r.macros == nil {
		return fr.fail(ll, "no macro defined before UndefMacro")
	}
	name := strings.ToLower(w)
	if _, ok := fr.r.macros[name]; !ok {
		return fr.fail(ll, fmt.Sprintf("cannot remove undefined macro '%s'", name))
	}
	delete(fr.r.macros, name)
	return nil
}
