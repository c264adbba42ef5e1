package spec

import (
	"path/filepath"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// Label wsgidock puts on every image it builds: the hash of the build's
// inputs, so that a later run rebuilds only when they changed.
const LabelInputsHash = "io.wsgidock.inputs-hash"

// Base names the kind of image an app is built on.
type Base string

// Bases of app images.
const (
	// BaseExpress is a Python slim image with mod_wsgi installed by pip
	// and run as mod_wsgi-express.
	BaseExpress Base = "express"
	// BaseDebian is Debian bookworm with apache2 and
	// libapache2-mod-wsgi-py3 from the distribution, running a generated
	// httpd configuration that keeps the group's own options.
	BaseDebian Base = "debian"
)

// App is a WSGI application served by a mod_wsgi daemon group, as the
// front end's configuration described it. Paths are the server's; the
// image keeps the source tree at the same absolute path, so that they stay
// valid inside the container.
type App struct {
	// Script is the WSGI script file (WSGIScriptAlias's second argument).
	Script string `json:"script"`
	// MountPoint is the URL path the application is mounted at; for a
	// WSGIScriptAliasMatch, the literal path its expression starts with.
	MountPoint string `json:"mountPoint"`
	// MountMatch is the expression of a WSGIScriptAliasMatch, whose
	// matched text is SCRIPT_NAME: the front end proxies what it matches
	// and the container's httpd mounts the script with it again.
	MountMatch string `json:"mountMatch,omitempty"`
	// Callable is the WSGICallableObject ("application" by default).
	Callable string `json:"callable"`
	// ProcessGroup and ApplicationGroup are the groups the script runs in,
	// as mod_wsgi resolves them.
	ProcessGroup     string   `json:"processGroup"`
	ApplicationGroup string   `json:"applicationGroup"`
	ServerName       string   `json:"serverName,omitempty"`
	ServerAliases    []string `json:"serverAliases,omitempty"`
	// Aliases are the static files Alias directives of the same virtual
	// host serve; the container serves them.
	Aliases []Alias `json:"aliases,omitempty"`
	// Home is the working directory (home=); PythonPath the python-path
	// entries; PythonHome the virtualenv (python-home=), rebuilt in the
	// image rather than copied.
	Home       string   `json:"home,omitempty"`
	PythonPath []string `json:"pythonPath,omitempty"`
	PythonHome string   `json:"pythonHome,omitempty"`
	// User and Group are the accounts the application's processes run as
	// in the container (user=/group=, "app" by default); never root.
	User  string `json:"user"`
	Group string `json:"group"`
	// Umask is the umask= option, applied by the start script.
	Umask string `json:"umask,omitempty"`
	// ExpressArgs are the mod_wsgi-express start-server arguments the
	// group's options map to, after the script: the image's CMD for the
	// express base.
	ExpressArgs []string `json:"expressArgs"`
	// DaemonOptions are the WSGIDaemonProcess options the container-side
	// httpd configuration of the debian base keeps, name=value as written.
	DaemonOptions []string `json:"daemonOptions,omitempty"`
	// TLS is true when the front end's virtual host speaks TLS.
	TLS bool `json:"tls,omitempty"`
	// ForwardedPort is the port the front end's virtual host listens on,
	// sent to the app as X-Forwarded-Port.
	ForwardedPort string `json:"forwardedPort"`
	// Directives are the front-end lines the app came from, which the
	// rewritten front end comments out; the first is the WSGIScriptAlias,
	// where the proxy directives go.
	Directives []apacheconf.Position `json:"directives"`
	// PassAuthorization is WSGIPassAuthorization (or pass-authorization=)
	// as it applies to the mount point: the Authorization header reaches
	// the application.
	PassAuthorization bool `json:"passAuthorization,omitempty"`
	// RequestEnv are the SetEnv and UnsetEnv of the front end that apply
	// to the application's requests: under mod_wsgi they reach the WSGI
	// environ (not os.environ), so the container's httpd sets them.
	RequestEnv []RequestEnv `json:"requestEnv,omitempty"`
	// Excluded are URL paths under a mount point that the front end keeps
	// serving itself (a server-level Alias, which httpd applies before the
	// script alias): ProxyPass PATH ! before the application's ProxyPass,
	// at the route of the same Source.
	Excluded []Alias `json:"excluded,omitempty"`
	// Access is the access control of the <Directory> and <Files>
	// sections that governed the application's files under mod_wsgi,
	// which the front end applies to the proxied requests instead.
	Access []AccessSection `json:"access,omitempty"`
	// Mounts are the further script aliases of the same daemon group
	// that the container's httpd mounts too (the debian base).
	Mounts []Mount `json:"mounts,omitempty"`
	// UnsetEnv are variables of the container's environment that httpd's
	// had not (the envvars file unset them): the start script unsets them
	// before it starts the server.
	UnsetEnv []string `json:"unsetEnv,omitempty"`
}

// Mount is one further script alias of an application's daemon group.
type Mount struct {
	Script           string              `json:"script"`
	MountPoint       string              `json:"mountPoint"`
	MountMatch       string              `json:"mountMatch,omitempty"`
	Callable         string              `json:"callable"`
	ApplicationGroup string              `json:"applicationGroup"`
	Source           apacheconf.Position `json:"source"`
}

// AccessSection is the access control of one <Directory> or <Files>
// section of the front end, for a <Location> of the application's URLs.
type AccessSection struct {
	// Open is the <Location> or <LocationMatch> line without its
	// brackets: `Location /app`.
	Open string `json:"open"`
	// Lines are the directives, as httpd read them.
	Lines []string `json:"lines"`
	// From is the section; Before the line of the front end the
	// <Location> goes before (the virtual host's first).
	From   apacheconf.Position `json:"from"`
	Before apacheconf.Position `json:"before"`
}

// ScriptDir is the directory that holds the application's scripts: the
// script's, that of the text before the first $N of a
// WSGIScriptAliasMatch's script, or the directory a script alias names
// (written with a trailing slash).
func (a *App) ScriptDir() string {
	script := a.Script
	if i := strings.IndexByte(script, '$'); i >= 0 && a.MountMatch != "" {
		return filepath.Dir(script[:i] + "x")
	}
	if strings.HasSuffix(script, "/") {
		return filepath.Clean(script)
	}
	return filepath.Dir(script)
}

// RequestEnv is one SetEnv (or UnsetEnv when Unset) for an app's
// requests, in a <Location> of the front end when Location is set.
type RequestEnv struct {
	Name     string              `json:"name"`
	Value    string              `json:"value,omitempty"`
	Unset    bool                `json:"unset,omitempty"`
	Location string              `json:"location,omitempty"`
	Source   apacheconf.Position `json:"source"`
}

// Alias is one static-files Alias.
type Alias struct {
	URL    string              `json:"url"`
	Path   string              `json:"path"`
	Source apacheconf.Position `json:"source"`
}

// Build is how an app's image is built: from Context, the app's own
// source tree, with a Dockerfile of the bundle that holds its scripts.
type Build struct {
	// Context is the build context: the nearest common directory of the
	// script's directory, python-path and home.
	Context string `json:"context"`
	// Base is the kind of image; BaseImage the image FROM names.
	Base      Base   `json:"base"`
	BaseImage string `json:"baseImage"`
	// PythonVersion is the Python version of the base image (express),
	// from the virtualenv's pyvenv.cfg when there is one.
	PythonVersion string `json:"pythonVersion,omitempty"`
	// Requirements says where the dependencies come from.
	Requirements Requirements `json:"requirements"`
	// Dockerfile is the path of the Dockerfile inside the bundle
	// directory ("apps/NAME/Dockerfile").
	Dockerfile string              `json:"dockerfile"`
	Source     apacheconf.Position `json:"source"`
}

// Requirements are an app's dependencies.
type Requirements struct {
	// Kind is "requirements.txt", "Pipfile.lock", "poetry.lock",
	// "pyproject.toml", "python-home" (pinned from the virtualenv's
	// *.dist-info) or "none".
	Kind string `json:"kind"`
	// File is the file's path relative to Context, for the kinds that are
	// files of the app.
	File string `json:"file,omitempty"`
	// Pinned is the generated requirements.txt for "python-home".
	Pinned []string `json:"pinned,omitempty"`
}

// ExpressConfPath is where the express base's image has the httpd
// configuration it adds to mod_wsgi-express's (--include-file).
const ExpressConfPath = "/etc/wsgidock/express.conf"

// The request headers the rewritten front end sends an app's container
// the user it authenticated in, and how; the container's httpd takes them
// from the bridge's gateway only and gives them to the application as
// REMOTE_USER and AUTH_TYPE, as mod_wsgi did on the front end.
const (
	HeaderRemoteUser = "X-Wsgidock-Remote-User"
	HeaderAuthType   = "X-Wsgidock-Auth-Type"
)
