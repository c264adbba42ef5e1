package apache_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/emit/apache"
)

// TestRewriteApps rewrites front ends whose daemon groups serve WSGI
// applications: the application's directives are commented out, the
// proxy to its container (with the modules it needs) is inserted, every
// other line is kept, httpd accepts the result, and planning it again
// finds no application left.
func TestRewriteApps(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, conf string
		inserted   []string
	}{
		{"seed000", filepath.Join(root, "fixtures", "seed000", "httpd.conf"), []string{
			"# wsgidock: modules for the proxy to the application containers",
			"<IfModule !proxy_module>", "    LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so", "</IfModule>",
			"<IfModule !proxy_http_module>", "    LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so", "</IfModule>",
			"<IfModule !headers_module>", "    LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so", "</IfModule>",
			"# wsgidock: service shop.example.com now runs outside Apache (its application runs in container httpd-shop.example.com, built from image wsgidock-httpd-shop.example.com)",
			"    # wsgidock: application shop.example.com now runs in container httpd-shop.example.com (image wsgidock-httpd-shop.example.com)",
			"    ProxyPreserveHost On",
			"    ProxyPass / http://127.0.0.1:8000/ nocanon",
			"    ProxyPassReverse / http://127.0.0.1:8000/",
			"    RequestHeader set X-Forwarded-Port \"expr=%{SERVER_PORT}\"",
			"    RequestHeader set X-Forwarded-Proto http",
			"    RequestHeader set X-Wsgidock-Remote-User \"expr=%{REMOTE_USER}\"",
			"    RequestHeader set X-Wsgidock-Auth-Type \"expr=%{AUTH_TYPE}\"",
		}},
		{"hello", "", []string{
			"# wsgidock: modules for the proxy to the application containers",
			"<IfModule !proxy_module>", "    LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so", "</IfModule>",
			"<IfModule !proxy_http_module>", "    LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so", "</IfModule>",
			"<IfModule !headers_module>", "    LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so", "</IfModule>",
			"# wsgidock: service hello now runs outside Apache (its application runs in container httpd-hello, built from image wsgidock-httpd-hello)",
			"    # wsgidock: application hello now runs in container httpd-hello (image wsgidock-httpd-hello)",
			"    ProxyPreserveHost On",
			"    ProxyPass / http://127.0.0.1:8000/ nocanon",
			"    ProxyPassReverse / http://127.0.0.1:8000/",
			"    RequestHeader set X-Forwarded-Port \"expr=%{SERVER_PORT}\"",
			"    RequestHeader set X-Forwarded-Proto http",
			"    RequestHeader set X-Wsgidock-Remote-User \"expr=%{REMOTE_USER}\"",
			"    RequestHeader set X-Wsgidock-Auth-Type \"expr=%{AUTH_TYPE}\"",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			conf := filepath.Join(dir, "httpd.conf")
			src := c.conf
			if src == "" {
				in, err := os.ReadFile(filepath.Join(root, "fixtures", "apps", c.name, "httpd.conf.in"))
				if err != nil {
					t.Fatal(err)
				}
				app := filepath.Join(root, "fixtures", "apps", c.name, "app")
				if err := os.WriteFile(conf, bytes.ReplaceAll(in, []byte("@APP@"), []byte(app)), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				data, err := os.ReadFile(src)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(conf, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tree, err := apacheconf.Load(conf, apacheconf.Options{})
			if err != nil {
				t.Fatal(err)
			}
			sp, _, diags := translate.Plan(tree, translate.Options{})
			if diags.HasErrors() || len(sp.Services) != 1 || sp.Services[0].App == nil {
				t.Fatalf("plan: %d services, %v", len(sp.Services), diags)
			}
			files, _, err := apache.Rewrite(tree, sp)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 1 {
				t.Fatalf("rewrote %d files", len(files))
			}
			// The directives the app came from, which must be commented out;
			// no other line may be.
			commented := map[int]bool{}
			for _, p := range append(sp.Services[0].App.Directives, sp.Services[0].Origin.Daemon) {
				for _, n := range tree.Main().Nodes {
					commentedLines(n, p.Line, commented)
				}
			}
			orig := strings.Split(tree.Main().Src, "\n")
			got := strings.Split(string(files[0].Data), "\n")
			var inserted []string
			j := 0
			for i, line := range orig {
				want := line
				if commented[i+1] {
					want = "#" + apache.Marker + line
				}
				for j < len(got) && got[j] != want {
					inserted = append(inserted, got[j])
					j++
				}
				if j == len(got) {
					t.Fatalf("line %d %q is missing from the rewritten file", i+1, want)
				}
				j++
			}
			if strings.Join(inserted, "\n") != strings.Join(c.inserted, "\n") {
				t.Errorf("inserted lines:\n%s\nwant:\n%s", strings.Join(inserted, "\n"), strings.Join(c.inserted, "\n"))
			}
			if err := os.WriteFile(conf, files[0].Data, 0o644); err != nil {
				t.Fatal(err)
			}
			if res := httpdtest.Run(t, nil, "-d", dir, "-f", conf); !res.OK {
				t.Fatalf("httpd refuses the rewritten config:\n%s", res.Stderr)
			}
			again, err := apacheconf.Load(conf, apacheconf.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if sp2, _, _ := translate.Plan(again, translate.Options{}); len(sp2.Services) != 0 {
				t.Errorf("the rewritten config still has %d services", len(sp2.Services))
			}
		})
	}
}

// commentedLines marks the physical lines of the node at httpd line line.
func commentedLines(n *apacheconf.Node, line int, out map[int]bool) {
	if n.Line == line && n.Kind != apacheconf.KindSection {
		for l := n.StartLine; l <= n.Line; l++ {
			out[l] = true
		}
	}
	for _, c := range n.Children {
		commentedLines(c, line, out)
	}
}

// TestRewriteScriptAliasMatch proxies what a WSGIScriptAliasMatch
// matched, by the same expression (^/shop matches /shopping too, as
// httpd's does).
func TestRewriteScriptAliasMatch(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "httpd.conf")
	got := rewriteAccepted(t, dir, conf, httpdtest.LoadModule("mpm_event_module")+"\n"+httpdtest.LoadModule("wsgi_module")+"\nServerName localhost\nErrorLog /dev/null\n"+
		"WSGIDaemonProcess shop home="+dir+"\nWSGIScriptAliasMatch ^/shop "+dir+"/wsgi.py process-group=shop\n")
	for _, want := range []string{"ProxyPassMatch ^/shop http://127.0.0.1:8000 nocanon\n", "ProxyPassReverse / http://127.0.0.1:8000/\n", "#" + apache.Marker + "WSGIScriptAliasMatch ^/shop"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten config lacks %q:\n%s", want, got)
		}
	}
}

// TestRewriteAccess puts the access control of the script's <Directory>
// in a <Location> of the mount point at the top of the virtual host, which
// httpd accepts, the <Directory> left as it was.
func TestRewriteAccess(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "httpd.conf")
	mods := ""
	for _, m := range []string{"mpm_event_module", "wsgi_module", "authz_core_module", "authz_host_module", "authn_core_module", "auth_basic_module", "authn_file_module", "authz_user_module"} {
		mods += httpdtest.LoadModule(m) + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "wsgi.py"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got := rewriteAccepted(t, dir, conf, mods+"ServerName localhost\nErrorLog /dev/null\nListen 8080\n<VirtualHost *:8080>\n    WSGIDaemonProcess shop home="+dir+"\n    ServerName shop.example\n"+
		"    WSGIScriptAlias /shop "+dir+"/wsgi.py process-group=shop\n    <Directory "+dir+">\n        AuthType Basic\n        AuthName \"Shop staff\"\n        AuthUserFile "+dir+"/htpasswd\n        Require valid-user\n    </Directory>\n</VirtualHost>\n")
	want := ", which governed these requests under mod_wsgi\n" +
		"    <Location /shop>\n        AuthType Basic\n        AuthName \"Shop staff\"\n        AuthUserFile " + dir + "/htpasswd\n        Require valid-user\n    </Location>\n#" + apache.Marker + "service shop"
	if !strings.Contains(got, "<VirtualHost *:8080>\n    #"+apache.Marker+"access control for shop of the section at "+conf+":") || !strings.Contains(got, want) {
		t.Errorf("rewritten config lacks\n%s\nat the top of the virtual host:\n%s", want, got)
	}
	if !strings.Contains(got, "\n    <Directory "+dir+">\n        AuthType Basic\n") {
		t.Errorf("the <Directory> is not kept:\n%s", got)
	}
}

// rewriteAccepted writes text to conf, plans it (one service) and
// rewrites it, and returns the rewritten config once the real httpd -t
// has accepted it in conf's place.
func rewriteAccepted(t *testing.T, dir, conf, text string) string {
	t.Helper()
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tree, err := apacheconf.Load(conf, apacheconf.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sp, _, diags := translate.Plan(tree, translate.Options{})
	if diags.HasErrors() || len(sp.Services) != 1 {
		t.Fatalf("plan: %v", diags)
	}
	files, _, err := apache.Rewrite(tree, sp)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, files[0].Data, 0o644); err != nil {
		t.Fatal(err)
	}
	if res := httpdtest.Run(t, nil, "-d", dir, "-f", conf); !res.OK {
		t.Fatalf("httpd refuses the rewritten config:\n%s", res.Stderr)
	}
	return string(files[0].Data)
}
