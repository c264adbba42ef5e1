// Package apache writes the front-end Apache configuration once wsgidock
// runs the services: every WSGIDaemonProcess and WSGIImportScript pair that
// started a service is commented out with a marker, and every other byte of
// the user's files is kept as it was (the reader's lossless printer).
package apache

import (
	"fmt"
	"sort"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Marker starts every line wsgidock comments out, so that a person (or
// sed) can find and restore them.
const Marker = " wsgidock: "

// File is one rewritten configuration file.
type File struct {
	// Name is the file's path as the reader named it.
	Name string
	Data []byte
	// Changed are the lines commented out.
	Changed []apacheconf.Range
}

// Rewrite returns the files of tree that hold a directive a service of sp
// came from, with those directives commented out. Files are in the order
// httpd read them; a file included twice is rewritten once.
func Rewrite(tree *apacheconf.Tree, sp *spec.Spec) ([]File, []spec.Item, error) {
	type target struct {
		svc  *spec.Service
		what string
	}
	targets := map[apacheconf.Position]target{}
	key := func(p apacheconf.Position) apacheconf.Position {
		return apacheconf.Position{Filename: p.Filename, Line: p.Line}
	}
	for _, s := range sp.Services {
		targets[key(s.Origin.Daemon)] = target{s, "WSGIDaemonProcess"}
		targets[key(s.Origin.ImportScript)] = target{s, "WSGIImportScript"}
	}
	editors := map[string]*apacheconf.Editor{}
	var order []string
	found := map[apacheconf.Position]bool{}
	var notes []spec.Item
	for _, f := range tree.Files {
		if f.CommandLine {
			continue
		}
		var walk func([]*apacheconf.Node) error
		walk = func(ns []*apacheconf.Node) error {
			for _, n := range ns {
				walk(n.Children)
				t, ok := targets[key(n.Pos())]
				if !ok || !n.Active || !n.Is(t.what) || found[key(n.Pos())] {
					continue
				}
				found[key(n.Pos())] = true
				ed := editors[f.Name]
				if ed == nil {
					ed = apacheconf.NewEditor(f)
					editors[f.Name] = ed
					order = append(order, f.Name)
				}
				if t.what == "WSGIDaemonProcess" {
					how := "wsgidock up"
					if t.svc.Kind == spec.KindContainer {
						how = fmt.Sprintf("container %s, started by wsgidock", t.svc.ContainerName)
					}
					if err := ed.InsertBefore(n, fmt.Sprintf("#%sservice %s now runs outside Apache (%s)\n", Marker, t.svc.Name, how)); err != nil {
						return err
					}
				}
				if err := ed.CommentOut(n, Marker); err != nil {
					return err
				}
				notes = append(notes, spec.Item{Service: t.svc.Name, What: t.what,
					Why: "commented out in the front-end config: wsgidock runs the service now", Source: n.Pos()})
			}
			return nil
		}
		if err := walk(f.Nodes); err != nil {
			return nil, nil, err
		}
	}
	var missing []string
	for p := range targets {
		if !found[p] {
			missing = append(missing, p.String())
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, nil, fmt.Errorf("no directive of the config is at %v; the spec does not come from this config", missing)
	}
	var files []File
	for _, name := range order {
		ed := editors[name]
		files = append(files, File{Name: name, Data: ed.Bytes(), Changed: ed.Changed()})
	}
	return files, notes, nil
}
