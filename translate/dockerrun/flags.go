package dockerrun

// The flag tables below are data, read from the engines' sources:
//
//   - docker: docker/cli v28.5.2, cli/command/container/run.go (newRunCommand)
//     and opts.go (addFlags); the top-level options from cli/flags/options.go
//     and cmd/docker/docker.go. Checked against v29.7.2, which only marks
//     --kernel-memory and --disable-content-trust deprecated and types --ip
//     and --ip6 as IP addresses. TestFlagTableMatchesDockerHelp compares the
//     table with `docker run --help` of the CLI on the machine.
//   - podman: containers/podman c6580b4a (6.0.0-dev, 2026-05-19),
//     cmd/podman/containers/run.go, cmd/podman/common/create.go
//     (DefineCreateFlags, CreateMode), netflags.go (DefineNetFlags),
//     cmd/podman/utils/alias.go (AliasFlags) and cmd/podman/root.go
//     (rootFlags; its persistent flags are valid after `run` too).

// scope says where a flag is accepted.
type scope uint8

const (
	dockerRun scope = 1 << iota // docker run
	podmanRun                   // podman run
	dockerTop                   // docker, before the subcommand
	podmanTop                   // podman, before the subcommand
)

const (
	both = dockerRun | podmanRun
	// podmanPersistent are podman's persistent root flags: valid before the
	// subcommand and inherited by `run`.
	podmanPersistent = podmanRun | podmanTop
)

// vtype is the value type an engine's flag parser checks while reading the
// argv (pflag's typed flags); other values are read as text and checked
// later, by the engine.
type vtype uint8

const (
	vText vtype = iota
	vInt
	vInt64
	vUint
	vUint16
	vUint64
	vFloat
	vDuration
)

// flagDef is one flag of one or both engines.
type flagDef struct {
	name  string // long name, without dashes
	short byte
	// alias names the flag this one is another spelling of.
	alias   string
	in      scope
	boolean bool
	dtype   vtype // docker's value type
	ptype   vtype // podman's value type
	// note is said whenever the flag is used: deprecated, platform-only.
	note string
}

const windowsOnly = "works only with a Windows engine; a Linux engine refuses the container"

var flagTable = []flagDef{
	// docker and podman run.
	{name: "add-host", in: both},
	{name: "annotation", in: both},
	{name: "attach", short: 'a', in: both},
	{name: "blkio-weight", in: both, dtype: vUint16},
	{name: "blkio-weight-device", in: both},
	{name: "cap-add", in: both},
	{name: "cap-drop", in: both},
	{name: "cgroup-parent", in: both},
	{name: "cgroupns", in: both},
	{name: "cidfile", in: both},
	{name: "cpu-period", in: both, dtype: vInt64, ptype: vUint64},
	{name: "cpu-quota", in: both, dtype: vInt64, ptype: vInt64},
	{name: "cpu-rt-period", in: both, dtype: vInt64, ptype: vUint64},
	{name: "cpu-rt-runtime", in: both, dtype: vInt64, ptype: vInt64},
	{name: "cpu-shares", short: 'c', in: both, dtype: vInt64, ptype: vUint64},
	{name: "cpus", in: both, ptype: vFloat},
	{name: "cpuset-cpus", in: both},
	{name: "cpuset-mems", in: both},
	{name: "detach", short: 'd', in: both, boolean: true},
	{name: "detach-keys", in: both},
	{name: "device", in: both},
	{name: "device-cgroup-rule", in: both},
	{name: "device-read-bps", in: both},
	{name: "device-read-iops", in: both},
	{name: "device-write-bps", in: both},
	{name: "device-write-iops", in: both},
	{name: "disable-content-trust", in: both, boolean: true,
		note: "is deprecated: docker 29 removed content trust, and podman ignores the flag"},
	{name: "dns", in: both},
	{name: "dns-opt", alias: "dns-option", in: both},
	{name: "dns-option", in: both},
	{name: "dns-search", in: both},
	{name: "entrypoint", in: both},
	{name: "env", short: 'e', in: both},
	{name: "env-file", in: both},
	{name: "expose", in: both},
	{name: "gpus", in: both},
	{name: "group-add", in: both},
	{name: "health-cmd", in: both},
	{name: "health-interval", in: both, dtype: vDuration},
	{name: "health-retries", in: both, dtype: vInt, ptype: vUint},
	{name: "health-start-period", in: both, dtype: vDuration},
	{name: "health-timeout", in: both, dtype: vDuration},
	{name: "help", in: both, boolean: true},
	{name: "hostname", short: 'h', in: both},
	{name: "init", in: both, boolean: true},
	{name: "interactive", short: 'i', in: both, boolean: true},
	{name: "ip", in: both},
	{name: "ip6", in: both},
	{name: "ipc", in: both},
	{name: "kernel-memory", in: both,
		note: "is deprecated and no longer supported by the kernel"},
	{name: "label", short: 'l', in: both},
	{name: "label-file", in: both},
	{name: "log-driver", in: both},
	{name: "log-opt", in: both},
	{name: "mac-address", in: both},
	{name: "memory", short: 'm', in: both},
	{name: "memory-reservation", in: both},
	{name: "memory-swap", in: both},
	{name: "memory-swappiness", in: both, dtype: vInt64, ptype: vInt64},
	{name: "mount", in: both},
	{name: "name", in: both},
	{name: "net", alias: "network", in: both},
	{name: "network", in: both},
	{name: "network-alias", in: both},
	{name: "no-healthcheck", in: both, boolean: true},
	{name: "oom-kill-disable", in: both, boolean: true},
	{name: "oom-score-adj", in: both, dtype: vInt, ptype: vInt},
	{name: "pid", in: both},
	{name: "pids-limit", in: both, dtype: vInt64, ptype: vInt64},
	{name: "platform", in: both},
	{name: "privileged", in: both, boolean: true},
	{name: "publish", short: 'p', in: both},
	{name: "publish-all", short: 'P', in: both, boolean: true},
	{name: "pull", in: both},
	{name: "quiet", short: 'q', in: both, boolean: true},
	{name: "read-only", in: both, boolean: true},
	{name: "restart", in: both},
	{name: "rm", in: both, boolean: true},
	{name: "runtime", in: both | podmanTop},
	{name: "security-opt", in: both},
	{name: "shm-size", in: both},
	{name: "sig-proxy", in: both, boolean: true},
	{name: "stop-signal", in: both},
	{name: "stop-timeout", in: both, dtype: vInt, ptype: vUint},
	{name: "storage-opt", in: both | podmanTop},
	{name: "sysctl", in: both},
	{name: "tmpfs", in: both},
	{name: "tty", short: 't', in: both, boolean: true},
	{name: "ulimit", in: both},
	{name: "user", short: 'u', in: both},
	{name: "userns", in: both},
	{name: "uts", in: both},
	{name: "volume", short: 'v', in: both},
	{name: "volumes-from", in: both},
	{name: "workdir", short: 'w', in: both},

	// docker run only.
	{name: "cpu-count", in: dockerRun, dtype: vInt64, note: windowsOnly},
	{name: "cpu-percent", in: dockerRun, dtype: vInt64, note: windowsOnly},
	{name: "domainname", in: dockerRun},
	{name: "health-start-interval", in: dockerRun, dtype: vDuration},
	{name: "io-maxbandwidth", in: dockerRun, note: windowsOnly},
	{name: "io-maxiops", in: dockerRun, dtype: vUint64, note: windowsOnly},
	{name: "isolation", in: dockerRun},
	{name: "link", in: dockerRun},
	{name: "link-local-ip", in: dockerRun},
	{name: "net-alias", alias: "network-alias", in: dockerRun},
	{name: "use-api-socket", in: dockerRun, boolean: true},
	{name: "volume-driver", in: dockerRun},

	// podman run only.
	{name: "arch", in: podmanRun},
	{name: "authfile", in: podmanRun},
	{name: "cert-dir", in: podmanRun},
	{name: "cgroup-conf", in: podmanRun},
	{name: "cgroups", in: podmanRun},
	{name: "chrootdirs", in: podmanRun},
	{name: "conmon-pidfile", in: podmanRun},
	{name: "creds", in: podmanRun},
	{name: "decryption-key", in: podmanRun},
	{name: "env-host", in: podmanRun, boolean: true},
	{name: "env-merge", in: podmanRun},
	{name: "gidmap", in: podmanRun},
	{name: "group-entry", in: podmanRun},
	{name: "health-log-destination", in: podmanRun},
	{name: "health-max-log-count", in: podmanRun, ptype: vUint},
	{name: "health-max-log-size", in: podmanRun, ptype: vUint},
	{name: "health-on-failure", in: podmanRun},
	{name: "health-startup-cmd", in: podmanRun},
	{name: "health-startup-interval", in: podmanRun},
	{name: "health-startup-retries", in: podmanRun, ptype: vUint},
	{name: "health-startup-success", in: podmanRun, ptype: vUint},
	{name: "health-startup-timeout", in: podmanRun},
	{name: "healthcheck-command", alias: "health-cmd", in: podmanRun},
	{name: "healthcheck-interval", alias: "health-interval", in: podmanRun},
	{name: "healthcheck-retries", alias: "health-retries", in: podmanRun},
	{name: "healthcheck-start-period", alias: "health-start-period", in: podmanRun},
	{name: "healthcheck-timeout", alias: "health-timeout", in: podmanRun},
	{name: "hostuser", in: podmanRun},
	{name: "hosts-file", in: podmanRun},
	{name: "http-proxy", in: podmanRun, boolean: true},
	{name: "image-volume", in: podmanRun},
	{name: "init-path", in: podmanRun},
	{name: "no-hostname", in: podmanRun, boolean: true},
	{name: "no-hosts", in: podmanRun, boolean: true},
	{name: "os", in: podmanRun},
	{name: "passwd", in: podmanRun, boolean: true},
	{name: "passwd-entry", in: podmanRun},
	{name: "personality", in: podmanRun},
	{name: "pidfile", in: podmanRun},
	{name: "pod", in: podmanRun},
	{name: "pod-id-file", in: podmanRun},
	{name: "preserve-fd", in: podmanRun},
	{name: "preserve-fds", in: podmanRun, ptype: vUint},
	{name: "rdt-class", in: podmanRun},
	{name: "read-only-tmpfs", in: podmanRun, boolean: true},
	{name: "replace", in: podmanRun, boolean: true},
	{name: "requires", in: podmanRun},
	{name: "retry", in: podmanRun, ptype: vUint},
	{name: "retry-delay", in: podmanRun},
	{name: "rmi", in: podmanRun, boolean: true},
	{name: "rootfs", in: podmanRun, boolean: true},
	{name: "sdnotify", in: podmanRun},
	{name: "seccomp-policy", in: podmanRun},
	{name: "secret", in: podmanRun},
	{name: "shm-size-systemd", in: podmanRun},
	{name: "signature-policy", in: podmanRun},
	{name: "subgidname", in: podmanRun},
	{name: "subuidname", in: podmanRun},
	{name: "systemd", in: podmanRun},
	{name: "timeout", in: podmanRun, ptype: vUint},
	{name: "tls-verify", in: podmanRun, boolean: true},
	{name: "tz", in: podmanRun},
	{name: "uidmap", in: podmanRun},
	{name: "umask", in: podmanRun},
	{name: "unsetenv", in: podmanRun},
	{name: "unsetenv-all", in: podmanRun, boolean: true},
	{name: "variant", in: podmanRun},

	// podman's persistent root flags: before the subcommand and after run.
	{name: "cdi-spec-dir", in: podmanPersistent},
	{name: "cgroup-manager", in: podmanPersistent},
	{name: "conmon", in: podmanPersistent},
	{name: "cpu-profile", in: podmanPersistent},
	{name: "default-mounts-file", in: podmanPersistent},
	{name: "events-backend", in: podmanPersistent},
	{name: "hooks-dir", in: podmanPersistent},
	{name: "imagestore", in: podmanPersistent},
	{name: "log-level", in: podmanPersistent},
	{name: "max-workers", in: podmanPersistent, ptype: vInt},
	{name: "memory-profile", in: podmanPersistent},
	{name: "namespace", in: podmanPersistent},
	{name: "network-backend", in: podmanPersistent,
		note: "is deprecated and ignored"},
	{name: "network-config-dir", in: podmanPersistent},
	{name: "pull-option", in: podmanPersistent},
	{name: "registries-conf", in: podmanPersistent},
	{name: "root", in: podmanPersistent},
	{name: "runroot", in: podmanPersistent},
	{name: "runtime-flag", in: podmanPersistent},
	{name: "storage-driver", in: podmanPersistent},
	{name: "syslog", in: podmanPersistent, boolean: true},
	{name: "tmpdir", in: podmanPersistent},
	{name: "trace", in: podmanPersistent, boolean: true},
	{name: "transient-store", in: podmanPersistent, boolean: true},
	{name: "volumepath", in: podmanPersistent},

	// Top-level options of either engine, before the subcommand.
	{name: "config", in: dockerTop | podmanTop},
	{name: "context", short: 'c', in: dockerTop},
	{name: "context", in: podmanTop},
	{name: "debug", short: 'D', in: dockerTop | podmanTop, boolean: true},
	{name: "help", short: 'h', in: dockerTop | podmanTop, boolean: true},
	{name: "host", short: 'H', in: dockerTop | podmanTop},
	{name: "log-level", short: 'l', in: dockerTop},
	{name: "tls", in: dockerTop, boolean: true},
	{name: "tlscacert", in: dockerTop},
	{name: "tlscert", in: dockerTop},
	{name: "tlskey", in: dockerTop},
	{name: "tlsverify", in: dockerTop, boolean: true},
	{name: "version", short: 'v', in: dockerTop | podmanTop, boolean: true},
	{name: "connection", short: 'c', in: podmanTop},
	{name: "identity", in: podmanTop},
	{name: "module", in: podmanTop},
	{name: "noout", in: podmanTop, boolean: true},
	{name: "out", in: podmanTop},
	{name: "remote", short: 'r', in: podmanTop, boolean: true},
	{name: "ssh", in: podmanTop},
	{name: "tls-ca", in: podmanTop},
	{name: "tls-cert", in: podmanTop},
	{name: "tls-details", in: podmanTop},
	{name: "tls-key", in: podmanTop},
	{name: "url", in: podmanTop},
}

// flagSet is the flags of one scope, by long name and by shorthand, as
// pflag indexes them.
type flagSet struct {
	long  map[string]*flagDef
	short map[byte]*flagDef
}

var flagSets = func() map[scope]flagSet {
	sets := map[scope]flagSet{}
	for _, sc := range []scope{dockerRun, podmanRun, dockerTop, podmanTop} {
		fs := flagSet{long: map[string]*flagDef{}, short: map[byte]*flagDef{}}
		for i := range flagTable {
			d := &flagTable[i]
			if d.in&sc == 0 {
				continue
			}
			fs.long[d.name] = d
			if d.short != 0 {
				fs.short[d.short] = d
			}
		}
		sets[sc] = fs
	}
	return sets
}()

// lookup finds a long flag and the flag it is an alias of (itself when it
// is no alias).
func (fs flagSet) lookup(name string) (written, def *flagDef) {
	d := fs.long[name]
	if d == nil || d.alias == "" {
		return d, d
	}
	return d, fs.long[d.alias]
}

// valueType is the type the engine checks while parsing.
func (d *flagDef) valueType(engine string) vtype {
	if engine == Podman {
		return d.ptype
	}
	return d.dtype
}
