// Package launch runs the services of a launch spec (translate/spec) and
// supervises them, doing what Apache and mod_wsgi did for the seed's
// launcher scripts, without their traps: back-off on crash loops, no
// container outliving its supervisor unnoticed, no restarts fought over.
//
// Up runs the services in the foreground, where wsgidock alone restarts
// them, or detached, where the engine does; Down stops and removes them;
// PS reports their state. Containers are driven through an Engine, the
// `docker` or `podman` program by default (CLI), always with the one argv
// spec.Spec.RunArgs builds. Stopping follows a Schedule of signals sent
// through the engine by container name, never to a CLI process.
//
// The package is for Unix systems: it signals process groups and locks
// files with flock.
package launch
