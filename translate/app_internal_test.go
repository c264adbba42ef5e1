package translate

import (
	"testing"

	"github.com/wsgidock/wsgidock/translate/express"
)

// TestEveryDaemonOptionHasAMapping checks that each option httpd accepts
// in WSGIDaemonProcess has an entry in the express table, so that an app
// service reports each with its reason.
func TestEveryDaemonOptionHasAMapping(t *testing.T) {
	for name := range daemonOptions {
		if _, ok := express.Options[name]; !ok {
			t.Errorf("WSGIDaemonProcess option %s has no mapping in translate/express", name)
		}
	}
	for name := range express.Options {
		if !daemonOptions[name] {
			t.Errorf("translate/express maps %s, which is no WSGIDaemonProcess option", name)
		}
	}
}
