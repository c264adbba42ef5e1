package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/launch/launchtest"
	"github.com/wsgidock/wsgidock/translate/emit/bundle"
)

// debianBase returns the Debian bookworm base image the end-to-end app
// tests build on: .ci/debian-base debootstraps it from the mirror apt is
// configured with and imports it into the engine, once per machine (its
// root is cached outside the clone).
func debianBase(t *testing.T) string {
	t.Helper()
	launchtest.Require(t)
	need := os.Getenv("WSGIDOCK_REQUIRE_DOCKER") == "1"
	if _, err := exec.LookPath("debootstrap"); err != nil || os.Getuid() != 0 {
		msg := "the Debian base image needs root and debootstrap (.ci/install-deps installs it)"
		if need {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.Command("bash", filepath.Join("..", "..", ".ci", "debian-base"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf(".ci/debian-base: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// docker runs the engine's CLI and returns its combined output.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// appSite is one application under test: its source tree, the front-end
// config serving it the mod_wsgi way, and what to ask it.
type appSite struct {
	name, host string
	tls        bool
	conf       string // path of the original front-end config
	front      int
	backend    int
	project    string
}

// writeHooks gives the source tree a deploy hook that records that it ran
// and fails, and a post-deploy hook that records the server's first
// answer line.
func writeHooks(t *testing.T, app string, deployExtra string) {
	t.Helper()
	hooks := filepath.Join(app, ".docker", "action_hooks")
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"deploy": "#!/bin/bash\n" + deployExtra + "date +%s.%N > /tmp/wsgidock-deploy\nexit 3\n",
		"post-deploy": "#!/bin/bash\n" +
			"status=$( (printf 'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && IFS= read -r l <&3 && printf '%s' \"$l\") 3<>\"/dev/tcp/127.0.0.1/${WSGIDOCK_PORT:-80}\")\n" +
			"echo \"$status\" > /tmp/wsgidock-post-deploy\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(hooks, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// frontConf writes a front-end config serving the app from a daemon group,
// on a TLS virtual host when tls is set.
func frontConf(t *testing.T, dir string, site *appSite, app, script, static string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "ServerName localhost\nListen 127.0.0.1:%d\n", site.front)
	mods := []string{"mpm_event_module", "authz_core_module", "alias_module", "wsgi_module"}
	if site.tls {
		mods = append(mods, "ssl_module")
	}
	for _, m := range mods {
		b.WriteString(httpdtest.LoadModule(m) + "\n")
	}
	fmt.Fprintf(&b, "PidFile %s/httpd.pid\nErrorLog %s/error.log\nDefaultRuntimeDir %s\nWSGISocketPrefix %s/wsgi\n", dir, dir, dir, dir)
	if os.Getuid() == 0 {
		b.WriteString("User nobody\nGroup nogroup\n")
	}
	fmt.Fprintf(&b, "<VirtualHost 127.0.0.1:%d>\n    ServerName %s\n", site.front, site.host)
	if site.tls {
		cert, key := selfSigned(t, dir, site.host)
		fmt.Fprintf(&b, "    SSLEngine on\n    SSLCertificateFile %s\n    SSLCertificateKeyFile %s\n", cert, key)
	}
	fmt.Fprintf(&b, `    WSGIDaemonProcess %[1]s processes=1 threads=4 display-name=%%{GROUP} home=%[2]s python-path=%[2]s shutdown-timeout=2
    WSGIProcessGroup %[1]s
    WSGIApplicationGroup %%{GLOBAL}
    WSGIScriptAlias / %[3]s
    Alias /static/ %[4]s/
    <Directory %[2]s>
        Require all granted
    </Directory>
</VirtualHost>
`, site.name, app, script, static)
	site.conf = filepath.Join(dir, "httpd.conf")
	write(t, site.conf, b.String())
	if res := httpdtest.Run(t, nil, "-d", dir, "-f", site.conf); !res.OK {
		t.Fatalf("httpd refuses the original config:\n%s", res.Stderr)
	}
}

// selfSigned writes a certificate and key for host.
func selfSigned(t *testing.T, dir, host string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	write(t, cert, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	write(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})))
	return cert, keyFile
}

var insecure = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}

// get asks url with the given Host until it answers (or 60 s pass) and
// returns the status and body.
func get(t *testing.T, url, host string) (int, string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if host != "" {
			req.Host = host
		}
		resp, err := insecure.Do(req)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return resp.StatusCode, string(body)
			}
			err = fmt.Errorf("status %d: %s", resp.StatusCode, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s (Host %s): %v", url, host, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitFile waits for a file in the container and returns its content.
func waitFile(t *testing.T, container, path string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := exec.Command("docker", "exec", container, "cat", path).CombinedOutput()
		if err == nil && len(out) > 0 {
			return strings.TrimSpace(string(out))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear in %s: %s", path, container, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// migrateAndRun rewrites the front end, starts it, and brings the app up
// with `wsgidock up --detach --wait`, which builds its image. It returns
// the container name and image.
func migrateAndRun(t *testing.T, site *appSite, base string) (string, string, *httpdtest.Server) {
	t.Helper()
	flags := []string{"--project", site.project, "--base", "debian", "--base-image", base, "--app-port", fmt.Sprint(site.backend)}
	rewritten, stderr, code := wsgidock(t, append(append([]string{"migrate", "--format", "apache"}, flags...), site.conf)...)
	if code != 0 {
		t.Fatalf("migrate --format apache: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"ProxyPreserveHost On", fmt.Sprintf("ProxyPass / http://127.0.0.1:%d/ nocanon", site.backend), `RequestHeader set X-Forwarded-Port "expr=%{SERVER_PORT}"`} {
		if !strings.Contains(rewritten, want) {
			t.Errorf("the rewritten front end lacks %q:\n%s", want, rewritten)
		}
	}
	if site.tls != strings.Contains(rewritten, "RequestHeader set X-Forwarded-Proto https") {
		t.Errorf("X-Forwarded-Proto on a TLS host only (tls %v):\n%s", site.tls, rewritten)
	}
	dir := filepath.Dir(site.conf)
	front := filepath.Join(dir, "front.conf")
	write(t, front, rewritten)
	server := httpdtest.Start(t, front, "-d", dir)

	// Cleanups run last first: down, then the image and what a failed
	// build left of it.
	image := "wsgidock-" + site.project + "-" + site.name
	t.Cleanup(func() { removeImage(image) })
	t.Cleanup(func() { wsgidock(t, append(append([]string{"down"}, flags...), site.conf)...) })
	stdout, stderr, code := wsgidock(t, append(append([]string{"up", "--detach", "--wait", "--timeout", "120s"}, flags...), site.conf)...)
	if code != 0 {
		t.Fatalf("up --detach --wait: exit %d\n%s%s", code, stdout, stderr)
	}
	all := stdout + stderr
	for _, want := range []string{site.name + ": building image " + image, site.name + ": built image " + image} {
		if !strings.Contains(all, want) {
			t.Errorf("up's output lacks %q:\n%s", want, all)
		}
	}
	if !strings.Contains(all, site.name+" | Step ") && !strings.Contains(all, site.name+" | #") {
		t.Errorf("the build's output is not shown behind the service's prefix:\n%s", all)
	}
	return site.project + "-" + site.name, image, server
}

// removeImage removes an app image and the untagged layers a failed
// build of it leaves, which carry its name as a label.
func removeImage(image string) {
	exec.Command("docker", "rmi", image).Run()
	out, _ := exec.Command("docker", "images", "--quiet", "--filter", "dangling=true", "--filter", "label="+bundle.LabelImage+"="+image).Output()
	for _, id := range strings.Fields(string(out)) {
		exec.Command("docker", "rmi", id).Run()
	}
}

// checkContainer checks what every app container must do: the deploy
// hook ran and failed without stopping the start, the post-deploy hook
// ran once the server answered, httpd is PID 1, the image answers on
// another port, the shell entry point gives a shell, and SIGTERM stops
// the server within its stop timeout.
func checkContainer(t *testing.T, site *appSite, container, image, app string) {
	t.Helper()
	if waitFile(t, container, "/tmp/wsgidock-deploy") == "" {
		t.Error("the deploy hook did not run")
	}
	logs := docker(t, "logs", container)
	if !strings.Contains(logs, ".docker/action_hooks/deploy failed (exit status 3); starting the server anyway") {
		t.Errorf("the failing deploy hook is not logged:\n%s", logs)
	}
	if got := waitFile(t, container, "/tmp/wsgidock-post-deploy"); !strings.HasPrefix(got, "HTTP/1.") {
		t.Errorf("the post-deploy hook ran before the server answered: it saw %q", got)
	}
	if cmdline := docker(t, "exec", container, "cat", "/proc/1/cmdline"); !strings.HasPrefix(cmdline, "/usr/sbin/apache2\x00") {
		t.Errorf("PID 1 is %q, not httpd", cmdline)
	}
	if ps := docker(t, "exec", container, "ps", "-o", "user=", "-C", "apache2"); strings.Count(ps, "root") != 1 {
		t.Errorf("only httpd's parent may run as root:\n%s", ps)
	}

	// The image on its own, on another port.
	other := httpdtest.FreePort(t)
	name := launchtest.Name("wsgidock-apps-port")
	docker(t, "run", "--detach", "--name", name, "--publish", fmt.Sprintf("127.0.0.1:%d:8080", other), image, "--port", "8080")
	defer exec.Command("docker", "rm", "--force", name).Run()
	if code, _ := get(t, fmt.Sprintf("http://127.0.0.1:%d/", other), "localhost"); code >= 500 {
		t.Errorf("docker run IMAGE --port 8080: status %d", code)
	}
	if got := waitFile(t, name, "/tmp/wsgidock-post-deploy"); !strings.HasPrefix(got, "HTTP/1.") {
		t.Errorf("with --port 8080 the post-deploy hook saw %q", got)
	}

	// The shell entry point ignores CMD and gives a shell in the source tree.
	cmd := exec.Command("docker", "run", "--rm", "-i", "--entrypoint", "/usr/local/bin/wsgidock-shell", image)
	cmd.Stdin = strings.NewReader("echo \"shell in $PWD\"\n")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "shell in "+app) {
		t.Errorf("shell entry point: %v\n%s", err, out)
	}

	// SIGTERM stops httpd (and its daemons) within the stop timeout.
	start := time.Now()
	docker(t, "kill", "--signal", "SIGTERM", name)
	code := docker(t, "wait", name)
	if took := time.Since(start); took > 7*time.Second || code != "0" {
		t.Errorf("after SIGTERM the container took %v and exited %s; want < 7 s (shutdown-timeout 2 s + 5 s), status 0", took, code)
	}
}

// TestAppsEndToEnd moves two WSGI applications out of Apache into images
// on the real engine with --base debian: the hello-world application of
// the fixtures behind a TLS front end, and a Django project made at test
// time with django-admin startproject, its static files served by the
// container. Each is built and started by `wsgidock up`, answers through
// its published port and through a real Apache running the rewritten
// config, and sees the front end's host, port and scheme.
func TestAppsEndToEnd(t *testing.T) {
	base := debianBase(t)
	httpdtest.Binary(t)

	t.Run("hello", func(t *testing.T) {
		dir := t.TempDir()
		app := filepath.Join(dir, "app")
		if out, err := exec.Command("cp", "-a", filepath.Join("..", "..", "fixtures", "apps", "hello", "app"), app).CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		writeHooks(t, app, "")
		site := &appSite{name: "hello", host: "hello.example.com", tls: true, front: httpdtest.FreePort(t), backend: httpdtest.FreePort(t), project: launchtest.Name("wsgidock-apps")}
		frontConf(t, dir, site, app, filepath.Join(app, "wsgi.py"), filepath.Join(app, "static"))
		container, image, server := migrateAndRun(t, site, base)

		// httpd's SERVER_PORT (ap_get_server_port, UseCanonicalName and
		// UseCanonicalPhysicalPort Off) is the Host header's port, or the
		// scheme's default when the header has none: 443 here, not the
		// port the front end listens on. The app must see what it saw
		// under mod_wsgi in both cases.
		type environ struct {
			Host, Scheme, ServerPort string
			PathInfo                 string `json:"path_info"`
			UID                      int
			ProcessGroup             string `json:"process_group"`
		}
		var seen environ
		for _, c := range []struct{ host, port string }{
			{site.host, "443"},
			{fmt.Sprintf("%s:%d", site.host, site.front), fmt.Sprint(site.front)},
		} {
			_, body := get(t, fmt.Sprintf("https://127.0.0.1:%d/through/apache", site.front), c.host)
			seen = environ{}
			if err := json.Unmarshal([]byte(body), &seen); err != nil {
				t.Fatalf("%v: %q\nhttpd said:\n%s", err, body, server.Output())
			}
			// The JSON keys are snake_case; decode the two that differ.
			var raw map[string]any
			json.Unmarshal([]byte(body), &raw)
			seen.ServerPort, _ = raw["server_port"].(string)
			if seen.Host != c.host || seen.ServerPort != c.port || seen.Scheme != "https" || seen.PathInfo != "/through/apache" {
				t.Errorf("through Apache with Host %q the app saw host %q, port %q, scheme %q, path %q; want %s, %s, https, /through/apache", c.host, seen.Host, seen.ServerPort, seen.Scheme, seen.PathInfo, c.host, c.port)
			}
		}
		if seen.UID == 0 || seen.ProcessGroup != "hello" {
			t.Errorf("the app runs as uid %d in group %q; want a non-root account in group hello", seen.UID, seen.ProcessGroup)
		}
		if code, body := get(t, fmt.Sprintf("https://127.0.0.1:%d/static/hello.txt", site.front), site.host); code != 200 || body != "static file of the hello fixture\n" {
			t.Errorf("static file through Apache: %d %q", code, body)
		}
		if code, _ := get(t, fmt.Sprintf("http://127.0.0.1:%d/", site.backend), ""); code != 200 {
			t.Errorf("published port: status %d", code)
		}

		flags := []string{"--project", site.project, "--base", "debian", "--base-image", base, "--app-port", fmt.Sprint(site.backend), site.conf}
		ps, stderr, code := wsgidock(t, append([]string{"ps"}, flags...)...)
		if code != 0 || !strings.Contains(ps, image+" (built)") || !strings.Contains(ps, "running") {
			t.Errorf("ps: exit %d\n%s%s", code, ps, stderr)
		}
		// A second up finds the image up to date and the container running.
		stdout, stderr, code := wsgidock(t, append([]string{"up", "--detach", "--wait", "--timeout", "60s"}, flags...)...)
		if code != 0 || !strings.Contains(stdout+stderr, "hello: image "+image+" is up to date") {
			t.Errorf("second up: exit %d\n%s%s", code, stdout, stderr)
		}
		if ps, _, _ := wsgidock(t, append([]string{"ps"}, flags...)...); !strings.Contains(ps, image+" (up to date)") {
			t.Errorf("ps after the second up:\n%s", ps)
		}
		checkContainer(t, site, container, image, app)
	})

	t.Run("django", func(t *testing.T) {
		dir := t.TempDir()
		app := filepath.Join(dir, "site")
		if err := os.MkdirAll(app, 0o755); err != nil {
			t.Fatal(err)
		}
		docker(t, "run", "--rm", "--volume", app+":/work", "--workdir", "/work", base, "django-admin", "startproject", "mysite", ".")
		settings := filepath.Join(app, "mysite", "settings.py")
		data, err := os.ReadFile(settings)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, []byte("\nALLOWED_HOSTS = ['django.example.com', '127.0.0.1', 'localhost']\nSTATIC_ROOT = BASE_DIR / 'static'\n")...)
		write(t, settings, string(data))
		writeHooks(t, app, "python3 manage.py migrate --noinput\n")
		write(t, filepath.Join(app, ".docker", "action_hooks", "build"), "#!/bin/bash\nset -eo pipefail\npython3 manage.py collectstatic --noinput\n")
		if err := os.Chmod(filepath.Join(app, ".docker", "action_hooks", "build"), 0o755); err != nil {
			t.Fatal(err)
		}
		site := &appSite{name: "django", host: "django.example.com", front: httpdtest.FreePort(t), backend: httpdtest.FreePort(t), project: launchtest.Name("wsgidock-apps")}
		frontConf(t, dir, site, app, filepath.Join(app, "mysite", "wsgi.py"), filepath.Join(app, "static"))
		container, image, server := migrateAndRun(t, site, base)

		code, body := get(t, fmt.Sprintf("http://127.0.0.1:%d/admin/login/", site.front), site.host)
		if code != 200 || !strings.Contains(body, "Django") || !strings.Contains(body, "/static/admin/") {
			t.Errorf("Django's login page through Apache: %d\n%.400s\nhttpd said:\n%s", code, body, server.Output())
		}
		code, body = get(t, fmt.Sprintf("http://127.0.0.1:%d/static/admin/css/base.css", site.front), site.host)
		if code != 200 || !strings.Contains(body, "{") {
			t.Errorf("Django's static file through Apache: %d %.200s", code, body)
		}
		if logs := docker(t, "logs", container); !strings.Contains(logs, "GET /static/admin/css/base.css HTTP/1.1\" 200") {
			t.Errorf("the static file was not served by the container:\n%s", logs)
		}
		if waitFile(t, container, "/tmp/wsgidock-deploy") != "" {
			if out := docker(t, "exec", container, "ls", app); !strings.Contains(out, "db.sqlite3") {
				t.Errorf("the deploy hook's migrate made no database: %s", out)
			}
		}
		checkContainer(t, site, container, image, app)
	})
}
