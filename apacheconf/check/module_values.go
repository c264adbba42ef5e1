package check

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// moduleHandlers are the value checks of the handlers a sweep of every
// directive with bogus values found httpd refusing: core's numbers and
// keywords, mod_ssl's files, numbers and caches, mod_deflate, mod_dir,
// mod_autoindex, mod_negotiation, mod_mime, mod_access_compat, mod_proxy's
// sizes, mod_rewrite, mod_http2, mod_unixd, mod_usertrack, mod_substitute,
// the authentication modules. Each follows its handler in httpd 2.4 as
// the installed httpd runs it; values.go merges them into handlers.
var moduleHandlers = map[string]handler{
	// core
	"CGIVar":                 checkCGIVar,
	"MaxRanges":              rangesLimit("MaxRanges"),
	"MaxRangeOverlaps":       rangesLimit("MaxRangeOverlaps"),
	"MaxRangeReversals":      rangesLimit("MaxRangeReversals"),
	"LimitInternalRecursion": checkRecursionLimit,
	"RegexDefaultOptions":    checkRegexDefaultOptions,
	"HttpProtocolOptions":    checkHTTPProtocolOptions,
	"ReadBufferSize":         strictRange(0, math.MaxUint32, "parameter must be a number between 0 and (4294967295U)): %s"),
	"FlushMaxThreshold":      strictRange(0, math.MaxUint32, "parameter must be a number between 0 and (4294967295U)): %s"),
	"FlushMaxPipelined":      strictRange(-1, math.MaxInt32, "parameter must be a number between -1 and (2147483647): %s"),
	"LimitXMLRequestBody":    numberCheck(cAtol, atLeast(0), "LimitXMLRequestBody requires a non-negative integer."),
	"Port":                   always("Port was replaced with Listen in Apache 2.0", "Use Listen to set the port httpd listens on."),
	"Error":                  checkError,
	"ErrorLogFormat":         checkErrorLogFormat,
	"ThreadStackSize":        checkMPMSize("ThreadStackSize"),
	"MaxMemFree":             checkMPMSize("MaxMemFree"),
	"CoreDumpDirectory":      checkCoreDumpDirectory,

	// mod_ssl
	"SSLVerifyDepth":                  numberCheck(cAtoi, atLeast(0), "SSLVerifyDepth: Invalid argument '%s'"),
	"SSLProxyVerifyDepth":             numberCheck(cAtoi, atLeast(0), "SSLProxyVerifyDepth: Invalid argument '%s'"),
	"SSLSessionCacheTimeout":          numberCheck(cAtoi, atLeast(0), "SSLSessionCacheTimeout: Invalid argument"),
	"SSLOCSPResponseTimeSkew":         numberCheck(cAtoi, atLeast(0), "SSLOCSPResponseTimeSkew: invalid argument"),
	"SSLOCSPResponseMaxAge":           numberCheck(cAtoi, atLeast(0), "SSLOCSPResponseMaxAge: invalid argument"),
	"SSLOCSPResponderTimeout":         numberCheck(cAtoi, atLeast(0), "SSLOCSPResponderTimeout: invalid argument"),
	"SSLStaplingResponseTimeSkew":     numberCheck(cAtoi, atLeast(0), "SSLStaplingResponseTimeSkew: invalid argument"),
	"SSLStaplingResponseMaxAge":       numberCheck(cAtoi, atLeast(0), "SSLStaplingResponseMaxAge: invalid argument"),
	"SSLStaplingStandardCacheTimeout": numberCheck(cAtoi, atLeast(0), "SSLStaplingStandardCacheTimeout: invalid argument"),
	"SSLStaplingErrorCacheTimeout":    numberCheck(cAtoi, atLeast(0), "SSLStaplingErrorCacheTimeout: invalid argument"),
	"SSLStaplingResponderTimeout":     numberCheck(cAtoi, atLeast(0), "SSLStaplingResponderTimeout: invalid argument"),
	"SSLRenegBufferSize":              numberCheck(cAtoi, atLeast(0), "Invalid size for SSLRenegBufferSize: %s"),
	"SSLCARevocationCheck":            checkSSLCheckList("none", "leaf", "chain", "no_crl_for_cert_ok"),
	"SSLProxyCARevocationCheck":       checkSSLCheckList("none", "leaf", "chain", "no_crl_for_cert_ok"),
	"SSLOCSPEnable":                   checkSSLCheckList("off", "leaf", "on", "no_ocsp_for_cert_ok"),
	"SSLLog":                          always("SSLLog directive is no longer supported - use ErrorLog.", "Remove it; mod_ssl logs to the ErrorLog."),
	"SSLLogLevel":                     always("SSLLogLevel directive is no longer supported - use LogLevel.", "Use LogLevel ssl:LEVEL."),
	"SSLCompression":                  checkSSLCompression,
	"SSLSessionCache":                 checkSSLCache("SSLSessionCache"),
	"SSLStaplingCache":                checkSSLCache("SSLStaplingCache"),
	"SSLRandomSeed":                   checkSSLRandomSeed,
	"SSLPassPhraseDialog":             checkSSLPassPhraseDialog,

	// mod_deflate
	"DeflateCompressionLevel":  numberCheck(cAtoi, between(1, 9), "Compression Level must be between 1 and 9"),
	"DeflateMemLevel":          numberCheck(cAtoi, between(1, 9), "DeflateMemLevel must be between 1 and 9"),
	"DeflateWindowSize":        numberCheck(cAtoi, between(1, 15), "DeflateWindowSize must be between 1 and 15"),
	"DeflateBufferSize":        numberCheck(cAtoi, atLeast(1), "DeflateBufferSize should be positive"),
	"DeflateInflateRatioLimit": numberCheck(cAtoi, atLeast(1), "DeflateInflateRatioLimit must be positive"),
	"DeflateInflateRatioBurst": numberCheck(cAtoi, atLeast(1), "DeflateInflateRatioBurst must be positive"),
	"DeflateInflateLimitRequestBody": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		v, rest, digits := strtol(w)
		switch {
		case v == math.MaxInt64 || v == math.MinInt64:
			c.errorf(n, codeValue, "", "DeflateInflateLimitRequestBody is not parsable.")
		case !digits || rest != "" || v < 0:
			c.errorf(n, codeValue, "", "DeflateInflateLimitRequestBody requires a non-negative integer.")
		}
	},

	// mod_dir, mod_autoindex, mod_negotiation, mod_mime
	"DirectoryIndexRedirect": checkDirectoryIndexRedirect,
	"IndexOptions":           checkIndexOptions,
	"IndexOrderDefault":      checkIndexOrderDefault,
	"FancyIndexing":          always("The FancyIndexing directive is no longer supported. Use IndexOptions FancyIndexing.", "Write IndexOptions FancyIndexing."),
	"ForceLanguagePriority":  checkForceLanguagePriority,
	"MultiviewsMatch":        checkMultiviewsMatch,

	// mod_access_compat
	"allow": checkAllowFrom,
	"deny":  checkAllowFrom,

	// mod_proxy
	"BalancerGrowth":         numberCheck(cAtoi, between(0, 1000), "BalancerGrowth must be between 0 and 1000"),
	"ProxyReceiveBufferSize": numberCheck(cAtoi, func(v int64) bool { return v == 0 || v >= 512 }, "ProxyReceiveBufferSize must be >= 512 bytes, or 0 for system default."),
	"ProxyIOBufferSize":      numberCheck(cAtol, func(v int64) bool { return v == 0 || v >= 512 }, "ProxyIOBufferSize must be >= 512 bytes, or 0 for system default."),
	"ProxyDomain": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if w, _ := apacheconf.GetwordConf(n.Args); !strings.HasPrefix(w, ".") {
			c.errorf(n, codeValue, "Write the domain with its leading dot: ProxyDomain .example.com.", "ProxyDomain: domain name must start with a dot.")
		}
	},
	"ProxyRemote":      checkProxyRemote,
	"ProxyRemoteMatch": checkProxyRemote,

	// core's listeners and the event MPM
	"ListenBacklog":           numberCheck(cAtoi, atLeast(1), "ListenBacklog must be > 0"),
	"ListenCoresBucketsRatio": numberCheck(cAtoi, atLeast(1), "ListenCoresBucketsRatio must be > 0"),
	"ListenTCPDeferAccept":    numberCheck(cAtoi, atLeast(1), "ListenTCPDeferAccept must be > 0"),
	"ReceiveBufferSize":       numberCheck(cAtoi, func(v int64) bool { return v == 0 || v >= 512 }, "ReceiveBufferSize must be >= 512 bytes, or 0 for system default."),
	"SendBufferSize":          numberCheck(cAtoi, func(v int64) bool { return v == 0 || v >= 512 }, "SendBufferSize must be >= 512 bytes, or 0 for system default."),

	// mod_vhost_alias
	"VirtualDocumentRoot":   checkVhostAliasFormat,
	"VirtualDocumentRootIP": checkVhostAliasFormat,
	"VirtualScriptAlias":    checkVhostAliasFormat,
	"VirtualScriptAliasIP":  checkVhostAliasFormat,

	// mod_ssl
	"SSLVHostSNIPolicy": keywords("Invalid SSLVhostSNIPolicy argument '%s'", "secure", "strict", "insecure", "authonly"),

	// mod_wsgi
	"WSGIAcceptMutex": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		switch strings.ToLower(w) {
		case "default", "flock", "fcntl", "sysvsem", "posixsem", "pthread":
			return
		}
		c.errorf(n, codeWSGI, "", "Accept mutex lock mechanism '%s' is invalid. Valid accept mutex mechanisms for this platform are: default, flock, fcntl, sysvsem, posixsem, pthread.", w)
	},
	"WSGIAccessScript":    checkWSGIScriptGiven("access"),
	"WSGIAuthUserScript":  checkWSGIScriptGiven("auth user"),
	"WSGIAuthGroupScript": checkWSGIScriptGiven("auth group"),
	"WSGIDispatchScript":  checkWSGIScriptGiven("dispatch"),

	// mod_brotli, mod_filter
	"BrotliCompressionQuality":       numberCheck(cAtoi, between(0, 11), "BrotliCompressionQuality must be between 0 and 11"),
	"BrotliCompressionWindow":        numberCheck(cAtoi, between(10, 24), "BrotliCompressionWindow must be between 10 and 24"),
	"BrotliCompressionMaxInputBlock": numberCheck(cAtoi, between(16, 24), "BrotliCompressionMaxInputBlock must be between 16 and 24"),
	"AddOutputFilterByType":          checkAddOutputFilterByType,
	"FilterDeclare":                  checkFilterDeclare,
	"FilterProvider":                 checkFilterProvider,
	"FilterProtocol":                 checkFilterProtocol,
	"FilterTrace":                    checkFilterTrace,

	// mod_request, mod_buffer, mod_substitute, mod_auth_form, mod_session,
	// mod_cgi and mod_cgid, mod_usertrack
	"KeptBodySize":                offCheck(true, atLeast(0), "KeptBodySize must be a valid size in bytes, or zero."),
	"BufferSize":                  offCheck(false, atLeast(1), "BufferSize must be a size in bytes, and greater than zero"),
	"AuthFormSize":                offCheck(false, atLeast(0), "AuthCookieFormSize must be a size in bytes, or zero."),
	"SubstituteMaxLineLength":     checkSubstituteMaxLineLength,
	"SessionExpiryUpdateInterval": numberCheck(cAtoi, atLeast(0), "SessionExpiryUpdateInterval must be zero (disable) or a positive value"),
	"CGIScriptTimeout":            checkTimeoutFormat("CGIScriptTimeout has wrong format"),
	"CGIDScriptTimeout":           checkTimeoutFormat("CGIDScriptTimeout has wrong format"),
	"CookieExpires":               checkCookieExpires,

	// the event MPM
	"AsyncRequestWorkerFactor": checkWorkerFactor,

	// mod_dav's dav_cmd_dav: On is the filesystem provider, which
	// mod_dav_fs registers (names are case-sensitive); Off is none. Where
	// mod_lua is loaded (it can register providers) nothing is judged.
	"DAV": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		name := w
		switch {
		case strings.EqualFold(w, "off"), c.hasModule("lua_module"):
			return
		case strings.EqualFold(w, "on"):
			name = "filesystem"
		}
		if name == "filesystem" && c.hasModule("dav_fs_module") {
			return
		}
		c.errorf(n, codeValue, "DAV On needs mod_dav_fs (LoadModule dav_fs_module ...), whose provider is filesystem.", "Unknown DAV provider: %s", name)
	},

	// mod_auth_digest, as the installed module has it (MD5 only, qop auth
	// only: the source's MD5-sess, none and auth-int are gone)
	"AuthDigestAlgorithm": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if w, _ := apacheconf.GetwordConf(n.Args); !strings.EqualFold(w, "md5") {
			c.errorf(n, codeValue, "The only algorithm is MD5.", "Unsupported algorithm in AuthDigestAlgorithm: %s", w)
		}
	},
	"AuthDigestQop": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		for _, w := range n.Words() {
			if !strings.EqualFold(w, "auth") {
				c.errorf(n, codeValue, "Remove the line: auth is the only quality of protection.", "AuthDigestQop is deprecated: only 'auth' is supported")
				return
			}
		}
	},
	"AuthDigestNonceLifetime": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if _, rest, _ := strtol(w); rest != "" && !isSpace(rest[0]) {
			c.errorf(n, codeValue, "Give the lifetime in seconds.", "Invalid time in AuthDigestNonceLifetime: %s", w)
		}
	},

	// mod_proxy's BalancerMember: the balancer (the <Proxy>'s, or the
	// first word) and the member's URL
	"BalancerMember": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		inSection := st.path
		haveBalancer, haveMember := inSection, false
		for _, w := range n.Words() {
			if strings.Contains(w, "=") {
				continue
			}
			switch {
			case !haveBalancer:
				haveBalancer = true
				if isBalancerName(w) {
					c.defineBalancer(st, w)
				}
			case !haveMember:
				haveMember = true
			case inSection:
				c.errorf(n, codeValue, "", "BalancerMember can not have a balancer name when defined in a location")
				return
			default:
				c.errorf(n, codeValue, "Write parameters as key=value (loadfactor=1, route=a).", "Invalid BalancerMember parameter. Parameter must be in the form 'key=value'")
				return
			}
		}
		switch {
		case !haveBalancer:
			c.errorf(n, codeArgs, "", "BalancerMember must define balancer name when outside <Proxy > section")
		case !haveMember:
			c.errorf(n, codeArgs, "Outside <Proxy balancer://NAME>, give the balancer and the member: BalancerMember balancer://app http://127.0.0.1:8001.", "BalancerMember must define remote proxy server")
		}
	},

	// mod_proxy_fcgi
	"ProxyFCGIBackendType": keywords("ProxyFCGIBackendType requires one of the following arguments: 'GENERIC', 'FPM'", "GENERIC", "FPM"),
	"ProxyFCGISetEnvIf": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if msg := c.exprError(w, false); msg != "" {
			c.errorf(n, codeExpr, "", "Could not parse expression \"%s\": %s", w, msg)
		}
	},

	// files read while the configuration is read, with FileChecks
	"RemoteIPTrustedProxyList":    checkOpenFile,
	"RemoteIPInternalProxyList":   checkOpenFile,
	"SessionCryptoPassphraseFile": checkOpenFile,

	// mod_cache
	"CacheEnable":  checkCacheEnable,
	"CacheDisable": checkCacheDisable,

	// mod_rewrite
	"RewriteMap": checkRewriteMap,
	"RewriteBase": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		switch {
		case !st.path:
			c.errorf(n, codeContext, "", "RewriteBase: only valid in per-directory config files")
		case w == "":
			c.errorf(n, codeValue, "", "RewriteBase: empty URL not allowed")
		case w[0] != '/':
			c.errorf(n, codeValue, "Give the URL path the directory is served at, starting with /.", "RewriteBase: argument is not a valid URL")
		}
	},

	// mod_http2
	"H2MaxSessionStreams": numberCheck(cAtoi, atLeast(1), "value must be > 0"),
	"H2MinWorkers":        numberCheck(cAtoi, atLeast(1), "value must be > 0"),
	"H2MaxWorkers":        numberCheck(cAtoi, atLeast(1), "value must be > 0"),
	"H2WindowSize":        numberCheck(cAtoi, atLeast(1024), "value must be >= 1024"),
	"H2StreamMaxMemSize":  numberCheck(cAtoi, atLeast(1024), "value must be >= 1024"),
	"H2MaxDataFrameLen":   numberCheck(cAtoi, atLeast(0), "value must be 0 or larger"),
	"H2MaxHeaderBlockLen": numberCheck(cAtoi, atLeast(0), "value must be 0 or larger"),
	"H2MaxStreamErrors":   numberCheck(cAtoi, atLeast(0), "value must be 0 or larger"),
	"H2Padding": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		switch v := cAtoi(w); {
		case v < 0:
			c.errorf(n, codeValue, "", "number of bits must be >= 0")
		case v > 8:
			c.errorf(n, codeValue, "", "number of bits must be <= 8")
		}
	},
	"H2PushDiarySize": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		switch v := cAtoi(w); {
		case v < 0:
			c.errorf(n, codeValue, "", "value must be >= 0")
		case v > 0 && v&(v-1) != 0:
			c.errorf(n, codeValue, "A power of 2: 256, 1024 ...", "value must a power of 2")
		case v > 1<<15:
			c.errorf(n, codeValue, "", "value must <= 65536")
		}
	},
	"H2PushPriority":         checkH2PushPriority,
	"H2MaxWorkerIdleSeconds": checkTimeoutFormat("Invalid idle limit value"),
	"H2StreamTimeout":        checkTimeoutFormat("Invalid timeout value"),

	// mod_unixd
	"User":            checkUnixdName("user"),
	"Group":           checkUnixdName("group"),
	"ChrootDir":       checkChrootDir,
	"Suexec":          checkSuexec,
	"SuexecUserGroup": checkSuexec,

	// mod_usertrack, mod_substitute
	"CookieStyle": keywords("Invalid CookieStyle keyword: '%s'", "Netscape", "Cookie", "RFC2109", "Cookie2", "RFC2965"),
	"CookieDomain": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		switch {
		case w == "":
			c.errorf(n, codeValue, "", "CookieDomain values may not be null")
		case w[0] != '.':
			c.errorf(n, codeValue, "Write the domain with its leading dot: CookieDomain .example.com.", "CookieDomain values must begin with a dot")
		case !strings.Contains(w[1:], "."):
			c.errorf(n, codeValue, "", "CookieDomain values must contain at least one embedded dot")
		}
	},
	"Substitute": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if w, _ := apacheconf.GetwordConf(n.Args); w == "" || (w[0] != 's' && w[0] != 'S') {
			c.errorf(n, codeValue, "Write the substitution as s/pattern/replacement/[flags].", "Bad Substitute format, must be an s/// pattern")
		}
	},

	// authentication and methods
	"AuthBasicUseDigestAlgorithm": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if w, _ := apacheconf.GetwordConf(n.Args); !strings.EqualFold(w, "off") && !strings.EqualFold(w, "md5") {
			c.errorf(n, codeValue, "The values are Off and MD5.", "Invalid algorithm in AuthBasicUseDigestAlgorithm: %s", w)
		}
	},
	"AllowMethods": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w := argv(n.Args)
		if len(w) == 0 {
			c.errorf(n, codeArgs, "", "AllowMethods: No method or 'reset' keyword given")
			return
		}
		if len(w) == 1 && strings.EqualFold(w[0], "reset") {
			return
		}
		for _, m := range w {
			if !methodNames[m] && !c.registeredMethod(m) {
				c.errorf(n, codeValue, "Methods are upper case: GET, POST, HEAD ...", "AllowMethods: Invalid Method '%s'", m)
				return
			}
		}
	},
}

// checkCGIVar is core's set_cgi_var.
func checkCGIVar(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if w[0] != "REQUEST_URI" {
		c.errorf(n, codeValue, "The only variable is REQUEST_URI.", "Unrecognized CGI variable: \"%s\"", w[0])
		return
	}
	if r := strings.ToLower(w[1]); r != "current-uri" && r != "original-uri" {
		c.errorf(n, codeValue, "", "Valid rules for REQUEST_URI are 'current-uri' and 'original-uri'")
	}
}

// rangesLimit is core's set_max_ranges and its siblings.
func rangesLimit(name string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		switch strings.ToLower(w) {
		case "none", "default", "unlimited":
			return
		}
		if cAtoi(w) <= 0 {
			c.errorf(n, codeValue, "", "%s requires 'none', 'default', 'unlimited' or a positive integer", name)
		}
	}
}

// checkRecursionLimit is core's set_recursion_limit.
func checkRecursionLimit(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		if cAtoi(w) <= 0 {
			c.errorf(n, codeValue, "", "The recursion limit must be greater than zero.")
			return
		}
	}
}

// checkRegexDefaultOptions is core's set_regex_default_options.
func checkRegexDefaultOptions(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		if strings.EqualFold(w, "none") {
			continue
		}
		name := strings.TrimLeft(w[:min(len(w), 1)], "+-") + w[min(len(w), 1):]
		switch strings.ToUpper(name) {
		case "ICASE", "DOTALL", "DOLLAR_ENDONLY", "EXTENDED":
		default:
			c.errorf(n, codeValue, "The options are ICASE, DOTALL, DOLLAR_ENDONLY and EXTENDED, with + or -, or None.", "RegexDefaultOptions: option '%s' unknown", name)
			return
		}
	}
}

// checkHTTPProtocolOptions is core's set_http_protocol_options, for the
// words of one line.
func checkHTTPProtocolOptions(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	seen := map[string]bool{}
	for _, w := range n.Words() {
		lw := strings.ToLower(w)
		switch lw {
		case "allow0.9", "require1.0", "strict", "unsafe", "registeredmethods", "lenientmethods":
			seen[lw] = true
		default:
			c.errorf(n, codeValue, "", "HttpProtocolOptions accepts 'Unsafe' or 'Strict' (default), 'RegisteredMethods' or 'LenientMethods' (default), and 'Require1.0' or 'Allow0.9' (default)")
			return
		}
		switch {
		case seen["allow0.9"] && seen["require1.0"]:
			c.errorf(n, codeValue, "", "HttpProtocolOptions 'Allow0.9' and 'Require1.0' are mutually exclusive")
			return
		case seen["strict"] && seen["unsafe"]:
			c.errorf(n, codeValue, "", "HttpProtocolOptions 'Strict' and 'Unsafe' are mutually exclusive")
			return
		case seen["registeredmethods"] && seen["lenientmethods"]:
			c.errorf(n, codeValue, "", "HttpProtocolOptions 'RegisteredMethods' and 'LenientMethods' are mutually exclusive")
			return
		}
	}
}

// checkError is core's generate_error: the Error directive fails with its
// message, the quotes around it taken off.
func checkError(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	arg := n.Args
	if arg == "" {
		c.errorf(n, codeValue, "", "The Error directive was used with no message.")
		return
	}
	if (arg[0] == '"' || arg[0] == '\'') && len(arg) >= 1 && arg[len(arg)-1] == arg[0] {
		arg = arg[1 : len(arg)-1]
		if len(n.Args) == 1 {
			arg = ""
		}
	}
	c.errorf(n, codeValue, "The configuration asks httpd to stop here with this message (the Error directive).", "%s", arg)
}

// checkMPMSize is mpm_common's ThreadStackSize and MaxMemFree: strtol,
// refused when negative or out of range.
func checkMPMSize(name string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if v := cAtol(w); v < 0 || v == math.MaxInt64 {
			c.errorf(n, codeValue, "", "Invalid %s value: %s", name, w)
		}
	}
}

// serverRootPath is ap_server_root_relative.
func (c *checker) serverRootPath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.tree.ServerRoot, p)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// checkCoreDumpDirectory is mpm_common's ap_mpm_set_coredumpdir, with
// FileChecks.
func checkCoreDumpDirectory(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if !c.opts.FileChecks {
		return
	}
	w, _ := apacheconf.GetwordConf(n.Args)
	if p := c.serverRootPath(w); !isDir(p) {
		c.errorf(n, codeValue, "Create the directory, or run the check where the configuration is deployed.", "CoreDumpDirectory %s does not exist", p)
	}
}

// checkSSLCheckList is mod_ssl's crlcheck and ocspcheck parsers: a first
// word of three, then only the flag word.
func checkSSLCheckList(a, b, cc, flag string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		words := n.Words()
		first := ""
		if len(words) > 0 {
			first = words[0]
		}
		if !strings.EqualFold(first, a) && !strings.EqualFold(first, b) && !strings.EqualFold(first, cc) {
			c.errorf(n, codeValue, "The values are "+a+", "+b+" and "+cc+", then optionally "+flag+".", "%s: Invalid argument '%s'", d.Name, first)
			return
		}
		for _, w := range words[1:] {
			if !strings.EqualFold(w, flag) {
				c.errorf(n, codeValue, "", "%s: Invalid argument '%s'", d.Name, w)
				return
			}
		}
	}
}

// checkSSLCompression: Debian's OpenSSL has no compression methods, so
// mod_ssl refuses to turn it on.
func checkSSLCompression(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if w, _ := apacheconf.GetwordConf(n.Args); strings.EqualFold(w, "on") {
		c.errorf(n, codeValue, "Remove the line: TLS compression is unsafe (CRIME) and OpenSSL has none.", "This version of OpenSSL does not have any compression methods available, cannot enable SSLCompression.")
	}
}

// socacheProviders are the socache providers, by the module that
// registers each.
var socacheProviders = map[string]string{"shmcb": "socache_shmcb_module", "default": "socache_shmcb_module", "dbm": "socache_dbm_module",
	"memcache": "socache_memcache_module", "redis": "socache_redis_module", "dc": "socache_dc_module"}

// socacheNames lists the loaded socache providers, as mod_ssl lists them
// (measured with mod_socache_shmcb alone, which also registers
// "default"; the order of several is httpd's hash order, not known here).
func (c *checker) socacheNames() string {
	var names []string
	for _, p := range []string{"shmcb", "default", "dbm", "dc", "memcache", "redis"} {
		if c.hasModule(socacheProviders[p]) {
			names = append(names, p)
		}
	}
	return strings.Join(names, ",")
}

// checkSSLCache is mod_ssl's SSLSessionCache and SSLStaplingCache: a
// socache provider a loaded module registers.
func checkSSLCache(name string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		arg, _ := apacheconf.GetwordConf(n.Args)
		if name == "SSLSessionCache" && (strings.EqualFold(arg, "none") || strings.EqualFold(arg, "nonenotnull")) {
			return
		}
		prov, args, hasArgs := strings.Cut(arg, ":")
		if mod, ok := socacheProviders[prov]; ok && c.hasModule(mod) {
			if msg := c.socacheCreateError(prov, args, hasArgs); msg != "" {
				c.errorf(n, codeValue, "Give the cache's file and size as shmcb:/path/to/file(512000), or a server list for memcache and redis.", "%s: %s", name, msg)
			}
			return
		}
		help := "Load the module of the cache: shmcb is mod_socache_shmcb (LoadModule socache_shmcb_module)."
		if name == "SSLSessionCache" {
			c.errorf(n, codeValue, help, "SSLSessionCache: '%s' session cache not supported (known names: %s). Maybe you need to load the appropriate socache module (mod_socache_%s?).", prov, c.socacheNames(), prov)
			return
		}
		c.errorf(n, codeValue, help, "SSLStaplingCache: '%s' stapling cache not supported (known names: %s) Maybe you need to load the appropriate socache module (mod_socache_%s?)", prov, c.socacheNames(), prov)
	}
}

// checkSSLRandomSeed is mod_ssl's ssl_cmd_SSLRandomSeed.
func checkSSLRandomSeed(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if !strings.EqualFold(w[0], "startup") && !strings.EqualFold(w[0], "connect") {
		c.errorf(n, codeValue, "The contexts are startup and connect.", "SSLRandomSeed: invalid context: `%s'", w[0])
		return
	}
	src, path := w[1], ""
	builtin := false
	switch {
	case len(src) > 5 && (strings.EqualFold(src[:5], "file:") || strings.EqualFold(src[:5], "exec:")):
		path = src[5:]
	case len(src) > 4 && strings.EqualFold(src[:4], "egd:"):
		path = src[4:]
	case strings.EqualFold(src, "builtin"):
		builtin = true
	default:
		path = src
	}
	if !builtin && c.opts.FileChecks {
		if p := c.serverRootPath(path); !exists(p) {
			c.errorf(n, codeValue, "", "SSLRandomSeed: source path '%s' does not exist", p)
			return
		}
	}
	if len(w) > 2 {
		if builtin {
			c.errorf(n, codeValue, "", "SSLRandomSeed: byte specification not allowed for builtin seed source")
		} else if cAtoi(w[2]) < 0 {
			c.errorf(n, codeValue, "", "SSLRandomSeed: invalid number of bytes specified")
		}
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// checkSSLPassPhraseDialog is mod_ssl's ssl_cmd_SSLPassPhraseDialog.
func checkSSLPassPhraseDialog(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	arg, _ := apacheconf.GetwordConf(n.Args)
	switch {
	case strings.EqualFold(arg, "builtin"):
	case len(arg) > 5 && strings.EqualFold(arg[:5], "exec:"):
		if p := c.serverRootPath(arg[5:]); c.opts.FileChecks && !exists(p) {
			c.errorf(n, codeValue, "", "SSLPassPhraseDialog: file '%s' does not exist", p)
		}
	case len(arg) > 1 && arg[0] == '|':
	default:
		c.errorf(n, codeValue, "The values are builtin, exec:/path/to/program and |/path/to/program.", "SSLPassPhraseDialog: Invalid argument")
	}
}

// checkDirectoryIndexRedirect is mod_dir's configure_redirect.
func checkDirectoryIndexRedirect(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	switch strings.ToLower(w) {
	case "on", "off", "permanent", "temp", "seeother":
		return
	}
	if w != "" && w[0] >= '0' && w[0] <= '9' {
		if s := cAtoi(w); s < 300 || s > 399 {
			c.errorf(n, codeValue, "", "DirectoryIndexRedirect only accepts values between 300 and 399")
		}
		return
	}
	c.errorf(n, codeValue, "", "DirectoryIndexRedirect ON|OFF|permanent|temp|seeother|3xx")
}

var indexOptions = map[string]bool{"fancyindexing": true, "foldersfirst": true, "htmltable": true, "iconsarelinks": true,
	"ignorecase": true, "ignoreclient": true, "scanhtmltitles": true, "suppresscolumnsorting": true, "suppressdescription": true,
	"suppresshtmlpreamble": true, "suppressicon": true, "suppresslastmodified": true, "suppresssize": true, "suppressrules": true,
	"trackmodified": true, "versionsort": true, "xhtml": true, "showforbidden": true, "addaltclass": true, "iconwidth": true,
	"iconheight": true, "useolddateformat": true}

// checkIndexOptions is mod_autoindex's add_opts, for each word.
func checkIndexOptions(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range argv(n.Args) {
		action := byte(0)
		if w != "" && (w[0] == '+' || w[0] == '-') {
			action, w = w[0], w[1:]
		}
		lw := strings.ToLower(w)
		msg := ""
		width := func(prefix string, least int64, name string) {
			if action == '-' {
				msg = "Cannot combine '-' with " + name + "=n"
			} else if v := w[len(prefix):]; !strings.HasPrefix(v, "*") && cAtoi(v) != 0 && cAtoi(v) < least {
				msg = name + " value must be greater than " + map[int64]string{5: "5", 12: "12"}[least]
			}
		}
		switch {
		case indexOptions[lw]:
		case lw == "none":
			if action != 0 {
				msg = "Cannot combine '+' or '-' with 'None' keyword"
			}
		case strings.HasPrefix(lw, "iconwidth="), strings.HasPrefix(lw, "iconheight="):
			if action == '-' {
				msg = "Cannot combine '-' with " + w[:strings.IndexByte(w, '=')] + "=n"
			}
		case lw == "namewidth":
			if action != '-' {
				msg = "NameWidth with no value may only appear as '-NameWidth'"
			}
		case strings.HasPrefix(lw, "namewidth="):
			width("namewidth=", 5, "NameWidth")
		case lw == "descriptionwidth":
			if action != '-' {
				msg = "DescriptionWidth with no value may only appear as '-DescriptionWidth'"
			}
		case strings.HasPrefix(lw, "descriptionwidth="):
			width("descriptionwidth=", 12, "DescriptionWidth")
		case strings.HasPrefix(lw, "type="), strings.HasPrefix(lw, "charset="):
		default:
			msg = "Invalid directory indexing option"
		}
		if msg != "" {
			c.errorf(n, codeValue, "", "%s", msg)
			return
		}
	}
}

// checkIndexOrderDefault is mod_autoindex's set_default_order.
func checkIndexOrderDefault(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if !strings.EqualFold(w[0], "ascending") && !strings.EqualFold(w[0], "descending") {
		c.errorf(n, codeValue, "", "First keyword must be 'Ascending' or 'Descending'")
		return
	}
	switch strings.ToLower(w[1]) {
	case "name", "date", "size", "description":
		return
	}
	c.errorf(n, codeValue, "", "Second keyword must be 'Name', 'Date', 'Size', or 'Description'")
}

// checkForceLanguagePriority is mod_negotiation's set_force_priority,
// over the words of one line.
func checkForceLanguagePriority(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	none, other := false, false
	for _, w := range n.Words() {
		switch strings.ToLower(w) {
		case "none":
			if other {
				c.errorf(n, codeValue, "", "Cannot combine ForceLanguagePriority options with None")
				return
			}
			none = true
		case "prefer", "fallback":
			if none {
				c.errorf(n, codeValue, "", "Cannot combine ForceLanguagePriority options None and %s", map[string]string{"prefer": "Prefer", "fallback": "Fallback"}[strings.ToLower(w)])
				return
			}
			other = true
		default:
			c.errorf(n, codeValue, "The options are None, Prefer and Fallback.", "Invalid ForceLanguagePriority option %s", w)
			return
		}
	}
}

// checkMultiviewsMatch is mod_mime's multiviews_match, over the words of
// one line.
func checkMultiviewsMatch(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	const anyM, negotiated, filters, handlers = 1, 2, 4, 8
	m := 0
	for _, w := range n.Words() {
		msg := ""
		switch strings.ToLower(w) {
		case "any":
			if m&^anyM != 0 {
				msg = "Any is incompatible with NegotiatedOnly, Filters and Handlers"
			}
			m |= anyM
		case "negotiatedonly":
			if m&^negotiated != 0 {
				msg = "NegotiatedOnly is incompatible with Any, Filters and Handlers"
			}
			m |= negotiated
		case "filters":
			if m&(negotiated|anyM) != 0 {
				msg = "Filters is incompatible with Any and NegotiatedOnly"
			}
			m |= filters
		case "handlers":
			if m&(negotiated|anyM) != 0 {
				msg = "Handlers is incompatible with Any and NegotiatedOnly"
			}
			m |= handlers
		default:
			msg = "Unrecognized option '" + w + "'"
		}
		if msg != "" {
			c.errorf(n, codeValue, "", "%s", msg)
			return
		}
	}
}

// checkAllowFrom is mod_access_compat's allow_cmd: "from", then hosts;
// a word with '#' is a comment httpd does not take.
func checkAllowFrom(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if !strings.EqualFold(w[0], "from") {
		c.errorf(n, codeValue, "Write Allow from HOST... (or better, Require).", "allow and deny must be followed by 'from'")
		return
	}
	for _, where := range w[1:] {
		lw := strings.ToLower(where)
		if strings.HasPrefix(lw, "env=") || lw == "all" || strings.Contains(where, "/") {
			continue
		}
		if strings.Contains(where, "#") {
			c.errorf(n, codeValue, "A comment cannot follow a directive on its line: put it on a line of its own.", "No comments are allowed here")
			return
		}
	}
}

// checkProxyRemote is mod_proxy's add_proxy: the remote proxy as
// scheme://host[:port].
func checkProxyRemote(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	r := w[1]
	i := strings.IndexByte(r, ':')
	if i < 0 || !strings.HasPrefix(r[i:], "://") || len(r) == i+3 {
		c.errorf(n, codeValue, "Give the remote proxy as a URL: http://proxy.example.com:3128.", "%s: Bad syntax for a remote proxy server", d.Name)
		return
	}
	if j := strings.IndexByte(r[i+3:], ':'); j >= 0 {
		p := r[i+3+j+1:]
		v, _, digits := strtol(strings.TrimLeft(p, " \t"))
		if !digits || strings.HasPrefix(strings.TrimLeft(p, " \t"), "-") || v > 65535 {
			c.errorf(n, codeValue, "", "%s: Bad syntax for a remote proxy server (bad port number)", d.Name)
		}
	}
}

// suexecBinary is where Debian's apache2 looks for suexec.
const suexecBinary = "/usr/lib/apache2/suexec"

// checkSuexec is mod_unixd's Suexec and mod_suexec's SuexecUserGroup,
// with FileChecks: without the suexec binary (Debian ships it in
// apache2-suexec-pristine or -custom), suEXEC is disabled.
func checkSuexec(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if !c.opts.FileChecks || exists(suexecBinary) {
		return
	}
	help := "Install apache2-suexec-pristine (or -custom), or remove the line."
	if d.Name == "Suexec" {
		if w, _ := apacheconf.GetwordConf(n.Args); strings.EqualFold(w, "on") {
			c.errorf(n, codeValue, help, "suEXEC isn't supported: Missing suexec binary %s", suexecBinary)
		}
		return
	}
	c.errorf(n, codeValue, help, "SuexecUserGroup configured, but suEXEC is disabled: Missing suexec binary %s", suexecBinary)
}

// checkChrootDir is mod_unixd's ChrootDir, with FileChecks.
func checkChrootDir(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if !c.opts.FileChecks {
		return
	}
	if w, _ := apacheconf.GetwordConf(n.Args); !isDir(w) {
		c.errorf(n, codeValue, "", "ChrootDir must be a valid directory")
	}
}

// argv is how invoke_cmd splits a TAKE_ARGV directive's arguments: words
// up to the first empty one.
func argv(args string) []string {
	var words []string
	for args != "" {
		var w string
		w, args = apacheconf.GetwordConf(args)
		if w == "" {
			break
		}
		words = append(words, w)
	}
	return words
}

// checkVhostAliasFormat is mod_vhost_alias's vhost_alias_set: an absolute
// path or none.
func checkVhostAliasFormat(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if w, _ := apacheconf.GetwordConf(n.Args); !strings.EqualFold(w, "none") && !strings.HasPrefix(w, "/") {
		c.errorf(n, codeValue, "Give an absolute path with the interpolations: /srv/www/%0.", "format string must be an absolute path, or 'none'")
	}
}

// checkWSGIScriptGiven is mod_wsgi's check that the script's location is
// there.
func checkWSGIScriptGiven(kind string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if w, _ := apacheconf.GetwordConf(n.Args); w == "" {
			c.errorf(n, codeWSGI, "", "Location of %s script not supplied.", kind)
		}
	}
}

// rewriteInternalMaps are mod_rewrite's int: maps.
var rewriteInternalMaps = map[string]bool{"toupper": true, "tolower": true, "escape": true, "unescape": true}

// checkRewriteMap is mod_rewrite's cmd_rewritemap: the map types it checks
// without a database, with FileChecks their files.
func checkRewriteMap(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	name, spec := w[0], w[1]
	file := ""
	lower := strings.ToLower(spec)
	switch {
	case strings.HasPrefix(lower, "txt:"), strings.HasPrefix(lower, "rnd:"):
		file = spec[4:]
	case strings.HasPrefix(lower, "dbm"):
		// dbm:FILE or dbm=TYPE:FILE; APR-util (as Debian builds it) has
		// the sdbm, gdbm and db types, and sdbm's file is FILE.dir.
		typ, f, ok := "default", "", false
		switch {
		case len(spec) > 3 && spec[3] == ':':
			f, ok = spec[4:], true
		case len(spec) > 3 && spec[3] == '=':
			typ, f, ok = strings.Cut(spec[4:], ":")
		}
		if !ok {
			c.errorf(n, codeValue, "Write dbm:FILE or dbm=TYPE:FILE, such as dbm=gdbm:/etc/apache2/map.db.", "RewriteMap: bad map:%s", spec)
			return
		}
		switch strings.ToLower(typ) {
		case "default", "gdbm", "db":
			file = f
		case "sdbm":
			file = f + ".dir"
		default:
			c.errorf(n, codeValue, "The DBM types are sdbm, gdbm and db.", "RewriteMap: dbm type %s is invalid", typ)
			return
		}
	case strings.HasPrefix(lower, "dbd:"), strings.HasPrefix(lower, "fastdbd:"):
		if !c.hasModule("dbd_module") {
			c.errorf(n, codeValue, "Load mod_dbd (LoadModule dbd_module).", "RewriteMap types dbd and fastdbd require mod_dbd!")
		}
		return
	case strings.HasPrefix(lower, "prg:"):
		if words := strings.Fields(spec[4:]); len(words) > 0 {
			file = words[0]
		}
	case strings.HasPrefix(lower, "int:"):
		if !rewriteInternalMaps[spec[4:]] {
			c.errorf(n, codeValue, "The internal maps are toupper, tolower, escape and unescape.", "RewriteMap: internal map not found:%s", spec[4:])
		}
		return
	default:
		file = spec
	}
	if !c.opts.FileChecks || file == "" {
		return
	}
	if p := c.serverRootPath(file); !exists(p) {
		c.errorf(n, codeValue, "Create the map file, or run the check where the configuration is deployed.", "RewriteMap: file for map %s not found:%s", name, p)
	}
}

// builtinMethods are httpd's method numbers in its order; HEAD is M_GET.
var builtinMethods = []string{"GET", "PUT", "POST", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PROPFIND",
	"PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "VERSION-CONTROL", "CHECKOUT", "UNCHECKOUT", "CHECKIN",
	"UPDATE", "LABEL", "REPORT", "MKWORKSPACE", "MKACTIVITY", "BASELINE-CONTROL", "MERGE"}

// methodBit is the bit of method m in a <Limit>'s mask: ap_method_number_of,
// which is case-sensitive, and a new number for a method it does not know
// (ap_limit_section registers it). ok is false past 64 methods.
func (c *checker) methodBit(m string) (bit uint64, ok bool) {
	if c.methodBits == nil {
		c.methodBits = map[string]int{"HEAD": 0}
		for i, b := range builtinMethods {
			c.methodBits[b] = i
		}
	}
	i, known := c.methodBits[m]
	if !known {
		i = len(c.methodBits) - 1 // HEAD shares GET's number
		c.methodBits[m] = i
	}
	if i >= 64 {
		return 0, false
	}
	return 1 << uint(i), true
}

// sectionPath is cmd->path for a directive in a section: the <Location>'s
// path, "" at server level; ok is false in a section whose path Check
// does not follow.
func sectionPath(st state) (path string, ok bool) {
	if !st.path {
		return "", true
	}
	if st.parent != nil && strings.EqualFold(st.parent.Name, "Location") {
		p, _ := apacheconf.GetwordConf(strings.TrimSuffix(strings.TrimSpace(st.parent.Args), ">"))
		return p, true
	}
	return "", false
}

// checkCacheEnable is mod_cache's add_cache_enable.
func checkCacheEnable(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if strings.HasPrefix(w[0], "/") {
		c.errorf(n, codeValue, "Write the provider first: CacheEnable disk /path.", "provider (%s) starts with a '/'.  Are url and provider switched?", w[0])
		return
	}
	path, ok := sectionPath(st)
	if !ok {
		return
	}
	url := path
	if len(w) > 1 {
		url = w[1]
	}
	switch {
	case url == "":
		c.errorf(n, codeArgs, "Give the URL path to cache: CacheEnable disk /.", "CacheEnable provider (%s) is missing an URL.", w[0])
	case path != "" && !strings.HasPrefix(url, path):
		c.errorf(n, codeValue, "", "When in a Location, CacheEnable must specify a path or an URL below that location.")
	}
}

// checkCacheDisable is mod_cache's add_cache_disable.
func checkCacheDisable(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	if st.path {
		if _, ok := sectionPath(st); ok && !strings.EqualFold(w, "on") {
			c.errorf(n, codeValue, "Inside <Location>, write CacheDisable on.", "CacheDisable must be followed by the word 'on' when in a Location.")
		}
		return
	}
	if !strings.HasPrefix(w, "/") && !strings.Contains(w, ":") {
		c.errorf(n, codeValue, "Give the URL path not to cache: CacheDisable /private.", "CacheDisable must specify a path or an URL.")
	}
}

// checkOpenFile is the handlers that open a file while httpd reads the
// configuration (mod_remoteip's lists, SessionCryptoPassphraseFile), with
// FileChecks: the file, relative to ServerRoot, must be there.
func checkOpenFile(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if !c.opts.FileChecks {
		return
	}
	w, _ := apacheconf.GetwordConf(n.Args)
	p := c.serverRootPath(w)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		c.errorf(n, codeValue, "Create the file, or run the check where the configuration is deployed.", "%s: Could not open file %s: No such file or directory", d.Name, p)
	}
}

// checkH2PushPriority is mod_http2's h2_conf_add_push_priority: a type,
// a dependency (After, Before or Interleaved; a number alone is After's
// weight) and a weight of at least 1, which Before does not take.
func checkH2PushPriority(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w := n.Words()
	if w[0] == "" {
		c.errorf(n, codeValue, "", "1st argument must be a mime-type, like 'text/css' or '*'")
		return
	}
	dep, weight, hasWeight := w[1], "", len(w) > 2
	if hasWeight {
		weight = w[2]
	} else if dep != "" && isDigit(dep[0]) {
		dep, weight, hasWeight = "AFTER", dep, true
	}
	def := "16"
	switch {
	case strings.EqualFold(dep, "after"):
	case strings.EqualFold(dep, "before"):
		if hasWeight {
			c.errorf(n, codeValue, "", "dependency 'Before' does not allow a weight")
			return
		}
	case strings.EqualFold(dep, "interleaved"):
		def = "256"
	default:
		c.errorf(n, codeValue, "The dependencies are After, Before and Interleaved.", "dependency must be one of 'After', 'Before' or 'Interleaved'")
		return
	}
	if !hasWeight {
		weight = def
	}
	if cAtoi(weight) < 1 {
		c.errorf(n, codeValue, "", "weight must be a number >= 1")
	}
}
