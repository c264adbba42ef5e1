package kube

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

func TestDNSLabel(t *testing.T) {
	long := strings.Repeat("a", 70)
	tests := []struct{ in, want string }{
		{"blog", "blog"},
		{"blog.example.com", "blog-example-com"},
		{"Evil_App.v2", "evil-app-v2"},
		{"a..b__c", "a-b-c"},
		{"-lead-and-trail-", "lead-and-trail"},
		{"8002", "x-8002"},
		{"", "x"},
		{"☃", "x"},
		{"ünïcödé", "n-c-d"},
		{long, ""}, // checked for its shape below
	}
	for _, tt := range tests {
		got := dnsLabel(tt.in)
		if tt.in == long {
			// The hash suffix is of the original name; check the shape.
			if len(got) != maxName || !strings.HasPrefix(got, strings.Repeat("a", 54)+"-") {
				t.Errorf("dnsLabel(70 a) = %q", got)
			}
		} else if got != tt.want {
			t.Errorf("dnsLabel(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if errs := validation.IsDNS1035Label(got); len(errs) > 0 {
			t.Errorf("dnsLabel(%q) = %q: %v", tt.in, got, errs)
		}
	}
	if dnsLabel(long+"b") == dnsLabel(long+"c") {
		t.Error("two long names that differ at the end got the same label")
	}
}

func TestNamesTake(t *testing.T) {
	n := names{}
	got := []string{n.take("web"), n.take("Web"), n.take("web."), n.take(strings.Repeat("b", 63)), n.take(strings.Repeat("b", 63))}
	want := []string{"web", "web-2", "web-3", strings.Repeat("b", 63), strings.Repeat("b", 61) + "-2"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("take %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestLabelValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"shop", "shop"},
		{"Hostile Project", "Hostile-Project"},
		{"-x-", "x"},
		{"☃", ""},
		{strings.Repeat("v", 70), strings.Repeat("v", 63)},
	}
	for _, tt := range tests {
		got := labelValue(tt.in)
		if got != tt.want {
			t.Errorf("labelValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if errs := validation.IsValidLabelValue(got); len(errs) > 0 {
			t.Errorf("labelValue(%q) = %q: %v", tt.in, got, errs)
		}
	}
}

func FuzzDNSLabel(f *testing.F) {
	for _, s := range []string{"blog.example.com", "Evil_App.v2", "", "8002", "a-", "-", "a--b", "é1", strings.Repeat("-a", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if errs := validation.IsDNS1035Label(dnsLabel(s)); len(errs) > 0 {
			t.Fatalf("dnsLabel(%q) = %q: %v", s, dnsLabel(s), errs)
		}
		if errs := validation.IsValidLabelValue(labelValue(s)); len(errs) > 0 {
			t.Fatalf("labelValue(%q) = %q: %v", s, labelValue(s), errs)
		}
	})
}
