// Package dockerrun reads the `docker run` (or `podman run`) command line a
// launcher script execs, exactly as the engine's own flag parser reads it,
// and maps it onto a launch spec service.
//
// Parse knows every flag of docker run and podman run, with their short
// forms, aliases and value types, and pflag's rules for writing them:
// --flag value, --flag=value, -p8002:80, -p=8002:80, groups such as -itd,
// where the first flag that takes a value takes the rest of the group or
// the next argument, "--", and the first non-flag word as the image with
// everything after it as the command. Run.Apply then fills a
// spec.Service, keeping every flag: the ones the spec has fields for in
// those fields, the others as Extra, and reports what it dropped or
// overrode. spec.Spec.RunArgs of the result parses back to the same
// service.
package dockerrun
