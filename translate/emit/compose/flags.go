package compose

import (
	"strconv"
	"strings"

	"github.com/wsgidock/wsgidock/translate/emit/internal/check"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// flagRule writes one `docker run` flag the Spec carries in Extra into the
// service mapping. It returns the reason when the value cannot be written.
type flagRule func(svc mapping, f spec.Flag) (unmapped string)

// flagRules maps the docker run flags compose has a key for. A scalar flag
// given twice keeps the last value, as docker does; a list flag adds up.
var flagRules = map[string]flagRule{
	"--init":               boolKey("init"),
	"--privileged":         boolKey("privileged"),
	"--read-only":          boolKey("read_only"),
	"--interactive":        boolKey("stdin_open"),
	"--tty":                boolKey("tty"),
	"--oom-kill-disable":   boolKey("oom_kill_disable"),
	"--hostname":           stringKey("hostname"),
	"--domainname":         stringKey("domainname"),
	"--mac-address":        stringKey("mac_address"),
	"--memory":             stringKey("mem_limit"),
	"--memory-reservation": stringKey("mem_reservation"),
	"--memory-swap":        stringKey("memswap_limit"),
	"--shm-size":           stringKey("shm_size"),
	"--cpuset-cpus":        stringKey("cpuset"),
	"--pid":                stringKey("pid"),
	"--ipc":                stringKey("ipc"),
	"--uts":                stringKey("uts"),
	"--userns":             stringKey("userns_mode"),
	"--cgroupns":           stringKey("cgroup"),
	"--cgroup-parent":      stringKey("cgroup_parent"),
	"--platform":           stringKey("platform"),
	"--runtime":            stringKey("runtime"),
	"--isolation":          stringKey("isolation"),
	"--pull":               stringKey("pull_policy"),
	"--cpus":               numberKey("cpus", "!!float"),
	"--cpu-shares":         numberKey("cpu_shares", "!!int"),
	"--pids-limit":         numberKey("pids_limit", "!!int"),
	"--oom-score-adj":      numberKey("oom_score_adj", "!!int"),
	"--cap-add":            listKey("cap_add"),
	"--cap-drop":           listKey("cap_drop"),
	"--add-host":           listKey("extra_hosts"),
	"--dns":                listKey("dns"),
	"--dns-search":         listKey("dns_search"),
	"--dns-option":         listKey("dns_opt"),
	"--security-opt":       listKey("security_opt"),
	"--sysctl":             listKey("sysctls"),
	"--tmpfs":              listKey("tmpfs"),
	"--device":             listKey("devices"),
	"--group-add":          listKey("group_add"),
	"--expose":             listKey("expose"),
	"--volumes-from":       listKey("volumes_from"),
	"--link":               listKey("external_links"),
	"--ulimit":             ulimit,
	"--log-driver":         logDriver,
	"--log-opt":            logOpt,
	"--rm": func(mapping, spec.Flag) string {
		return "compose keeps a stopped service's container so that `up` can reuse it; `docker compose down` removes it"
	},
}

// clientOnly are flags that change only what the docker client does, so a
// compose file has nothing to say about them.
var clientOnly = map[string]bool{
	"--detach": true, "--sig-proxy": true, "--cidfile": true, "--quiet": true, "--attach": true, "--detach-keys": true,
}

func needValue(f spec.Flag) string {
	if !f.HasValue {
		return f.Name + " needs a value"
	}
	return ""
}

func boolKey(key string) flagRule {
	return func(svc mapping, f spec.Flag) string {
		v := true
		if f.HasValue {
			b, err := strconv.ParseBool(f.Value)
			if err != nil {
				return "value " + strconv.Quote(f.Value) + " is not true or false"
			}
			v = b
		}
		svc.set(key, boolean(v))
		return ""
	}
}

func stringKey(key string) flagRule {
	return func(svc mapping, f spec.Flag) string {
		if why := needValue(f); why != "" {
			return why
		}
		svc.set(key, str(f.Value))
		return ""
	}
}

func numberKey(key, tag string) flagRule {
	return func(svc mapping, f spec.Flag) string {
		if why := needValue(f); why != "" {
			return why
		}
		var err error
		if tag == "!!int" {
			_, err = strconv.ParseInt(f.Value, 10, 64)
		} else {
			_, err = strconv.ParseFloat(f.Value, 64)
		}
		if err != nil {
			return "value " + strconv.Quote(f.Value) + " is not a number"
		}
		svc.set(key, plain(tag, f.Value))
		return ""
	}
}

func listKey(key string) flagRule {
	return func(svc mapping, f spec.Flag) string {
		if why := needValue(f); why != "" {
			return why
		}
		svc.appendTo(key, str(f.Value))
		return ""
	}
}

// ulimit reads docker's NAME=SOFT[:HARD] into compose's ulimits mapping.
func ulimit(svc mapping, f spec.Flag) string {
	name, limits, ok := strings.Cut(f.Value, "=")
	if !f.HasValue || !ok || name == "" {
		return "value " + strconv.Quote(f.Value) + " is not NAME=SOFT[:HARD]"
	}
	soft, hard, both := strings.Cut(limits, ":")
	if !both {
		hard = soft
	}
	for _, n := range []string{soft, hard} {
		if _, err := strconv.ParseInt(n, 10, 64); err != nil {
			return "value " + strconv.Quote(f.Value) + " is not NAME=SOFT[:HARD]"
		}
	}
	u := newMapping()
	u.set("soft", plain("!!int", soft))
	u.set("hard", plain("!!int", hard))
	svc.sub("ulimits").set(name, u.node)
	return ""
}

func logDriver(svc mapping, f spec.Flag) string {
	if why := needValue(f); why != "" {
		return why
	}
	svc.sub("logging").set("driver", str(f.Value))
	return ""
}

func logOpt(svc mapping, f spec.Flag) string {
	k, v, ok := strings.Cut(f.Value, "=")
	if !f.HasValue || !ok || k == "" {
		return "value " + strconv.Quote(f.Value) + " is not KEY=VALUE"
	}
	svc.sub("logging").sub("options").set(k, str(v))
	return ""
}

// writeExtra maps the service's extra flags and returns a note for each one
// compose cannot express.
func writeExtra(svc mapping, s *spec.Service) []spec.Item {
	var notes []spec.Item
	for _, f := range s.Extra {
		what := f.Name
		if f.HasValue {
			what += "=" + f.Value
		}
		var why string
		if rule, ok := flagRules[f.Name]; ok {
			why = rule(svc, f)
		} else if clientOnly[f.Name] {
			why = "it changes only what the docker client does, not the container"
		} else {
			why = "compose has no key for " + f.Name + "; add it to the service by hand if it matters"
		}
		if why != "" {
			notes = append(notes, spec.Item{Service: s.Name, What: what, Why: why, Source: check.Or(f.Source, s)})
		}
	}
	return notes
}
