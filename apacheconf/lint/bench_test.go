package lint_test

import (
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
	"github.com/wsgidock/wsgidock/apacheconf/lint"
)

func benchmarkCheck(b *testing.B, n int) {
	src := []byte(httpdtest.SeedVhosts(n))
	tree, err := apacheconf.LoadSource("/bench.conf", src, apacheconf.Options{ServerRoot: "/", NoFileChecks: true})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		// Every virtual host sends X-Forwarded-Port 80 and listens on
		// 8080, at 127.0.0.1 only: a front end forwards port 80 to it,
		// and there is no finding.
		if ds := lint.Check(tree); len(ds) != 0 {
			b.Fatalf("%d findings, want none: %v", len(ds), ds[0])
		}
	}
}

// BenchmarkCheck runs the Apache-only rules on a 10,000-vhost
// configuration of the seed's shape, read once.
func BenchmarkCheck(b *testing.B) { benchmarkCheck(b, 10000) }

// BenchmarkCheck1k is the same for 1,000 virtual hosts: with
// BenchmarkCheck, it shows the rules are linear.
func BenchmarkCheck1k(b *testing.B) { benchmarkCheck(b, 1000) }
