package check

import (
	"net/netip"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// mod_remoteip's proxy addresses: IP addresses and subnets as APR's
// apr_ipsubnet_create reads them. Host names, which httpd resolves while
// it reads the configuration, are not judged: the answer is the
// resolver's of the moment, and where it does not answer in time, Check
// would stall and still not know.

// aprInetPton4 is APR's inet_pton for IPv4: four decimal parts, each at
// most 255 (leading zeros allowed).
func aprInetPton4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
		v := 0
		for i := 0; i < len(p); i++ {
			v = v*10 + int(p[i]-'0')
			if v > 255 {
				return false
			}
		}
	}
	return true
}

// aprNetwork is APR's parse_network: the legacy "10.1." form, at most
// four parts of at most 255, the whole shorter than 16 characters.
func aprNetwork(s string) bool {
	if len(s) >= 16 {
		return false
	}
	parts := 0
	for s != "" {
		i := 0
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == 0 {
			return false
		}
		part := s[:i]
		s = s[i:]
		if strings.HasPrefix(s, ".") {
			s = s[1:]
		} else if s != "" {
			return false
		}
		parts++
		if parts > 4 || cAtoi(part) > 255 {
			return false
		}
	}
	return true
}

// aprIPv6 is APR's inet_pton for IPv6, which rejects zones; APR also
// refuses an IPv4-mapped address for a subnet.
func aprIPv6(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	return a, err == nil && a.Is6() && a.Zone() == ""
}

// aprSubnetError is apr_ipsubnet_create's refusal of ip (and mask, when
// hasMask), as apr_strerror words it, "" when it takes them. ip must look
// like an IP address (a ':', or only digits and dots).
func aprSubnetError(ip, mask string, hasMask bool) string {
	const badIP, badMask = "The specified IP address is invalid.", "The specified network mask is invalid."
	if ip == "" {
		return "Invalid argument"
	}
	v6 := strings.Contains(ip, ":")
	switch {
	case v6:
		if a, ok := aprIPv6(ip); !ok || a.Is4In6() {
			return badIP
		}
	case hasMask:
		if !aprInetPton4(ip) {
			return badIP
		}
	default:
		if !aprInetPton4(ip) && !aprNetwork(ip) {
			return badIP
		}
	}
	if !hasMask {
		return ""
	}
	max := int64(32)
	if v6 {
		max = 128
	}
	if bits, rest, _ := strtol(mask); rest == "" && bits > 0 && bits <= max {
		return ""
	}
	if !v6 && aprInetPton4(mask) {
		return ""
	}
	return badMask
}

// subnetHelp is the advice for a refusal of aprSubnetError.
func subnetHelp(msg string) string {
	if strings.HasSuffix(msg, "mask is invalid.") {
		return "Give the prefix length, 1 to 32 (IPv4) or 128 (IPv6), or an IPv4 dotted mask: 10.0.0.0/8."
	}
	return ""
}

// remoteIPLooksLikeIP is mod_remoteip's looks_like_ip.
func remoteIPLooksLikeIP(s string) bool {
	return strings.Contains(s, ":") || strings.Trim(s, "0123456789.") == ""
}

// checkRemoteIP is mod_remoteip's proxies_set, for each word.
func checkRemoteIP(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		ip, mask, hasMask := strings.Cut(w, "/")
		switch {
		case remoteIPLooksLikeIP(ip):
			if msg := aprSubnetError(ip, mask, hasMask); msg != "" {
				c.errorf(n, codeValue, "Give IP addresses or subnets: 10.0.0.0/8, 192.168.1.1, ::1.", "RemoteIP: Error parsing IP %s (%s error) for %s", w, msg, d.Name)
				return
			}
		case hasMask:
			c.errorf(n, codeValue, "A host name takes no subnet; give the subnet in numbers: 10.0.0.0/8.", "RemoteIP: Error parsing IP %s the subnet /%s is invalid for %s", w, mask, d.Name)
			return
		}
	}
}

// checkRemoteIPExceptions is mod_remoteip's
// remoteip_disable_networks: IP addresses or subnets only.
func checkRemoteIPExceptions(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	argv := takeArgv(n.Args)
	if len(argv) == 0 {
		c.errorf(n, codeArgs, "", "%s requires an argument", d.Name)
		return
	}
	for _, w := range argv {
		ip, mask, hasMask := strings.Cut(w, "/")
		if ip == "" || !remoteIPLooksLikeIP(ip) {
			c.errorf(n, codeValue, "Give IP addresses or subnets, not host names.", "ip address '%s' appears to be invalid", ip)
			return
		}
		if msg := aprSubnetError(ip, mask, hasMask); msg != "" {
			c.errorf(n, codeValue, "", "ip address '%s' appears to be invalid: %s", ip, msg)
			return
		}
	}
}

// remoteIPHandlers are mod_remoteip's checks.
var remoteIPHandlers = map[string]handler{
	"RemoteIPTrustedProxy":            checkRemoteIP,
	"RemoteIPInternalProxy":           checkRemoteIP,
	"RemoteIPProxyProtocolExceptions": checkRemoteIPExceptions,
}
