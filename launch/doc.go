// Package launch runs the services of a launch spec (translate/spec) and
// supervises them, doing what Apache and mod_wsgi did for the seed's
// launcher scripts, without their traps: back-off on crash loops, no
// container outliving its supervisor unnoticed, no restarts fought over.
//
// Up runs the services in the foreground, where wsgidock alone restarts
// them, or detached, where the engine does; Down stops and removes them;
// PS reports their state; Reload applies a changed configuration, Logs
// shows the containers' output. Containers are driven through an Engine:
// for docker on a local socket the docker program together with the
// Engine API (API), otherwise the `docker` or `podman` program alone
// (CLI); what runs is always the one argv spec.Spec.RunArgs builds. Stopping follows a Schedule of signals sent
// through the engine by container name, never to a CLI process.
//
// The package is for Unix systems: it signals process groups and locks
// files with flock.
package launch
