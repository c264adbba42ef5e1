// Package spec is the launch spec: the neutral model of the services
// wsgidock runs, filled by package translate from Apache configuration and
// read by the emitters and the launcher. None of those read Apache
// configuration themselves.
package spec

import (
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// Labels wsgidock puts on every container it starts, so that later runs can
// find, adopt or remove them.
const (
	LabelProject    = "io.wsgidock.project"
	LabelService    = "io.wsgidock.service"
	LabelConfigHash = "io.wsgidock.config-hash"
)

// Kind says how a service runs.
type Kind string

// Kinds of service.
const (
	// KindContainer is a launcher that runs `docker run` or `podman run`.
	KindContainer Kind = "container"
	// KindProcess is a launcher that execs any other program (Redis, a
	// worker); only wsgidock's own supervisor can run it.
	KindProcess Kind = "process"
)

// Spec is everything wsgidock will run for one Apache configuration.
type Spec struct {
	// Project names the set of services: labels, compose project name.
	Project string `json:"project"`
	// ConfigFile is the main configuration file the Spec was read from.
	ConfigFile string `json:"configFile"`
	// ConfigHash identifies the inputs (config files and launcher scripts);
	// a container whose label differs was started from other inputs.
	ConfigHash string     `json:"configHash"`
	Services   []*Service `json:"services"`
}

// Service is one supervised unit: a container or a plain process, born from
// one WSGIDaemonProcess group and the WSGIImportScript that runs in it.
type Service struct {
	// Name is the service name: the daemon group name made safe for
	// container and DNS names.
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Group is the WSGIDaemonProcess name exactly as written.
	Group  string `json:"group"`
	Origin Origin `json:"origin"`

	// Engine is the base name of the program the launcher ran ("docker"
	// or "podman") for containers; empty for processes.
	Engine string `json:"engine,omitempty"`
	// ContainerName is the container's --name.
	ContainerName string `json:"containerName,omitempty"`
	Image         string `json:"image,omitempty"`
	// Entrypoint is the --entrypoint value; nil keeps the image's.
	Entrypoint *string `json:"entrypoint,omitempty"`
	// Command is what follows the image: the container's arguments.
	Command []string  `json:"command,omitempty"`
	Ports   []Port    `json:"ports,omitempty"`
	Env     []EnvVar  `json:"env,omitempty"`
	Volumes []Volume  `json:"volumes,omitempty"`
	Workdir string    `json:"workdir,omitempty"`
	User    string    `json:"user,omitempty"`
	Labels  []Label   `json:"labels,omitempty"`
	Network string    `json:"network,omitempty"`
	Restart string    `json:"restart,omitempty"`
	Stop    Stop      `json:"stop"`
	Ready   *Ready    `json:"ready,omitempty"`
	Extra   []Flag    `json:"extra,omitempty"`
	Front   []Route   `json:"front,omitempty"`
	Process *Process  `json:"process,omitempty"`
	Where   Positions `json:"where,omitempty"`
	// PostStart is run in the background once the service is ready.
	PostStart []string `json:"postStart,omitempty"`
	// App is the WSGI application the service serves, for a daemon group
	// moved out of Apache into its own image (pattern 2); nil otherwise.
	App *App `json:"app,omitempty"`
	// Build says how to build Image from the app's source tree; nil for an
	// image that is pulled or already there.
	Build *Build `json:"build,omitempty"`
	// Hash identifies what makes this service (Spec.ServiceHash): a reload
	// replaces the services whose hash changed and keeps the others.
	Hash string `json:"hash,omitempty"`
}

// Origin says which Apache directives and script line made the service.
type Origin struct {
	Daemon       apacheconf.Position `json:"daemon"`
	ImportScript apacheconf.Position `json:"importScript"`
	// Exec is the line of the launcher script that starts the program.
	Exec apacheconf.Position `json:"exec"`
	// Script is the launcher script's path as resolved.
	Script string `json:"script"`
}

// Positions records where scalar fields came from, keyed by the field's
// JSON name ("image", "workdir", "user", "network", "stop.signal" ...).
type Positions map[string]apacheconf.Position

// Port is one published port, as `-p [ip:][hostPort:]containerPort[/proto]`.
type Port struct {
	HostIP        string              `json:"hostIP,omitempty"`
	HostPort      string              `json:"hostPort,omitempty"`
	ContainerPort string              `json:"containerPort"`
	Protocol      string              `json:"protocol,omitempty"`
	Source        apacheconf.Position `json:"source"`
}

// EnvVar is one environment variable. Without a value (`-e NAME`) the
// engine takes it from the environment of the process that runs it.
type EnvVar struct {
	Name     string              `json:"name"`
	Value    string              `json:"value,omitempty"`
	HasValue bool                `json:"hasValue"`
	Source   apacheconf.Position `json:"source"`
}

// Volume is one `-v`, `--volume` or `--mount` as the user wrote it.
type Volume struct {
	// Flag is "--volume" or "--mount".
	Flag string `json:"flag"`
	// Spec is the value as given: "src:dst[:opts]" or "type=bind,...".
	Spec string `json:"spec"`
	// Source and Target are read from Spec; Source is empty for an
	// anonymous volume.
	Source   string              `json:"source,omitempty"`
	Target   string              `json:"target"`
	ReadOnly bool                `json:"readOnly,omitempty"`
	Type     string              `json:"type"` // bind, volume, tmpfs
	Where    apacheconf.Position `json:"where"`
}

// Label is one container label.
type Label struct {
	Key    string              `json:"key"`
	Value  string              `json:"value"`
	Source apacheconf.Position `json:"source"`
}

// Flag is a `docker run` flag the Spec has no field for, carried through to
// every output unchanged. Name is the canonical long form ("--cap-add").
type Flag struct {
	Name     string              `json:"name"`
	Value    string              `json:"value,omitempty"`
	HasValue bool                `json:"hasValue"`
	Source   apacheconf.Position `json:"source"`
}

// Stop is how the service is asked to end.
type Stop struct {
	// Signal is the first signal sent ("SIGINT"); empty for the default.
	Signal string `json:"signal,omitempty"`
	// Timeout is how long to wait after Signal before SIGKILL; zero means
	// the default schedule.
	Timeout time.Duration       `json:"timeout,omitempty"`
	Source  apacheconf.Position `json:"source"`
}

// Ready says how to tell the service is serving: the backend URL the front
// end proxies to.
type Ready struct {
	URL    string              `json:"url"`
	Source apacheconf.Position `json:"source"`
}

// Route is one way the Apache front end reaches the service.
type Route struct {
	// Directive is ProxyPass or ProxyPassMatch.
	Directive string `json:"directive"`
	// Path is the URL path (or regex for ProxyPassMatch) on the front end.
	Path string `json:"path"`
	// URL is the backend URL.
	URL        string `json:"url"`
	ServerName string `json:"serverName,omitempty"`
	// ForwardedPort and ForwardedProto are the RequestHeader values the
	// front end sets, empty when it sets none.
	ForwardedPort  string              `json:"forwardedPort,omitempty"`
	ForwardedProto string              `json:"forwardedProto,omitempty"`
	HasReverse     bool                `json:"hasReverse"`
	Source         apacheconf.Position `json:"source"`
}

// Process describes a launcher that execs a program other than a container
// engine.
type Process struct {
	// Program is the file to run; Args is the full argv, Args[0] included.
	Program string   `json:"program"`
	Args    []string `json:"args"`
	// Env is the environment to add, NAME=VALUE, from execle/execve.
	Env []string `json:"env,omitempty"`
	// ReplaceEnv is true when the launcher gave a whole environment
	// (execle, execve): the program sees only Env.
	ReplaceEnv bool `json:"replaceEnv,omitempty"`
	// Dir is the working directory (WSGIDaemonProcess home=).
	Dir string `json:"dir,omitempty"`
}

// Report says, for one Plan, what was mapped into the Spec and what could
// not be, each with the place in the user's files it is about.
type Report struct {
	Mapped   []Item `json:"mapped"`
	Unmapped []Item `json:"unmapped"`
}

// Item is one entry of a Report.
type Item struct {
	// Service is the service the item belongs to; empty for the front end
	// or the whole config.
	Service string `json:"service,omitempty"`
	// What names the thing: a directive, an option, a docker run flag.
	What string `json:"what"`
	// Why says where it went, or why it could not be mapped and what to do.
	Why    string              `json:"why"`
	Source apacheconf.Position `json:"source"`
	// Info marks an output format's note about what wsgidock adapted by
	// itself, which leaves the user nothing to do: MIGRATION.md lists it,
	// migrate does not warn about it, and --strict does not count it.
	Info bool `json:"-"`
}
