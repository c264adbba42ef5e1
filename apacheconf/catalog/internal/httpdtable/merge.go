package httpdtable

import (
	"fmt"
	"sort"
	"strings"
)

// merger joins the runs of the MPMs. Every module but the MPM is in every
// run, and must look the same in each.
type merger struct {
	staticSources []string
	staticSymbols []string
	modules       map[string]Module    // by symbol
	directives    map[string]Directive // by lower-case name and module
}

func newMerger(staticSources []string) *merger {
	return &merger{
		staticSources: staticSources,
		modules:       map[string]Module{},
		directives:    map[string]Directive{},
	}
}

func (m *merger) add(r *run) error {
	if m.staticSymbols == nil {
		m.staticSymbols = r.staticSymbols
		for i, sym := range r.staticSymbols {
			if err := m.addModule(Module{Name: sym, Source: m.staticSources[i]}); err != nil {
				return err
			}
		}
	} else if strings.Join(m.staticSymbols, " ") != strings.Join(r.staticSymbols, " ") {
		return fmt.Errorf("static modules %v differ from an earlier run's %v", r.staticSymbols, m.staticSymbols)
	}
	sources := map[string]bool{}
	for _, s := range m.staticSources {
		sources[s] = true
	}
	for _, mod := range r.loaded {
		if err := m.addModule(mod); err != nil {
			return err
		}
		sources[mod.Source] = true
	}
	for _, d := range r.directives {
		if !sources[d.Module] {
			return fmt.Errorf("apache2 -L gives %s to %s, which is no loaded module's source name", d.Name, d.Module)
		}
		key := asciiLower(d.Name) + "\x00" + d.Module
		if prev, ok := m.directives[key]; ok && prev != d {
			return fmt.Errorf("%s of %s reads %+v, but %+v in an earlier run", d.Name, d.Module, d, prev)
		}
		m.directives[key] = d
	}
	return nil
}

func (m *merger) addModule(mod Module) error {
	if prev, ok := m.modules[mod.Name]; ok && prev != mod {
		return fmt.Errorf("module %s reads %+v, but %+v in an earlier run", mod.Name, mod, prev)
	}
	m.modules[mod.Name] = mod
	return nil
}

// result sorts what the runs showed and checks that no two modules share
// a source name, which would make <IfModule mod_x.c> ambiguous.
func (m *merger) result() ([]Module, []string, []Directive, error) {
	var mods []Module
	bySource := map[string]string{}
	for _, mod := range m.modules {
		if other, ok := bySource[mod.Source]; ok {
			return nil, nil, nil, fmt.Errorf("modules %s and %s both have source name %s", other, mod.Name, mod.Source)
		}
		bySource[mod.Source] = mod.Name
		mods = append(mods, mod)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Name < mods[j].Name })
	var ds []Directive
	for _, d := range m.directives {
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool {
		a, b := asciiLower(ds[i].Name), asciiLower(ds[j].Name)
		if a != b {
			return a < b
		}
		return ds[i].Module < ds[j].Module
	})
	return mods, m.staticSymbols, ds, nil
}

// asciiLower lower-cases as httpd's ap_str_tolower does in the C locale,
// and as package catalog keys its index.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
