package expr

import "strings"

// The names httpd 2.4's core defines (server/util_expr_eval.c); the
// installed httpd's binary holds the same list.
var (
	coreVariables = lowerSet("HTTPS IPV6 CONN_LOG_ID CONN_REMOTE_ADDR HTTP2 REQUEST_METHOD REQUEST_SCHEME REQUEST_URI " +
		"REQUEST_FILENAME REMOTE_HOST REMOTE_IDENT REMOTE_USER SERVER_ADMIN SERVER_NAME SERVER_PORT SERVER_PROTOCOL " +
		"SCRIPT_FILENAME PATH_INFO QUERY_STRING IS_SUBREQ DOCUMENT_ROOT AUTH_TYPE THE_REQUEST CONTENT_TYPE HANDLER " +
		"REQUEST_LOG_ID SCRIPT_USER SCRIPT_GROUP DOCUMENT_URI LAST_MODIFIED CONTEXT_PREFIX CONTEXT_DOCUMENT_ROOT " +
		"REQUEST_STATUS REMOTE_ADDR REMOTE_PORT HTTP_USER_AGENT HTTP_PROXY_CONNECTION HTTP_REFERER HTTP_COOKIE " +
		"HTTP_FORWARDED HTTP_HOST HTTP_ACCEPT TIME_YEAR TIME_MON TIME_DAY TIME_HOUR TIME_MIN TIME_SEC TIME_WDAY TIME " +
		"SERVER_SOFTWARE API_VERSION")
	coreFunctions = lowerSet("osenv env resp req http note reqenv req_novary tolower toupper escape unescape file " +
		"filesize base64 unbase64 sha1 md5 ldap")
	coreBinary = lowerSet("ipmatch fnmatch strmatch strcmatch")
)

// coreUnary are compared case-sensitively, as httpd does.
var coreUnary = map[string]bool{"n": true, "z": true, "R": true, "T": true, "d": true, "e": true, "f": true,
	"s": true, "L": true, "h": true, "x": true, "F": true, "U": true, "A": true}

func lowerSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[strings.ToLower(w)] = true
	}
	return m
}

// known reports whether httpd's core, or a module the caller knows, defines
// the name.
func (a *analysis) known(k Kind, name string) bool {
	switch k {
	case Variable:
		if coreVariables[strings.ToLower(name)] {
			return true
		}
	case Function:
		if coreFunctions[strings.ToLower(name)] {
			return true
		}
	case UnaryOperator:
		if coreUnary[name] {
			return true
		}
	case BinaryOperator:
		if coreBinary[strings.ToLower(name)] {
			return true
		}
	}
	return a.opts.Lookup != nil && a.opts.Lookup(k, name)
}
