package check_test

import (
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/check"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
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
		if ds := check.Check(tree, check.Options{}); len(ds) > 0 {
			b.Fatalf("the seed configuration is valid, but Check says %v", ds[0])
		}
	}
}

// BenchmarkCheck walks a 10,000-vhost configuration of the seed's shape,
// read once.
func BenchmarkCheck(b *testing.B) { benchmarkCheck(b, 10000) }

// BenchmarkCheck1k is the same for 1,000 virtual hosts: with
// BenchmarkCheck, it shows the walk is linear.
func BenchmarkCheck1k(b *testing.B) { benchmarkCheck(b, 1000) }
