package check_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/check"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

// TestDebianTree checks Debian's whole /etc/apache2, read with its envvars:
// httpd accepts it, and Check must find nothing.
func TestDebianTree(t *testing.T) {
	httpdtest.Binary(t)
	const confDir = httpdtest.DebianConfDir
	vars, env := httpdtest.DebianEnv(t)
	opts := apacheconf.Options{
		ServerRoot: confDir,
		Version:    httpdtest.Version(t),
		LookupEnv: func(k string) (string, bool) {
			v, ok := vars[k]
			return v, ok
		},
	}
	if want := httpdVerdict(t, confDir, confDir+"/apache2.conf", opts, env); !want.ok {
		t.Fatalf("httpd refuses Debian's configuration: %s", want)
	}
	got, ds := checkVerdict(t, confDir+"/apache2.conf", opts)
	if !got.ok {
		t.Errorf("Check refuses Debian's configuration: %v", ds)
	}
}

// TestAllModules loads every module of Debian's module directory (with
// one MPM, as httpd allows only one) and uses a directive of each kind of
// section: httpd accepts it, and Check must find nothing.
func TestAllModules(t *testing.T) {
	httpdtest.Binary(t)
	files, err := filepath.Glob(filepath.Join(httpdtest.ModuleDir, "*.so"))
	if err != nil || len(files) < 50 {
		t.Fatalf("Debian's modules are not in %s: %v", httpdtest.ModuleDir, err)
	}
	var b strings.Builder
	b.WriteString("ServerName localhost\nErrorLog /dev/null\n")
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "mod_"), ".so")
		if strings.HasPrefix(name, "mpm_") && name != "mpm_event" {
			continue
		}
		b.WriteString("LoadModule " + name + "_module " + f + "\n")
	}
	b.WriteString(`<VirtualHost *:80>
    ServerName example.com
    DocumentRoot /var/www/html
    Alias /static/ /srv/static/
    ProxyPass /app/ http://127.0.0.1:8000/
    <Directory /srv/static>
        Options -Indexes +FollowSymLinks
        AllowOverride None
        Require all granted
    </Directory>
    <Location /private>
        AuthType Basic
        AuthName private
        AuthUserFile /etc/apache2/htpasswd
        Require valid-user
    </Location>
    RewriteEngine On
    RewriteRule ^/(?!static/)(.*)$ /app/$1 [PT]
    Header always set X-Content-Type-Options nosniff
</VirtualHost>
<Directory /srv/old>
    Order deny,allow
    Allow from all
</Directory>
`)
	root := t.TempDir()
	file := filepath.Join(root, "httpd.conf")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := apacheconf.Options{ServerRoot: root, Version: httpdtest.Version(t)}
	if want := httpdVerdict(t, root, file, opts, nil); !want.ok {
		t.Fatalf("httpd refuses the all-modules configuration: %s", want)
	}
	tree, err := apacheconf.Load(file, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Modules) < 50 {
		t.Errorf("only %d modules loaded", len(tree.Modules))
	}
	if ds := check.Check(tree, check.Options{}); len(ds) > 0 {
		t.Errorf("Check refuses the all-modules configuration: %v", ds)
	}
}

// TestDebianAvailable includes every configuration Debian ships for its
// modules and its extra features (mods-available/*.conf and
// conf-available/*.conf, enabled or not), with every module loaded: httpd
// accepts them all, and Check must find nothing in them.
func TestDebianAvailable(t *testing.T) {
	httpdtest.Binary(t)
	const confDir = "/etc/apache2"
	files, _ := filepath.Glob(confDir + "/mods-available/*.conf")
	more, _ := filepath.Glob(confDir + "/conf-available/*.conf")
	files = append(files, more...)
	if len(files) < 20 {
		t.Skip("Debian's /etc/apache2 is not there: install Debian's apache2 package")
	}
	var b strings.Builder
	b.WriteString(allModules(t))
	for _, v := range []string{"APACHE_LOCK_DIR", "APACHE_RUN_DIR", "APACHE_LOG_DIR"} {
		b.WriteString("Define " + v + " " + t.TempDir() + "\n")
	}
	b.WriteString("Define APACHE_RUN_USER www-data\nDefine APACHE_RUN_GROUP www-data\n")
	for _, f := range files {
		// The other MPMs' settings are not inside <IfModule>: only one MPM
		// loads.
		if base := filepath.Base(f); base == "mpm_prefork.conf" || base == "mpm_worker.conf" {
			continue
		}
		b.WriteString("Include " + f + "\n")
	}
	file := filepath.Join(t.TempDir(), "available.conf")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := apacheconf.Options{ServerRoot: confDir, Version: httpdtest.Version(t)}
	if want := httpdVerdict(t, confDir, file, opts, nil); !want.ok {
		t.Fatalf("httpd refuses Debian's available configurations: %s", want)
	}
	if got, ds := checkVerdict(t, file, opts); !got.ok {
		t.Errorf("Check refuses Debian's available configurations: %v", ds)
	}
}
