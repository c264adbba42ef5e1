package translate

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wsgidock/wsgidock/translate/spec"
)

// backend is where a ProxyPass sends requests, when that is this machine.
type backend struct {
	host string
	port string
}

// localBackend reads a ProxyPass URL and says whether it points at this
// machine's loopback, where the containers publish their ports.
func localBackend(raw string) (backend, bool) {
	if strings.HasPrefix(raw, "unix:") {
		return backend{}, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return backend{}, false
	}
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "http", "ws", "h2c":
			port = "80"
		case "https", "wss", "h2":
			port = "443"
		default:
			return backend{}, false
		}
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return backend{host: host, port: port}, true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return backend{host: host, port: port}, true
	}
	return backend{}, false
}

// reachable says whether a port published on hostIP can be reached at a
// loopback backend host.
func reachable(hostIP, backendHost string) bool {
	if hostIP == "" || hostIP == "0.0.0.0" || hostIP == "::" || hostIP == "[::]" {
		return true
	}
	ip := net.ParseIP(strings.Trim(hostIP, "[]"))
	if ip == nil || !ip.IsLoopback() {
		return false
	}
	if strings.EqualFold(backendHost, "localhost") {
		return true
	}
	b := net.ParseIP(backendHost)
	return b != nil && b.Equal(ip)
}

// correlate links services to the front end's ProxyPass lines and reports
// what does not line up.
func (p *planner) correlate(sp *spec.Spec) {
	type published struct {
		svc  *spec.Service
		port spec.Port
	}
	byPort := map[string][]published{}
	for _, s := range sp.Services {
		for _, port := range s.Ports {
			if port.HostPort == "" || (port.Protocol != "" && port.Protocol != "tcp") {
				continue
			}
			for _, hp := range expandRange(port.HostPort) {
				byPort[hp] = append(byPort[hp], published{s, port})
			}
		}
	}
	for hp, pubs := range byPort {
		for i := 1; i < len(pubs); i++ {
			if sameHostIP(pubs[0].port.HostIP, pubs[i].port.HostIP) {
				p.errorf(CodePortConflict, pubs[i].port.Source, fmt.Sprintf("%s publishes it too (%s); only one can bind it, the other fails to start.", pubs[0].svc.Name, pubs[0].port.Source),
					"host port %s is published by two services", hp)
			}
		}
	}
	proxied := map[*spec.Service]map[string]bool{}
	for _, r := range p.routes {
		be, ok := r.local()
		if !ok {
			continue
		}
		var target *published
		for i, pub := range byPort[be.port] {
			if reachable(pub.port.HostIP, be.host) {
				target = &byPort[be.port][i]
				break
			}
		}
		if target == nil {
			p.warnf(CodeFront, r.node.Pos(), "Nothing wsgidock starts listens there: check the port, or the launcher that should publish it.",
				"%s %s sends requests to %s, a local port no service publishes", r.directive, r.path, r.url)
			continue
		}
		s := target.svc
		route := spec.Route{Directive: r.directive, Path: r.path, URL: r.url, HasReverse: r.hasReverse, Source: r.node.Pos()}
		if r.vhost != nil {
			route.ServerName = r.vhost.serverName
			route.ForwardedPort = r.vhost.forwardedPort
			route.ForwardedProto = r.vhost.forwardedProto
		}
		if route.ServerName == "" {
			route.ServerName = p.global
		}
		s.Front = append(s.Front, route)
		if proxied[s] == nil {
			proxied[s] = map[string]bool{}
		}
		proxied[s][be.port] = true
		if s.Ready == nil && r.directive == "ProxyPass" {
			s.Ready = &spec.Ready{URL: r.url, Source: r.node.Pos()}
			p.mapped(s.Name, r.directive+" "+r.path+" "+r.url, "the readiness URL: the service is ready when this answers", r.node.Pos())
		}
		if !r.hasReverse && r.directive == "ProxyPass" {
			p.warnf(CodeFront, r.node.Pos(), fmt.Sprintf("Add ProxyPassReverse %s %s so that redirects from the backend point at the front end.", r.path, r.url),
				"ProxyPass %s has no matching ProxyPassReverse", r.path)
		}
	}
	for _, s := range sp.Services {
		if s.App != nil {
			// The rewritten front end proxies to it (appPorts).
			continue
		}
		for _, port := range s.Ports {
			if port.HostPort == "" || (port.Protocol != "" && port.Protocol != "tcp") {
				continue
			}
			if !proxied[s][port.HostPort] {
				p.warnf(CodeFront, port.Source, "If the front end should reach it, add a ProxyPass to it; if not, check that it should be published at all.",
					"%s publishes host port %s but no ProxyPass sends requests to it", s.Name, port.HostPort)
			}
			if port.HostIP == "" || port.HostIP == "0.0.0.0" || port.HostIP == "::" {
				p.mapped(s.Name, "--publish "+port.String(), "published on every interface, as the launcher said; publish on 127.0.0.1 if only the front end should reach it", port.Source)
			}
		}
	}
}

func sameHostIP(a, b string) bool {
	all := func(s string) bool { return s == "" || s == "0.0.0.0" || s == "::" || s == "[::]" }
	return all(a) || all(b) || strings.Trim(a, "[]") == strings.Trim(b, "[]")
}

// expandRange lists the ports of "8000" or "8000-8002".
func expandRange(s string) []string {
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		return []string{s}
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || b < a || b-a > 1000 {
		return []string{s}
	}
	var out []string
	for i := a; i <= b; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

// parseSeconds reads mod_wsgi's timeout values: whole seconds.
func parseSeconds(s string) (time.Duration, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a number of seconds", s)
	}
	return time.Duration(n) * time.Second, nil
}
