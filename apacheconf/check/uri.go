package check

import "strings"

// aprURI is what APR's apr_uri_parse makes of a URI, as far as the
// modules that check URLs while the configuration is read (mod_md,
// mod_cache) judge it, with C's NULL fields told apart from empty ones.
// The path, query and fragment never make the parse fail and are left out.
type aprURI struct {
	scheme, hostname, portStr          string
	hasScheme, hasHostname, hasPortStr bool
	// port is the port as apr_port_t holds it: strtol's value cut to 16
	// bits, or the scheme's default port when the port is empty.
	port uint16
}

// uriSchemeChar are the characters after a scheme's first letter.
func uriSchemeChar(b byte) bool {
	return isAlpha(b) || isDigit(b) || b == '+' || b == '-' || b == '.'
}

func isAlpha(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// parseAprURI is apr_uri_parse: false where APR returns APR_EGENERAL (a
// relative path whose first segment has a ':', a '[' with no ']', a port
// with other characters than strtol reads).
func parseAprURI(uri string) (aprURI, bool) {
	var u aprURI
	s := 0
	if strings.HasPrefix(uri, "/") {
		if len(uri) > 1 && uri[1] == '/' && (len(uri) < 3 || uri[2] != '/') {
			return u.authority(uri, 2)
		}
		return u, true
	}
	if s < len(uri) && isAlpha(uri[s]) {
		s++
		for s < len(uri) && uriSchemeChar(uri[s]) {
			s++
		}
	}
	if s > 0 && s < len(uri) && uri[s] == ':' {
		u.scheme, u.hasScheme = uri[:s], true
		s++
	} else {
		s = 0
	}
	if !strings.HasPrefix(uri[s:], "//") {
		if s == 0 {
			// No scheme and no authority: the first segment of a relative
			// path cannot hold a ':'.
			first := uri
			if i := strings.IndexByte(uri, '/'); i >= 0 {
				first = uri[:i]
			}
			if strings.IndexByte(first, ':') >= 0 {
				return u, false
			}
		}
		return u, true
	}
	return u.authority(uri, s+2)
}

// authority reads the host part that starts at uri[s]: user info up to
// the last '@', then the host (an IPv6 one in brackets) and the port.
func (u aprURI) authority(uri string, s int) (aprURI, bool) {
	end := s
	for end < len(uri) && uri[end] != '/' && uri[end] != '?' && uri[end] != '#' {
		end++
	}
	hostinfo := uri[s:end]
	if at := strings.LastIndexByte(hostinfo, '@'); at >= 0 {
		hostinfo = hostinfo[at+1:]
	}
	colon := -1
	if strings.HasPrefix(hostinfo, "[") {
		close := strings.IndexByte(hostinfo, ']')
		if close < 0 {
			return u, false
		}
		u.hostname = hostinfo[1:close]
		if close+1 < len(hostinfo) && hostinfo[close+1] == ':' {
			colon = close + 1
		}
	} else if colon = strings.IndexByte(hostinfo, ':'); colon >= 0 {
		u.hostname = hostinfo[:colon]
	} else {
		u.hostname = hostinfo
	}
	u.hasHostname = true
	if colon >= 0 {
		u.portStr, u.hasPortStr = hostinfo[colon+1:], true
		if u.portStr != "" {
			v, rest, _ := strtol(u.portStr)
			u.port = uint16(int32(v))
			if rest != "" {
				return u, false
			}
		} else {
			u.port = schemePort(u.scheme)
		}
	}
	return u, true
}

// schemePort is apr_uri_port_of_scheme for the schemes a configuration
// names.
func schemePort(scheme string) uint16 {
	switch strings.ToLower(scheme) {
	case "http", "ws":
		return 80
	case "https", "wss":
		return 443
	case "ftp":
		return 21
	case "ldap":
		return 389
	case "ldaps":
		return 636
	}
	return 0
}
