package check

import (
	"strings"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/catalog"
)

// mod_lua's handlers, as httpd 2.4 reads their values (the context checks
// of LuaHookTranslateName, LuaMapHandler and the filters are in
// context.go).

// luaHookWhen is the hooks' third argument: early or late, when given.
func luaHookWhen(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
	if w := n.Words(); len(w) > 2 && !strings.EqualFold(w[2], "early") && !strings.EqualFold(w[2], "late") {
		c.errorf(n, codeValue, "Leave it out, or write early or late.", "Third argument must be 'early' or 'late'")
	}
}

// luaHandlers are mod_lua's value checks.
var luaHandlers = map[string]handler{
	"LuaInherit":   enum("LuaInherit type of '%s' not recognized, valid options are 'none', 'parent-first', and 'parent-last'", "none", "parent-first", "parent-last"),
	"LuaCodeCache": enum("LuaCodeCache type of '%s' not recognized, valid options are 'never', 'stat', and 'forever'", "never", "stat", "forever"),
	// register_lua_scope compares case-sensitively.
	"LuaScope": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		switch w {
		case "once", "request", "conn", "thread", "server":
			return
		}
		c.errorf(n, codeValue, "The scopes are once, request, conn, thread and server, lower case.", "Invalid value for LuaScope, '%s', acceptable values are: 'once', 'request', 'conn', 'thread', 'server'", w)
	},
	"LuaHookInsertFilter":  always("LuaHookInsertFilter not yet implemented", "Remove it: mod_lua has no insert-filter hook."),
	"LuaHookTranslateName": luaHookWhen,
	"LuaHookCheckUserID":   luaHookWhen,
	"LuaHookAccessChecker": luaHookWhen,
	"LuaHookAuthChecker":   luaHookWhen,
	"LuaMapHandler": func(c *checker, n *apacheconf.Node, d catalog.Directive, st state) {
		w, _ := apacheconf.GetwordConf(n.Args)
		if msg := c.regexError(w); msg != "" {
			c.errorf(n, codeRegex, msg, "Invalid regex pattern!")
		}
	},
}
