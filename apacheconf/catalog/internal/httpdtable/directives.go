package httpdtable

import (
	"fmt"
	"strings"
)

// The wording of httpd 2.4's show_overrides (server/config.c), which
// `apache2 -L` prints for every directive.
const (
	allowedPrefix = "\tAllowed in *.conf "
	whenPrefix    = "\twhen AllowOverride"
	anywhere      = "anywhere"
	onlyOutside   = "only outside <Directory>, <Files>, <Location>, or <If>"
	onlyInside    = "only inside <Directory>, <Files>, <Location>, or <If>"
	noPerDir      = " [no per-dir config]"
	andHTAccess   = " and in .htaccess"
)

// ParseDirectiveList reads the output of `apache2 -L`: for each directive
// a line "NAME (MODULE)", its help text (none, or one or more lines), an
// "Allowed in" line and, when .htaccess is allowed, a "when AllowOverride"
// line.
func ParseDirectiveList(out string) ([]Directive, error) {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return nil, fmt.Errorf("apache2 -L printed nothing")
	}
	var ds []Directive
	for i := 0; i < len(lines); {
		name, module, ok := parseHeader(lines[i])
		if !ok {
			return nil, fmt.Errorf("apache2 -L line %d: %q is not \"NAME (MODULE)\"", i+1, lines[i])
		}
		start := i + 1
		i++
		// Help text may span lines (mod_ldap's has HTML); it ends at the
		// "Allowed in" line.
		for i < len(lines) && !strings.HasPrefix(lines[i], allowedPrefix) {
			i++
		}
		if i == len(lines) {
			return nil, fmt.Errorf("apache2 -L line %d: directive %s has no \"Allowed in\" line", start, name)
		}
		ctx, htaccess, err := parseAllowed(strings.TrimPrefix(lines[i], allowedPrefix))
		if err != nil {
			return nil, fmt.Errorf("apache2 -L line %d: %v", i+1, err)
		}
		i++
		if htaccess {
			if i == len(lines) || !strings.HasPrefix(lines[i], whenPrefix) {
				return nil, fmt.Errorf("apache2 -L line %d: directive %s allows .htaccess but no \"when AllowOverride\" line follows", i, name)
			}
			if ctx.Overrides, err = parseWhen(strings.TrimPrefix(lines[i], whenPrefix)); err != nil {
				return nil, fmt.Errorf("apache2 -L line %d: %v", i+1, err)
			}
			i++
		}
		ds = append(ds, Directive{Name: name, Module: module, Context: ctx})
	}
	return ds, nil
}

// parseHeader splits "NAME (MODULE)".
func parseHeader(line string) (name, module string, ok bool) {
	name, rest, ok := strings.Cut(line, " (")
	if !ok || name == "" || strings.ContainsAny(name, " \t") || !strings.HasSuffix(rest, ")") {
		return "", "", false
	}
	module = strings.TrimSuffix(rest, ")")
	if module == "" || strings.ContainsAny(module, " \t()") {
		return "", "", false
	}
	return name, module, true
}

// parseAllowed reads the rest of an "Allowed in *.conf" line and says
// whether a "when AllowOverride" line follows.
func parseAllowed(s string) (Context, bool, error) {
	var c Context
	switch {
	case strings.HasPrefix(s, anywhere):
		c.Outside, c.Inside = true, true
		s = s[len(anywhere):]
	case strings.HasPrefix(s, onlyOutside):
		c.Outside = true
		s = s[len(onlyOutside):]
	case strings.HasPrefix(s, onlyInside):
		c.Inside = true
		s = s[len(onlyInside):]
	default:
		return c, false, fmt.Errorf("unknown \"Allowed in\" wording %q (another httpd version? teach ParseDirectiveList its words)", s)
	}
	if strings.HasPrefix(s, noPerDir) {
		c.NoPerDir = true
		s = s[len(noPerDir):]
	}
	switch s {
	case "":
		return c, false, nil
	case andHTAccess:
		return c, true, nil
	}
	return c, false, fmt.Errorf("unexpected %q at the end of an \"Allowed in\" line", s)
}

// parseWhen reads the rest of a "when AllowOverride" line.
func parseWhen(s string) (Override, error) {
	if s == " isn't None" {
		return allOverrides, nil
	}
	list, ok := strings.CutPrefix(s, " includes ")
	if !ok {
		return 0, fmt.Errorf("unknown \"when AllowOverride\" wording %q", s)
	}
	var o Override
	for _, name := range strings.Split(list, " or ") {
		bit := overrideBit(name)
		if bit == 0 {
			return 0, fmt.Errorf("unknown AllowOverride class %q", name)
		}
		o |= bit
	}
	return o, nil
}

func overrideBit(name string) Override {
	for i, n := range overrideNames {
		if n == name {
			return 1 << i
		}
	}
	return 0
}
