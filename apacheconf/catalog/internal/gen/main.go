// Command gen writes package catalog's data file from the installed Debian
// apache2 and mod_wsgi:
//
//	go run ./internal/gen -o catalog.gen.go
//
// It loads every module .so into the real apache2, once per MPM, and
// reads its tables back (see package httpdtable). The file is replaced
// atomically, and only when everything was read.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wsgidock/wsgidock/apacheconf/catalog/internal/httpdtable"
)

func main() {
	def := httpdtable.DefaultOptions()
	out := flag.String("o", "catalog.gen.go", "file to write")
	apache2 := flag.String("apache2", def.Apache2, "the httpd binary")
	modules := flag.String("modules", def.ModuleDir, "directory of module .so files, all loaded")
	mods := flag.String("mods-available", def.ModsAvailable, "directory of Debian's *.load files")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gen: unexpected arguments %q\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, httpdtable.Options{Apache2: *apache2, ModuleDir: *modules, ModsAvailable: *mods}); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

func run(out string, opts httpdtable.Options) error {
	t, err := httpdtable.Collect(opts)
	if err != nil {
		return err
	}
	src, err := httpdtable.Render(t)
	if err != nil {
		return err
	}
	return writeAtomic(out, src)
}

// writeAtomic replaces file with data through a temporary file in the same
// directory, so a failure never leaves half a file.
func writeAtomic(file string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
