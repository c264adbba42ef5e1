package apacheconf

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"syscall"
)

// maxIncludeDepth and maxDirDepth are httpd's AP_MAX_INCLUDE_DEPTH and
// AP_MAX_FNMATCH_DIR_DEPTH: httpd has no cycle detection, only these.
const (
	maxIncludeDepth = 128
	maxDirDepth     = 128
)

// include runs Include or IncludeOptional: the path is made absolute
// against ServerRoot, wildcards may appear in any component, directories
// are read recursively, matches in byte order.
func (fr *fileReader) include(n *Node, ll *logicalLine, name string, optional bool) *ReadError {
	r := fr.r
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxIncludeDepth {
		return fr.fail(ll, fmt.Sprintf("Exceeded maximum include depth of %d, There appears to be a recursion.", maxIncludeDepth))
	}
	w := &includeWalk{fr: fr, node: n, ll: *ll, optional: optional}
	path := r.serverRootRelative(name)
	if strings.HasSuffix(name, "/") && !strings.HasSuffix(path, "/") {
		path += "/"
	}
	if !fnmatchTest(path) {
		return w.noFnmatch(path)
	}
	return w.fnmatch("/", strings.TrimLeft(path, "/"))
}

type includeWalk struct {
	fr       *fileReader
	node     *Node
	ll       logicalLine
	optional bool
	dirDepth int
}

const includePrefix = "Include/IncludeOptional: "

// noFnmatch is ap_dir_nofnmatch: a directory is read recursively, every
// entry but . and .. (dotfiles too), in byte order.
func (w *includeWalk) noFnmatch(path string) *ReadError {
	if w.fr.r.isDir(path) {
		w.dirDepth++
		if w.dirDepth > maxDirDepth {
			return w.fr.fail(&w.ll, fmt.Sprintf("%sDirectory '%s' exceeds the maximum include directory nesting level of %d. You have probably a recursion somewhere.", includePrefix, path, maxDirDepth))
		}
		entries, err := w.fr.r.readDirNames(path)
		if err != nil {
			return w.fr.fail(&w.ll, fmt.Sprintf("%sCould not open directory %s: %s", includePrefix, path, strerror(err)))
		}
		for _, e := range entries {
			if err := w.noFnmatch(fullPath(path, e)); err != nil {
				return err
			}
		}
		w.dirDepth--
		return nil
	}
	if w.optional {
		if _, err := w.fr.r.stat(path); err != nil {
			return nil
		}
	}
	return w.readConfig(path)
}

// fnmatch is ap_dir_fnmatch: path is a directory already matched, rest
// the components still to match.
func (w *includeWalk) fnmatch(path, rest string) *ReadError {
	comp := rest
	more := ""
	hasMore := false
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		comp, more, hasMore = rest[:i], rest[i+1:], true
	}
	if !fnmatchTest(comp) {
		p := fullPath(path, comp)
		if !hasMore {
			return w.noFnmatch(p)
		}
		return w.fnmatch(p, more)
	}
	entries, err := w.fr.r.fs.ReadDir(path)
	if err != nil {
		if w.optional && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return w.fr.fail(&w.ll, fmt.Sprintf("%sCould not open directory %s: %s", includePrefix, path, strerror(err)))
	}
	var matches []string
	for _, e := range entries {
		name := e.Name()
		if !fnmatch(comp, name) {
			continue
		}
		// A wildcard inside the path matches directories only; httpd takes
		// the entry's type from the directory listing, so a symbolic link
		// to a directory does not count.
		if hasMore && !e.IsDir() {
			continue
		}
		matches = append(matches, fullPath(path, name))
	}
	if len(matches) == 0 {
		if w.optional {
			return nil
		}
		return w.fr.fail(&w.ll, fmt.Sprintf("%sNo matches for the wildcard '%s' in '%s', failing", includePrefix, comp, path))
	}
	sort.Strings(matches)
	for _, m := range matches {
		var err *ReadError
		if hasMore {
			err = w.fnmatch(m, more)
		} else {
			err = w.noFnmatch(m)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readConfig is ap_process_resource_config for one included file.
func (w *includeWalk) readConfig(path string) *ReadError {
	st, err := w.fr.r.stat(path)
	var src []byte
	if err == nil && !st.Mode().IsRegular() && path != "/dev/null" {
		// httpd logs AH00554 and fails the open with EBADF.
		w.fr.r.tree.Warnings = append(w.fr.r.tree.Warnings, Diagnostic{Severity: SeverityError, Code: "AH00554",
			Summary: "Access to file " + path + " denied by server: not a regular file",
			Subject: Range{Start: w.node.Pos()}})
		err = syscall.EBADF
	}
	if err == nil {
		src, err = w.fr.r.fs.ReadFile(path)
	}
	if err != nil {
		return w.fr.fail(&w.ll, fmt.Sprintf("Could not open configuration file %s: %s", path, strerror(err)))
	}
	return w.fr.r.readFile(path, src, w.node)
}

// fullPath is ap_make_full_path: one '/' between a directory and a name.
func fullPath(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// strerror renders an error as C's strerror does, the text httpd prints
// after a file name.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return err.Error()
}

// fnmatchTest is apr_fnmatch_test: does the pattern hold a wildcard? A '['
// counts only with a matching ']'.
func fnmatchTest(p string) bool {
	nesting := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '?', '*':
			return true
		case '\\':
			i++
			if i >= len(p) {
				return false
			}
		case '[':
			nesting++
		case ']':
			if nesting > 0 {
				return true
			}
		}
	}
	return false
}

// fnmatch matches one path component against a pattern as apr_fnmatch
// with APR_FNM_PERIOD: '*', '?', bracket expressions with '!' or '^'
// negation and ranges, backslash escapes; a leading '.' in the name must
// be matched by a literal '.'.
func fnmatch(pattern, name string) bool {
	if name != "" && name[0] == '.' && (pattern == "" || pattern[0] != '.') {
		if !(len(pattern) > 1 && pattern[0] == '\\' && pattern[1] == '.') {
			return false
		}
	}
	return matchFrom(pattern, name)
}

func matchFrom(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			if p == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if matchFrom(p, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			p, s = p[1:], s[1:]
		case '[':
			if s == "" {
				return false
			}
			ok, width, valid := matchBracket(p, s[0])
			if !valid {
				// An unterminated '[' is an ordinary character.
				if s[0] != '[' {
					return false
				}
				p, s = p[1:], s[1:]
				continue
			}
			if !ok {
				return false
			}
			p, s = p[width:], s[1:]
		case '\\':
			if len(p) > 1 {
				p = p[1:]
			}
			fallthrough
		default:
			if s == "" || s[0] != p[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return s == ""
}

// matchBracket matches c against the bracket expression at the start of
// p. It returns whether c matched, the expression's width, and whether
// the expression is closed.
func matchBracket(p string, c byte) (matched bool, width int, valid bool) {
	i := 1
	negate := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negate = true
		i++
	}
	first := true
	for i < len(p) {
		if p[i] == ']' && !first {
			return matched != negate, i + 1, true
		}
		first = false
		lo := p[i]
		if lo == '\\' && i+1 < len(p) {
			i++
			lo = p[i]
		}
		i++
		hi := lo
		if i+1 < len(p) && p[i] == '-' && p[i+1] != ']' {
			hi = p[i+1]
			if hi == '\\' && i+2 < len(p) {
				i++
				hi = p[i+1]
			}
			i += 2
		}
		if lo <= c && c <= hi {
			matched = true
		}
	}
	return false, 0, false
}
