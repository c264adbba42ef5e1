package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgidock/wsgidock/apacheconf/catalog/internal/httpdtable"
)

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "catalog.gen.go")
	for _, body := range []string{"first\n", "second\n"} {
		if err := writeAtomic(file, []byte(body)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(file)
		if err != nil || string(got) != body {
			t.Fatalf("file holds %q (%v), want %q", got, err, body)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the file: temporary files left behind", len(entries))
	}
	if err := writeAtomic(filepath.Join(dir, "missing", "x.go"), []byte("x")); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

// A failed collection leaves the existing file alone.
func TestRunKeepsFileOnError(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "catalog.gen.go")
	if err := os.WriteFile(file, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := httpdtable.DefaultOptions()
	opts.Apache2 = filepath.Join(dir, "no-apache2")
	err := run(file, opts)
	if err == nil || !strings.Contains(err.Error(), "no-apache2") {
		t.Errorf("run error = %v, want one naming the missing binary", err)
	}
	if got, _ := os.ReadFile(file); string(got) != "old\n" {
		t.Errorf("file now holds %q", got)
	}
}
