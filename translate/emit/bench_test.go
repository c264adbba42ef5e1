package emit_test

import (
	"fmt"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/emit"
)

// BenchmarkRenderSeed writes every format, MIGRATION.md included, for 1,000
// and 10,000 seed-shaped virtual hosts; the time per host should not grow
// with their number.
func BenchmarkRenderSeed(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		conf, err := httpdtest.WriteSeedTree(b.TempDir(), n)
		if err != nil {
			b.Fatal(err)
		}
		tree, err := apacheconf.Load(conf, apacheconf.Options{NoFileChecks: true})
		if err != nil {
			b.Fatal(err)
		}
		sp, report, diags := translate.Plan(tree, translate.Options{})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		for _, f := range emit.Formats {
			b.Run(fmt.Sprintf("%s/%dk", f, n/1000), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := emit.Render(f, sp, report, emit.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
