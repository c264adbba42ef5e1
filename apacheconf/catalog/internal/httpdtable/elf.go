package httpdtable

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// sharedObject is what a module's .so file says about itself.
type sharedObject struct {
	// Symbol is the module structure the .so exports ("proxy_module"),
	// the name LoadModule needs.
	Symbol string
	// Sources are the C file names in its read-only data, base names only
	// as httpd strips them: one is __FILE__ of the module structure, its
	// source name. Collect asks httpd which.
	Sources []string
}

// sourceName is what a candidate source file name must look like to be
// written into a probe <IfModule> line unquoted.
var sourceName = regexp.MustCompile(`^[A-Za-z0-9_.+-]+\.c$`)

// readSharedObject reads a module .so: its one exported data symbol named
// *_module and the C file names in .rodata.
func readSharedObject(file string) (sharedObject, error) {
	f, err := elf.Open(file)
	if err != nil {
		return sharedObject{}, err
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if errors.Is(err, elf.ErrNoSymbols) {
		return sharedObject{}, fmt.Errorf("%s exports no symbols: not an httpd module", file)
	}
	if err != nil {
		return sharedObject{}, fmt.Errorf("%s: dynamic symbols: %v", file, err)
	}
	var so sharedObject
	for _, s := range syms {
		if s.Section == elf.SHN_UNDEF || elf.ST_TYPE(s.Info) != elf.STT_OBJECT || !strings.HasSuffix(s.Name, "_module") {
			continue
		}
		if so.Symbol != "" {
			return sharedObject{}, fmt.Errorf("%s exports two module structures, %s and %s; which one LoadModule should name is unclear", file, so.Symbol, s.Name)
		}
		so.Symbol = s.Name
	}
	if so.Symbol == "" {
		return sharedObject{}, fmt.Errorf("%s exports no *_module data symbol: not an httpd module", file)
	}
	ro := f.Section(".rodata")
	if ro == nil {
		return sharedObject{}, fmt.Errorf("%s has no .rodata section to find its source file name in", file)
	}
	data, err := ro.Data()
	if err != nil {
		return sharedObject{}, fmt.Errorf("%s: .rodata: %v", file, err)
	}
	seen := map[string]bool{}
	for _, s := range bytes.Split(data, []byte{0}) {
		// httpd keeps only the part of __FILE__ after the last '/'.
		name := path.Base(string(s))
		if sourceName.MatchString(name) && !seen[name] {
			seen[name] = true
			so.Sources = append(so.Sources, name)
		}
	}
	sort.Strings(so.Sources)
	return so, nil
}
