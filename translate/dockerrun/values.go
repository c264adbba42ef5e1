package dockerrun

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/docker/go-units"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// The value grammars below follow docker/cli v28.5.2: opts/opts.go
// (ValidateEnv, ValidateLabel), opts/mount.go (MountOpt.Set),
// opts/parse.go (ParseRestartPolicy), internal/volumespec,
// cli/command/container/opts.go (convertToStandardNotation, the --tmpfs
// and bind handling) and its vendored go-connections/nat (ParsePortSpec).

// parsePublish reads one --publish value. The long form
// (published=,target=,protocol=) is rewritten to the short form first, as
// docker does, which drops every other key; notes says so.
func parsePublish(v string) (p spec.Port, notes []string, err error) {
	short := v
	if strings.Contains(v, "=") {
		params := map[string]string{"protocol": "tcp"}
		for _, param := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(param, "=")
			if !ok || k == "" {
				return p, nil, fmt.Errorf("invalid publish opts format (should be name=value but got '%s')", param)
			}
			switch k {
			case "published", "target", "protocol":
			case "host_ip":
				notes = append(notes, fmt.Sprintf("docker ignores host_ip=%s in the long --publish form and publishes on all interfaces; write -p %s:%s:%s to bind one address", val, bracketIP(val), params["published"], params["target"]))
			default:
				notes = append(notes, fmt.Sprintf("docker ignores %s=%s in the long --publish form", k, val))
			}
			params[k] = val
		}
		short = params["published"] + ":" + params["target"] + "/" + params["protocol"]
	}
	return parsePortSpec(short, v, notes)
}

// parsePortSpec reads [ip:][hostPort:]containerPort[/proto].
func parsePortSpec(short, raw string, notes []string) (spec.Port, []string, error) {
	var p spec.Port
	parts := strings.Split(short, ":")
	var ip, hostPort, containerPort string
	switch n := len(parts); n {
	case 1:
		containerPort = parts[0]
	case 2:
		hostPort, containerPort = parts[0], parts[1]
	default:
		ip, hostPort, containerPort = strings.Join(parts[:n-2], ":"), parts[n-2], parts[n-1]
	}
	containerPort, proto, _ := strings.Cut(containerPort, "/")
	if containerPort == "" {
		proto = ""
	}
	if proto == "" {
		proto = "tcp"
	}
	proto = strings.ToLower(proto)
	switch proto {
	case "tcp", "udp", "sctp":
	default:
		return p, nil, errors.New("invalid proto: " + proto)
	}
	if ip != "" && ip[0] == '[' {
		host, _, err := net.SplitHostPort(ip + ":")
		if err != nil {
			return p, nil, fmt.Errorf("invalid IP address %v: %w", ip, err)
		}
		ip = host
	}
	if ip != "" && net.ParseIP(ip) == nil {
		return p, nil, errors.New("invalid IP address: " + ip)
	}
	if containerPort == "" {
		return p, nil, fmt.Errorf("no port specified: %s<empty>", raw)
	}
	start, end, err := parsePortRange(containerPort)
	if err != nil {
		return p, nil, errors.New("invalid containerPort: " + containerPort)
	}
	if hostPort != "" {
		hstart, hend, err := parsePortRange(hostPort)
		if err != nil {
			return p, nil, errors.New("invalid hostPort: " + hostPort)
		}
		// A host range for one container port is a range to pick from.
		if end-start != hend-hstart && end != start {
			return p, nil, fmt.Errorf("invalid ranges specified for container and host Ports: %s and %s", containerPort, hostPort)
		}
	}
	p = spec.Port{HostIP: ip, HostPort: hostPort, ContainerPort: containerPort, Protocol: proto}
	return p, notes, nil
}

// parsePortRange reads PORT or START-END. Like docker, it reads only the
// first two parts of A-B-C.
func parsePortRange(s string) (start, end uint64, err error) {
	if s == "" {
		return 0, 0, errors.New("empty string specified for ports")
	}
	if !strings.Contains(s, "-") {
		start, err = strconv.ParseUint(s, 10, 16)
		return start, start, err
	}
	parts := strings.Split(s, "-")
	if start, err = strconv.ParseUint(parts[0], 10, 16); err != nil {
		return 0, 0, err
	}
	if end, err = strconv.ParseUint(parts[1], 10, 16); err != nil {
		return 0, 0, err
	}
	if end < start {
		return 0, 0, errors.New("invalid range specified for port: " + s)
	}
	return start, end, nil
}

func bracketIP(ip string) string {
	if strings.Contains(ip, ":") && !strings.HasPrefix(ip, "[") {
		return "[" + ip + "]"
	}
	return ip
}

// parseVolume reads one --volume value, SOURCE:TARGET[:OPTIONS] or TARGET,
// the way docker's CLI decides between a bind, a named volume and an
// anonymous one.
func parseVolume(v string) (spec.Volume, error) {
	vol := spec.Volume{Flag: "--volume", Spec: v, Type: "volume"}
	switch len(v) {
	case 0:
		return vol, errors.New("invalid empty volume spec")
	case 1, 2:
		vol.Target = v
		return vol, nil
	}
	// Split at colons, except the one of a Windows drive letter ("C:").
	var fields []string
	var buf []rune
	for _, r := range v {
		if r == ':' && !(len(buf) == 1 && unicode.IsLetter(buf[0])) {
			fields = append(fields, string(buf))
			buf = buf[:0]
			continue
		}
		buf = append(buf, r)
	}
	fields = append(fields, string(buf))
	for i, f := range fields {
		if f == "" {
			return vol, fmt.Errorf("invalid spec: %s: empty section between colons", v)
		}
		if i == 2 && len(fields) > 3 {
			return vol, fmt.Errorf("invalid spec: %s: too many colons", v)
		}
	}
	switch len(fields) {
	case 1:
		vol.Target = fields[0]
		return vol, nil
	case 3:
		for _, opt := range strings.Split(fields[2], ",") {
			switch opt {
			case "ro":
				vol.ReadOnly = true
			case "rw":
				vol.ReadOnly = false
			}
		}
	}
	vol.Source, vol.Target = fields[0], fields[1]
	if isFilePath(vol.Source) {
		vol.Type = "bind"
	}
	return vol, nil
}

// isFilePath is docker's test for a bind source: a path, not a volume name.
func isFilePath(source string) bool {
	switch source[0] {
	case '.', '/', '~':
		return true
	}
	if utf8.RuneCountInString(source) == 1 {
		return false
	}
	if strings.HasPrefix(source, `\\`) {
		return true
	}
	first, n := utf8.DecodeRuneInString(source)
	return unicode.IsLetter(first) && source[n] == ':'
}

// parseMount reads one --mount value, comma-separated KEY=VALUE fields in
// CSV quoting.
func parseMount(v string) (spec.Volume, error) {
	vol := spec.Volume{Flag: "--mount", Spec: v, Type: "volume"}
	fields, err := csv.NewReader(strings.NewReader(v)).Read()
	if err != nil {
		return vol, err
	}
	// family records the option families used (bind-*, volume-* ...):
	// each fits one mount type only.
	family := map[string]bool{}
	var propagation, recursive string
	for _, field := range fields {
		key, val, ok := strings.Cut(field, "=")
		key = strings.ToLower(key)
		if !ok {
			switch key {
			case "readonly", "ro":
				vol.ReadOnly = true
			case "volume-nocopy", "bind-nonrecursive":
				family[strings.SplitN(key, "-", 2)[0]] = true
			default:
				return vol, fmt.Errorf("invalid field '%s' must be a key=value pair", field)
			}
			continue
		}
		switch key {
		case "type":
			vol.Type = strings.ToLower(val)
		case "source", "src":
			vol.Source = val
		case "target", "dst", "destination":
			vol.Target = val
		case "readonly", "ro":
			if vol.ReadOnly, err = strconv.ParseBool(val); err != nil {
				return vol, fmt.Errorf("invalid value for %s: %s", key, val)
			}
		case "consistency":
		case "bind-propagation":
			propagation = strings.ToLower(val)
			family["bind"] = true
		case "bind-recursive":
			switch val {
			case "enabled", "disabled", "writable", "readonly":
			default:
				return vol, fmt.Errorf(`invalid value for %s: %s (must be "enabled", "disabled", "writable", or "readonly")`, key, val)
			}
			recursive = val
			family["bind"] = true
		case "bind-nonrecursive", "volume-nocopy":
			if _, err := strconv.ParseBool(val); err != nil {
				return vol, fmt.Errorf("invalid value for %s: %s", key, val)
			}
			family[strings.SplitN(key, "-", 2)[0]] = true
		case "volume-subpath", "volume-label", "volume-driver", "volume-opt":
			family["volume"] = true
		case "image-subpath":
			family["image"] = true
		case "tmpfs-size":
			if _, err := units.RAMInBytes(val); err != nil {
				return vol, fmt.Errorf("invalid value for %s: %s", key, val)
			}
			family["tmpfs"] = true
		case "tmpfs-mode":
			if _, err := strconv.ParseUint(val, 8, 32); err != nil {
				return vol, fmt.Errorf("invalid value for %s: %s", key, val)
			}
			family["tmpfs"] = true
		default:
			return vol, fmt.Errorf("unexpected key '%s' in '%s'", key, field)
		}
	}
	if vol.Type == "" {
		return vol, errors.New("type is required")
	}
	if vol.Target == "" {
		return vol, errors.New("target is required")
	}
	for _, f := range []string{"volume", "image", "bind", "tmpfs"} {
		if family[f] && vol.Type != f {
			return vol, fmt.Errorf("cannot mix '%s-*' options with mount type '%s'", f, vol.Type)
		}
	}
	switch {
	case (recursive == "writable" || recursive == "readonly") && !vol.ReadOnly:
		return vol, fmt.Errorf("option 'bind-recursive=%s' requires 'readonly' to be specified in conjunction", recursive)
	case recursive == "readonly" && propagation != "rprivate":
		return vol, errors.New("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction")
	}
	return vol, nil
}

// parseTmpfs reads one --tmpfs value, TARGET[:OPTIONS].
func parseTmpfs(v string) (spec.Volume, error) {
	target, _, _ := strings.Cut(v, ":")
	vol := spec.Volume{Flag: "--tmpfs", Spec: v, Target: target, Type: "tmpfs"}
	if target == "" {
		return vol, fmt.Errorf("invalid tmpfs %q: no container path before the options", v)
	}
	return vol, nil
}

// parseEnv reads one --env value, NAME=VALUE or NAME.
func parseEnv(v string) (spec.EnvVar, error) {
	name, value, has := strings.Cut(v, "=")
	if name == "" {
		return spec.EnvVar{}, errors.New("invalid environment variable: " + v)
	}
	return spec.EnvVar{Name: name, Value: value, HasValue: has}, nil
}

// parseLabel reads one --label value, KEY=VALUE or KEY.
func parseLabel(v string) (spec.Label, error) {
	key, value, _ := strings.Cut(v, "=")
	trimmed := strings.TrimLeft(key, " \t")
	if trimmed == "" {
		return spec.Label{}, fmt.Errorf("invalid label '%s': empty name", v)
	}
	if strings.ContainsAny(trimmed, " \t") {
		return spec.Label{}, fmt.Errorf("label '%s' contains whitespaces", trimmed)
	}
	return spec.Label{Key: key, Value: value}, nil
}

// containerName is what the engine accepts as a container name.
var containerName = regexp.MustCompile(`^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// checkContainerName refuses a name the engine refuses; empty asks the
// engine for a random one.
func checkContainerName(name string) error {
	if name != "" && !containerName.MatchString(name) {
		return fmt.Errorf("invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name)
	}
	return nil
}

// checkRestart checks a --restart value's form as docker's CLI does; the
// engine checks the policy's name.
func checkRestart(v string) error {
	k, count, ok := strings.Cut(v, ":")
	if ok && k == "" {
		return errors.New("invalid restart policy format: no policy provided before colon")
	}
	if count != "" {
		if _, err := strconv.Atoi(count); err != nil {
			return errors.New("invalid restart policy format: maximum retry count must be an integer")
		}
	}
	return nil
}

// linuxSignals are the names the engine accepts for --stop-signal, without
// "SIG" (moby/sys/signal, signal_linux.go).
var linuxSignals = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR
		QUIT SEGV STKFLT STOP SYS TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ RTMIN RTMAX`) {
		m[s] = true
	}
	for i := 1; i <= 14; i++ {
		m["RTMIN+"+strconv.Itoa(i)] = true
		m["RTMAX-"+strconv.Itoa(i)] = true
	}
	m["RTMIN+15"] = true
	return m
}()

// checkSignal checks a --stop-signal value as the engine does: a signal
// name, with or without SIG, in any case, or a non-zero number; empty
// leaves the default.
func checkSignal(v string) error {
	if v == "" {
		return nil
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n == 0 {
			return errors.New("invalid signal: " + v)
		}
		return nil
	}
	if !linuxSignals[strings.TrimPrefix(strings.ToUpper(v), "SIG")] {
		return errors.New("invalid signal: " + v)
	}
	return nil
}

// The checks below are the engine's, not the CLI's: moby v20.10.24
// volume/mounts/linux_parser.go (ParseMountRaw, validateMountConfigImpl,
// linuxValidMountMode) and the local driver's volume names
// (daemon/names). Whether a bind source exists is left to the host that
// runs the container.

// volumeName is what the local volume driver accepts as a name.
var volumeName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// checkMount refuses what a Linux engine refuses in a mount the CLI
// accepted. namedByDriver says a volume driver other than the local one
// names the volumes.
func checkMount(v spec.Volume, namedByDriver bool) error {
	switch v.Flag {
	case "--volume":
		if v.Source == "" {
			return nil
		}
		return checkBind(v, namedByDriver)
	case "--tmpfs":
		return checkTarget(v.Target)
	}
	err := checkMountConfig(v, namedByDriver || mountNamesDriver(v.Spec))
	if err != nil {
		return fmt.Errorf("invalid mount config for type %q: %w", v.Type, err)
	}
	return nil
}

// mountNamesDriver tells whether a --mount value names a volume driver.
func mountNamesDriver(v string) bool {
	fields, _ := csv.NewReader(strings.NewReader(v)).Read()
	for _, f := range fields {
		if k, _, _ := strings.Cut(f, "="); strings.EqualFold(k, "volume-driver") {
			return true
		}
	}
	return false
}

// checkBind checks SOURCE:TARGET[:MODE] as the engine reads it, after the
// CLI made a relative source absolute.
func checkBind(v spec.Volume, namedByDriver bool) error {
	raw := v.Spec
	if strings.HasPrefix(raw, ".") {
		// The CLI replaces a relative source by an absolute one.
		raw = "/" + raw
	}
	invalid := func(err error) error {
		if err == nil {
			return fmt.Errorf("invalid volume specification: '%s'", v.Spec)
		}
		return fmt.Errorf("invalid volume specification: '%s': %w", v.Spec, err)
	}
	if strings.Count(raw, ":") > 2 {
		return invalid(nil)
	}
	arr := strings.SplitN(raw, ":", 3)
	mode := ""
	switch len(arr) {
	case 1:
		return nil
	case 2:
		if validMountMode(arr[1]) {
			return invalid(nil)
		}
	case 3:
		mode = arr[2]
	}
	if !validMountMode(mode) {
		return errors.New("invalid mode: " + mode)
	}
	source, target := arr[0], arr[1]
	typ := "volume"
	if path.IsAbs(source) {
		typ = "bind"
	}
	var err error
	for _, o := range strings.Split(mode, ",") {
		switch {
		case o == "nocopy" && typ == "bind":
			err = errors.New("field VolumeOptions must not be specified")
		case propagationModes[o] && typ == "volume":
			err = errors.New("field BindOptions must not be specified")
		}
	}
	if err == nil {
		err = checkTarget(target)
	}
	if err == nil && typ == "volume" && !namedByDriver {
		err = checkVolumeName(source)
	}
	if err != nil {
		return invalid(fmt.Errorf("invalid mount config for type %q: %w", typ, err))
	}
	return nil
}

func checkMountConfig(v spec.Volume, namedByDriver bool) error {
	if v.Target == "" {
		return errors.New("field Target must not be empty")
	}
	if err := checkTarget(v.Target); err != nil {
		return err
	}
	switch v.Type {
	case "bind":
		if v.Source == "" {
			return errors.New("field Source must not be empty")
		}
		if !strings.HasPrefix(v.Source, ".") && !path.IsAbs(strings.ReplaceAll(v.Source, `\`, "/")) {
			return fmt.Errorf("invalid mount path: '%s' mount path must be absolute", v.Source)
		}
	case "volume":
		if v.Source == "" && v.ReadOnly {
			return errors.New("must not set ReadOnly mode when using anonymous volumes")
		}
		if v.Source != "" && !namedByDriver {
			return checkVolumeName(v.Source)
		}
	case "tmpfs":
		if v.Source != "" {
			return errors.New("field Source must not be specified")
		}
	case "image":
	default:
		return errors.New("mount type unknown")
	}
	return nil
}

// checkVolumeName refuses what the local volume driver refuses as a name.
func checkVolumeName(name string) error {
	if len(name) == 1 {
		return errors.New("volume name is too short, names should be at least two alphanumeric characters")
	}
	if !volumeName.MatchString(name) {
		return fmt.Errorf("%q includes invalid characters for a local volume name, only %q are allowed; a host directory needs an absolute path", name, "[a-zA-Z0-9][a-zA-Z0-9_.-]")
	}
	return nil
}

// checkTarget refuses a relative mount path, and "/".
func checkTarget(target string) error {
	p := strings.ReplaceAll(target, `\`, "/")
	if !path.IsAbs(p) {
		return fmt.Errorf("invalid mount path: '%s' mount path must be absolute", p)
	}
	if path.Clean(p) == "/" {
		return errors.New("invalid specification: destination can't be '/'")
	}
	return nil
}

var propagationModes = map[string]bool{
	"private": true, "rprivate": true, "slave": true, "rslave": true, "shared": true, "rshared": true,
}

// validMountMode accepts comma-separated modes, at most one of each kind.
func validMountMode(mode string) bool {
	if mode == "" {
		return true
	}
	count := map[string]int{}
	for _, o := range strings.Split(mode, ",") {
		var kind string
		switch o {
		case "rw", "ro":
			kind = "rw"
		case "z", "Z":
			kind = "label"
		case "nocopy":
			kind = "copy"
		case "consistent", "cached", "delegated":
			kind = "consistency"
		default:
			if !propagationModes[o] {
				return false
			}
			kind = "propagation"
		}
		count[kind]++
		if count[kind] > 1 {
			return false
		}
	}
	return true
}
