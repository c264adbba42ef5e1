// Package emit turns a launch spec into the files users deploy with: it
// picks the format's emitter (shell, compose, kube, specjson), adds the
// MIGRATION.md report, and writes the files to a directory atomically.
// The emitters themselves only return bytes and notes.
package emit

import (
	"fmt"

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
	switch format {
	case FormatShell:
		main = File{Name: "run.sh", Mode: 0o755}
		main.Data, notes, err = shell.Script(sp, opts.Shell)
	case FormatCompose:
		main = File{Name: "compose.yaml"}
		main.Data, notes, err = compose.File(sp)
	case FormatKube:
		main = File{Name: "k8s.yaml"}
		main.Data, notes, err = kube.Manifests(sp, opts.Kube)
	case FormatJSON:
		main = File{Name: "spec.json"}
		main.Data, err = specjson.Marshal(sp, report)
	default:
		return File{}, nil, fmt.Errorf("unknown output format %q (want sh, compose, kube or json)", format)
	}
	if err != nil {
		return File{}, nil, err
	}
	return main, notes, nil
}
