package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/launch/launchtest"
)

// siteRequest is one request of the differential test: to a virtual
// host of the sites fixture, by scheme, with optional headers.
type siteRequest struct {
	scheme, host, path string
	header             map[string]string
	user, password     string
}

func (r siteRequest) String() string {
	s := r.scheme + "://" + r.host + r.path
	for _, k := range sortedKeys(r.header) {
		s += " " + k + ":" + r.header[k]
	}
	if r.user != "" {
		s += " (basic auth " + r.user + ")"
	}
	return s
}

// siteRequests are what the differential test asks each site, under
// Apache + mod_wsgi and after migration.
var siteRequests = []siteRequest{
	// The default site's /hello, by address: no ServerName.
	{scheme: "http", host: "127.0.0.1", path: "/hello"},
	{scheme: "http", host: "127.0.0.1", path: "/hello/status?verbose=1"},
	{scheme: "http", host: "127.0.0.1", path: "/hellothere"},
	// Another script of the same group, its own callable and interpreter.
	{scheme: "http", host: "127.0.0.1", path: "/hello-admin"},
	{scheme: "http", host: "127.0.0.1", path: "/hello-admin/users?page=2"},
	// The shop on both of its virtual hosts, one daemon group.
	{scheme: "http", host: "shop.example.com", path: "/"},
	{scheme: "http", host: "shop.example.com", path: "/cart/items?id=3&sort=price"},
	{scheme: "http", host: "www.shop.example.com", path: "/redirect"},
	{scheme: "https", host: "shop.example.com", path: "/checkout"},
	{scheme: "https", host: "shop.example.com", path: "/redirect"},
	{scheme: "http", host: "shop.example.com", path: "/static/site.css"},
	{scheme: "https", host: "shop.example.com", path: "/static/site.css"},
	{scheme: "http", host: "shop.example.com", path: "/icons/a.gif"},
	{scheme: "http", host: "shop.example.com", path: "/%7Eoperator/caf%C3%A9;v=1"},
	{scheme: "http", host: "shop.example.com", path: "/", header: map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}},
	// Two applications on one host.
	{scheme: "http", host: "api.example.com", path: "/api"},
	{scheme: "http", host: "api.example.com", path: "/api/v1/items?page=2"},
	{scheme: "http", host: "api.example.com", path: "/apis"},
	{scheme: "http", host: "api.example.com", path: "/about/"},
	{scheme: "http", host: "api.example.com", path: "/api/v1/me", header: map[string]string{"Authorization": "Bearer t0ken"}},
	{scheme: "http", host: "api.example.com", path: "/me", header: map[string]string{"Authorization": "Bearer t0ken"}},
	{scheme: "http", host: "api.example.com", path: "/api/private/report"},
	{scheme: "http", host: "api.example.com", path: "/api/private/report", user: "alice", password: "wonderland"},
	{scheme: "http", host: "api.example.com", path: "/api/private/report", user: "alice", password: "wrong"},
	// The virtualenv application, mounted by a regular expression.
	{scheme: "http", host: "legacy.example.com", path: "/app"},
	{scheme: "http", host: "legacy.example.com", path: "/app/page/7"},
	{scheme: "http", host: "legacy.example.com", path: "/"},
	{scheme: "http", host: "legacy.example.com", path: "/apple"},
	{scheme: "http", host: "legacy.example.com", path: "/app.json"},
	// TLS only.
	{scheme: "http", host: "intranet.example.com", path: "/portal/"},
	{scheme: "https", host: "intranet.example.com", path: "/portal/"},
	{scheme: "https", host: "intranet.example.com", path: "/portal/news/today"},
	{scheme: "https", host: "intranet.example.com", path: "/portal"},
	{scheme: "https", host: "intranet.example.com", path: "/portal/redirect"},
	// Django under /blog.
	{scheme: "http", host: "blog.example.com", path: "/blog/echo/"},
	{scheme: "http", host: "blog.example.com", path: "/blog/admin/"},
	{scheme: "http", host: "blog.example.com", path: "/blog/admin/login/?next=/blog/admin/"},
	{scheme: "http", host: "blog.example.com", path: "/blog/static/admin/css/base.css"},
	{scheme: "http", host: "blog.example.com", path: "/blog/nowhere"},
	// Basic authentication on the script's directory, its static files
	// open; a mount point with a trailing slash.
	{scheme: "http", host: "staff.example.com", path: "/staff/"},
	{scheme: "http", host: "staff.example.com", path: "/staff/people/7", user: "alice", password: "wonderland"},
	{scheme: "http", host: "staff.example.com", path: "/staff/people/7", user: "alice", password: "wrong"},
	{scheme: "http", host: "staff.example.com", path: "/staff", user: "alice", password: "wonderland"},
	{scheme: "http", host: "staff.example.com", path: "/staff/static/site.css"},
	// A directory of scripts, closed and opened by <Files>, one in
	// httpd 2.2's words; a name written encoded.
	{scheme: "http", host: "tools.example.com", path: "/tools/report.wsgi"},
	{scheme: "http", host: "tools.example.com", path: "/tools/report.wsgi/daily?fmt=csv"},
	{scheme: "http", host: "tools.example.com", path: "/tools/retired.wsgi"},
	{scheme: "http", host: "tools.example.com", path: "/tools/office-stats.wsgi/today"},
	{scheme: "http", host: "tools.example.com", path: "/tools/legacy-export.wsgi"},
	{scheme: "http", host: "tools.example.com", path: "/tools/%72etired.wsgi"},
	{scheme: "http", host: "tools.example.com", path: "/tools/missing.wsgi"},
	{scheme: "http", host: "tools.example.com", path: "/tools/"},
}

// siteAnswer is what one request got: the status, the headers that
// matter, and the body (decoded when it is the echo application's JSON).
type siteAnswer struct {
	Status   int
	Location string
	Type     string
	Body     string
	JSON     map[string]any
}

// knownDifferences are the values an application sees that differ after
// migration by the nature of the move, each with the reason; the test
// compares everything else the echo application reports.
var knownDifferences = map[string]string{
	// The container's own address and listener.
	"environ.SERVER_ADDR":            "the container's address",
	"environ.mod_wsgi.listener_host": "the container's listener",
	"environ.mod_wsgi.listener_port": "the container's listener",
	"environ.DOCUMENT_ROOT":          "the container's httpd has no DocumentRoot of the front end",
	"environ.CONTEXT_DOCUMENT_ROOT":  "the container's httpd has no DocumentRoot of the front end",
	"environ.SERVER_ADMIN":           "the container's httpd has no ServerAdmin of the front end",
	"environ.SERVER_SIGNATURE":       "the container's httpd signs as itself",
	"environ.SERVER_SOFTWARE":        "the container's httpd loads no mod_ssl, whose OpenSSL token the front end's has",
	// httpd's own idea of the request, which mod_wsgi's trusted proxy
	// headers do not change.
	"environ.REQUEST_SCHEME":  "httpd's scheme of the connection to the container (wsgi.url_scheme and HTTPS follow X-Forwarded-Proto)",
	"environ.PATH_TRANSLATED": "PATH_INFO mapped by the container's httpd, which has none of the front end's DocumentRoot and aliases",
	// The machine's own name, and the directory of the shell that
	// started httpd (bash exports it; the container's start script does
	// not).
	"os_environ.HOSTNAME": "the container's host name",
	"os_environ.PWD":      "the directory of the shell that started httpd",
	// What the front end adds as a proxy: the request headers of mod_proxy.
	"environ.HTTP_X_FORWARDED_FOR":    "added by the front end's mod_proxy",
	"environ.HTTP_X_FORWARDED_HOST":   "added by the front end's mod_proxy",
	"environ.HTTP_X_FORWARDED_SERVER": "added by the front end's mod_proxy",
	"environ.HTTP_X_FORWARDED_PORT":   "set by the front end for the container",
	"environ.HTTP_X_FORWARDED_PROTO":  "set by the front end for the container",
	"environ.HTTP_CONNECTION":         "the front end's connection to the container",
}

// TestAppsSites is the differential test of pattern 2: the sites
// fixture (a Debian apache2 layout with six virtual hosts and seven
// applications: one at / and one under /api on the same host, a daemon
// group shared by a host's port-80 and TLS virtual hosts, a virtualenv,
// WSGIScriptAliasMatch, a mount point with a trailing slash, basic
// authentication, WSGIPassAuthorization, SetEnv, a Django project) is
// served by Apache + mod_wsgi and its answers recorded; then it is
// migrated with `migrate -o DIR --base debian`, the applications built and
// started by `up`, the rewritten front end started, and every answer
// compared with the recorded one. Both Apaches run in the Debian base
// image on the host's network, so that they are the same httpd and
// mod_wsgi as in the application images.
func TestAppsSites(t *testing.T) {
	base := debianBase(t)
	project := launchtest.Project(t, "wsgidock-apps")
	fixture, err := filepath.Abs(filepath.Join("..", "..", "fixtures", "apps", "sites"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := os.MkdirTemp("", "wsgidock-sites-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The containers wrote as root; the tree is removed from one.
		exec.Command("docker", "run", "--rm", "--volume", root+":"+root, base, "rm", "-rf", root+"/srv", root+"/var").Run()
		os.RemoveAll(root)
	})
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	httpPort, httpsPort := httpdtest.FreePort(t), httpdtest.FreePort(t)
	sitesTree(t, fixture, root, httpPort, httpsPort, base)
	conf := filepath.Join(root, "etc", "apache2", "apache2.conf")
	envvars := filepath.Join(root, "etc", "apache2", "envvars")

	// Under Apache + mod_wsgi.
	oracle := runApache(t, base, project+"-oracle", root, filepath.Join(root, "etc", "apache2"), httpPort)
	want := askSites(t, httpPort, httpsPort)
	stopApache(t, oracle)

	// Migrated.
	out := filepath.Join(root, "out")
	flags := []string{"--project", project, "--base", "debian", "--base-image", base, "--envvars", envvars, "--app-port", fmt.Sprint(httpdtest.FreePort(t))}
	_, stderr, code := wsgidock(t, append(append([]string{"migrate", "-o", out}, flags...), conf)...)
	if code != 0 {
		t.Fatalf("migrate -o: exit %d\n%s", code, stderr)
	}
	t.Logf("migrate's warnings:\n%s", stderr)
	t.Cleanup(func() { removeSiteImages(project) })
	runBundle(t, out)
	front := filepath.Join(root, "front")
	if out, err := exec.Command("cp", "-a", filepath.Join(root, "etc", "apache2"), front).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := exec.Command("cp", "-r", "--remove-destination", "-T", filepath.Join(out, "apache"), front).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	frontend := runApache(t, base, project+"-front", root, front, httpPort)
	got := askSites(t, httpPort, httpsPort)
	for i, r := range siteRequests {
		if diffs := compareAnswers(want[i], got[i]); len(diffs) > 0 {
			t.Errorf("%s differs after migration:\n\t%s", r, strings.Join(diffs, "\n\t"))
		}
	}
	if t.Failed() {
		logs, _ := exec.Command("docker", "logs", frontend).CombinedOutput()
		t.Logf("front end:\n%s", logs)
	}
}

// sitesTree copies the fixture to root with its placeholders replaced,
// puts the echo application where the sites import it from, makes the
// TLS certificate, the legacy site's virtualenv and the Django project.
func sitesTree(t *testing.T, fixture, root string, httpPort, httpsPort int, base string) {
	t.Helper()
	if out, err := exec.Command("cp", "-a", fixture+"/.", root).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	repl := strings.NewReplacer("@ROOT@", root, "@HTTP@", fmt.Sprint(httpPort), "@HTTPS@", fmt.Sprint(httpsPort))
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if s := repl.Replace(string(data)); s != string(data) {
			return os.WriteFile(p, []byte(s), info.Mode())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	echo, err := os.ReadFile(filepath.Join(root, "echo.py"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"hello", "shop/lib", "api", "www", "legacy", "intranet", "staff", "tools"} {
		// shop/lib holds nothing but this file, so git keeps no such directory.
		if err := os.MkdirAll(filepath.Join(root, "srv", dir), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(root, "srv", dir, "wsgiecho.py"), string(echo))
	}
	for _, d := range []string{"var/run/apache2", "var/lock/apache2", "var/log/apache2", "etc/ssl"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cert, key := selfSigned(t, filepath.Join(root, "etc", "ssl"), "shop.example.com")
	for from, to := range map[string]string{cert: "site.pem", key: "site.key"} {
		if err := os.Rename(from, filepath.Join(root, "etc", "ssl", to)); err != nil {
			t.Fatal(err)
		}
	}
	// The virtualenv and the Django project are made by the Python of the
	// image, as an operator makes them with the server's Python.
	setup := fmt.Sprintf(`set -e
cd %[1]s/srv
python3 -m venv --without-pip legacy/venv
site=legacy/venv/lib/python3.11/site-packages
printf 'VERSION = "1.0"\n' > $site/legacylib.py
mkdir $site/legacylib-1.0.dist-info
printf 'Metadata-Version: 2.1\nName: legacylib\nVersion: 1.0\n' > $site/legacylib-1.0.dist-info/METADATA
mkdir blog && cd blog
django-admin startproject mysite .
cat >> mysite/settings.py <<'EOF'
ALLOWED_HOSTS = ['blog.example.com']
STATIC_ROOT = BASE_DIR / 'static'
EOF
cat > mysite/echo.py <<'EOF'
import json
from django.http import HttpResponse
from django.urls import reverse


def echo(request):
    return HttpResponse(json.dumps({
        "absolute_uri": request.build_absolute_uri(),
        "host": request.get_host(),
        "secure": request.is_secure(),
        "script_name": request.META.get("SCRIPT_NAME"),
        "path_info": request.path_info,
        "path": request.path,
        "login_url": reverse("admin:login"),
    }, sort_keys=True), content_type="application/json")
EOF
sed -i "s|^urlpatterns = \[|from mysite.echo import echo\n\nurlpatterns = [\n    path('echo/', echo),|" mysite/urls.py
python3 manage.py collectstatic --noinput >/dev/null
chmod -R a+rX %[1]s
`, root)
	docker(t, "run", "--rm", "--volume", root+":"+root, base, "bash", "-c", setup)
}

// runApache starts Debian's apache2 in the base image on the host's
// network with the configuration below serverRoot, the way apache2ctl
// does (envvars first), and waits until it answers on port.
func runApache(t *testing.T, base, name, root, serverRoot string, port int) string {
	t.Helper()
	cmd := fmt.Sprintf(". %s/envvars && exec apache2 -d %s -f %s/apache2.conf -DFOREGROUND", serverRoot, serverRoot, serverRoot)
	id := docker(t, "run", "--detach", "--name", name, "--label", "io.wsgidock.project="+strings.TrimSuffix(strings.TrimSuffix(name, "-oracle"), "-front"),
		"--network", "host", "--volume", root+":"+root, base, "bash", "-c", cmd)
	t.Cleanup(func() { exec.Command("docker", "rm", "--force", id).Run() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
		if err == nil {
			resp.Body.Close()
			return id
		}
		if time.Now().After(deadline) {
			logs, _ := exec.Command("docker", "logs", id).CombinedOutput()
			errlog, _ := os.ReadFile(filepath.Join(root, "var", "log", "apache2", "error.log"))
			t.Fatalf("%s does not answer on %d: %v\n%s\n%s", name, port, err, logs, errlog)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func stopApache(t *testing.T, id string) {
	t.Helper()
	docker(t, "rm", "--force", id)
}

// askSites sends every siteRequest and returns the answers, in order.
func askSites(t *testing.T, httpPort, httpsPort int) []siteAnswer {
	t.Helper()
	client := &http.Client{
		Timeout:       20 * time.Second,
		Transport:     insecure.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var out []siteAnswer
	for _, r := range siteRequests {
		port := httpPort
		if r.scheme == "https" {
			port = httpsPort
		}
		req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s://127.0.0.1:%d", r.scheme, port), nil)
		if err != nil {
			t.Fatal(err)
		}
		// The path as written, not as net/url would re-encode it.
		req.URL.Opaque = r.path
		if i := strings.IndexByte(r.path, '?'); i >= 0 {
			req.URL.Opaque, req.URL.RawQuery = r.path[:i], r.path[i+1:]
		}
		req.Host = r.host
		if r.scheme == "https" || r.host != "127.0.0.1" {
			req.Host = fmt.Sprintf("%s:%d", r.host, port)
		}
		for k, v := range r.header {
			req.Header.Set(k, v)
		}
		if r.user != "" {
			req.SetBasicAuth(r.user, r.password)
		}
		var a siteAnswer
		resp, err := client.Do(req)
		if err != nil {
			a.Body = "error: " + err.Error()
			out = append(out, a)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		a.Status, a.Location, a.Type = resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Content-Type")
		if strings.HasPrefix(a.Type, "application/json") && json.Unmarshal(body, &a.JSON) == nil {
			a.Body = ""
		} else {
			// Django's login form carries a new CSRF token each time.
			a.Body = csrfToken.ReplaceAllString(string(body), "${1}TOKEN")
		}
		out = append(out, a)
	}
	return out
}

var csrfToken = regexp.MustCompile(`(name="csrfmiddlewaretoken" value=")[^"]*`)

// compareAnswers lists how got differs from want, leaving out the
// knownDifferences.
func compareAnswers(want, got siteAnswer) []string {
	var diffs []string
	if want.Status != got.Status {
		diffs = append(diffs, fmt.Sprintf("status %d, want %d", got.Status, want.Status))
	}
	if want.Location != got.Location {
		diffs = append(diffs, fmt.Sprintf("Location %q, want %q", got.Location, want.Location))
	}
	if want.Type != got.Type {
		diffs = append(diffs, fmt.Sprintf("Content-Type %q, want %q", got.Type, want.Type))
	}
	if want.JSON == nil || got.JSON == nil {
		if want.Body != got.Body {
			diffs = append(diffs, fmt.Sprintf("body %.300q, want %.300q", got.Body, want.Body))
		}
		return diffs
	}
	flatWant, flatGot := map[string]any{}, map[string]any{}
	flatten("", want.JSON, flatWant)
	flatten("", got.JSON, flatGot)
	keys := map[string]bool{}
	for k := range flatWant {
		keys[k] = true
	}
	for k := range flatGot {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		if _, ok := knownDifferences[k]; ok {
			continue
		}
		w, wok := flatWant[k]
		g, gok := flatGot[k]
		switch {
		case !gok:
			diffs = append(diffs, fmt.Sprintf("%s missing, want %v", k, w))
		case !wok:
			diffs = append(diffs, fmt.Sprintf("%s = %v, not there before", k, g))
		case !reflect.DeepEqual(w, g):
			diffs = append(diffs, fmt.Sprintf("%s = %v, want %v", k, g, w))
		}
	}
	return diffs
}

func flatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			flatten(prefix+k+".", sub, out)
			continue
		}
		out[prefix+k] = v
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// runBundle runs what the bundle's run.sh runs, the image builds side by
// side (each is its own source tree), then the containers.
func runBundle(t *testing.T, out string) {
	t.Helper()
	var builds, runs [][]string
	for _, words := range dockerCalls(t, out) {
		switch {
		case len(words) > 1 && words[1] == "build":
			builds = append(builds, words[1:])
		case len(words) > 1 && words[1] == "run":
			runs = append(runs, words[1:])
		}
	}
	errs := make([]error, len(builds))
	outs := make([][]byte, len(builds))
	var wg sync.WaitGroup
	start := time.Now()
	for i, b := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = exec.Command("docker", b...).CombinedOutput()
		}()
	}
	wg.Wait()
	t.Logf("%d images built in %v", len(builds), time.Since(start).Round(time.Second))
	for i, err := range errs {
		if err != nil {
			t.Errorf("docker %s: %v\n%s", strings.Join(builds[i], " "), err, outs[i])
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	for _, r := range runs {
		docker(t, r...)
	}
	// Ready when each published port answers HTTP.
	for _, r := range runs {
		for i, w := range r[:len(r)-1] {
			if w != "--publish" {
				continue
			}
			parts := strings.Split(r[i+1], ":")
			url := fmt.Sprintf("http://127.0.0.1:%s/", parts[1])
			deadline := time.Now().Add(120 * time.Second)
			for {
				resp, err := http.Get(url)
				if err == nil {
					resp.Body.Close()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s does not answer: %v", url, err)
				}
				time.Sleep(250 * time.Millisecond)
			}
		}
	}
}

// removeSiteImages removes the project's containers, then the images of
// its applications (an image a container still uses cannot be removed).
func removeSiteImages(project string) {
	launchtest.RemoveProject(project)
	out, _ := exec.Command("docker", "images", "--quiet", "--filter", "reference=wsgidock-"+project+"-*").Output()
	for _, id := range strings.Fields(string(out)) {
		exec.Command("docker", "rmi", "--force", id).Run()
	}
}
