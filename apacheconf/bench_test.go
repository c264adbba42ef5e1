package apacheconf_test

import (
	"io"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/apacheconf/httpdtest"
)

func benchmarkSource(b *testing.B, n int) []byte {
	src := []byte(httpdtest.SeedVhosts(n))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	return src
}

var benchOpts = apacheconf.Options{ServerRoot: "/", NoFileChecks: true}

// BenchmarkLoad reads a 10,000-vhost configuration of the seed's shape.
func BenchmarkLoad(b *testing.B) {
	src := benchmarkSource(b, 10000)
	for b.Loop() {
		if _, err := apacheconf.LoadSource("/bench.conf", src, benchOpts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteJSON writes the tree of that configuration as JSON.
func BenchmarkWriteJSON(b *testing.B) {
	src := benchmarkSource(b, 10000)
	tree, err := apacheconf.LoadSource("/bench.conf", src, benchOpts)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := tree.WriteJSON(io.Discard, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlatten writes its effective configuration.
func BenchmarkFlatten(b *testing.B) {
	src := benchmarkSource(b, 10000)
	tree, err := apacheconf.LoadSource("/bench.conf", src, benchOpts)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := tree.Flatten(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
