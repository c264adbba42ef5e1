package emit_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/translate"
	"github.com/wsgidock/wsgidock/translate/emit"
	"github.com/wsgidock/wsgidock/translate/emit/apache"
	"github.com/wsgidock/wsgidock/translate/emit/migration"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// BenchmarkRenderSeed writes every format, MIGRATION.md included, for 1,000
// and 10,000 seed-shaped virtual hosts; the time per host should not grow
// with their number.
func BenchmarkRenderSeed(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		_, sp, report := planSeed(b, n)
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

// BenchmarkWriteSeed writes each file of migrate -o DIR on its own, as
// migrate writes it (streamed to its file; here, thrown away), for 10,000
// seed-shaped virtual hosts: what each part costs of the whole.
func BenchmarkWriteSeed(b *testing.B) {
	tree, sp, report := planSeed(b, 10000)
	var notes []spec.Item
	for _, f := range emit.Formats {
		n, err := emit.Write(io.Discard, f, sp, report, emit.Options{})
		if err != nil {
			b.Fatal(err)
		}
		notes = append(notes, n...)
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := emit.Write(io.Discard, f, sp, report, emit.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("apache", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := apache.Rewrite(tree, sp); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("migration", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := migration.Write(io.Discard, sp, report, "sh, compose, kube or apache", notes); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func planSeed(b *testing.B, n int) (*apacheconf.Tree, *spec.Spec, *spec.Report) {
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
	return tree, sp, report
}
