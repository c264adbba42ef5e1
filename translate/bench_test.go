package translate_test

import (
	"fmt"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/translate"
)

// seedTree reads a config of n seed-shaped virtual hosts, each a daemon
// group with its own launcher.
func seedTree(b *testing.B, n int) *apacheconf.Tree {
	b.Helper()
	conf, err := httpdtest.WriteSeedTree(b.TempDir(), n)
	if err != nil {
		b.Fatal(err)
	}
	tree, err := apacheconf.Load(conf, apacheconf.Options{NoFileChecks: true})
	if err != nil {
		b.Fatal(err)
	}
	return tree
}

// BenchmarkPlan plans 1,000 and 10,000 virtual hosts; the time per host
// should not grow with their number.
func BenchmarkPlan(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		tree := seedTree(b, n)
		b.Run(itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sp, _, diags := translate.Plan(tree, translate.Options{})
				if diags.HasErrors() || len(sp.Services) != n {
					b.Fatalf("%d services, %v", len(sp.Services), diags)
				}
			}
		})
	}
}

func itoa(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}
