// Package bundle writes, for each WSGI application a launch spec moves
// into a container (spec.Service.App), the files that build and run its
// image: apps/NAME/Dockerfile, the start, build and shell entry points,
// and for the debian base the container-side httpd configuration. The
// Dockerfile is used with `docker build -f` on the app's own source tree
// (spec.Build.Context); the scripts are carried inside it, so that it
// builds from that tree alone with any builder.
package bundle

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// ModWSGIVersion is the mod_wsgi release the express base installs.
const ModWSGIVersion = "6.0.5"

// Paths inside the image.
const (
	StartPath     = "/usr/local/bin/wsgidock-start"
	BuildPath     = "/usr/local/bin/wsgidock-build"
	ShellPath     = "/usr/local/bin/wsgidock-shell"
	HTTPDConfPath = "/etc/wsgidock/httpd.conf"
	// ExpressConfPath is the httpd configuration the express base adds
	// to mod_wsgi-express's own (--include-file).
	ExpressConfPath  = spec.ExpressConfPath
	RequirementsPath = "/etc/wsgidock/requirements.txt"
	// HooksDir is where the action hooks are, relative to the source tree,
	// as in the seed's mod_wsgi-docker.
	HooksDir = ".docker/action_hooks"
)

// LabelImage is on every layer of an app image's build: the image's name.
const LabelImage = "io.wsgidock.image"

// File is one file of the bundle.
type File struct {
	// Name is slash-separated and relative: "apps/NAME/Dockerfile".
	Name string
	Data []byte
	// Executable is set for the scripts.
	Executable bool
}

// Files returns the bundle files of every app service of sp, in service
// order, and the notes for MIGRATION.md.
func Files(sp *spec.Spec) ([]File, error) {
	var out []File
	for _, s := range sp.Services {
		if s.App == nil || s.Build == nil {
			continue
		}
		fs, err := App(s)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// App returns the bundle files of one app service.
func App(s *spec.Service) ([]File, error) {
	dir := path.Dir(s.Build.Dockerfile)
	scripts := []File{
		{Name: path.Join(dir, "start"), Data: []byte(startScript(s)), Executable: true},
		{Name: path.Join(dir, "build"), Data: []byte(buildScript(s)), Executable: true},
		{Name: path.Join(dir, "shell"), Data: []byte(shellScript(s)), Executable: true},
	}
	var extra []File
	if s.Build.Base == spec.BaseDebian {
		extra = append(extra, File{Name: path.Join(dir, "httpd.conf"), Data: []byte(HTTPDConf(s))})
	} else {
		extra = append(extra, File{Name: path.Join(dir, "express.conf"), Data: []byte(ExpressConf(s))})
	}
	if s.Build.Requirements.Kind == "python-home" {
		extra = append(extra, File{Name: path.Join(dir, "requirements.txt"), Data: []byte(strings.Join(s.Build.Requirements.Pinned, "\n") + "\n")})
	}
	df, err := dockerfile(s, scripts, extra)
	if err != nil {
		return nil, err
	}
	files := []File{{Name: s.Build.Dockerfile, Data: df}}
	files = append(files, scripts...)
	return append(files, extra...), nil
}

// Embedded maps each file the Dockerfile writes into the image to the
// bundle file it carries.
func Embedded(s *spec.Service) map[string]string {
	dir := path.Dir(s.Build.Dockerfile)
	m := map[string]string{
		StartPath: path.Join(dir, "start"),
		BuildPath: path.Join(dir, "build"),
		ShellPath: path.Join(dir, "shell"),
	}
	if s.Build.Base == spec.BaseDebian {
		m[HTTPDConfPath] = path.Join(dir, "httpd.conf")
	} else {
		m[ExpressConfPath] = path.Join(dir, "express.conf")
	}
	if s.Build.Requirements.Kind == "python-home" {
		m[RequirementsPath] = path.Join(dir, "requirements.txt")
	}
	return m
}

func jsonArray(words []string) string {
	b, _ := json.Marshal(words)
	return string(b)
}

func dockerfile(s *spec.Service, scripts, extra []File) ([]byte, error) {
	b := &bytes.Buffer{}
	app, bld := s.App, s.Build
	fmt.Fprintf(b, "# The WSGI application of mod_wsgi daemon group %s (%s), moved into\n", oneLine(app.ProcessGroup), bld.Source)
	fmt.Fprintf(b, "# an image by wsgidock. Build it from the application's source tree:\n")
	fmt.Fprintf(b, "#   docker build -f %s -t %s %s\n", bld.Dockerfile, s.Image, oneLine(bld.Context))
	fmt.Fprintf(b, "# The scripts beside this file (start, build, shell) are carried inside it,\n")
	fmt.Fprintf(b, "# base64-encoded, so that the source tree is the whole build context.\n")
	fmt.Fprintf(b, "ARG BASE_IMAGE=%s\n", bld.BaseImage)
	b.WriteString("FROM ${BASE_IMAGE}\n")
	// First, so that every layer of the build, a failed one's too, says
	// whose it is.
	fmt.Fprintf(b, "LABEL %s=%s %s=%s %s=%s\n", spec.LabelService, dockerfileWord(s.Name), LabelImage, dockerfileWord(s.Image), "io.wsgidock.base", string(bld.Base))
	// One RUN for the server, the account and the scripts: each step of
	// a build is a container of its own, which costs the classic builder
	// seconds apiece.
	if bld.Base == spec.BaseDebian {
		b.WriteString("# apache2 and mod_wsgi from the distribution; already there on a base\n")
		b.WriteString("# that has them, so that such a base builds without a network.\n")
		b.WriteString("RUN if ! dpkg-query -W apache2 libapache2-mod-wsgi-py3 >/dev/null 2>&1; then \\\n")
		b.WriteString("      apt-get update \\\n")
		b.WriteString("      && apt-get install -y --no-install-recommends apache2 libapache2-mod-wsgi-py3 \\\n")
		b.WriteString("      && rm -rf /var/lib/apt/lists/*; \\\n")
		b.WriteString("    fi \\\n")
	} else {
		b.WriteString("RUN apt-get update \\\n")
		b.WriteString(" && apt-get install -y --no-install-recommends apache2 apache2-dev gcc \\\n")
		b.WriteString(" && rm -rf /var/lib/apt/lists/*\n")
		fmt.Fprintf(b, "RUN pip install --no-cache-dir \"mod_wsgi==%s\" \\\n", ModWSGIVersion)
	}
	fmt.Fprintf(b, "# The account the application's processes run as: httpd starts as root\n")
	fmt.Fprintf(b, "# to bind its port, then runs every child and daemon process as it.\n")
	fmt.Fprintf(b, " && (getent group %[2]s >/dev/null || groupadd --system %[2]s) \\\n && (getent passwd %[1]s >/dev/null || useradd --system --gid %[2]s --create-home --home-dir /home/%[1]s --shell /usr/sbin/nologin %[1]s) \\\n", app.User, app.Group)
	emb := Embedded(s)
	var dsts []string
	for dst := range emb {
		dsts = append(dsts, dst)
	}
	sort.Strings(dsts)
	byName := map[string]File{}
	for _, f := range append(append([]File{}, scripts...), extra...) {
		byName[f.Name] = f
	}
	b.WriteString(" && mkdir -p /etc/wsgidock")
	for _, dst := range dsts {
		f := byName[emb[dst]]
		fmt.Fprintf(b, " \\\n && echo %s | base64 -d >%s", base64.StdEncoding.EncodeToString(f.Data), dst)
	}
	b.WriteString(" \\\n && chmod 0755")
	for _, dst := range dsts {
		if byName[emb[dst]].Executable {
			b.WriteString(" " + dst)
		}
	}
	b.WriteString("\n")
	fmt.Fprintf(b, "COPY . %s\n", dockerfileWord(bld.Context))
	if app.PythonHome != "" && strings.HasPrefix(app.PythonHome, bld.Context+"/") {
		fmt.Fprintf(b, "# The virtualenv of python-home= is rebuilt from the requirements, not used.\n")
		fmt.Fprintf(b, "RUN rm -rf %s && %s\n", sh(app.PythonHome), BuildPath)
	} else {
		fmt.Fprintf(b, "RUN [%q]\n", BuildPath)
	}
	// No ENV, WORKDIR or STOPSIGNAL (the engine's default, SIGTERM, is
	// httpd's): the scripts know the tree's path, and each step of the
	// classic builder is a container of its own.
	b.WriteString("EXPOSE 80\n")
	fmt.Fprintf(b, "ENTRYPOINT [%q]\n", StartPath)
	if bld.Base == spec.BaseDebian {
		b.WriteString("CMD [\"--port\", \"80\"]\n")
	} else {
		fmt.Fprintf(b, "CMD %s\n", jsonArray(app.ExpressArgs))
	}
	return b.Bytes(), nil
}

// dockerfileWord writes a path for COPY, WORKDIR, ENV and LABEL: as is
// when it has no space or quote, else JSON-quoted.
func dockerfileWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"'\\$") {
		return s
	}
	q, _ := json.Marshal(s)
	return string(q)
}

func oneLine(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(s)
}

// sh quotes one word for bash.
func sh(word string) string {
	q, err := syntax.Quote(word, syntax.LangBash)
	if err != nil {
		// Only a NUL byte cannot be quoted; the planner's values come from
		// httpd's configuration, which cannot hold one.
		return "''"
	}
	return q
}

const readyPoll = `
# answers reports whether the server answers HTTP on 127.0.0.1:$1.
answers() {
	local status
	status=$( (printf 'HEAD / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && IFS= read -r -t 5 line <&3 && printf '%s' "$line") 3<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null)
	[[ $status == HTTP/* ]]
}
`

func startScript(s *spec.Service) string {
	b := &strings.Builder{}
	b.WriteString("#!/usr/bin/env bash\n")
	fmt.Fprintf(b, "# Start script (ENTRYPOINT) of %s: runs the deploy hook, starts the\n", oneLine(s.Name))
	b.WriteString("# post-deploy hook in the background once the server answers (on the port\n")
	b.WriteString("# in WSGIDOCK_PORT), then execs the server so that it is PID 1 and receives\n")
	b.WriteString("# the container's signals.\n")
	b.WriteString("# The arguments (CMD, or what follows the image on `docker run`) go to\n")
	b.WriteString("# the server. A failing deploy hook is logged and the start goes on.\n")
	b.WriteString("set -u\n")
	appDir(b, s)
	b.WriteString("cd \"$WSGIDOCK_APP\" || exit 1\n")
	if s.App.Umask != "" {
		fmt.Fprintf(b, "umask %s\n", sh(s.App.Umask))
	}
	fmt.Fprintf(b, "hooks=%s\n", HooksDir)
	b.WriteString(`if [ -e "$hooks/deploy" ]; then
	if [ -x "$hooks/deploy" ]; then
		echo " -----> Running $hooks/deploy"
		"$hooks/deploy"
		status=$?
		if [ "$status" -ne 0 ]; then
			echo " -----> $hooks/deploy failed (exit status $status); starting the server anyway" >&2
		fi
	else
		echo " -----> $hooks/deploy is not executable; not run" >&2
	fi
fi
`)
	if s.Build.Base != spec.BaseDebian {
		b.WriteString("\n# The application's arguments, the image's CMD. Arguments that start with\n")
		b.WriteString("# an option (docker run IMAGE --port 8080) are added to them instead.\n")
		b.WriteString("app_args=(")
		for i, a := range s.App.ExpressArgs {
			switch {
			case i == 0:
			case strings.HasPrefix(a, "-"):
				b.WriteString(" \\\n\t")
			default:
				b.WriteByte(' ')
			}
			b.WriteString(sh(a))
		}
		b.WriteString(")\n")
		b.WriteString(`if [ $# -eq 0 ] || [ "${1#-}" != "$1" ]; then
	set -- "${app_args[@]}" "$@"
fi
`)
	}
	b.WriteString(`
# The port the server listens on: 80, or the last --port of the arguments.
port=80
prev=
for arg in "$@"; do
	case $arg in
	--port=*) port=${arg#--port=} ;;
	*) if [ "$prev" = --port ]; then port=$arg; fi ;;
	esac
	prev=$arg
done
`)
	b.WriteString(readyPoll)
	b.WriteString(`
if [ -x "$hooks/post-deploy" ]; then
	(
		export WSGIDOCK_PORT=$port
		for _ in $(seq 1 600); do
			if answers "$port"; then
				echo " -----> Running $hooks/post-deploy"
				"$hooks/post-deploy" || echo " -----> $hooks/post-deploy failed (exit status $?)" >&2
				exit 0
			fi
			sleep 0.5
		done
		echo " -----> the server did not answer on port $port in 300 s; $hooks/post-deploy not run" >&2
	) &
fi

# The front end reaches the container through the bridge's gateway: trust
# the proxy headers from it alone.
gateway=
while read -r _ dest gw _; do
	if [ "$dest" = 00000000 ] && [ "${#gw}" = 8 ]; then
		gateway=$(printf '%d.%d.%d.%d' "0x${gw:6:2}" "0x${gw:4:2}" "0x${gw:2:2}" "0x${gw:0:2}")
		break
	fi
done </proc/net/route
`)
	// The environment the server starts with is the one httpd had on the
	// server: not this script's own variable nor the cd's OLDPWD, nor what
	// envvars unset.
	b.WriteString("\nunset WSGIDOCK_APP OLDPWD")
	for _, k := range s.App.UnsetEnv {
		b.WriteString(" " + sh(k))
	}
	b.WriteString("\n")
	if s.Build.Base == spec.BaseDebian {
		b.WriteString(`
# The debian image runs the distribution's apache2 with the generated
# configuration; like mod_wsgi-express it takes --port.
defines=(-C "Define WSGIDOCK_PORT $port")
if [ -n "$gateway" ]; then
	defines+=(-C "Define WSGIDOCK_TRUSTED_PROXY $gateway")
fi
while [ $# -gt 0 ]; do
	case $1 in
	--port) shift ;;
	--port=*) ;;
	*)
		echo "wsgidock-start: unknown argument $1 (this image takes only --port N)" >&2
		exit 2
		;;
	esac
	shift
done
`)
		if s.App.Home == "" {
			b.WriteString("# Without home=, mod_wsgi's daemons stay in httpd's directory, which\n")
			b.WriteString("# for a system service is /.\n")
			b.WriteString("cd / || exit 1\n")
		}
		fmt.Fprintf(b, "exec /usr/sbin/apache2 -f %s \"${defines[@]}\" -DFOREGROUND -E /dev/stderr\n", HTTPDConfPath)
	} else {
		b.WriteString(`
trust=()
if [ -n "$gateway" ]; then
	trust=(--trust-proxy "$gateway")
fi
# express.conf trusts the user the front end authenticated from it alone;
# with no gateway, from nobody.
export WSGIDOCK_TRUSTED_PROXY=${gateway:-255.255.255.255}
exec mod_wsgi-express start-server --log-to-terminal --startup-log --port 80 "${trust[@]}" "$@"
`)
	}
	return b.String()
}

func buildScript(s *spec.Service) string {
	b := &strings.Builder{}
	b.WriteString("#!/usr/bin/env bash\n")
	fmt.Fprintf(b, "# Build script of %s, run once while the image is built: the pre-build\n", oneLine(s.Name))
	b.WriteString("# hook, the application's dependencies, the build hook. Any failure fails\n")
	b.WriteString("# the build.\n")
	b.WriteString("set -eo pipefail\n")
	appDir(b, s)
	b.WriteString("cd \"$WSGIDOCK_APP\"\n")
	fmt.Fprintf(b, "hooks=%s\n", HooksDir)
	b.WriteString(`if [ -x "$hooks/pre-build" ]; then
	echo " -----> Running $hooks/pre-build"
	"$hooks/pre-build"
fi
`)
	req := s.Build.Requirements
	pip := "pip install --no-cache-dir"
	if s.Build.Base == spec.BaseDebian {
		pip = "python3 -m pip install --no-cache-dir --break-system-packages"
	}
	var install string
	switch req.Kind {
	case "requirements.txt":
		install = fmt.Sprintf("%s -r %s", pip, sh(req.File))
	case "python-home":
		install = fmt.Sprintf("%s -r %s", pip, RequirementsPath)
	case "Pipfile.lock":
		install = fmt.Sprintf("%s pipenv\n(cd %s && pipenv install --system --deploy --ignore-pipfile)", pip, sh(path.Dir(req.File)))
	case "poetry.lock", "pyproject.toml":
		install = fmt.Sprintf("%s %s", pip, sh("./"+path.Dir(req.File)))
	}
	if install != "" {
		fmt.Fprintf(b, "echo \" -----> Installing the dependencies (%s)\"\n", req.Kind)
		if s.Build.Base == spec.BaseDebian {
			b.WriteString(`if ! python3 -m pip --version >/dev/null 2>&1; then
	echo "wsgidock-build: the debian base has no pip; install the dependencies as Debian packages (python3-*) in $hooks/pre-build, or add python3-pip to the base" >&2
	exit 1
fi
`)
		}
		b.WriteString(install + "\n")
	}
	b.WriteString(`if [ -x "$hooks/build" ]; then
	echo " -----> Running $hooks/build"
	"$hooks/build"
fi
`)
	return b.String()
}

func shellScript(s *spec.Service) string {
	b := &strings.Builder{}
	fmt.Fprintf(b, `#!/usr/bin/env bash
# Shell entry point of %s: ignores its arguments (the image's CMD) and
# gives an interactive shell in the application's directory:
#   docker run -it --entrypoint %s %s
`, oneLine(s.Name), ShellPath, s.Image)
	appDir(b, s)
	b.WriteString("cd \"$WSGIDOCK_APP\" || exit 1\nexec bash\n")
	return b.String()
}

// appDir sets WSGIDOCK_APP, the source tree's path in the image, for the
// script and the hooks it runs, unless the environment names another.
func appDir(b *strings.Builder, s *spec.Service) {
	fmt.Fprintf(b, "export WSGIDOCK_APP=${WSGIDOCK_APP:-%s}\n", sh(s.Build.Context))
}

// HTTPDConf is the container-side httpd configuration of the debian
// base: the daemon group with the options it had on the server, the
// application mounted where it was, its static files, and the proxy
// headers trusted from the bridge's gateway.
func HTTPDConf(s *spec.Service) string {
	app := s.App
	b := &strings.Builder{}
	fmt.Fprintf(b, "# httpd configuration of %s in its container, generated by wsgidock\n", oneLine(s.Name))
	fmt.Fprintf(b, "# from the daemon group at %s. The start script defines\n", s.Origin.Daemon)
	b.WriteString("# WSGIDOCK_PORT (from --port) and WSGIDOCK_TRUSTED_PROXY (the gateway).\n")
	b.WriteString("ServerRoot /etc/apache2\n")
	for _, m := range []string{"mpm_event", "authz_core", "alias", "mime", "env", "headers", "setenvif", "wsgi"} {
		fmt.Fprintf(b, "LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so\n", m, m)
	}
	b.WriteString("Listen ${WSGIDOCK_PORT}\n")
	name := app.ServerName
	if name == "" {
		name = "localhost"
	}
	fmt.Fprintf(b, "ServerName %s\n", quoteConf(name))
	fmt.Fprintf(b, "User %s\nGroup %s\n", app.User, app.Group)
	b.WriteString("DefaultRuntimeDir /tmp\nPidFile /tmp/httpd.pid\n")
	b.WriteString("ErrorLog /dev/stderr\nLogLevel warn\n")
	b.WriteString("LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b\" common\nCustomLog /dev/stdout common\n")
	b.WriteString("TypesConfig /etc/mime.types\n")
	b.WriteString("WSGIRestrictEmbedded On\nWSGISocketPrefix /tmp/wsgi\n")
	b.WriteString("WSGITrustedProxyHeaders X-Forwarded-For X-Forwarded-Port X-Forwarded-Proto\n")
	b.WriteString("<IfDefine WSGIDOCK_TRUSTED_PROXY>\n    WSGITrustedProxies ${WSGIDOCK_TRUSTED_PROXY}\n")
	userFromProxy(b, "    ")
	b.WriteString("</IfDefine>\n")
	fmt.Fprintf(b, "RequestHeader unset %s\nRequestHeader unset %s\n", spec.HeaderRemoteUser, spec.HeaderAuthType)
	if app.PassAuthorization {
		b.WriteString("WSGIPassAuthorization On\n")
	}
	requestEnv(b, app, false)
	opts := append([]string{}, app.DaemonOptions...)
	opts = append(opts, "user="+app.User, "group="+app.Group)
	fmt.Fprintf(b, "WSGIDaemonProcess %s %s\n", quoteConf(app.ProcessGroup), strings.Join(opts, " "))
	fmt.Fprintf(b, "WSGIProcessGroup %s\n", quoteConf(app.ProcessGroup))
	fmt.Fprintf(b, "WSGIApplicationGroup %s\n", quoteConf(app.ApplicationGroup))
	fmt.Fprintf(b, "WSGICallableObject %s\n", quoteConf(app.Callable))
	for _, a := range app.Aliases {
		fmt.Fprintf(b, "Alias %s %s\n", quoteConf(a.URL), quoteConf(a.Path))
		fmt.Fprintf(b, "<Directory %s>\n    Require all granted\n</Directory>\n", quoteConf(strings.TrimSuffix(a.Path, "/")))
	}
	if app.MountMatch != "" {
		fmt.Fprintf(b, "WSGIScriptAliasMatch %s %s\n", quoteConf(app.MountMatch), quoteConf(app.Script))
	} else {
		fmt.Fprintf(b, "WSGIScriptAlias %s %s\n", quoteConf(app.MountPoint), quoteConf(app.Script))
	}
	fmt.Fprintf(b, "<Directory %s>\n    Require all granted\n</Directory>\n", quoteConf(app.ScriptDir()))
	// The group's further scripts, each as the front end mounted it.
	for _, m := range app.Mounts {
		alias := "WSGIScriptAlias " + quoteConf(m.MountPoint)
		if m.MountMatch != "" {
			alias = "WSGIScriptAliasMatch " + quoteConf(m.MountMatch)
		}
		fmt.Fprintf(b, "%s %s application-group=%s callable-object=%s\n", alias, quoteConf(m.Script), quoteConf(m.ApplicationGroup), quoteConf(m.Callable))
		if d := (&spec.App{Script: m.Script, MountMatch: m.MountMatch}).ScriptDir(); d != app.ScriptDir() {
			fmt.Fprintf(b, "<Directory %s>\n    Require all granted\n</Directory>\n", quoteConf(d))
		}
	}
	return b.String()
}

// userFromProxy writes the lines that give the application the user the
// front end authenticated (REMOTE_USER, AUTH_TYPE, sent as request
// headers), from the trusted proxy only, whose address is the
// configuration variable WSGIDOCK_TRUSTED_PROXY. Not by mod_rewrite,
// which would add SCRIPT_URL and SCRIPT_URI to every request's environ.
func userFromProxy(b *strings.Builder, indent string) {
	for _, h := range []struct{ header, env string }{{spec.HeaderRemoteUser, "REMOTE_USER"}, {spec.HeaderAuthType, "AUTH_TYPE"}} {
		fmt.Fprintf(b, "%sSetEnvIfExpr \"-R '${WSGIDOCK_TRUSTED_PROXY}' && req('%s') =~ /(.+)/\" %s=$1\n", indent, h.header, h.env)
	}
}

// requestEnv writes the SetEnv and UnsetEnv of the application's
// requests; with expressSet, those express sets itself (--setenv) are
// left out.
func requestEnv(b *strings.Builder, app *spec.App, expressSet bool) {
	for _, e := range app.RequestEnv {
		line := "SetEnv " + quoteConf(e.Name) + " " + quoteConf(e.Value)
		if e.Unset {
			line = "UnsetEnv " + quoteConf(e.Name)
		} else if expressSet && e.Location == "" {
			continue
		}
		if e.Location != "" {
			fmt.Fprintf(b, "<Location %s>\n    %s\n</Location>\n", quoteConf(e.Location), line)
		} else {
			b.WriteString(line + "\n")
		}
	}
}

// ExpressConf is what the express base adds to the configuration
// mod_wsgi-express generates: what the debian base's httpd.conf has
// beyond the daemon group and the mount, for which express has no flag.
func ExpressConf(s *spec.Service) string {
	app := s.App
	b := &strings.Builder{}
	fmt.Fprintf(b, "# Added to mod_wsgi-express's configuration of %s (--include-file),\n", oneLine(s.Name))
	b.WriteString("# generated by wsgidock. The start script exports WSGIDOCK_TRUSTED_PROXY\n")
	b.WriteString("# (the bridge's gateway, which the front end's requests come from).\n")
	for _, m := range []string{"env", "headers", "setenvif"} {
		fmt.Fprintf(b, "<IfModule !%[1]s_module>\n    LoadModule %[1]s_module /usr/lib/apache2/modules/mod_%[1]s.so\n</IfModule>\n", m)
	}
	userFromProxy(b, "")
	fmt.Fprintf(b, "RequestHeader unset %s\nRequestHeader unset %s\n", spec.HeaderRemoteUser, spec.HeaderAuthType)
	if app.PassAuthorization {
		b.WriteString("WSGIPassAuthorization On\n")
	}
	requestEnv(b, app, true)
	return b.String()
}

// quoteConf writes an httpd argument so that ap_getword_conf reads it
// back as is.
func quoteConf(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"'\\") {
		return s
	}
	return "\"" + strings.NewReplacer("\\", "\\\\", "\"", "\\\"").Replace(s) + "\""
}
