package check

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// outputFilters are the output filters httpd's modules register with
// ap_register_output_filter, by lower-case name (ap_get_output_filter_handle
// ignores case), each with the module that registers it ("" for the
// server itself and the modules built into Debian's apache2): the
// providers FilterProvider and AddOutputFilterByType may name. Filters
// that modules register from the configuration (mod_ext_filter's
// ExtFilterDefine, mod_lua's LuaOutputFilter) are not listed: where those
// modules are loaded, providers are not judged.
var outputFilters = map[string]string{
	"content_length": "", "core": "", "subreq_core": "", "old_write": "",
	"http_header": "", "chunk": "", "http_outerror": "", "byterange": "",
	"logio_ttfb_out": "",
	"deflate":        "deflate_module", "inflate": "deflate_module",
	"brotli_compress":   "brotli_module",
	"buffer":            "buffer_module",
	"bucketeer":         "bucketeer_module",
	"casefilter":        "case_filter_module",
	"xlateout":          "charset_lite_module",
	"data":              "data_module",
	"dumpio_out":        "dumpio_module",
	"includes":          "include_module",
	"proxy-html":        "proxy_html_module",
	"xml2enc":           "xml2enc_module",
	"rate_limit":        "ratelimit_module",
	"reqtimeout":        "reqtimeout_module",
	"sed":               "sed_module",
	"substitute":        "substitute_module",
	"mod_expires":       "expires_module",
	"fixup_headers_out": "headers_module", "fixup_headers_err": "headers_module",
	"proxy_send_dir":  "proxy_ftp_module",
	"mod_session_out": "session_module",
	"cache":           "cache_module", "cache_save": "cache_module", "cache_save_subreq": "cache_module",
	"cache_out": "cache_module", "cache_out_subreq": "cache_module", "cache_remove_url": "cache_module",
	"cache_invalidate": "cache_module",
	"h2_c2_net_out":    "http2_module", "h2_c2_net_catch_h1": "http2_module",
	"h2_c2_response_out": "http2_module", "h2_c2_trailers_out": "http2_module", "h2_c2_ws_out": "http2_module",
	"ssl/tls filter": "ssl_module", "ssl/tls coalescing filter": "ssl_module",
	"wsgi_header": "wsgi_module",
}

// outputFilterKnown reports whether a filter provider name is a registered
// output filter, or cannot be judged.
func (c *checker) outputFilterKnown(name string) bool {
	if c.hasModule("ext_filter_module") || c.hasModule("lua_module") {
		return true
	}
	mod, ok := outputFilters[strings.ToLower(name)]
	return ok && (mod == "" || c.hasModule(mod))
}

// filterScope is the per-directory configuration a directive of st fills:
// mod_filter keeps its declared filters there, so a filter declared in
// one section is unknown in another.
func (c *checker) filterScope(st state) *apacheconf.Node {
	for i := len(st.ancestors) - 1; i >= 0; i-- {
		switch c.lowerName(st.ancestors[i].Name) {
		case "directory", "directorymatch", "location", "locationmatch", "files", "filesmatch",
			"if", "elseif", "else", "proxy", "proxymatch", "virtualhost", "authnprovideralias", "authzprovideralias":
			return st.ancestors[i]
		}
	}
	return nil
}

// smartFilter is a filter mod_filter declared (its live_filters), with the
// lower-case names of its providers.
type smartFilter struct {
	providers []string
}

// filterMap is the declared filters of st's section, by name
// (case-sensitively); create makes it when there is none yet.
func (c *checker) filterMap(st state, create bool) map[string]*smartFilter {
	key := c.filterScope(st)
	m := c.smartFilters[key]
	if m == nil && create {
		if c.smartFilters == nil {
			c.smartFilters = map[*apacheconf.Node]map[string]*smartFilter{}
		}
		m = map[string]*smartFilter{}
		c.smartFilters[key] = m
	}
	return m
}

// checkFilterDeclare is mod_filter's filter_declare: the filter is
// declared anew in the section, without providers.
func checkFilterDeclare(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	name, _ := apacheconf.GetwordConf(n.Args)
	c.filterMap(st, true)[name] = &smartFilter{}
}

// addFilterProvider is mod_filter's add_filter: the provider must be a
// registered output filter; the filter is declared if it is not.
func (c *checker) addFilterProvider(n *apacheconf.Node, st state, fname, pname string) bool {
	if !c.outputFilterKnown(pname) {
		c.errorf(n, codeValue, "Name an output filter a loaded module registers (DEFLATE needs mod_deflate, SUBSTITUTE mod_substitute, INCLUDES mod_include); a filter declared with FilterDeclare is not a provider.",
			"Unknown filter provider %s", pname)
		return false
	}
	m := c.filterMap(st, true)
	f := m[fname]
	if f == nil {
		f = &smartFilter{}
		m[fname] = f
	}
	f.providers = append(f.providers, strings.ToLower(pname))
	return true
}

// checkFilterProvider is mod_filter's filter_provider: the provider, then
// its expression.
func checkFilterProvider(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	fname, rest := apacheconf.GetwordConf(n.Args)
	pname, rest := apacheconf.GetwordConf(rest)
	expr, _ := apacheconf.GetwordConf(rest)
	if !c.addFilterProvider(n, st, fname, pname) {
		return
	}
	if msg := c.exprError(expr, false); msg != "" {
		c.errorf(n, codeExpr, "", "Error parsing FilterProvider expression:%s", msg)
	}
}

// checkAddOutputFilterByType is mod_filter's filter_bytype: at least a
// filter and a type; each filter of the ;-separated list a provider of
// its BYTYPE: filter.
func checkAddOutputFilterByType(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if len(w) < 2 {
		c.errorf(n, codeArgs, "Name the filter, then the MIME types: AddOutputFilterByType DEFLATE text/html text/css.", "AddOutputFilterByType requires at least two arguments")
		return
	}
	for _, p := range strings.Split(w[0], ";") {
		if p == "" {
			continue
		}
		if !c.addFilterProvider(n, st, "BYTYPE:"+p, p) {
			return
		}
	}
}

// checkFilterProtocol is mod_filter's filter_protocol: the filter must be
// declared in the section, and a provider named must be one of its.
func checkFilterProtocol(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	f := c.filterMap(st, false)[w[0]]
	if f == nil {
		c.errorf(n, codeValue, "Declare the filter first, in the same section: FilterDeclare NAME (or FilterProvider NAME ...).", "FilterProtocol: No such filter")
		return
	}
	if len(w) < 3 {
		return
	}
	p := strings.ToLower(w[1])
	for _, have := range f.providers {
		if have == p {
			return
		}
	}
	c.errorf(n, codeValue, "Name a provider FilterProvider gave this filter.", "FilterProtocol: No such provider for this filter")
}

// checkFilterTrace is mod_filter's filter_debug: the filter must be
// declared in the section.
func checkFilterTrace(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	name, _ := apacheconf.GetwordConf(n.Args)
	if c.filterMap(st, false)[name] == nil {
		c.errorf(n, codeValue, "Declare the filter first, in the same section: FilterDeclare NAME.", "Undeclared smart filter %s", name)
	}
}
