package translate_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/express"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// RenderAppFixture writes fixtures/apps/NAME/httpd.conf.in into a new
// directory with @APP@ replaced by the absolute path of the fixture's
// app/ directory, and returns the config's path.
func renderAppFixture(t testing.TB, name string) string {
	t.Helper()
	root := repoRoot(t)
	src, err := os.ReadFile(filepath.Join(root, "fixtures", "apps", name, "httpd.conf.in"))
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "httpd.conf")
	app := filepath.Join(root, "fixtures", "apps", name, "app")
	if err := os.WriteFile(conf, bytes.ReplaceAll(src, []byte("@APP@"), []byte(app)), 0o644); err != nil {
		t.Fatal(err)
	}
	return conf
}

// planConf plans one config file.
func planConf(t testing.TB, conf string, opts translate.Options) (*spec.Spec, *spec.Report, apacheconf.Diagnostics) {
	t.Helper()
	tree, err := apacheconf.Load(conf, apacheconf.Options{})
	if err != nil {
		t.Fatalf("reading %s: %v", conf, err)
	}
	return translate.Plan(tree, opts)
}

// planText plans a config given as text, written with a directory app/
// beside it that holds files (name -> content); @DIR@ in the text and in
// the files stands for that directory.
func planText(t testing.TB, conf string, files map[string]string) (*spec.Spec, *spec.Report, apacheconf.Diagnostics, string) {
	t.Helper()
	return planTextOpts(t, conf, files, translate.Options{})
}

// planTextOpts is planText with planner options.
func planTextOpts(t testing.TB, conf string, files map[string]string, opts translate.Options) (*spec.Spec, *spec.Report, apacheconf.Diagnostics, string) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(data, "@DIR@", dir)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(conf, "@DIR@", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	sp, rep, diags := planConf(t, path, opts)
	return sp, rep, diags, dir
}

// TestAppFixturesGolden plans every fixture under fixtures/apps and
// compares spec, report and diagnostics with its plan.golden.json.
func TestAppFixturesGolden(t *testing.T) {
	root := repoRoot(t)
	ins, _ := filepath.Glob(filepath.Join(root, "fixtures", "apps", "*", "httpd.conf.in"))
	if len(ins) < 2 {
		t.Fatalf("only %d app fixtures", len(ins))
	}
	for _, in := range ins {
		name := filepath.Base(filepath.Dir(in))
		t.Run(name, func(t *testing.T) {
			conf := renderAppFixture(t, name)
			sp, rep, diags := planConf(t, conf, translate.Options{Project: name})
			out := struct {
				Spec        *spec.Spec   `json:"spec"`
				Report      *spec.Report `json:"report"`
				Diagnostics []diagJSON   `json:"diagnostics"`
			}{sp, rep, []diagJSON{}}
			for _, d := range diags {
				out.Diagnostics = append(out.Diagnostics, diagJSON{d.Severity.String(), d.Code, d.Subject.Start.String(), d.Summary, d.Detail})
			}
			got, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = bytes.ReplaceAll(append(got, '\n'), []byte(filepath.Dir(conf)), []byte("$CONF"))
			got = bytes.ReplaceAll(got, []byte(root), []byte("$ROOT"))
			// The rendered fixture holds the checkout's path, so its
			// hashes differ from one checkout to the next.
			got = bytes.ReplaceAll(got, []byte(sp.ConfigHash), []byte("$CONFIG_HASH"))
			for _, svc := range sp.Services {
				// An app service's hash covers its source tree's path too.
				got = bytes.ReplaceAll(got, []byte(svc.Hash), []byte("$HASH_"+svc.Name))
			}
			golden := filepath.Join(filepath.Dir(in), "plan.golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./translate -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("plan differs from %s (run with -update and review the diff):\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

const appHead = `LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule wsgi_module /usr/lib/apache2/modules/mod_wsgi.so
ServerName localhost
`

func onlyApp(t *testing.T, sp *spec.Spec, diags apacheconf.Diagnostics) *spec.Service {
	t.Helper()
	if diags.HasErrors() {
		t.Fatalf("errors: %v", diags)
	}
	var apps []*spec.Service
	for _, s := range sp.Services {
		if s.App != nil {
			apps = append(apps, s)
		}
	}
	if len(apps) != 1 {
		t.Fatalf("%d app services, want 1", len(apps))
	}
	return apps[0]
}

// TestAppGroupPrecedence checks that the group, application group and
// callable are found as mod_wsgi finds them for the mount point.
func TestAppGroupPrecedence(t *testing.T) {
	cases := []struct {
		name, body             string
		group, appGroup, callb string
	}{
		{"alias option wins", `WSGIProcessGroup b
WSGIScriptAlias / @DIR@/app/wsgi.py process-group=a application-group=x callable-object=app2
<Location />
WSGIProcessGroup b
</Location>`, "a", "x", "app2"},
		{"location over directory and vhost", `WSGIProcessGroup c
WSGIScriptAlias /shop @DIR@/app/wsgi.py
<Directory @DIR@/app>
WSGIProcessGroup b
WSGICallableObject fromdir
</Directory>
<Location /shop>
WSGIProcessGroup a
</Location>
<Location /other>
WSGIProcessGroup c
</Location>`, "a", "%{RESOURCE}", "fromdir"},
		{"longest directory", `WSGIScriptAlias / @DIR@/app/wsgi.py
<Directory @DIR@>
WSGIProcessGroup b
</Directory>
<Directory @DIR@/app>
WSGIProcessGroup a
WSGIApplicationGroup %{GLOBAL}
</Directory>`, "a", "%{GLOBAL}", "application"},
		{"vhost level", `WSGIProcessGroup a
WSGIScriptAlias / @DIR@/app/wsgi.py`, "a", "%{RESOURCE}", "application"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conf := appHead + "<VirtualHost *:80>\nServerName x.example\nWSGIDaemonProcess a home=@DIR@/app\nWSGIDaemonProcess b\nWSGIDaemonProcess c\n" + c.body + "\n</VirtualHost>\n"
			sp, _, diags, _ := planText(t, conf, map[string]string{"app/wsgi.py": ""})
			s := onlyApp(t, sp, diags)
			if s.App.ProcessGroup != c.group || s.App.ApplicationGroup != c.appGroup || s.App.Callable != c.callb {
				t.Errorf("group %q, application group %q, callable %q; want %q, %q, %q", s.App.ProcessGroup, s.App.ApplicationGroup, s.App.Callable, c.group, c.appGroup, c.callb)
			}
		})
	}
}

// TestAppRefusals checks the positioned errors and reports for what cannot
// move into a container.
func TestAppRefusals(t *testing.T) {
	cases := []struct {
		name, conf string
		want       string // a diagnostic (file line and summary part) or report item
	}{
		{"context is /", appHead + "WSGIDaemonProcess a home=/ \nWSGIProcessGroup a\nWSGIScriptAlias / @DIR@/app/wsgi.py\n", "httpd.conf:6:1: error: the application of group a has no source tree of its own"},
		{"context is /srv", appHead + "WSGIDaemonProcess a python-path=/srv/one:/srv/two\nWSGIProcessGroup a\nWSGIScriptAlias / /srv/one/wsgi.py\n", "httpd.conf:6:1: error: the application of group a has no source tree of its own"},
		{"match", appHead + "WSGIDaemonProcess a\nWSGIScriptAliasMatch ^/(x) @DIR@/app/wsgi.py process-group=a\n", "httpd.conf:5:1: error: WSGIScriptAliasMatch ^/(x) cannot be moved"},
		{"match with $1", appHead + "WSGIDaemonProcess a\nWSGIScriptAliasMatch ^/app @DIR@/app/$1.py process-group=a\n", "httpd.conf:5:1: error: WSGIScriptAliasMatch ^/app cannot be moved"},
		{"undefined group", appHead + "WSGIProcessGroup nope\nWSGIScriptAlias / @DIR@/app/wsgi.py\n", "httpd.conf:5:1: error: WSGI process group not yet configured."},
		{"root", appHead + "WSGIDaemonProcess a user=root\nWSGIProcessGroup a\nWSGIScriptAlias / @DIR@/app/wsgi.py\n", "httpd.conf:4:1: error: WSGI process blocked from running as root."},
		{"other vhost", appHead + "<VirtualHost *:80>\nServerName one.example\nWSGIDaemonProcess a home=@DIR@/app\n</VirtualHost>\n<VirtualHost *:80>\nServerName two.example\nWSGIScriptAlias / @DIR@/app/wsgi.py process-group=a\n</VirtualHost>\n", "httpd.conf:10:1: error: WSGI process group not accessible."},
		{"embedded", appHead + "WSGIScriptAlias / @DIR@/app/wsgi.py\n", "unmapped WSGIScriptAlias /: the application runs embedded"},
		{"per request", appHead + "WSGIProcessGroup %{ENV:G}\nWSGIScriptAlias / @DIR@/app/wsgi.py\n", "unmapped WSGIScriptAlias /: the process group %{ENV:G} is chosen per request"},
		{"second app", appHead + "WSGIDaemonProcess a\nWSGIProcessGroup a\nWSGIScriptAlias /one @DIR@/app/wsgi.py\nWSGIScriptAlias /two @DIR@/app/wsgi.py\n", "unmapped WSGIScriptAlias /two: a second application of group a"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, rep, diags, dir := planText(t, c.conf, map[string]string{"app/wsgi.py": ""})
			var lines []string
			for _, d := range diags {
				lines = append(lines, strings.TrimPrefix(d.Error(), dir+"/"))
			}
			for _, it := range rep.Unmapped {
				lines = append(lines, "unmapped "+it.What+": "+it.Why)
			}
			for _, l := range lines {
				if strings.Contains(l, c.want) {
					return
				}
			}
			t.Errorf("no %q among:\n%s", c.want, strings.Join(lines, "\n"))
		})
	}
}

// TestAppScriptAliasMatch maps the WSGIScriptAliasMatch that is a plain
// prefix to its mount point.
func TestAppScriptAliasMatch(t *testing.T) {
	for re, want := range map[string]string{"^/shop": "/shop", "^/shop/": "/shop", "^/my\\.app": "/my.app", "^/": "/"} {
		conf := appHead + "WSGIDaemonProcess a\nWSGIScriptAliasMatch " + re + " @DIR@/app/wsgi.py process-group=a\n"
		sp, _, diags, _ := planText(t, conf, map[string]string{"app/wsgi.py": ""})
		if s := onlyApp(t, sp, diags); s.App.MountPoint != want {
			t.Errorf("%s: mount point %q, want %q", re, s.App.MountPoint, want)
		}
	}
}

// TestAppPortAvoidsOthers checks that an app's loopback port collides with
// no port another service publishes or the front end proxies to.
func TestAppPortAvoidsOthers(t *testing.T) {
	conf := appHead + `WSGIDaemonProcess web
WSGIImportScript @DIR@/launch.py process-group=web application-group=%{GLOBAL}
ProxyPass /old http://127.0.0.1:8001/
ProxyPass /web http://127.0.0.1:8000/
ProxyPassReverse /web http://127.0.0.1:8000/
WSGIDaemonProcess a home=@DIR@/app
WSGIDaemonProcess b home=@DIR@/app
WSGIScriptAlias /a @DIR@/app/wsgi.py process-group=a
WSGIScriptAlias /b @DIR@/app/wsgi.py process-group=b
`
	sp, _, diags, _ := planText(t, conf, map[string]string{
		"app/wsgi.py": "",
		"launch.py":   "import os\nos.execl('/usr/bin/docker', 'docker', 'run', '-p', '8000:80', 'web')\n",
	})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	ports := map[string]string{}
	for _, s := range sp.Services {
		for _, p := range s.Ports {
			ports[s.Name] = p.HostIP + ":" + p.HostPort
		}
	}
	want := map[string]string{"web": ":8000", "a": "127.0.0.1:8002", "b": "127.0.0.1:8003"}
	for k, v := range want {
		if ports[k] != v {
			t.Errorf("%s publishes %q, want %q (all: %v)", k, ports[k], v, ports)
		}
	}
	for _, s := range sp.Services {
		if s.Name == "a" && (s.Ready == nil || s.Ready.URL != "http://127.0.0.1:8002/a") {
			t.Errorf("a's readiness: %+v", s.Ready)
		}
	}
}

// TestEveryDaemonOptionCarried gives a group every WSGIDaemonProcess
// option and checks that each is reported, mapped or not, with the
// directive's position: none is dropped silently.
func TestEveryDaemonOptionCarried(t *testing.T) {
	var opts []string
	for name := range express.Options {
		v := "1"
		switch name {
		case "home", "python-path":
			v = "@DIR@/app"
		case "python-home", "python-eggs", "chroot":
			v = "@DIR@/venv"
		case "user", "group", "socket-user", "script-user":
			v = "www-data"
		case "script-group":
			continue // only one of script-user and script-group
		case "lang", "locale":
			v = "C.UTF-8"
		case "server-metrics":
			v = "On"
		case "display-name":
			v = "%{GROUP}"
		}
		opts = append(opts, name+"="+v)
	}
	slices.Sort(opts)
	conf := appHead + "WSGIDaemonProcess a " + strings.Join(opts, " ") + "\nWSGIScriptAlias / @DIR@/app/wsgi.py process-group=a\n"
	sp, rep, diags, dir := planText(t, conf, map[string]string{"app/wsgi.py": "", "app/requirements.txt": "flask\n"})
	s := onlyApp(t, sp, diags)
	reported := map[string]bool{}
	for _, it := range append(append([]spec.Item{}, rep.Mapped...), rep.Unmapped...) {
		if it.Source.Line == 4 {
			reported[strings.SplitN(it.What, "=", 2)[0]] = true
		}
	}
	for _, o := range opts {
		name := strings.SplitN(o, "=", 2)[0]
		if !reported[name] {
			t.Errorf("%s is not in the report", name)
		}
	}
	args := strings.Join(s.App.ExpressArgs, " ")
	for _, want := range []string{"--processes 1", "--daemon-backlog 1", "--python-path " + dir + "/app", "--working-directory " + dir + "/app", "--user www-data --group www-data", "--server-metrics", "--locale C.UTF-8"} {
		if !strings.Contains(args, want) {
			t.Errorf("express args lack %q: %s", want, args)
		}
	}
	if s.Stop.Timeout != 6*time.Second || s.Stop.Signal != "SIGTERM" {
		t.Errorf("stop %v %s, want 6s (shutdown-timeout + 5) SIGTERM", s.Stop.Timeout, s.Stop.Signal)
	}
	if len(s.Extra) == 0 || s.Extra[0].Name != "--memory" {
		t.Errorf("memory-limit not on the container: %+v", s.Extra)
	}
	if s.Build.Requirements.Kind != "requirements.txt" || s.Build.Requirements.File != "requirements.txt" {
		t.Errorf("requirements %+v", s.Build.Requirements)
	}
}

// TestAppRequirementsFromVirtualenv pins the virtualenv's distributions
// when the app has no requirements file, and takes its Python version.
func TestAppRequirementsFromVirtualenv(t *testing.T) {
	conf := appHead + "WSGIDaemonProcess a python-home=@DIR@/venv\nWSGIProcessGroup a\nWSGIScriptAlias / @DIR@/app/wsgi.py\n"
	meta := func(name, version string) string {
		return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\nSummary: x\n\nName: not-this\n"
	}
	sp, _, diags, _ := planText(t, conf, map[string]string{
		"app/wsgi.py":     "",
		"venv/pyvenv.cfg": "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n",
		"venv/lib/python3.11/site-packages/Flask-3.0.0.dist-info/METADATA":      meta("Flask", "3.0.0"),
		"venv/lib/python3.11/site-packages/pip-23.0.1.dist-info/METADATA":       meta("pip", "23.0.1"),
		"venv/lib/python3.11/site-packages/markupsafe-2.1.3.dist-info/METADATA": meta("MarkupSafe", "2.1.3"),
	})
	s := onlyApp(t, sp, diags)
	b := s.Build
	if b.Requirements.Kind != "python-home" || strings.Join(b.Requirements.Pinned, " ") != "Flask==3.0.0 MarkupSafe==2.1.3" {
		t.Errorf("requirements %+v", b.Requirements)
	}
	if b.PythonVersion != "3.11" || b.BaseImage != "python:3.11-slim" {
		t.Errorf("python %q, base image %q", b.PythonVersion, b.BaseImage)
	}
}

// TestAppVirtualHostPair serves one application from the port-80 and TLS
// virtual hosts of one name through one container, each host with its
// own route, port and scheme, and its WSGI directives and static Aliases
// carried over.
func TestAppVirtualHostPair(t *testing.T) {
	conf := appHead + `<VirtualHost *:80>
ServerName shop.example
WSGIDaemonProcess shop home=@DIR@/app
WSGIProcessGroup shop
WSGIScriptAlias / @DIR@/app/wsgi.py
Alias /static/ @DIR@/app/static/
</VirtualHost>
<VirtualHost *:443>
ServerName shop.example
SSLEngine on
WSGIProcessGroup shop
WSGIScriptAlias / @DIR@/app/wsgi.py
Alias /static/ @DIR@/app/static/
Alias /media/ @DIR@/app/media/
</VirtualHost>
`
	sp, rep, diags, _ := planText(t, conf, map[string]string{"app/wsgi.py": ""})
	s := onlyApp(t, sp, diags)
	for _, it := range rep.Unmapped {
		if strings.Contains(it.Why, "second application") {
			t.Errorf("the TLS host's alias is reported as another application: %v", it)
		}
	}
	var routes []string
	for _, r := range s.Front {
		routes = append(routes, fmt.Sprintf("%d %s %s %s", r.Source.Line, r.Path, r.ForwardedPort, r.ForwardedProto))
	}
	if want := []string{"8 / 80 ", "15 / 443 https"}; !slices.Equal(routes, want) {
		t.Errorf("routes %q, want %q", routes, want)
	}
	var lines []int
	for _, p := range s.App.Directives {
		lines = append(lines, p.Line)
	}
	for _, l := range []int{7, 8, 9, 14, 15, 16, 17} {
		if !slices.Contains(lines, l) {
			t.Errorf("line %d is not among the app's directives %v", l, lines)
		}
	}
	var aliases []string
	for _, a := range s.App.Aliases {
		aliases = append(aliases, a.URL)
	}
	if want := []string{"/static/", "/media/"}; !slices.Equal(aliases, want) {
		t.Errorf("aliases %q, want %q", aliases, want)
	}
}

// TestAppRequestSettings carries what the front end sets for an
// application's requests into its container: SetEnv and UnsetEnv as
// mod_env merges them, WSGIPassAuthorization, Apache's own User for a
// group without user=, and the server-level Aliases under the mount
// point, which the front end keeps serving.
func TestAppRequestSettings(t *testing.T) {
	conf := appHead + `User www-data
Group www-data
Alias /icons/ "/usr/share/apache2/icons/"
SetEnv TOP main
<VirtualHost *:80>
ServerName api.example
WSGIDaemonProcess api home=@DIR@/app display-name=api-daemon
WSGIScriptAlias /api @DIR@/app/wsgi.py process-group=api
SetEnv APP_ENV "production mode"
UnsetEnv PATH_PREFIX
<Location /api>
WSGIPassAuthorization On
SetEnv IN_MOUNT yes
</Location>
<Location /api/v2>
SetEnv V2 yes
</Location>
<Location /other>
SetEnv OTHER no
</Location>
<Directory @DIR@/app>
SetEnv FROM_DIR yes
</Directory>
<LocationMatch ^/api/x>
SetEnv MATCHED yes
</LocationMatch>
</VirtualHost>
<VirtualHost *:80>
ServerName www.example
WSGIDaemonProcess www home=@DIR@/www
WSGIScriptAlias / @DIR@/www/wsgi.py process-group=www
</VirtualHost>
`
	sp, rep, diags, _ := planText(t, conf, map[string]string{"app/wsgi.py": "", "www/wsgi.py": ""})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	byName := map[string]*spec.Service{}
	for _, s := range sp.Services {
		byName[s.Name] = s
	}
	api, www := byName["api"].App, byName["www"].App
	var env []string
	for _, e := range api.RequestEnv {
		w := e.Name + "=" + e.Value
		if e.Unset {
			w = "-" + e.Name
		}
		if e.Location != "" {
			w += "@" + e.Location
		}
		env = append(env, w)
	}
	if want := []string{"TOP=main", "APP_ENV=production mode", "-PATH_PREFIX", "FROM_DIR=yes", "IN_MOUNT=yes", "V2=yes@/api/v2"}; !slices.Equal(env, want) {
		t.Errorf("request environment %q, want %q", env, want)
	}
	if !api.PassAuthorization || www.PassAuthorization {
		t.Errorf("pass authorization: api %v, www %v; want true, false", api.PassAuthorization, www.PassAuthorization)
	}
	if api.User != "www-data" || api.Group != "www-data" {
		t.Errorf("account %s:%s, want Apache's www-data:www-data", api.User, api.Group)
	}
	if len(api.Excluded) != 0 || len(www.Excluded) != 1 || www.Excluded[0].URL != "/icons/" {
		t.Errorf("excluded: api %v, www %v; want none, /icons/", api.Excluded, www.Excluded)
	}
	found := false
	for _, it := range rep.Unmapped {
		found = found || strings.HasPrefix(it.What, "SetEnv MATCHED")
	}
	if !found {
		t.Errorf("the SetEnv in <LocationMatch> is not reported: %v", rep.Unmapped)
	}
}

// TestAppDebianKeeps keeps, for the debian base, what its httpd and
// mod_wsgi can use as the front end had it: a display-name, and a
// virtualenv of the distribution's Python inside the source tree.
func TestAppDebianKeeps(t *testing.T) {
	conf := appHead + "WSGIDaemonProcess a python-home=@DIR@/app/venv home=@DIR@/app display-name=legacy\nWSGIProcessGroup a\nWSGIScriptAlias / @DIR@/app/wsgi.py\n"
	files := map[string]string{
		"app/wsgi.py":         "",
		"app/venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.11.2\n",
		"app/venv/lib/python3.11/site-packages/legacylib-1.0.dist-info/METADATA": "Name: legacylib\nVersion: 1.0\n",
	}
	sp, diags, dir := planTextWith(t, conf, files, translate.Options{Base: spec.BaseDebian})
	s := onlyApp(t, sp, diags)
	opts := strings.Join(s.App.DaemonOptions, " ")
	for _, want := range []string{"display-name=legacy", "python-home=" + dir + "/app/venv"} {
		if !strings.Contains(opts, want) {
			t.Errorf("daemon options %q lack %q", opts, want)
		}
	}
	if s.App.PythonHome != "" || s.Build.Requirements.Kind != "none" {
		t.Errorf("python home %q, requirements %+v: the virtualenv is to be used as it is", s.App.PythonHome, s.Build.Requirements)
	}
}

// TestAppDirectoryAccess carries the access control of the <Directory>
// and <Files> sections that govern the application's script to the front
// end, as <Location> sections of the application's URLs in httpd's merge
// order, and carries nothing where the chain lets everyone in or where a
// <Location> (which proxied requests still pass) holds it.
func TestAppDirectoryAccess(t *testing.T) {
	cases := []struct {
		name, body string
		want       [][]string // the lines of each carried section
	}{
		{"require ip", "<Directory @DIR@/app>\nRequire ip 10.0.0.0/8\n</Directory>", [][]string{{"Require ip 10.0.0.0/8"}}},
		{"granted", "<Directory @DIR@/app>\nRequire all granted\n</Directory>", nil},
		{"longest wins", "<Directory @DIR@>\nRequire ip 10.0.0.0/8\n</Directory>\n<Directory @DIR@/app/>\nRequire all granted\n</Directory>", nil},
		{"outer restricts", "<Directory @DIR@/app>\nRequire all granted\n</Directory>\n<Directory @DIR@>\nRequire ip 10.0.0.0/8\n</Directory>", nil},
		{"inner restricts", "<Directory @DIR@/app>\nRequire ip 10.0.0.0/8\n</Directory>\n<Directory @DIR@>\nRequire all granted\n</Directory>", [][]string{{"Require ip 10.0.0.0/8"}}},
		{"all lines of the longest", "<Directory @DIR@/app>\nRequire all granted\nRequire valid-user\n</Directory>", [][]string{{"Require all granted", "Require valid-user"}}},
		{"inside RequireAny", "<Directory @DIR@/app>\n<RequireAny>\nRequire ip 10.0.0.0/8\nRequire host example.org\n</RequireAny>\n</Directory>",
			[][]string{{"<RequireAny>", "    Require ip 10.0.0.0/8", "    Require host example.org", "</RequireAny>"}}},
		{"legacy deny", "<Directory @DIR@/app>\nOrder deny,allow\nDeny from all\nAllow from 10.0.0.0/8\n</Directory>", [][]string{{"Order deny,allow", "Deny from all", "Allow from 10.0.0.0/8"}}},
		{"basic auth over a grant", "<Directory @DIR@>\nRequire all granted\n</Directory>\n<Directory @DIR@/app>\nAuthType Basic\nAuthName \"Staff only\"\nAuthUserFile @DIR@/htpasswd\nRequire valid-user\n</Directory>",
			[][]string{{"AuthType Basic", "AuthName \"Staff only\"", "AuthUserFile @DIR@/htpasswd", "Require valid-user"}}},
		{"files of the script", "<Directory @DIR@/app>\nRequire all denied\n<Files wsgi.py>\nRequire ip 127.0.0.1\n</Files>\n</Directory>", [][]string{{"Require ip 127.0.0.1"}}},
		{"files of another name", "<Directory @DIR@/app>\nRequire all granted\n<Files other.py>\nRequire ip 127.0.0.1\n</Files>\n</Directory>", nil},
		{"files denied", "<Directory @DIR@/app>\n<Files wsgi.py>\nRequire all denied\n</Files>\n</Directory>", [][]string{{"Require all denied"}}},
		{"other directory", "<Directory /srv/other>\nRequire ip 10.0.0.0/8\n</Directory>", nil},
		{"location", "<Location />\nRequire ip 10.0.0.0/8\n</Location>", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conf := appHead + "LoadModule access_compat_module /usr/lib/apache2/modules/mod_access_compat.so\n<VirtualHost *:80>\nServerName x.example\nWSGIDaemonProcess a home=@DIR@/app\nWSGIProcessGroup a\nWSGIScriptAlias / @DIR@/app/wsgi.py\n" + c.body + "\n</VirtualHost>\n"
			sp, _, diags, dir := planText(t, conf, map[string]string{"app/wsgi.py": "", "htpasswd": ""})
			s := onlyApp(t, sp, diags)
			for _, d := range diags {
				if d.Code == translate.CodeApp {
					t.Errorf("warned: %s", d.Error())
				}
			}
			var got [][]string
			for _, a := range s.App.Access {
				got = append(got, a.Lines)
				if a.Open != "Location /" {
					t.Errorf("carried in <%s>, want <Location />", a.Open)
				}
			}
			var want [][]string
			for _, w := range c.want {
				var lines []string
				for _, l := range w {
					lines = append(lines, strings.ReplaceAll(l, "@DIR@", dir))
				}
				want = append(want, lines)
			}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("carried %q, want %q", got, want)
			}
		})
	}
}

// planTextWith is planText with planner options, without the report.
func planTextWith(t testing.TB, conf string, files map[string]string, opts translate.Options) (*spec.Spec, apacheconf.Diagnostics, string) {
	t.Helper()
	sp, _, diags, dir := planTextOpts(t, conf, files, opts)
	return sp, diags, dir
}

// TestAppScriptAliasMatchRoutes proxies what a WSGIScriptAliasMatch matches by
// the same expression, with the literal path it starts with as the
// mount point; a script chosen by $N moves with the debian base only.
func TestAppScriptAliasMatchRoutes(t *testing.T) {
	cases := []struct {
		re, script string
		base       spec.Base
		mount      string
		refused    bool
	}{
		{"^/app", "@DIR@/app/wsgi.py", spec.BaseExpress, "/app", false},
		{"^/api/v[0-9]+", "@DIR@/app/wsgi.py", spec.BaseDebian, "/api", false},
		{"^/a/b|^/c", "@DIR@/app/wsgi.py", spec.BaseDebian, "/", false},
		{"^/files\\.d/x?", "@DIR@/app/wsgi.py", spec.BaseDebian, "/files.d", false},
		{"^/([^/]+)", "@DIR@/app/$1.wsgi", spec.BaseDebian, "/", false},
		{"^/([^/]+)", "@DIR@/app/$1.wsgi", spec.BaseExpress, "", true},
	}
	for _, c := range cases {
		t.Run(c.re+" "+string(c.base), func(t *testing.T) {
			conf := appHead + "WSGIDaemonProcess a home=@DIR@/app\nWSGIProcessGroup a\nWSGIScriptAliasMatch " + c.re + " " + c.script + "\n"
			sp, diags, dir := planTextWith(t, conf, map[string]string{"app/wsgi.py": ""}, translate.Options{Base: c.base})
			if c.refused {
				if !diags.HasErrors() {
					t.Fatalf("planned, want refused: %v", diags)
				}
				return
			}
			s := onlyApp(t, sp, diags)
			if s.App.MountMatch != c.re || s.App.MountPoint != c.mount {
				t.Errorf("mount %q match %q, want %q %q", s.App.MountPoint, s.App.MountMatch, c.mount, c.re)
			}
			if len(s.Front) != 1 || s.Front[0].Directive != "ProxyPassMatch" || s.Front[0].Path != c.re || s.Front[0].URL != "http://127.0.0.1:8000" {
				t.Errorf("routes %+v, want one ProxyPassMatch %s http://127.0.0.1:8000", s.Front, c.re)
			}
			if s.Build.Context != dir+"/app" {
				t.Errorf("build context %s, want %s/app", s.Build.Context, dir)
			}
		})
	}
}

// TestAppFilesOfDirectory carries a <Files> over a directory of scripts
// (WSGIScriptAlias to a directory) as a <LocationMatch> of the URLs of
// that name, followed by PATH_INFO, and warns of one it cannot write so.
func TestAppFilesOfDirectory(t *testing.T) {
	conf := appHead + "<Directory />\nRequire all denied\n</Directory>\nWSGIDaemonProcess a\nWSGIProcessGroup a\nWSGIScriptAlias /tools/ @DIR@/tools/\n<Directory @DIR@/tools>\nRequire ip 127.0.0.1\n<Files \"old-*.wsgi\">\nRequire all denied\n</Files>\n<FilesMatch \"^legacy-\">\nRequire ip 10.0.0.0/8\n</FilesMatch>\n<FilesMatch \"(a|b)\\.wsgi$\">\nRequire all denied\n</FilesMatch>\n</Directory>\n"
	sp, diags, _ := planTextWith(t, conf, map[string]string{"tools/x.wsgi": ""}, translate.Options{Base: spec.BaseDebian})
	s := onlyApp(t, sp, diags)
	var got []string
	for _, a := range s.App.Access {
		got = append(got, a.Open+": "+strings.Join(a.Lines, "; "))
	}
	want := []string{
		"Location /tools/: Require ip 127.0.0.1",
		`LocationMatch "^/tools/(?:.*/)?old-[^/]*\\.wsgi(?:/|$)": Require all denied`,
		`LocationMatch ^/tools/(?:.*/)?legacy-[^/]*(?:/|$): Require ip 10.0.0.0/8`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("carried\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	warned := false
	for _, d := range diags {
		warned = warned || d.Code == translate.CodeApp && strings.Contains(d.Summary, `(a|b)\.wsgi$`) && d.Pos().Line == 18
	}
	if !warned {
		t.Errorf("no warning at line 18 for the FilesMatch it cannot carry: %v", diags)
	}
}

// TestAppEnvvars gives the application's container what the envvars file
// did to httpd's environment, lang= winning over the file's LANG.
func TestAppEnvvars(t *testing.T) {
	conf := appHead + "WSGIDaemonProcess a home=@DIR@/app lang=C.UTF-8\nWSGIProcessGroup a\nWSGIScriptAlias / @DIR@/app/wsgi.py\n"
	ev := &translate.Envvars{File: "/etc/apache2/envvars", Set: map[string]string{"LANG": "C", "APACHE_RUN_USER": "www-data", "DJANGO_SETTINGS_MODULE": "site.settings"}, Unset: []string{"HOME"}}
	sp, diags, _ := planTextWith(t, conf, map[string]string{"app/wsgi.py": ""}, translate.Options{Base: spec.BaseDebian, Envvars: ev})
	s := onlyApp(t, sp, diags)
	var got []string
	for _, e := range s.Env {
		got = append(got, e.Name+"="+e.Value)
	}
	if want := []string{"APACHE_RUN_USER=www-data", "DJANGO_SETTINGS_MODULE=site.settings", "LANG=C.UTF-8"}; !slices.Equal(got, want) {
		t.Errorf("environment %q, want %q", got, want)
	}
	if !slices.Equal(s.App.UnsetEnv, []string{"HOME"}) {
		t.Errorf("unset %q, want HOME", s.App.UnsetEnv)
	}
}

// TestAppMounts serves a group's further script aliases from its one
// container with the debian base (each proxied where it was), and
// reports them with express, which mounts one script.
func TestAppMounts(t *testing.T) {
	conf := appHead + "<VirtualHost *:80>\nServerName x.example\nWSGIDaemonProcess a home=@DIR@/app\nWSGIProcessGroup a\nWSGIScriptAlias /api @DIR@/app/api.wsgi\nWSGIScriptAlias /admin @DIR@/app/admin.wsgi application-group=admin\nWSGIScriptAliasMatch ^/v[0-9]+/ @DIR@/app/api.wsgi\n</VirtualHost>\n"
	files := map[string]string{"app/api.wsgi": "", "app/admin.wsgi": ""}
	sp, diags, dir := planTextWith(t, conf, files, translate.Options{Base: spec.BaseDebian})
	s := onlyApp(t, sp, diags)
	var mounts, routes []string
	for _, m := range s.App.Mounts {
		mounts = append(mounts, m.MountPoint+" "+m.MountMatch+" "+strings.TrimPrefix(m.Script, dir)+" "+m.ApplicationGroup)
	}
	for _, r := range s.Front {
		routes = append(routes, r.Directive+" "+r.Path+" "+r.URL)
	}
	if want := []string{"/admin  /app/admin.wsgi admin", "/ ^/v[0-9]+/ /app/api.wsgi %{RESOURCE}"}; !slices.Equal(mounts, want) {
		t.Errorf("mounts %q, want %q", mounts, want)
	}
	if want := []string{"ProxyPass /api http://127.0.0.1:8000/api", "ProxyPass /admin http://127.0.0.1:8000/admin", "ProxyPassMatch ^/v[0-9]+/ http://127.0.0.1:8000"}; !slices.Equal(routes, want) {
		t.Errorf("routes %q, want %q", routes, want)
	}
	sp, _, _ = planTextWith(t, conf, files, translate.Options{Base: spec.BaseExpress})
	for _, s := range sp.Services {
		if s.App != nil && len(s.App.Mounts) > 0 {
			t.Errorf("express mounts %v, want none", s.App.Mounts)
		}
	}
}

// TestAppAccessOnlyWhatRestricts writes, for Debian's <FilesMatch "^\.ht">
// over a Django project's static files, that one section only: the
// sections that let everyone in change nothing for a proxied request, and
// a <Location /> granting all would undo a server-level <Location>'s
// Require (mod_status's) that httpd merged after them.
func TestAppAccessOnlyWhatRestricts(t *testing.T) {
	conf := appHead + "<Directory />\nRequire all denied\n</Directory>\n<FilesMatch \"^\\.ht\">\nRequire all denied\n</FilesMatch>\n<VirtualHost *:80>\nServerName blog.example\nWSGIDaemonProcess blog python-path=@DIR@/site\nWSGIProcessGroup blog\nWSGIScriptAlias / @DIR@/site/mysite/wsgi.py\n<Directory @DIR@/site/mysite>\n<Files wsgi.py>\nRequire all granted\n</Files>\n</Directory>\nAlias /static/ @DIR@/site/static/\n<Directory @DIR@/site/static>\nRequire all granted\n</Directory>\n</VirtualHost>\n"
	sp, diags, _ := planTextWith(t, conf, map[string]string{"site/mysite/wsgi.py": "", "site/static/x.css": ""}, translate.Options{Base: spec.BaseDebian})
	s := onlyApp(t, sp, diags)
	var got []string
	for _, a := range s.App.Access {
		got = append(got, a.Open+": "+strings.Join(a.Lines, "; "))
	}
	if want := []string{`LocationMatch "^/static/(?:.*/)?\\.ht[^/]*$": Require all denied`}; !slices.Equal(got, want) {
		t.Errorf("carried %q, want %q", got, want)
	}
}

// TestAppServerLocationWarned warns of a server-level <Location> with
// access control over a virtual host's application whose access control
// is carried: the front end merges it first now.
func TestAppServerLocationWarned(t *testing.T) {
	conf := appHead + "<Location /server-status>\nRequire local\n</Location>\n<Location /elsewhere>\nRequire local\n</Location>\n<VirtualHost *:80>\nServerName x.example\nWSGIDaemonProcess a\nWSGIProcessGroup a\nWSGIScriptAlias / @DIR@/app/wsgi.py\n<Directory @DIR@/app>\nRequire ip 10.0.0.0/8\n</Directory>\n</VirtualHost>\n"
	sp, diags, _ := planTextWith(t, conf, map[string]string{"app/wsgi.py": ""}, translate.Options{Base: spec.BaseDebian})
	onlyApp(t, sp, diags)
	var lines []int
	for _, d := range diags {
		if d.Code == translate.CodeApp && strings.Contains(d.Summary, "is merged before the access control carried") {
			lines = append(lines, d.Pos().Line)
		}
	}
	// Both hold the application's URLs (it is at /).
	if !slices.Equal(lines, []int{4, 7}) {
		t.Errorf("warned at lines %v, want 4 and 7: %v", lines, diags)
	}
}
