package check

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// sslHandlers are mod_ssl's value checks, as the installed mod_ssl makes
// them (measured against it: its SSLEngine takes only On and Off, and
// "optional" with a notice).
var sslHandlers = map[string]handler{
	"SSLEngine":               checkSSLEngine,
	"SSLRequire":              checkSSLRequire,
	"SSLProtocol":             checkSSLProtocol,
	"SSLProxyProtocol":        checkSSLProtocol,
	"SSLVerifyClient":         checkSSLVerify,
	"SSLProxyVerify":          checkSSLVerify,
	"SSLOptions":              checkSSLOptions,
	"SSLCertificateFile":      checkSSLFile,
	"SSLCertificateKeyFile":   checkSSLFile,
	"SSLCertificateChainFile": checkSSLFile,
	"SSLCACertificateFile":    checkSSLFile,
	// the other files and directories mod_ssl checks (ssl_cmd_check_file
	// and ssl_cmd_check_dir)
	"SSLCADNRequestFile":                  checkSSLFile,
	"SSLCARevocationFile":                 checkSSLFile,
	"SSLOCSPResponderCertificateFile":     checkSSLFile,
	"SSLProxyCACertificateFile":           checkSSLFile,
	"SSLProxyCARevocationFile":            checkSSLFile,
	"SSLProxyMachineCertificateChainFile": checkSSLFile,
	"SSLProxyMachineCertificateFile":      checkSSLFile,
	"SSLSRPVerifierFile":                  checkSSLFile,
	"SSLSessionTicketKeyFile":             checkSSLFile,
	"SSLCACertificatePath":                checkSSLDir,
	"SSLCADNRequestPath":                  checkSSLDir,
	"SSLCARevocationPath":                 checkSSLDir,
	"SSLProxyCACertificatePath":           checkSSLDir,
	"SSLProxyCARevocationPath":            checkSSLDir,
	"SSLProxyMachineCertificatePath":      checkSSLDir,
	"SSLOpenSSLConfCmd":                   checkSSLOpenSSLConfCmd,
	"SSLCryptoDevice":                     checkSSLCryptoDevice,
}

// checkSSLCryptoDevice is mod_ssl's ssl_cmd_SSLCryptoDevice: builtin, or
// an engine OpenSSL's ENGINE_by_id finds. The installed OpenSSL lists only
// its dynamic engine; an engine it can load from its engines directory
// (padlock, loader_attic) is not judged, whether or not it loads here.
func checkSSLCryptoDevice(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	if strings.EqualFold(w, "builtin") || w == "dynamic" {
		return
	}
	if w != "" && !strings.ContainsAny(w, "/*?[\\") {
		if m, _ := filepath.Glob("/usr/lib/*/engines-*/" + w + ".so"); len(m) > 0 {
			return
		}
	}
	c.errorf(n, codeValue, "Write SSLCryptoDevice builtin, or remove the line: OpenSSL 3 provides its algorithms without an engine.",
		"SSLCryptoDevice: Invalid argument; must be one of: 'builtin' (none), 'dynamic' (Dynamic engine loading support)")
}

// sslConfCmds are the commands OpenSSL's SSL_CONF_cmd_value_type knows
// for mod_ssl's server context (file names, SERVER and CERTIFICATE flags,
// case-insensitive), as the installed OpenSSL 3.0 has them, with their
// value type: 'f' a file and 'd' a directory mod_ssl checks, 's' other.
var sslConfCmds = map[string]byte{
	"certificate": 'f', "privatekey": 'f', "serverinfofile": 'f', "chaincafile": 'f', "verifycafile": 'f',
	"requestcafile": 'f', "clientcafile": 'f', "dhparameters": 'f',
	"chaincapath": 'd', "verifycapath": 'd', "requestcapath": 'd', "clientcapath": 'd',
	"chaincastore": 's', "verifycastore": 's', "requestcastore": 's', "clientcastore": 's',
	"signaturealgorithms": 's', "clientsignaturealgorithms": 's', "curves": 's', "groups": 's',
	"ecdhparameters": 's', "cipherstring": 's', "ciphersuites": 's', "protocol": 's', "minprotocol": 's',
	"maxprotocol": 's', "options": 's', "verifymode": 's', "recordpadding": 's', "numtickets": 's',
}

// checkSSLOpenSSLConfCmd is mod_ssl's ssl_cmd_SSLOpenSSLConfCmd: a command
// OpenSSL knows, and for a file or directory command (with
// Options.FileChecks) a file or directory that is there.
func checkSSLOpenSSLConfCmd(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	cmd, rest := apacheconf.GetwordConf(n.Args)
	arg, _ := apacheconf.GetwordConf(rest)
	kind, ok := sslConfCmds[strings.ToLower(cmd)]
	if !ok {
		c.errorf(n, codeValue, "The commands are OpenSSL's SSL_CONF names: Curves, Groups, DHParameters, CipherString, Ciphersuites, MinProtocol, Options ...", "'%s': invalid OpenSSL configuration command", cmd)
		return
	}
	if !c.opts.FileChecks {
		return
	}
	switch p := c.serverRootPath(arg); kind {
	case 'f':
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
			c.errorf(n, codeValue, "Install the file, or run the check where the configuration is deployed.", "%s: file '%s' does not exist or is empty", d.Name, p)
		}
	case 'd':
		if !isDir(p) {
			c.errorf(n, codeValue, "Create the directory, or run the check where the configuration is deployed.", "%s: directory '%s' does not exist", d.Name, p)
		}
	}
}

// checkSSLDir is mod_ssl's ssl_cmd_check_dir, with Options.FileChecks.
func checkSSLDir(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if !c.opts.FileChecks {
		return
	}
	w, _ := apacheconf.GetwordConf(n.Args)
	if p := c.serverRootPath(w); !isDir(p) {
		c.errorf(n, codeValue, "Create the directory, or run the check where the configuration is deployed.", "%s: directory '%s' does not exist", d.Name, p)
	}
}

func checkSSLEngine(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	switch strings.ToLower(w) {
	case "on", "off", "optional":
		return
	}
	c.errorf(n, codeValue, "", "Argument must be On or Off")
}

// checkSSLProtocol is mod_ssl's ssl_cmd_protocol_parse.
func checkSSLProtocol(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		action := byte(0)
		if w != "" && (w[0] == '+' || w[0] == '-') {
			action, w = w[0], w[1:]
		}
		switch strings.ToLower(w) {
		case "sslv2":
			if action != '-' {
				c.errorf(n, codeValue, "Use TLSv1.2 and TLSv1.3: SSLProtocol -all +TLSv1.2 +TLSv1.3.", "%s: SSLv2 is no longer supported", d.Name)
				return
			}
		case "sslv3":
			if action != '-' {
				c.errorf(n, codeValue, "Use TLSv1.2 and TLSv1.3: SSLProtocol -all +TLSv1.2 +TLSv1.3.", "SSLv3 not supported by this version of OpenSSL")
				return
			}
		case "tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3", "all":
		default:
			c.errorf(n, codeValue, "The protocols are all, TLSv1, TLSv1.1, TLSv1.2 and TLSv1.3, each with an optional + or -.", "%s: Illegal protocol '%s'", d.Name, w)
			return
		}
	}
}

func checkSSLVerify(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	switch strings.ToLower(w) {
	case "none", "off", "optional", "require", "on", "optional_no_ca":
		return
	}
	c.errorf(n, codeValue, "The levels are none, optional, require and optional_no_ca.", "%s: Invalid argument '%s'", d.Name, w)
}

var sslOptionNames = map[string]bool{"stdenvvars": true, "exportcertdata": true, "fakebasicauth": true, "strictrequire": true,
	"optrenegotiate": true, "legacydnstringformat": true}

func checkSSLOptions(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	for _, w := range n.Words() {
		if w != "" && (w[0] == '+' || w[0] == '-') {
			w = w[1:]
		}
		if !sslOptionNames[strings.ToLower(w)] {
			c.errorf(n, codeValue, "The options are StdEnvVars, ExportCertData, FakeBasicAuth, StrictRequire, OptRenegotiate and LegacyDNStringFormat.", "SSLOptions: Illegal option '%s'", w)
			return
		}
	}
}

// checkSSLFile is mod_ssl's ssl_cmd_check_file, with Options.FileChecks:
// the file, relative to ServerRoot, must exist and not be empty. Values
// that are not paths (a pkcs11: URI) are not judged.
func checkSSLFile(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if !c.opts.FileChecks {
		return
	}
	w, _ := apacheconf.GetwordConf(n.Args)
	if (d.Name == "SSLCertificateFile" || d.Name == "SSLCertificateKeyFile") && strings.HasPrefix(w, "pkcs11:") {
		return
	}
	p := w
	if !filepath.IsAbs(p) {
		p = filepath.Join(c.tree.ServerRoot, p)
	}
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
		c.errorf(n, codeValue, "Install the file, or run the check where the configuration is deployed.", "%s: file '%s' does not exist or is empty", d.Name, p)
	}
}

// checkSSLRequire is ssl_cmd_SSLRequire: the whole line is an ap_expr
// condition (mod_ssl's compatibility flag changes only how comparisons
// are evaluated, not what parses).
func checkSSLRequire(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if msg := c.exprError(n.Args, false); msg != "" {
		c.errorf(n, codeExpr, "Write it as an expression: SSLRequire %{SSL_CIPHER_USEKEYSIZE} >= 128, or use Require expr.", "SSLRequire: %s", msg)
	}
}
