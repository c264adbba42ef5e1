package apacheconf

import (
	"os"
	"strings"
)

func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// define is Define: the name joins the defines (case-sensitive, as
// <IfDefine> tests it) and, with a value, the variables (case-insensitive,
// as ${VAR} finds it).
func (r *reader) define(name, value string, hasValue bool) {
	if !r.isDefined(name) {
		r.defines = append(r.defines, name)
	}
	if hasValue {
		key := lower(name)
		if old, ok := r.vars[key]; ok {
			r.vars[key] = varValue{name: old.name, value: value}
		} else {
			r.vars[key] = varValue{name: name, value: value}
		}
	}
}

// undefine is UnDefine.
func (r *reader) undefine(name string) {
	for i, d := range r.defines {
		if d == name {
			last := len(r.defines) - 1
			r.defines[i] = r.defines[last]
			r.defines = r.defines[:last]
			break
		}
	}
	delete(r.vars, lower(name))
}

func (r *reader) isDefined(name string) bool {
	for _, d := range r.defines {
		if d == name {
			return true
		}
	}
	return false
}

// lookupVar finds ${name}: a Define variable first, then the environment.
func (r *reader) lookupVar(name string) (string, bool) {
	if v, ok := r.vars[lower(name)]; ok {
		return v.value, true
	}
	if r.opts.LookupEnv != nil {
		return r.opts.LookupEnv(name)
	}
	return os.LookupEnv(name)
}

// resolveEnv is ap_resolve_env over a whole line: ${name} is replaced by
// its value; an undefined one stays as written, with httpd's warning
// AH00111 unless the name contains ':' (mod_rewrite's ${map:key}). A '$'
// not starting ${...} is literal.
func (fr *fileReader) resolveEnv(s string, ll *logicalLine) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		end := -1
		if len(s) > 1 && s[1] == '{' {
			end = strings.IndexByte(s[2:], '}')
		}
		if end < 0 {
			b.WriteByte('$')
			s = s[1:]
			continue
		}
		name := s[2 : 2+end]
		if v, ok := fr.r.lookupVar(name); ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[:end+3])
			if strings.IndexByte(name, ':') < 0 {
				fr.warn(ll, "AH00111", "Config variable ${"+name+"} is not defined",
					"Define it with Define, pass it in the environment, or read Debian's envvars with --envvars.")
			}
		}
		s = s[end+3:]
	}
}
