package check

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"syscall"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// logFile is a log a server writes: an ErrorLog, CustomLog or TransferLog
// and the directive that named it.
type logFile struct {
	name string
	node *apacheconf.Node
}

// defaultErrorLog is httpd's DEFAULT_ERRORLOG, relative to ServerRoot.
const defaultErrorLog = "logs/error_log"

// recordErrorLog is core's set_errorlog: the server's error log.
func recordErrorLog(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	c.server(st).errorLog = &logFile{name: w, node: n}
}

// recordTransferLog is mod_log_config's TransferLog: a log file of the
// server.
func recordTransferLog(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	w, _ := apacheconf.GetwordConf(n.Args)
	s := c.server(st)
	s.logs = append(s.logs, logFile{name: w, node: n})
}

// errnoText is how APR prints a failed stat: "(2)No such file or
// directory: ".
func errnoText(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		errno = syscall.ENOENT
	}
	s := errno.Error()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return fmt.Sprintf("(%d)%s: ", int(errno), s)
}

// logDirError is the stat of a log file's directory that core's
// check_errorlog_dir and mod_log_config's check_log_dir make: the
// directory as httpd names it and APR's error text, or "" when it is a
// directory.
func (c *checker) logDirError(name string) (dir, errText string) {
	abs := c.serverRootPath(name)
	dir = abs[:strings.LastIndexByte(abs, '/')+1]
	// Thousands of virtual hosts share a few directories: each is looked
	// at once.
	if text, ok := c.logDirs[dir]; ok {
		return dir, text
	}
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		errText = errnoText(err)
	case !fi.IsDir():
		errText = errnoText(syscall.ENOTDIR)
	}
	if c.logDirs == nil {
		c.logDirs = map[string]string{}
	}
	c.logDirs[dir] = errText
	return dir, errText
}

// postWalk is what `httpd -t` checks after the walk, in its check_config
// hooks: on the machine it runs on (with FileChecks), core's check of the
// error logs' directories (AH02291) for the main server and then every
// virtual host, last defined first, as httpd keeps them, and if they are
// there, mod_log_config's check of the other logs' directories (AH02297);
// then mod_authz_core's check of sections that grant nothing (AH01624).
// httpd stops after the first hook that fails.
func (c *checker) postWalk() {
	if c.opts.FileChecks && c.postLogs() {
		return
	}
	c.postAuthz()
}

// postLogs is core's and mod_log_config's check of the logs' directories;
// it reports whether it found an error.
func (c *checker) postLogs() bool {
	servers := []*server{&c.wsgi.main}
	for i := len(c.vhosts) - 1; i >= 0; i-- {
		servers = append(servers, c.vhosts[i])
	}
	main := c.wsgi.main.errorLog
	failed := false
	for _, s := range servers {
		log := s.errorLog
		if log == nil {
			log = main
		}
		name := defaultErrorLog
		if log != nil {
			name = log.name
		}
		if name == "" || name[0] == '|' || name == "syslog" || strings.HasPrefix(name, "syslog:") {
			continue
		}
		dir, errText := c.logDirError(name)
		if errText == "" {
			continue
		}
		desc := "main error log"
		at := log
		if s.node != nil {
			desc = fmt.Sprintf("error log of vhost defined at %s:%d", s.node.File.Name, s.node.Line)
			if s.errorLog == nil {
				at = &logFile{node: s.node}
			}
		}
		help := "Create the directory, or point ErrorLog at one that exists (httpd -t checks it on the machine it runs on)."
		if at == nil {
			help = "httpd's default ErrorLog is " + defaultErrorLog + " under ServerRoot: set ErrorLog, or create the directory."
			c.postError(nil, help, "%sAH02291: Cannot access directory '%s' for %s", errText, dir, desc)
		} else {
			c.postError(at.node, help, "%sAH02291: Cannot access directory '%s' for %s", errText, dir, desc)
		}
		failed = true
		break
	}
	if failed {
		return true
	}
	for _, s := range servers {
		for _, l := range s.logs {
			if l.name == "" || l.name[0] == '|' {
				continue
			}
			dir, errText := c.logDirError(l.name)
			if errText == "" {
				continue
			}
			c.postError(l.node, "Create the directory, or point the log at one that exists.",
				"%sAH02297: Cannot access directory '%s' for log file '%s' defined at %s:%d", errText, dir, l.name, l.node.File.Name, l.node.Line)
			return true
		}
	}
	return false
}

// authzNode is one entry of mod_authz_core's section tree: a Require line
// or a <RequireAll>, <RequireAny> or <RequireNone>.
type authzNode struct {
	node     *apacheconf.Node
	and      bool         // <RequireAll>; the others are "or"
	negate   bool         // Require not, <RequireNone>
	children []*authzNode // nil for a Require line
	name     string       // the section's name as httpd prints it
}

// authzTree is the section tree of a per-directory section's children.
func (c *checker) authzTree(nodes []*apacheconf.Node, into *authzNode) {
	for _, n := range nodes {
		if !n.Active {
			continue
		}
		if n.Flags&apacheconf.FlagExec != 0 {
			if n.Kind == apacheconf.KindSection {
				c.authzTree(n.Children, into)
			}
			for _, f := range n.Included {
				c.authzTree(f.Nodes, into)
			}
			continue
		}
		switch strings.ToLower(n.Name) {
		case "require":
			w, _ := apacheconf.GetwordConf(n.Args)
			into.children = append(into.children, &authzNode{node: n, negate: strings.EqualFold(w, "not")})
		case "requireall", "requireany", "requirenone":
			kind := strings.ToLower(n.Name)
			sec := &authzNode{node: n, and: kind == "requireall", negate: kind == "requirenone",
				name: map[string]string{"requireall": "<RequireAll>", "requireany": "<RequireAny>", "requirenone": "<RequireNone>"}[kind]}
			c.authzTree(n.Children, sec)
			if len(sec.children) > 0 {
				into.children = append(into.children, sec)
			}
		}
	}
}

// onlyNegative is mod_authz_core's authz_core_check_section: a section
// whose entries are all negated (after De Morgan lifts a negated section
// of the other kind into its parent) refuses every request, and httpd -t
// fails. It returns the name of the first such section.
func onlyNegative(sec *authzNode, top string) string {
	var kids []*authzNode
	for _, ch := range sec.children {
		if ch.children != nil {
			if name := onlyNegative(ch, ""); name != "" {
				return name
			}
			if ch.negate && ch.and != sec.and {
				for _, g := range ch.children {
					flipped := *g
					flipped.negate = !g.negate
					kids = append(kids, &flipped)
				}
				continue
			}
		}
		kids = append(kids, ch)
	}
	for _, k := range kids {
		if !k.negate {
			return ""
		}
	}
	if top != "" {
		return top
	}
	return sec.name
}

// checkAuthzSections records, for a per-directory section, whether its
// authorization holds only negative entries (AH01624), for after the walk.
func (c *checker) checkAuthzSections(n *apacheconf.Node) {
	top := &authzNode{}
	c.authzTree(n.Children, top)
	if len(top.children) == 0 {
		return
	}
	if name := onlyNegative(top, "<Directory>, <Location>, or similar"); name != "" {
		c.negativeAuthz = append(c.negativeAuthz, negativeAuthz{n, name})
	}
}

// negativeAuthz is a section checkAuthzSections found.
type negativeAuthz struct {
	node *apacheconf.Node
	name string
}

// postAuthz reports the per-directory section mod_authz_core's
// check_config finds first: it keeps the sections last created first.
func (c *checker) postAuthz() {
	if len(c.negativeAuthz) == 0 {
		return
	}
	a := c.negativeAuthz[len(c.negativeAuthz)-1]
	c.errorf(a.node, codeValue, "Add a positive Require (Require all granted, Require valid-user ...) beside the negated ones: with only negations, nothing is ever granted.", "AH01624: %s directive contains only negative authorization directives", a.name)
}

// postError records an error httpd reports after its walk, with no line
// of its own: at n, or at the start of the main file.
func (c *checker) postError(n *apacheconf.Node, detail, format string, args ...any) {
	if n != nil {
		c.errorf(n, codeValue, detail, format, args...)
		return
	}
	name := ""
	for _, f := range c.tree.Files {
		if f.IncludedBy == nil {
			name = f.Name
			break
		}
	}
	at := apacheconf.Position{Filename: name, Line: 1, Column: 1}
	c.diags = append(c.diags, apacheconf.Diagnostic{Severity: apacheconf.SeverityError, Code: codeValue,
		Summary: fmt.Sprintf(format, args...), Detail: detail, Subject: apacheconf.Range{Start: at, End: at}})
}

// checkUnixdName is mod_unixd's User and Group, with FileChecks: httpd
// looks the name up (ap_uname2id, ap_gname2id) while it walks, and exits
// when the system does not know it. "#N" is a number, not looked up.
func checkUnixdName(kind string) handler {
	return func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		if !c.opts.FileChecks {
			return
		}
		w, _ := apacheconf.GetwordConf(n.Args)
		if strings.HasPrefix(w, "#") {
			return
		}
		var err error
		if kind == "user" {
			_, err = user.Lookup(w)
		} else {
			_, err = user.LookupGroup(w)
		}
		if err == nil {
			return
		}
		code := "AH00543"
		if kind == "group" {
			code = "AH00544"
		}
		c.errorf(n, codeValue, "Create the "+kind+" on the machine httpd runs on, or name one that exists (Debian's is www-data).", "%s: apache2: bad %s name %s", code, kind, w)
	}
}
