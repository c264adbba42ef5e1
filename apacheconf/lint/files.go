package lint

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Files lists the configuration files the command-line arguments stand
// for: a file stands for itself, a directory for every *.conf below it, in
// lexical order. The result has no repeats: a file reached twice, as
// through Debian's sites-enabled links, is listed under its first name.
func Files(args []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		key := p
		if real, err := filepath.EvalSymlinks(p); err == nil {
			key = real
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			add(arg)
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasSuffix(d.Name(), ".conf") && !d.IsDir() {
				if d.Type()&fs.ModeSymlink != 0 {
					if st, err := os.Stat(p); err != nil || st.IsDir() {
						return nil
					}
				}
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, p := range found {
			add(p)
		}
	}
	return out, nil
}
