package check

import "github.com/wsgidock/wsgidock/apacheconf/catalog"

// The forbidden bits of ap_check_cmd_context (include/http_config.h).
const (
	notInVirtualHost uint8 = 0x01
	notInLimit       uint8 = 0x02
	notInDirectory   uint8 = 0x04
	notInLocation    uint8 = 0x08
	notInFiles       uint8 = 0x10
	notInHTAccess    uint8 = 0x20
	notInProxy       uint8 = 0x40
	notInDirLocFile        = notInDirectory | notInLocation | notInFiles
	notInDirContext        = notInLimit | notInDirLocFile | notInProxy
	globalOnly             = notInVirtualHost | notInDirContext
)

// forbiddenIn says, for the directives whose handler calls
// ap_check_cmd_context before anything else, what it forbids. httpd's
// command tables cannot say it (their req_override allows RSRC_CONF, which
// covers <VirtualHost>); the handlers in httpd 2.4's server/*.c and
// modules/*/*.c do. Handlers that check their context only in some cases
// (Alias, ScriptAlias) are checked with their values. Keys are the
// directives' canonical names.
var forbiddenIn = map[string]uint8{
	"<AuthnProviderAlias":      globalOnly,
	"<AuthzProviderAlias":      globalOnly,
	"<Directory":               notInDirContext,
	"<DirectoryMatch":          notInDirContext,
	"<Else":                    notInLimit,
	"<ElseIf":                  notInLimit,
	"<Files":                   notInLocation | notInLimit,
	"<FilesMatch":              notInLocation | notInLimit,
	"<If":                      notInLimit,
	"<Location":                notInDirContext,
	"<LocationMatch":           notInDirContext,
	"<Proxy":                   notInDirContext,
	"<ProxyMatch":              notInDirContext,
	"<VirtualHost":             globalOnly,
	"AcceptFilter":             globalOnly,
	"AccessFileName":           notInDirContext,
	"AsyncRequestWorkerFactor": globalOnly,
	"AuthnCacheEnable":         globalOnly,
	"AuthnCacheSOCache":        globalOnly,
	"AuthnzFcgiDefineProvider": globalOnly,
	"CacheDisable":             notInDirectory | notInLimit | notInFiles,
	"CacheEnable":              notInDirectory | notInLimit | notInFiles,
	"ChrootDir":                globalOnly,
	"CoreDumpDirectory":        globalOnly,
	"DefaultRuntimeDir":        globalOnly,
	"DocumentRoot":             notInDirContext,
	"ErrorLog":                 notInDirContext,
	"ExtendedStatus":           globalOnly,
	"GlobalLog":                globalOnly,
	"GracefulShutdownTimeout":  globalOnly,
	"Group":                    globalOnly,
	"HeartbeatAddress":         globalOnly,
	"HeartbeatListen":          globalOnly,
	"HeartbeatMaxServers":      globalOnly,
	"HeartbeatStorage":         globalOnly,
	"KeepAlive":                notInDirContext,
	"KeepAliveTimeout":         notInDirContext,
	"LDAPCacheEntries":         globalOnly,
	"LDAPCacheTTL":             globalOnly,
	"LDAPConnectionTimeout":    globalOnly,
	"LDAPLibraryDebug":         globalOnly,
	"LDAPOpCacheEntries":       globalOnly,
	"LDAPOpCacheTTL":           globalOnly,
	"LDAPRetries":              globalOnly,
	"LDAPRetryDelay":           globalOnly,
	"LDAPSharedCacheFile":      globalOnly,
	"LDAPSharedCacheSize":      globalOnly,
	"LDAPTimeout":              globalOnly,
	"LDAPTrustedGlobalCert":    globalOnly,
	"LDAPVerifyServerCert":     globalOnly,
	"LimitRequestFields":       notInDirContext,
	"LimitRequestFieldsize":    notInDirContext,
	"LimitRequestLine":         notInDirContext,
	"Listen":                   globalOnly,
	"ListenBacklog":            globalOnly,
	"ListenCoresBucketsRatio":  globalOnly,
	"LuaAuthzProvider":         globalOnly,
	"LuaHookTranslateName":     notInDirectory | notInFiles | notInHTAccess,
	"LuaInputFilter":           notInDirectory | notInFiles | notInHTAccess,
	"LuaMapHandler":            notInDirectory | notInFiles | notInHTAccess,
	"LuaOutputFilter":          notInDirectory | notInFiles | notInHTAccess,
	"LuaQuickHandler":          notInDirectory | notInFiles | notInHTAccess,
	"MaxClients":               globalOnly,
	"MaxConnectionsPerChild":   globalOnly,
	"MaxKeepAliveRequests":     notInDirContext,
	"MaxMemFree":               globalOnly,
	"MaxRequestsPerChild":      globalOnly,
	"MaxRequestWorkers":        globalOnly,
	"MaxSpareServers":          globalOnly,
	"MaxSpareThreads":          globalOnly,
	"MinSpareServers":          globalOnly,
	"MinSpareThreads":          globalOnly,
	"MultiviewsMatch":          notInLocation,
	"Mutex":                    globalOnly,
	"PidFile":                  globalOnly,
	"Protocol":                 notInDirContext,
	"Protocols":                notInDirContext,
	"ProtocolsHonorOrder":      notInDirContext,
	"ProxyHCTPsize":            globalOnly,
	"ProxyPass":                notInDirectory | notInFiles,
	"ProxyPassMatch":           notInDirectory | notInFiles,
	"ProxyPassReverse":         notInDirectory | notInFiles,
	"ReceiveBufferSize":        globalOnly,
	"RegexDefaultOptions":      globalOnly,
	"RegisterHttpMethod":       globalOnly,
	"ScoreBoardFile":           globalOnly,
	"ScriptSock":               globalOnly,
	"SeeRequestTail":           globalOnly,
	"SendBufferSize":           globalOnly,
	"ServerAdmin":              notInDirContext,
	"ServerLimit":              globalOnly,
	"ServerName":               notInDirContext,
	"ServerPath":               notInDirContext,
	"ServerRoot":               globalOnly,
	"ServerTokens":             globalOnly,
	"SessionCryptoDriver":      globalOnly,
	"SSLCryptoDevice":          globalOnly,
	"SSLFIPS":                  globalOnly,
	"SSLPassPhraseDialog":      globalOnly,
	"SSLRandomSeed":            globalOnly,
	"SSLSessionCache":          globalOnly,
	"SSLStaplingCache":         globalOnly,
	"StartServers":             globalOnly,
	"Suexec":                   globalOnly,
	"SuexecUserGroup":          notInDirContext,
	"ThreadLimit":              globalOnly,
	"ThreadsPerChild":          globalOnly,
	"ThreadStackSize":          globalOnly,
	"Timeout":                  notInDirContext,
	"User":                     globalOnly,
	"WatchdogInterval":         globalOnly,
	"xml2EncAlias":             globalOnly,
	// Measured against apache2: every directive a <VirtualHost> allows by
	// its mask, put in one; these refuse it.
	"ListenTCPDeferAccept":    globalOnly,
	"SSLVHostSNIPolicy":       globalOnly,
	"WSGIAcceptMutex":         globalOnly,
	"WSGICaseSensitivity":     globalOnly,
	"WSGIDestroyInterpreter":  globalOnly,
	"WSGIDontWriteBytecode":   globalOnly,
	"WSGILazyInitialization":  globalOnly,
	"WSGINewRelicConfigFile":  globalOnly,
	"WSGINewRelicEnvironment": globalOnly,
	"WSGIPythonEggs":          globalOnly,
	"WSGIPythonHashSeed":      globalOnly,
	"WSGIPythonHome":          globalOnly,
	"WSGIPythonOptimize":      globalOnly,
	"WSGIPythonWarnings":      globalOnly,
	"WSGIPythonPath":          globalOnly,
	"WSGIRestrictEmbedded":    globalOnly,
	"WSGIRestrictSignal":      globalOnly,
	"WSGIRestrictStdin":       globalOnly,
	"WSGIRestrictStdout":      globalOnly,
	"WSGIServerMetrics":       globalOnly,
	"WSGISocketPrefix":        globalOnly,
	"WSGISocketRotation":      globalOnly,
	"WSGIVerboseDebugging":    globalOnly,
}

// contextHelp says where d is allowed, in `apache2 -L`'s words.
func contextHelp(d catalog.Directive) string {
	return d.Name + " is " + lowerFirst(d.Context.String()) + "."
}

func lowerFirst(s string) string {
	if s != "" && 'A' <= s[0] && s[0] <= 'Z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}
