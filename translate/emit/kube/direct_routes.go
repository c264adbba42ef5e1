package kube

import (
	netv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// ingress writes the Ingress the builder makes: its class, and per host
// a rule of Prefix paths to Service ports by number.
func (d *direct) ingress(o *netv1.Ingress) {
	m := o.ObjectMeta
	s := o.Spec
	if s.DefaultBackend != nil || len(s.TLS) > 0 {
		d.ok = false
		return
	}
	d.head(o.APIVersion, o.Kind)
	d.meta("metadata", m.Labels, m.Annotations, m.Name, m.Namespace)
	if s.IngressClassName == nil && len(s.Rules) == 0 {
		d.key("spec")
		d.b.WriteString(" {}\n")
		return
	}
	d.open("spec")
	if s.IngressClassName != nil {
		d.str("ingressClassName", *s.IngressClassName)
	}
	if len(s.Rules) > 0 {
		d.list("rules")
		for _, r := range s.Rules {
			if r.HTTP == nil || len(r.HTTP.Paths) == 0 {
				d.ok = false
				return
			}
			d.item()
			d.strOmit("host", r.Host)
			d.open("http")
			d.list("paths")
			for _, p := range r.HTTP.Paths {
				b := p.Backend
				if b.Resource != nil || b.Service == nil || b.Service.Port.Name != "" || b.Service.Port.Number == 0 || p.PathType == nil {
					d.ok = false
					return
				}
				d.item()
				d.open("backend")
				d.open("service")
				d.str("name", b.Service.Name)
				d.open("port")
				d.int("number", int64(b.Service.Port.Number))
				d.close()
				d.close()
				d.close()
				d.strOmit("path", p.Path)
				d.str("pathType", string(*p.PathType))
				d.close()
			}
			d.close()
			d.close()
		}
	}
	d.close()
}

// httpRoute writes an HTTPRoute the builder makes: its parent Gateway,
// host and rules of one path prefix match to one Service port, with the
// filters that set headers and rewrite the prefix.
func (d *direct) httpRoute(o *gwv1.HTTPRoute) {
	m := o.ObjectMeta
	s := o.Spec
	if len(s.ParentRefs) == 0 || len(s.Rules) == 0 || s.UseDefaultGateways != "" {
		d.ok = false
		return
	}
	d.head(o.APIVersion, o.Kind)
	d.meta("metadata", m.Labels, m.Annotations, m.Name, m.Namespace)
	d.open("spec")
	if len(s.Hostnames) > 0 {
		d.list("hostnames")
		for _, h := range s.Hostnames {
			d.listStr(string(h))
		}
	}
	d.list("parentRefs")
	for _, p := range s.ParentRefs {
		if p.Group != nil || p.Kind != nil || p.SectionName != nil || p.Port != nil {
			d.ok = false
			return
		}
		d.item()
		d.str("name", string(p.Name))
		if p.Namespace != nil {
			d.str("namespace", string(*p.Namespace))
		}
		d.close()
	}
	d.list("rules")
	for _, r := range s.Rules {
		if !plainRule(r) {
			d.ok = false
			return
		}
		d.item()
		d.list("backendRefs")
		for _, b := range r.BackendRefs {
			d.item()
			d.str("name", string(b.Name))
			d.int("port", int64(*b.Port))
			d.close()
		}
		if len(r.Filters) > 0 {
			d.list("filters")
			for _, f := range r.Filters {
				d.item()
				d.filter(f)
				d.close()
			}
		}
		d.list("matches")
		for _, mt := range r.Matches {
			d.item()
			d.open("path")
			d.str("type", string(*mt.Path.Type))
			d.str("value", *mt.Path.Value)
			d.close()
			d.close()
		}
		d.close()
	}
	d.close()
}

// plainRule reports whether r has only what the builder sets: matches
// of a path type and value, backend Services by name and port, and the
// two filters it makes.
func plainRule(r gwv1.HTTPRouteRule) bool {
	if r.Name != nil || r.Timeouts != nil || r.Retry != nil || r.SessionPersistence != nil || len(r.Matches) == 0 || len(r.BackendRefs) == 0 {
		return false
	}
	for _, m := range r.Matches {
		if m.Path == nil || m.Path.Type == nil || m.Path.Value == nil || len(m.Headers) > 0 || len(m.QueryParams) > 0 || m.Method != nil {
			return false
		}
	}
	for _, b := range r.BackendRefs {
		if b.Group != nil || b.Kind != nil || b.Namespace != nil || b.Port == nil || b.Weight != nil || len(b.Filters) > 0 {
			return false
		}
	}
	for _, f := range r.Filters {
		switch {
		case f.ResponseHeaderModifier != nil || f.RequestMirror != nil || f.RequestRedirect != nil || f.CORS != nil || f.ExternalAuth != nil || f.ExtensionRef != nil:
			return false
		case f.Type == gwv1.HTTPRouteFilterRequestHeaderModifier && f.RequestHeaderModifier != nil && f.URLRewrite == nil:
			h := f.RequestHeaderModifier
			if len(h.Set) == 0 || len(h.Add) > 0 || len(h.Remove) > 0 {
				return false
			}
		case f.Type == gwv1.HTTPRouteFilterURLRewrite && f.URLRewrite != nil && f.RequestHeaderModifier == nil:
			u := f.URLRewrite
			if u.Hostname != nil || u.Path == nil || u.Path.ReplaceFullPath != nil || u.Path.ReplacePrefixMatch == nil {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func (d *direct) filter(f gwv1.HTTPRouteFilter) {
	if h := f.RequestHeaderModifier; h != nil {
		d.open("requestHeaderModifier")
		d.list("set")
		for _, s := range h.Set {
			d.item()
			d.str("name", string(s.Name))
			d.str("value", s.Value)
			d.close()
		}
		d.close()
	}
	d.str("type", string(f.Type))
	if u := f.URLRewrite; u != nil {
		d.open("urlRewrite")
		d.open("path")
		d.str("replacePrefixMatch", *u.Path.ReplacePrefixMatch)
		d.str("type", string(u.Path.Type))
		d.close()
		d.close()
	}
}
