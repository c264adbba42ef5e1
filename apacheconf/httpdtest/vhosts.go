package httpdtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SeedVhosts is a front-end configuration of n virtual hosts in the shape
// of the seed: each proxies to its own container's published port, sets
// X-Forwarded-Port, serves static files, and keeps its container alive
// through a daemon group with a continued WSGIDaemonProcess line and a
// WSGIImportScript of launchers/SITE.py below ServerRoot (SeedLauncher).
// Benchmarks and scale tests read it.
func SeedVhosts(n int) string {
	var b strings.Builder
	b.Grow(700 * (n + 1))
	for _, m := range []string{"mpm_event", "authz_core", "alias", "proxy", "proxy_http", "headers", "wsgi"} {
		fmt.Fprintf(&b, "LoadModule %s_module %s/mod_%s.so\n", m, ModuleDir, m)
	}
	b.WriteString("ServerName localhost\nErrorLog /dev/null\nListen 127.0.0.1:8080\n\n")
	for i := 0; i < n; i++ {
		site := SeedSite(i)
		fmt.Fprintf(&b, `<VirtualHost *:8080>
    ServerName %[1]s
    # The site runs in a container; Apache keeps it alive and proxies to it.
    ProxyPass / http://127.0.0.1:%[2]d/
    ProxyPassReverse / http://127.0.0.1:%[2]d/
    RequestHeader set X-Forwarded-Port 80
    Alias /static/ /srv/%[1]s/static/
    WSGIDaemonProcess %[1]s threads=0 display-name=%%{GROUP} \
        shutdown-timeout=5 lang=C.UTF-8
    WSGIImportScript launchers/%[1]s.py process-group=%[1]s application-group=%%{GLOBAL}
    <Directory /srv/%[1]s/static>
        Require all granted
    </Directory>
</VirtualHost>

`, site, 20000+i)
	}
	return b.String()
}

// SeedSite is the ServerName of the i-th virtual host of SeedVhosts.
func SeedSite(i int) string { return fmt.Sprintf("site%d.example.com", i) }

// SeedLauncher is the launcher of the i-th virtual host of SeedVhosts, in
// the seed's shape: it execs docker run --rm, publishing the port the
// host's ProxyPass sends requests to.
func SeedLauncher(i int) string {
	return fmt.Sprintf(`import os
os.execl('/usr/bin/docker', '(docker:%[1]s)', 'run',
    '--rm', '-p', '127.0.0.1:%[2]d:80', 'registry.example.com/%[1]s:latest')
`, SeedSite(i), 20000+i)
}

// WriteSeedTree writes SeedVhosts(n) to dir/httpd.conf and its n launchers
// to dir/launchers, and returns the config's path.
func WriteSeedTree(dir string, n int) (string, error) {
	if err := os.MkdirAll(filepath.Join(dir, "launchers"), 0o755); err != nil {
		return "", err
	}
	for i := 0; i < n; i++ {
		if err := os.WriteFile(filepath.Join(dir, "launchers", SeedSite(i)+".py"), []byte(SeedLauncher(i)), 0o644); err != nil {
			return "", err
		}
	}
	conf := filepath.Join(dir, "httpd.conf")
	return conf, os.WriteFile(conf, []byte(SeedVhosts(n)), 0o644)
}
