// Package express maps the options of a mod_wsgi daemon group
// (WSGIDaemonProcess) to what runs the same application in a container:
// mod_wsgi-express start-server flags where express has one, the
// container (account, memory, environment, umask) where it does not, and
// a reason for each option neither can carry. The table follows
// mod_wsgi 6.0.5's express options.
package express

import "strings"

// How says where an option goes.
type How int

// Ways an option is carried.
const (
	// Flag: a mod_wsgi-express flag of the same value.
	Flag How = iota + 1
	// Container: a property of the container or image (account, memory,
	// environment, umask, working directory).
	Container
	// Implicit: nothing to pass; the image does it (python-home: the
	// image's own Python with the app's requirements).
	Implicit
	// Unsupported: neither express nor the container can carry it.
	Unsupported
)

// Mapping is how one WSGIDaemonProcess option is carried.
type Mapping struct {
	How How
	// Flag is the express flag for Flag (and for options that need both).
	Flag string
	// Why says what happens to the option, for the report.
	Why string
}

// Options maps every WSGIDaemonProcess option name mod_wsgi accepts.
var Options = map[string]Mapping{
	"processes":               {Flag, "--processes", ""},
	"threads":                 {Flag, "--threads", "express's default is 5, the directive's 15: passed explicitly"},
	"maximum-requests":        {Flag, "--maximum-requests", ""},
	"startup-timeout":         {Flag, "--startup-timeout", ""},
	"shutdown-timeout":        {Flag, "--shutdown-timeout", "also the container's stop timeout, plus 5 s for httpd to exit"},
	"deadlock-timeout":        {Flag, "--deadlock-timeout", ""},
	"inactivity-timeout":      {Flag, "--inactivity-timeout", ""},
	"request-timeout":         {Flag, "--request-timeout", ""},
	"interrupt-timeout":       {Flag, "--interrupt-timeout", ""},
	"graceful-timeout":        {Flag, "--graceful-timeout", ""},
	"eviction-timeout":        {Flag, "--eviction-timeout", ""},
	"restart-interval":        {Flag, "--restart-interval", ""},
	"connect-timeout":         {Flag, "--connect-timeout", ""},
	"socket-timeout":          {Flag, "--socket-timeout", ""},
	"queue-timeout":           {Flag, "--queue-timeout", ""},
	"cpu-time-limit":          {Flag, "--cpu-time-limit", ""},
	"listen-backlog":          {Flag, "--daemon-backlog", ""},
	"send-buffer-size":        {Flag, "--send-buffer-size", ""},
	"receive-buffer-size":     {Flag, "--receive-buffer-size", ""},
	"header-buffer-size":      {Flag, "--header-buffer-size", "express honours it only together with --processes"},
	"response-buffer-size":    {Flag, "--response-buffer-size", ""},
	"response-socket-timeout": {Flag, "--response-socket-timeout", ""},
	"response-flush-delay":    {Flag, "--response-flush-delay", ""},
	"switch-interval":         {Flag, "--switch-interval", ""},
	"server-metrics":          {Flag, "--server-metrics", "a switch: given only for On"},
	"python-eggs":             {Flag, "--python-eggs", ""},
	"python-path":             {Flag, "--python-path", "one --python-path per ':'-separated entry; the source tree keeps its path in the image"},
	"home":                    {Flag, "--working-directory", "the source tree keeps its path in the image"},
	"user":                    {Container, "--user", "the image creates this account; httpd starts as root to bind its port and runs the application's processes as it"},
	"group":                   {Container, "--group", "the image creates this group for the application's processes"},
	"lang":                    {Container, "--lang", "also LANG in the container's environment"},
	"locale":                  {Container, "--locale", "also LC_ALL in the container's environment"},
	"umask":                   {Container, "", "the start script sets it before starting the server"},
	"memory-limit":            {Container, "", "the container's memory limit (--memory), a cgroup limit rather than an rlimit per process"},
	"virtual-memory-limit":    {Container, "", "the container's memory limit (--memory), a cgroup limit rather than an rlimit per process"},
	"chroot":                  {Container, "", "the container is the application's root directory now"},
	"display-name":            {Flag, "--process-group", "express names the daemon processes (wsgi:GROUP) after --process-group"},
	"python-home":             {Implicit, "", "the image's own Python runs the application, with its requirements installed; the virtualenv is not copied"},
	"supplementary-groups":    {Unsupported, "", "express has no flag for it and the host's groups do not exist in the image: add them in the build hook and a --group-add by hand"},
	"stack-size":              {Unsupported, "", "express has no flag for the daemon threads' stack size; the default (8 MB on Linux) applies"},
	"cpu-priority":            {Unsupported, "", "express has no flag for it; --cpu-shares is the nearest container setting, but not the same: set it by hand"},
	"socket-user":             {Unsupported, "", "express owns its daemon socket; nothing to set"},
	"script-user":             {Unsupported, "", "express has no flag for it; the script is owned by the image's account"},
	"script-group":            {Unsupported, "", "express has no flag for it; the script is owned by the image's account"},
	"newrelic-config-file":    {Unsupported, "", "mod_wsgi 6 dropped New Relic support; configure the agent in the application"},
	"newrelic-environment":    {Unsupported, "", "mod_wsgi 6 dropped New Relic support; configure the agent in the application"},
}

// Args returns the express flags for one option and whether the option
// has any. Values are passed as written: mod_wsgi and express read them
// the same way.
func Args(name, value string) []string {
	m, ok := Options[name]
	if !ok || m.Flag == "" {
		return nil
	}
	switch name {
	case "python-path":
		var out []string
		for _, p := range strings.Split(value, ":") {
			if p != "" {
				out = append(out, m.Flag, p)
			}
		}
		return out
	case "server-metrics":
		if strings.EqualFold(value, "on") {
			return []string{m.Flag}
		}
		return nil
	case "display-name":
		// The group name, not the display name, is what express takes.
		return nil
	}
	return []string{m.Flag, value}
}
