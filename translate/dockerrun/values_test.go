package dockerrun

import (
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/translate/spec"
)

func TestParsePublish(t *testing.T) {
	tests := []struct {
		in    string
		want  spec.Port
		notes []string
		err   string
	}{
		{in: "8002:80", want: spec.Port{HostPort: "8002", ContainerPort: "80", Protocol: "tcp"}},
		{in: "127.0.0.1:8002:80", want: spec.Port{HostIP: "127.0.0.1", HostPort: "8002", ContainerPort: "80", Protocol: "tcp"}},
		{in: "[::1]:8002:80", want: spec.Port{HostIP: "::1", HostPort: "8002", ContainerPort: "80", Protocol: "tcp"}},
		{in: "::1:8002:80", want: spec.Port{HostIP: "::1", HostPort: "8002", ContainerPort: "80", Protocol: "tcp"}},
		{in: "[fe80::1%eth0]:8002:80", err: "invalid IP address: fe80::1%eth0"},
		{in: "8002:80/udp", want: spec.Port{HostPort: "8002", ContainerPort: "80", Protocol: "udp"}},
		{in: "80/UDP", want: spec.Port{ContainerPort: "80", Protocol: "udp"}},
		{in: "80/", want: spec.Port{ContainerPort: "80", Protocol: "tcp"}},
		{in: "53/sctp", want: spec.Port{ContainerPort: "53", Protocol: "sctp"}},
		{in: "127.0.0.1::80", want: spec.Port{HostIP: "127.0.0.1", ContainerPort: "80", Protocol: "tcp"}},
		{in: "80", want: spec.Port{ContainerPort: "80", Protocol: "tcp"}},
		{in: ":80", want: spec.Port{ContainerPort: "80", Protocol: "tcp"}},
		{in: "8000-8001:80-81", want: spec.Port{HostPort: "8000-8001", ContainerPort: "80-81", Protocol: "tcp"}},
		{in: "8000-8010:80", want: spec.Port{HostPort: "8000-8010", ContainerPort: "80", Protocol: "tcp"}},
		{in: "80-81-82", want: spec.Port{ContainerPort: "80-81-82", Protocol: "tcp"}},
		{in: "published=8080,target=80,protocol=udp", want: spec.Port{HostPort: "8080", ContainerPort: "80", Protocol: "udp"}},
		{in: "target=80", want: spec.Port{ContainerPort: "80", Protocol: "tcp"}},
		{in: "published=8080,target=80,host_ip=127.0.0.1,mode=host",
			want:  spec.Port{HostPort: "8080", ContainerPort: "80", Protocol: "tcp"},
			notes: []string{"ignores host_ip=127.0.0.1", "-p 127.0.0.1:8080:80", "ignores mode=host"}},
		{in: "published=8080,target=80,host_ip=::1", want: spec.Port{HostPort: "8080", ContainerPort: "80", Protocol: "tcp"},
			notes: []string{"-p [::1]:8080:80"}},
		{in: "80/xyz", err: "invalid proto: xyz"},
		{in: "80/tcp/x", err: "invalid proto: tcp/x"},
		{in: "1.2.3:80:80", err: "invalid IP address: 1.2.3"},
		{in: "[::1:80:80", err: "invalid IP address [::1"},
		{in: "8002:", err: "no port specified: 8002:<empty>"},
		{in: "", err: "no port specified"},
		{in: "99999:80", err: "invalid hostPort: 99999"},
		{in: "80:http", err: "invalid containerPort: http"},
		{in: "8002:80-79", err: "invalid containerPort: 80-79"},
		{in: "8000-8001:80-82", err: "invalid ranges specified for container and host Ports: 80-82 and 8000-8001"},
		{in: "published=80,target", err: "invalid publish opts format (should be name=value but got 'target')"},
		{in: "=80", err: "invalid publish opts format"},
		{in: "published=8080", err: "no port specified"},
	}
	for _, tt := range tests {
		got, notes, err := parsePublish(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parsePublish(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parsePublish(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("parsePublish(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		joined := strings.Join(notes, "\n")
		if len(tt.notes) == 0 && len(notes) != 0 {
			t.Errorf("parsePublish(%q) notes %q, want none", tt.in, notes)
		}
		for _, n := range tt.notes {
			if !strings.Contains(joined, n) {
				t.Errorf("parsePublish(%q) notes %q, want one containing %q", tt.in, notes, n)
			}
		}
		// The spec renders the port back; that must read the same.
		again, _, err := parsePublish(got.String())
		if err != nil || again != got {
			t.Errorf("parsePublish(%q) = %+v renders as %q, which reads back as %+v, %v", tt.in, got, got.String(), again, err)
		}
	}
}

func TestParseVolume(t *testing.T) {
	tests := []struct {
		in   string
		want spec.Volume
		err  string
	}{
		{in: "/srv/data:/data", want: spec.Volume{Source: "/srv/data", Target: "/data", Type: "bind"}},
		{in: "/srv:/data:ro", want: spec.Volume{Source: "/srv", Target: "/data", Type: "bind", ReadOnly: true}},
		{in: "/srv:/data:z,ro", want: spec.Volume{Source: "/srv", Target: "/data", Type: "bind", ReadOnly: true}},
		{in: "/srv:/data:ro,rw", want: spec.Volume{Source: "/srv", Target: "/data", Type: "bind"}},
		{in: "data:/data", want: spec.Volume{Source: "data", Target: "/data", Type: "volume"}},
		{in: "data:/data:nocopy", want: spec.Volume{Source: "data", Target: "/data", Type: "volume"}},
		{in: "/data", want: spec.Volume{Target: "/data", Type: "volume"}},
		{in: "./rel:/x", want: spec.Volume{Source: "./rel", Target: "/x", Type: "bind"}},
		{in: "~/x:/x", want: spec.Volume{Source: "~/x", Target: "/x", Type: "bind"}},
		{in: "/a b/$HOME:/c d", want: spec.Volume{Source: "/a b/$HOME", Target: "/c d", Type: "bind"}},
		{in: "a", want: spec.Volume{Target: "a", Type: "volume"}},
		{in: "é", want: spec.Volume{Target: "é", Type: "volume"}},
		{in: `C:\x:/y`, want: spec.Volume{Source: `C:\x`, Target: "/y", Type: "bind"}},
		{in: "a:/b", want: spec.Volume{Target: "a:/b", Type: "volume"}},
		{in: "", err: "invalid empty volume spec"},
		{in: "/a::/b", err: "empty section between colons"},
		{in: "/a:/b:", err: "empty section between colons"},
		{in: "/a:/b:ro:x", err: "too many colons"},
		{in: "/a:/b:ro:", err: "too many colons"},
	}
	for _, tt := range tests {
		got, err := parseVolume(tt.in)
		checkVolume(t, "parseVolume", tt.in, "--volume", got, err, tt.want, tt.err)
	}
}

func checkVolume(t *testing.T, fn, in, flag string, got spec.Volume, err error, want spec.Volume, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s(%q) error = %v, want %q", fn, in, err, wantErr)
		}
		return
	}
	if err != nil {
		t.Errorf("%s(%q): %v", fn, in, err)
		return
	}
	want.Flag, want.Spec = flag, in
	if got != want {
		t.Errorf("%s(%q) = %+v, want %+v", fn, in, got, want)
	}
}

func TestParseMount(t *testing.T) {
	tests := []struct {
		in   string
		want spec.Volume
		err  string
	}{
		{in: "type=bind,source=/srv,target=/data,readonly", want: spec.Volume{Source: "/srv", Target: "/data", Type: "bind", ReadOnly: true}},
		{in: "type=bind,src=/srv,dst=/data,ro=true,bind-propagation=rslave", want: spec.Volume{Source: "/srv", Target: "/data", Type: "bind", ReadOnly: true}},
		{in: "Type=VOLUME,src=v,destination=/d,volume-nocopy", want: spec.Volume{Source: "v", Target: "/d", Type: "volume"}},
		{in: "target=/d", want: spec.Volume{Target: "/d", Type: "volume"}},
		{in: "type=tmpfs,dst=/run,tmpfs-size=64m,tmpfs-mode=1770", want: spec.Volume{Target: "/run", Type: "tmpfs"}},
		{in: `type=bind,"source=/a,b",target=/c`, want: spec.Volume{Source: "/a,b", Target: "/c", Type: "bind"}},
		{in: "type=bind,source=/s,target=/t,readonly,bind-recursive=readonly,bind-propagation=rprivate", want: spec.Volume{Source: "/s", Target: "/t", Type: "bind", ReadOnly: true}},
		{in: "type=bind,source=/s", err: "target is required"},
		{in: "type=,target=/x", err: "type is required"},
		{in: "foo=bar,target=/x", err: "unexpected key 'foo' in 'foo=bar'"},
		{in: "target=/x,readonly=maybe", err: "invalid value for readonly: maybe"},
		{in: "type=bind,target=/x,volume-nocopy", err: "cannot mix 'volume-*' options with mount type 'bind'"},
		{in: "target=/x,tmpfs-size=1m", err: "cannot mix 'tmpfs-*' options with mount type 'volume'"},
		{in: "type=tmpfs,target=/x,tmpfs-size=lots", err: "invalid value for tmpfs-size: lots"},
		{in: "type=tmpfs,target=/x,tmpfs-mode=999", err: "invalid value for tmpfs-mode: 999"},
		{in: "type=bind,target=/x,bind-recursive=maybe", err: "invalid value for bind-recursive: maybe"},
		{in: "type=bind,target=/x,bind-recursive=writable", err: "requires 'readonly'"},
		{in: "type=bind,target=/x,ro,bind-recursive=readonly", err: "requires 'bind-propagation=rprivate'"},
		{in: "bogus,target=/x", err: "invalid field 'bogus' must be a key=value pair"},
		{in: `target="/x`, err: "bare \" in non-quoted-field"},
	}
	for _, tt := range tests {
		got, err := parseMount(tt.in)
		checkVolume(t, "parseMount", tt.in, "--mount", got, err, tt.want, tt.err)
	}
}

func TestParseTmpfs(t *testing.T) {
	got, err := parseTmpfs("/run:rw,size=64m")
	checkVolume(t, "parseTmpfs", "/run:rw,size=64m", "--tmpfs", got, err, spec.Volume{Target: "/run", Type: "tmpfs"}, "")
	got, err = parseTmpfs("/run")
	checkVolume(t, "parseTmpfs", "/run", "--tmpfs", got, err, spec.Volume{Target: "/run", Type: "tmpfs"}, "")
	_, err = parseTmpfs(":size=1m")
	checkVolume(t, "parseTmpfs", ":size=1m", "--tmpfs", spec.Volume{}, err, spec.Volume{}, "no container path")
}

func TestParseEnv(t *testing.T) {
	tests := []struct {
		in   string
		want spec.EnvVar
		err  bool
	}{
		{in: "A=B", want: spec.EnvVar{Name: "A", Value: "B", HasValue: true}},
		{in: "A", want: spec.EnvVar{Name: "A"}},
		{in: "A=", want: spec.EnvVar{Name: "A", HasValue: true}},
		{in: "A=B=C", want: spec.EnvVar{Name: "A", Value: "B=C", HasValue: true}},
		{in: "A B=it's $x", want: spec.EnvVar{Name: "A B", Value: "it's $x", HasValue: true}},
		{in: "=x", err: true},
		{in: "", err: true},
	}
	for _, tt := range tests {
		got, err := parseEnv(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseEnv(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseLabel(t *testing.T) {
	tests := []struct {
		in   string
		want spec.Label
		err  string
	}{
		{in: "a=b", want: spec.Label{Key: "a", Value: "b"}},
		{in: "a", want: spec.Label{Key: "a"}},
		{in: "a=b=c d", want: spec.Label{Key: "a", Value: "b=c d"}},
		{in: " a=b", want: spec.Label{Key: " a", Value: "b"}},
		{in: "=x", err: "empty name"},
		{in: " \t=x", err: "empty name"},
		{in: "a b=c", err: "label 'a b' contains whitespaces"},
	}
	for _, tt := range tests {
		got, err := parseLabel(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseLabel(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseLabel(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestCheckRestartAndSignal(t *testing.T) {
	for _, v := range []string{"", "no", "always", "unless-stopped", "on-failure", "on-failure:3"} {
		if err := checkRestart(v); err != nil {
			t.Errorf("checkRestart(%q): %v", v, err)
		}
	}
	for _, v := range []string{":3", "on-failure:x"} {
		if err := checkRestart(v); err == nil {
			t.Errorf("checkRestart(%q) accepted it", v)
		}
	}
	for _, v := range []string{"", "SIGINT", "int", "SigTerm", "15", "RTMIN+3", "SIGRTMAX-14", "CLD"} {
		if err := checkSignal(v); err != nil {
			t.Errorf("checkSignal(%q): %v", v, err)
		}
	}
	for _, v := range []string{"0", "SIGFOO", "SIG", "RTMIN+16", " INT"} {
		if err := checkSignal(v); err == nil {
			t.Errorf("checkSignal(%q) accepted it", v)
		}
	}
}

func TestCheckMount(t *testing.T) {
	tests := []struct {
		flag, in string
		driver   bool
		err      string
	}{
		{flag: "--volume", in: "/x:/y:ro,z,rslave,cached"},
		{flag: "--volume", in: "vol:/y:nocopy"},
		{flag: "--volume", in: "a.b:/v"},
		{flag: "--volume", in: "./rel:/x"},
		{flag: "--volume", in: "/anon"},
		{flag: "--volume", in: "rel"},
		{flag: "--volume", in: "/x:rel", err: "invalid mount path: 'rel' mount path must be absolute"},
		{flag: "--volume", in: "/x:/", err: "destination can't be '/'"},
		{flag: "--volume", in: "/x:/y:ro,rw", err: "invalid mode: ro,rw"},
		{flag: "--volume", in: "/x:/y:z,Z", err: "invalid mode: z,Z"},
		{flag: "--volume", in: "/x:/y:rslave,shared", err: "invalid mode: rslave,shared"},
		{flag: "--volume", in: "/x:/y:bogus", err: "invalid mode: bogus"},
		{flag: "--volume", in: "/x:/y:cached,ro,nocopy", err: "field VolumeOptions must not be specified"},
		{flag: "--volume", in: "vol:/y:nocopy,rslave", err: "field BindOptions must not be specified"},
		{flag: "--volume", in: "~/x:/x", err: `"~/x" includes invalid characters for a local volume name`},
		{flag: "--volume", in: "my vol:/x", err: "includes invalid characters"},
		{flag: "--volume", in: "my vol:/x", driver: true},
		{flag: "--volume", in: `C:\x:/y`, err: "invalid mode: /y"},
		{flag: "--mount", in: "type=bind,src=/s,dst=/x"},
		{flag: "--mount", in: "type=bind,src=./s,dst=/x"},
		{flag: "--mount", in: "type=volume,dst=/x"},
		{flag: "--mount", in: "type=tmpfs,dst=/x"},
		{flag: "--mount", in: "type=volume,src=my vol,dst=/x,volume-driver=nfs"},
		{flag: "--mount", in: "type=bind,src=rel,dst=/x", err: `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`},
		{flag: "--mount", in: "type=bind,dst=/x", err: "field Source must not be empty"},
		{flag: "--mount", in: "dst=rel", err: "mount path must be absolute"},
		{flag: "--mount", in: "type=volume,src=v,dst=/x", err: "volume name is too short"},
		{flag: "--mount", in: "type=volume,dst=/x,ro", err: "must not set ReadOnly mode when using anonymous volumes"},
		{flag: "--mount", in: "type=tmpfs,src=x,dst=/t", err: "field Source must not be specified"},
		{flag: "--mount", in: "type=npipe,src=x,dst=/y", err: "mount type unknown"},
		{flag: "--tmpfs", in: "/run:size=1m"},
		{flag: "--tmpfs", in: "rel", err: "mount path must be absolute"},
		{flag: "--tmpfs", in: "/", err: "destination can't be '/'"},
	}
	parse := map[string]func(string) (spec.Volume, error){"--volume": parseVolume, "--mount": parseMount, "--tmpfs": parseTmpfs}
	for _, tt := range tests {
		v, err := parse[tt.flag](tt.in)
		if err != nil {
			t.Errorf("%s %q does not parse: %v", tt.flag, tt.in, err)
			continue
		}
		err = checkMount(v, tt.driver)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("checkMount(%s %q) = %v, want %q", tt.flag, tt.in, err, tt.err)
		}
	}
}
