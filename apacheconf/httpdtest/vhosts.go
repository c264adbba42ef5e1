package httpdtest

import (
	"fmt"
	"strings"
)

// SeedVhosts is a front-end configuration of n virtual hosts in the shape
// of the seed: each proxies to its own container's published port, sets
// X-Forwarded-Port, serves static files, and keeps its container alive
// through a daemon group with a continued WSGIDaemonProcess line and a
// WSGIImportScript. Benchmarks and scale tests read it.
func SeedVhosts(n int) string {
	var b strings.Builder
	b.Grow(700 * (n + 1))
	for _, m := range []string{"mpm_event", "authz_core", "alias", "proxy", "proxy_http", "headers", "wsgi"} {
		fmt.Fprintf(&b, "LoadModule %s_module %s/mod_%s.so\n", m, ModuleDir, m)
	}
	b.WriteString("ServerName localhost\nErrorLog /dev/null\nListen 127.0.0.1:8080\n\n")
	for i := 0; i < n; i++ {
		site := fmt.Sprintf("site%d.example.com", i)
		fmt.Fprintf(&b, `<VirtualHost *:8080>
    ServerName %[1]s
    # The site runs in a container; Apache keeps it alive and proxies to it.
    ProxyPass / http://127.0.0.1:%[2]d/
    ProxyPassReverse / http://127.0.0.1:%[2]d/
    RequestHeader set X-Forwarded-Port 80
    Alias /static/ /srv/%[1]s/static/
    WSGIDaemonProcess %[1]s threads=0 display-name=%%{GROUP} \
        shutdown-timeout=5 lang=C.UTF-8
    WSGIImportScript /srv/launchers/%[1]s.py process-group=%[1]s application-group=%%{GLOBAL}
    <Directory /srv/%[1]s/static>
        Require all granted
    </Directory>
</VirtualHost>

`, site, 20000+i)
	}
	return b.String()
}
