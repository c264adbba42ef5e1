package lint

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wsgidock/wsgidock/apacheconf"
)

// scope is the server, a virtual host or a section of either, with what
// the rules need to know about its directives.
type scope struct {
	node   *apacheconf.Node // nil for the server
	parent *scope
	vhost  *scope // the enclosing virtual host scope, or nil
	// proxies are the ProxyPass lines written directly in the scope.
	proxies  []proxyPass
	reverses []proxyPass
	// Directly in the scope: access directives of httpd 2.2 and 2.4.
	compat, require *apacheconf.Node
	// For a virtual host: its TLS switch and the headers it sets.
	tls            bool
	forwardedPort  *apacheconf.Node
	forwardedProto bool
	firstProxy     *proxyPass
	handler        *apacheconf.Node // a SetHandler server-status/server-info
	// For the server and a virtual host: its SSLProtocol lines and its
	// SSLCipherSuite.
	sslProtocols []*apacheconf.Node
	cipherSuite  string
}

// server is the scope of the server s belongs to: its virtual host, or
// the main server.
func (s *scope) server() *scope {
	if s.vhost != nil {
		return s.vhost
	}
	for s.parent != nil {
		s = s.parent
	}
	return s
}

// proxyPass is one ProxyPass or ProxyPassReverse.
type proxyPass struct {
	node      *apacheconf.Node
	path, url string
}

// walk runs the rules that look at the effective configuration.
func (c *checker) walk() {
	server := &scope{}
	scopes := []*scope{server}
	var stack []*scope
	listens := map[string]*apacheconf.Node{}
	c.tree.Walk(func(n *apacheconf.Node, depth int) bool {
		stack = stack[:min(depth, len(stack))]
		cur := server
		if len(stack) > 0 {
			cur = stack[len(stack)-1]
		}
		if n.Kind == apacheconf.KindSection {
			s := &scope{node: n, parent: cur, vhost: cur.vhost}
			if n.Is("VirtualHost") {
				s.vhost = s
			}
			scopes = append(scopes, s)
			stack = append(stack, s)
			return true
		}
		c.trailingComment(n)
		c.directive(n, cur, listens)
		return true
	})
	for _, s := range scopes {
		c.endScope(s, listens)
	}
	for _, s := range scopes {
		c.weakTLS(s, server)
	}
}

// weakTLS reports an SSLProtocol that lets TLS 1.0 or 1.1 through. mod_ssl's
// "all" includes them, but Debian's OpenSSL 3 refuses them at its default
// security level (1), whatever SSLProtocol says; only a cipher string that
// lowers the level to 0 (@SECLEVEL=0) lets them be negotiated. Measured
// with openssl s_client -tls1/-tls1_1 against Debian's stock
// "SSLProtocol all -SSLv3" with "SSLCipherSuite HIGH:!aNULL": refused; with
// ":@SECLEVEL=0" added: TLS 1.0 and 1.1 are negotiated.
func (c *checker) weakTLS(s, server *scope) {
	cipher := s.cipherSuite
	if cipher == "" {
		cipher = server.cipherSuite
	}
	if !strings.Contains(strings.ToLower(cipher), "@seclevel=0") {
		return
	}
	for _, n := range s.sslProtocols {
		w := n.Words()
		if weak := weakProtocols(w); weak != "" {
			c.report(CodeWeakTLS, n.Pos(), "SSLProtocol %s allows %s: SSLCipherSuite %s lowers OpenSSL's security level to 0, where it negotiates them", strings.Join(w, " "), weak, cipher)
		}
	}
}

// Kinds of directive the rules look at.
const (
	kindOther uint8 = iota
	kindProxyPass
	kindProxyPassReverse
	kindProxyRequests
	kindRequestHeader
	kindSSLEngine
	kindSetHandler
	kindRequire
	kindCompat
	kindOptions
	kindTraceEnable
	kindServerTokens
	kindSSLProtocol
	kindSSLProxyProtocol
	kindSSLCipherSuite
	kindListen
	kindDeprecated
)

var directiveKinds = map[string]uint8{
	"proxypass": kindProxyPass, "proxypassreverse": kindProxyPassReverse, "proxyrequests": kindProxyRequests,
	"requestheader": kindRequestHeader, "sslengine": kindSSLEngine, "sethandler": kindSetHandler,
	"require": kindRequire, "order": kindCompat, "allow": kindCompat, "deny": kindCompat, "satisfy": kindCompat,
	"options": kindOptions, "traceenable": kindTraceEnable, "servertokens": kindServerTokens,
	"sslprotocol": kindSSLProtocol, "sslproxyprotocol": kindSSLProxyProtocol, "sslciphersuite": kindSSLCipherSuite, "listen": kindListen,
	"namevirtualhost": kindDeprecated, "defaulttype": kindDeprecated, "maxclients": kindDeprecated,
	"maxrequestsperchild": kindDeprecated, "sslcertificatechainfile": kindDeprecated,
}

// kindOf looks a directive's name up case-insensitively without
// allocating: most directives are of no interest to the rules.
func kindOf(name string) uint8 {
	var buf [32]byte
	if len(name) > len(buf) {
		return kindOther
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return directiveKinds[string(buf[:len(name)])]
}

// directive applies the one-directive rules and records what the scope
// rules need.
func (c *checker) directive(n *apacheconf.Node, s *scope, listens map[string]*apacheconf.Node) {
	kind := kindOf(n.Name)
	if kind == kindOther {
		return
	}
	if kind == kindRequire {
		s.require = n
		return
	}
	if kind == kindCompat {
		if s.compat == nil {
			s.compat = n
		}
		return
	}
	c.words = n.AppendWords(c.words[:0])
	w := c.words
	first := ""
	if len(w) > 0 {
		first = strings.ToLower(w[0])
	}
	switch kind {
	case kindProxyPass:
		if p, ok := readProxy(n, s, w); ok {
			s.proxies = append(s.proxies, p)
			if v := s.vhost; v != nil && v.firstProxy == nil && p.url != "!" {
				v.firstProxy = &p
			}
		}
	case kindProxyPassReverse:
		if p, ok := readProxy(n, s, w); ok {
			s.reverses = append(s.reverses, p)
		}
	case kindProxyRequests:
		if first == "on" {
			c.report(CodeOpenProxy, n.Pos(), "ProxyRequests On makes this server an open forward proxy")
		}
	case kindRequestHeader:
		if len(w) >= 3 && (strings.EqualFold(w[0], "set") || strings.EqualFold(w[0], "add")) && s.vhost != nil {
			switch strings.ToLower(w[1]) {
			case "x-forwarded-port":
				s.vhost.forwardedPort = n
			case "x-forwarded-proto":
				s.vhost.forwardedProto = true
			}
		}
	case kindSSLEngine:
		if first == "on" && s.vhost != nil {
			s.vhost.tls = true
		}
	case kindSetHandler:
		if first == "server-status" || first == "server-info" {
			s.handler = n
		}
	case kindOptions:
		for _, o := range w {
			if strings.EqualFold(o, "Indexes") || strings.EqualFold(o, "+Indexes") || strings.EqualFold(o, "All") {
				c.report(CodeIndexes, n.Pos(), "Options %s lets anybody list the files of a directory that has no index page", o)
				break
			}
		}
	case kindTraceEnable:
		if first == "on" || first == "extended" {
			c.report(CodeTraceEnable, n.Pos(), "TraceEnable %s answers TRACE requests", w[0])
		}
	case kindServerTokens:
		if first == "full" {
			c.report(CodeServerTokens, n.Pos(), "ServerTokens Full shows the server's version and modules to every client")
		}
	case kindSSLProtocol, kindSSLProxyProtocol:
		if word, before := protocolOverride(w); word != "" {
			c.report(CodeProtocolOverride, n.Pos(), "%s %s: %s has no + or -, so it replaces %s instead of adding to it", n.Name, strings.Join(w, " "), word, before)
		}
		if kind == kindSSLProtocol {
			srv := s.server()
			srv.sslProtocols = append(srv.sslProtocols, n)
		}
	case kindSSLCipherSuite:
		// SSLCipherSuite [SSL|TLSv1.3] spec: the security level is in
		// the SSL (TLS 1.2 and older) string.
		if len(w) == 1 || (len(w) == 2 && strings.EqualFold(w[0], "SSL")) {
			s.server().cipherSuite = w[len(w)-1]
		}
	case kindListen:
		c.listen(n, w, listens)
	case kindDeprecated:
		c.report(CodeDeprecated, n.Pos(), "%s %s", n.Name, deprecated[strings.ToLower(n.Name)])
	}
}

// deprecated are directives httpd 2.4 accepts but ignores or has renamed.
var deprecated = map[string]string{
	"namevirtualhost":         "has no effect since httpd 2.4: remove it",
	"defaulttype":             "has no effect since httpd 2.4: remove it, or use ForceType or AddType",
	"maxclients":              "is httpd 2.2's name: use MaxRequestWorkers",
	"maxrequestsperchild":     "is httpd 2.2's name: use MaxConnectionsPerChild",
	"sslcertificatechainfile": "is deprecated since httpd 2.4.8: put the chain into the SSLCertificateFile",
}

// readProxy reads the path and URL of a ProxyPass or ProxyPassReverse: two
// words at server or virtual-host level, one inside <Location> (whose path
// it takes).
func readProxy(n *apacheconf.Node, s *scope, w []string) (proxyPass, bool) {
	if s.node != nil && (s.node.Is("Location") || s.node.Is("LocationMatch")) {
		if len(w) < 1 {
			return proxyPass{}, false
		}
		sw := s.node.Words()
		if len(sw) == 0 {
			return proxyPass{}, false
		}
		return proxyPass{node: n, path: sw[len(sw)-1], url: w[0]}, true
	}
	if len(w) < 2 {
		return proxyPass{}, false
	}
	return proxyPass{node: n, path: w[0], url: w[1]}, true
}

// endScope applies the rules that need a whole scope.
func (c *checker) endScope(s *scope, listens map[string]*apacheconf.Node) {
	inLocation := s.node != nil && (s.node.Is("Location") || s.node.Is("LocationMatch"))
	if s.node == nil || s.node.Is("VirtualHost") {
		c.proxyOrder(s.proxies)
	}
	for _, p := range s.proxies {
		if p.url == "!" || isWebSocket(p.url) {
			continue
		}
		if !inLocation || s.node.Is("Location") {
			c.proxySlash(p)
		}
		if !hasReverse(s, p) {
			c.report(CodeProxyNoReverse, p.node.Pos(), "ProxyPass %s %s has no ProxyPassReverse", p.path, p.url)
		}
	}
	if s.compat != nil && s.require != nil {
		c.report(CodeAccessMixed, s.compat.Pos(), "%s (httpd 2.2) and Require (line %d) are both used in this section", s.compat.Name, s.require.Line)
	} else if s.compat != nil {
		c.report(CodeDeprecated, s.compat.Pos(), "%s is httpd 2.2's access control (mod_access_compat): use Require", s.compat.Name)
	}
	if s.handler != nil && !protected(s) {
		c.report(CodeStatusUnprotected, s.handler.Pos(), "SetHandler %s is served to anybody: no Require limits it", s.handler.Words()[0])
	}
	if s.node != nil && s.node.Is("VirtualHost") {
		c.forwarded(s, listens)
	}
}

// proxyOrder reports ProxyPass lines that an earlier one always matches
// first: httpd tries them in order and uses the first whose path is a
// prefix of the request.
func (c *checker) proxyOrder(ps []proxyPass) {
	for j, later := range ps {
		for _, earlier := range ps[:j] {
			if earlier.url == "!" || !covers(earlier.path, later.path) {
				continue
			}
			if later.url == "!" {
				c.report(CodeProxyExclusionOrder, later.node.Pos(), "ProxyPass %s ! comes after ProxyPass %s (line %d), which already sends %s to %s",
					later.path, earlier.path, earlier.node.Line, later.path, earlier.url)
			} else {
				c.report(CodeProxyShadowed, later.node.Pos(), "ProxyPass %s is never used: ProxyPass %s (line %d) matches first",
					later.path, earlier.path, earlier.node.Line)
			}
			break
		}
	}
}

// covers reports whether a ProxyPass for path a matches every request that
// one for path b matches.
func covers(a, b string) bool {
	if a == b {
		return true
	}
	return strings.HasPrefix(b, a) && (strings.HasSuffix(a, "/") || b[len(a)] == '/')
}

// proxySlash reports a path and URL that disagree about the trailing
// slash, as mod_proxy's documentation warns.
func (c *checker) proxySlash(p proxyPass) {
	pathSlash := strings.HasSuffix(p.path, "/")
	urlSlash := strings.HasSuffix(p.url, "/")
	if pathSlash == urlSlash || strings.Contains(p.url, "|") || strings.ContainsAny(p.url, "$") {
		return
	}
	if u, err := url.Parse(strings.TrimPrefix(p.url, "unix:")); err != nil || u.Scheme == "" {
		return
	}
	if pathSlash {
		c.report(CodeProxySlash, p.node.Pos(), "the path %s ends with a slash but the URL %s does not", p.path, p.url)
	} else {
		c.report(CodeProxySlash, p.node.Pos(), "the URL %s ends with a slash but the path %s does not", p.url, p.path)
	}
}

// isWebSocket reports whether a ProxyPass URL is a WebSocket one, whose
// responses are not redirects a ProxyPassReverse would rewrite.
func isWebSocket(u string) bool {
	return hasPrefixFold(u, "ws://") || hasPrefixFold(u, "wss://")
}

// hasPrefixFold is strings.HasPrefix(strings.ToLower(s), prefix) for a
// lower-case ASCII prefix, without the lower-case copy of a whole URL when
// s starts with ASCII (where ToLower maps byte to byte).
func hasPrefixFold(s, prefix string) bool {
	n := min(len(s), len(prefix))
	for i := 0; i < n; i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.HasPrefix(strings.ToLower(s), prefix)
		}
	}
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// hasReverse reports whether a ProxyPassReverse for the same path and URL
// is in the scope or one that encloses it. For a Unix socket
// ("unix:/run/app.sock|http://app/") the URL is the part after the bar,
// which is what the backend's redirects name.
func hasReverse(s *scope, p proxyPass) bool {
	norm := func(x string) string {
		if hasPrefixFold(x, "unix:") {
			if _, after, ok := strings.Cut(x, "|"); ok {
				x = after
			}
		}
		return strings.TrimSuffix(x, "/")
	}
	for ; s != nil; s = s.parent {
		for _, r := range s.reverses {
			if norm(r.path) == norm(p.path) && norm(r.url) == norm(p.url) {
				return true
			}
		}
	}
	return false
}

// protected reports whether a Require or a 2.2 Allow/Deny applies to the
// scope, from it or a section around it.
func protected(s *scope) bool {
	for ; s != nil; s = s.parent {
		if s.require != nil || s.compat != nil {
			return true
		}
		if s.node != nil && (s.node.Is("RequireAll") || s.node.Is("RequireAny") || s.node.Is("RequireNone")) {
			return true
		}
	}
	return false
}

// forwarded checks the X-Forwarded headers a proxying virtual host sends.
//
// A virtual host whose ports httpd listens on only at a loopback address
// cannot be reached by clients directly: something in front of it (a
// load balancer, a TLS terminator, a port mapping) forwards their
// requests, and the port that front end takes is the one the backend
// must know. There the header is not compared.
func (c *checker) forwarded(v *scope, listens map[string]*apacheconf.Node) {
	if n := v.forwardedPort; n != nil {
		var buf [8]string
		w := n.AppendWords(buf[:0])
		if len(w) >= 3 && isDigits(w[2]) {
			if ports := vhostPorts(v.node); len(ports) > 0 && !slices.Contains(ports, w[2]) && !loopbackOnly(ports, listens) {
				c.report(CodeForwardedPort, n.Pos(), "X-Forwarded-Port is %s but <VirtualHost %s> listens on another port", w[2], v.node.ArgText())
			}
		}
	}
	if v.tls && v.firstProxy != nil && !v.forwardedProto {
		c.report(CodeForwardedProto, v.firstProxy.node.Pos(), "this TLS virtual host proxies to %s without RequestHeader set X-Forwarded-Proto https", v.firstProxy.url)
	}
}

// loopbackOnly reports whether every Listen on the ports is at a
// loopback address (and there is at least one).
func loopbackOnly(ports []string, listens map[string]*apacheconf.Node) bool {
	found := false
	for k := range listens {
		addr, port, _ := strings.Cut(k, "|")
		if !slices.Contains(ports, port) {
			continue
		}
		a := strings.Trim(addr, "[]")
		if !(strings.HasPrefix(a, "127.") || a == "::1" || strings.EqualFold(a, "localhost")) {
			return false
		}
		found = true
	}
	return found
}

// vhostPorts are the ports a <VirtualHost> names.
func vhostPorts(n *apacheconf.Node) []string {
	var ports []string
	var buf [8]string
	for _, a := range n.AppendWords(buf[:0]) {
		if i := strings.LastIndexByte(a, ':'); i >= 0 && isDigits(a[i+1:]) && !strings.HasSuffix(a[:i+1], "::") {
			ports = append(ports, a[i+1:])
		}
	}
	return ports
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// weakProtocols evaluates SSLProtocol as mod_ssl does (a word with + adds,
// with - removes, without either sets) and names the old protocols the
// result allows.
func weakProtocols(w []string) string {
	all := []string{"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}
	set := map[string]bool{}
	for _, word := range w {
		action := byte(0)
		if word != "" && (word[0] == '+' || word[0] == '-') {
			action, word = word[0], word[1:]
		}
		var these []string
		if strings.EqualFold(word, "all") {
			// mod_ssl's "all" has left out SSLv3 since 2.4.7.
			these = all[1:]
		} else {
			for _, p := range all {
				if strings.EqualFold(word, p) {
					these = []string{p}
				}
			}
		}
		if action == 0 {
			set = map[string]bool{}
		}
		for _, p := range these {
			set[p] = action != '-'
		}
	}
	var weak []string
	for _, p := range all[:3] {
		if set[p] {
			weak = append(weak, p)
		}
	}
	return strings.Join(weak, ", ")
}

// protocolOverride is the first word of an SSLProtocol or
// SSLProxyProtocol that mod_ssl's ssl_cmd_protocol_parse warns about
// (AH02532): a protocol without + or - once the set is not empty, which
// then holds that protocol alone. before is the words it replaces.
func protocolOverride(w []string) (word, before string) {
	const all = 1<<5 - 2 // TLSv1 to TLSv1.3; SSLv3 is left out of "all"
	bits := map[string]uint8{"sslv3": 1, "tlsv1": 1 << 1, "tlsv1.1": 1 << 2, "tlsv1.2": 1 << 3, "tlsv1.3": 1 << 4, "all": all}
	var set uint8
	for i, p := range w {
		action := byte(0)
		if p != "" && (p[0] == '+' || p[0] == '-') {
			action, p = p[0], p[1:]
		}
		bit, ok := bits[strings.ToLower(p)]
		if !ok {
			return "", ""
		}
		switch action {
		case '-':
			set &^= bit
		case '+':
			set |= bit
		default:
			if set != 0 {
				return p, strings.Join(w[:i], " ")
			}
			set = bit
		}
	}
	return "", ""
}

// listen reports a Listen on a port another Listen already takes.
func (c *checker) listen(n *apacheconf.Node, w []string, seen map[string]*apacheconf.Node) {
	if len(w) == 0 {
		return
	}
	addr, port := "", w[0]
	if i := strings.LastIndexByte(w[0], ':'); i >= 0 {
		addr, port = w[0][:i], w[0][i+1:]
	}
	if addr == "0.0.0.0" || addr == "[::]" || addr == "*" {
		addr = ""
	}
	key := addr + "|" + port
	if prev, ok := seen[key]; ok {
		// The same host as written (and port) is httpd's own error
		// (Cannot define multiple Listeners on the same IP:port), which
		// the walk-phase checks report; the rule is for what httpd -t
		// accepts.
		if listenHost(prev.Words()[0]) != listenHost(w[0]) {
			c.report(CodeDuplicateListen, n.Pos(), "Listen %s repeats the Listen on line %d of %s", w[0], prev.Line, prev.File.Name)
		}
		return
	}
	for k, prev := range seen {
		a, p, _ := strings.Cut(k, "|")
		if p == port && (a == "" || addr == "") {
			c.report(CodeDuplicateListen, n.Pos(), "Listen %s overlaps the Listen on line %d of %s: both take port %s", w[0], prev.Line, prev.File.Name, port)
			return
		}
	}
	seen[key] = n
}

// listenHost is the host of a Listen address as httpd compares it: as
// written, "*" and none alike.
func listenHost(a string) string {
	host := ""
	if strings.HasPrefix(a, "[") {
		if i := strings.IndexByte(a, ']'); i > 0 {
			host = a[1:i]
		}
	} else if i := strings.LastIndexByte(a, ':'); i >= 0 {
		host = a[:i]
	}
	if host == "*" {
		host = ""
	}
	return host
}
