// Package emit turns a launch spec into the files users deploy with: it
// picks the format's emitter (shell, compose, kube, specjson), adds the
// MIGRATION.md report, and writes the files to a directory atomically.
// The emitters themselves only return bytes and notes.
package emit

import (
	"fmt"
	"io"

	"github.com/wsgidock/wsgidock/translate/emit/compose"
	"github.com/wsgidock/wsgidock/translate/emit/kube"
	"github.com/wsgidock/wsgidock/translate/emit/migration"
	"github.com/wsgidock/wsgidock/translate/emit/shell"
	"github.com/wsgidock/wsgidock/translate/emit/specjson"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Format names an output format.
type Format string

// Formats Render writes. The rewritten Apache configuration is not one of
// them: it needs the parsed configuration, not only the Spec.
const (
	FormatShell   Format = "sh"
	FormatCompose Format = "compose"
	FormatKube    Format = "kube"
	FormatJSON    Format = "json"
)

// Formats lists the formats in the order the CLI offers them.
var Formats = []Format{FormatShell, FormatCompose, FormatKube, FormatJSON}

// MigrationFile is the name of the migration report in an output
// directory.
const MigrationFile = "MIGRATION.md"

// Options are the emitters' options.
type Options struct {
	// Shell applies to FormatShell.
	Shell shell.Options
	// Kube applies to FormatKube.
	Kube kube.Options
}

// Render runs the format's emitter. The first file is the output itself,
// what `migrate` prints to standard output; the second is MIGRATION.md,
// with the format's notes. The notes are returned too, for the caller to
// show.
func Render(format Format, sp *spec.Spec, report *spec.Report, opts Options) ([]File, []spec.Item, error) {
	main, notes, err := Main(format, sp, report, opts)
	if err != nil {
		return nil, nil, err
	}
	md, err := migration.Markdown(sp, report, string(format), notes)
	if err != nil {
		return nil, nil, err
	}
	return []File{main, {Name: MigrationFile, Data: md}}, notes, nil
}

// Main runs the format's emitter for the output alone, without
// MIGRATION.md, and returns it with the format's notes.
func Main(format Format, sp *spec.Spec, report *spec.Report, opts Options) (main File, notes []spec.Item, err error) {
	if main, err = FileOf(format); err != nil {
		return File{}, nil, err
	}
	switch format {
	case FormatShell:
		main.Data, notes, err = shell.Script(sp, opts.Shell)
	case FormatCompose:
		main.Data, notes, err = compose.File(sp)
	case FormatKube:
		main.Data, notes, err = kube.Manifests(sp, opts.Kube)
	case FormatJSON:
		main.Data, err = specjson.Marshal(sp, report)
	}
	if err != nil {
		return File{}, nil, err
	}
	return main, notes, nil
}

// FileOf is the name and mode of the format's output in a directory,
// without its data.
func FileOf(format Format) (File, error) {
	switch format {
	case FormatShell:
		return File{Name: "run.sh", Mode: 0o755}, nil
	case FormatCompose:
		return File{Name: "compose.yaml"}, nil
	case FormatKube:
		return File{Name: "k8s.yaml"}, nil
	case FormatJSON:
		return File{Name: "spec.json"}, nil
	}
	return File{}, fmt.Errorf("unknown output format %q (want sh, compose, kube or json)", format)
}

// Write writes what Main returns as data to w, and returns the format's
// notes. The formats whose output is largest (json, kube) are written as
// they are made, never held whole; after an error, what was written is to
// be thrown away.
func Write(w io.Writer, format Format, sp *spec.Spec, report *spec.Report, opts Options) ([]spec.Item, error) {
	switch format {
	case FormatJSON:
		return nil, specjson.Write(w, sp, report)
	case FormatKube:
		return kube.Write(w, sp, opts.Kube)
	}
	main, notes, err := Main(format, sp, report, opts)
	if err != nil {
		return nil, err
	}
	_, err = w.Write(main.Data)
	return notes, err
}
