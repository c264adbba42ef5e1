package kube

import (
	"bytes"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	netv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// direct writes the Deployments and Services the builder makes straight
// from their typed fields, in the bytes render gives them, without their
// JSON or its generic value: at 10,000 services those two steps took most
// of the time. It knows exactly the fields the builder sets, with their
// JSON names, omitempty and the library's key order (the tests compare it
// with render on every fixture and on specs that set every field), and it
// leaves to render any other object and any scalar the yamlWriter would
// not write itself.
type direct struct {
	w      *yamlWriter
	b      *bytes.Buffer
	indent int
	inItem bool // the next key follows a "- " already written
	ok     bool
}

// writeDirect appends obj to b as render would, or reports false with b
// as it was.
func (w *yamlWriter) writeDirect(b *bytes.Buffer, obj runtime.Object) bool {
	d := direct{w: w, b: b, ok: true}
	start := b.Len()
	switch o := obj.(type) {
	case *appsv1.Deployment:
		d.deployment(o)
	case *corev1.Service:
		d.service(o)
	case *netv1.Ingress:
		d.ingress(o)
	case *gwv1.HTTPRoute:
		d.httpRoute(o)
	default:
		return false
	}
	if !d.ok {
		b.Truncate(start)
	}
	return d.ok
}

func (d *direct) key(k string) {
	if d.inItem {
		d.inItem = false
	} else {
		writeIndent(d.b, d.indent)
	}
	d.b.WriteString(k)
	d.b.WriteByte(':')
}

func (d *direct) str(k, v string) {
	d.key(k)
	d.b.WriteByte(' ')
	if !d.w.scalar(d.b, v, d.indent+len(k)+2) {
		d.ok = false
	}
	d.b.WriteByte('\n')
}

func (d *direct) strOmit(k, v string) {
	if v != "" {
		d.str(k, v)
	}
}

func (d *direct) int(k string, n int64) {
	d.key(k)
	d.b.WriteByte(' ')
	d.b.WriteString(strconv.FormatInt(n, 10))
	d.b.WriteByte('\n')
}

func (d *direct) boolean(k string, v bool) {
	d.key(k)
	d.b.WriteString(" " + strconv.FormatBool(v) + "\n")
}

// open starts the mapping under k, which must not be empty.
func (d *direct) open(k string) {
	d.key(k)
	d.b.WriteByte('\n')
	d.indent += 2
}

func (d *direct) close() { d.indent -= 2 }

// list starts the sequence under k, which must not be empty: its items
// are not indented further.
func (d *direct) list(k string) {
	d.key(k)
	d.b.WriteByte('\n')
}

// item starts a mapping item of a sequence; end it with close.
func (d *direct) item() {
	writeIndent(d.b, d.indent)
	d.b.WriteString("- ")
	d.indent += 2
	d.inItem = true
}

func (d *direct) strings(k string, ss []string) {
	if len(ss) == 0 {
		return
	}
	d.list(k)
	for _, s := range ss {
		d.listStr(s)
	}
}

// listStr writes the string item s of a sequence.
func (d *direct) listStr(s string) {
	writeIndent(d.b, d.indent)
	d.b.WriteString("- ")
	if !d.w.scalar(d.b, s, d.indent+2) {
		d.ok = false
	}
	d.b.WriteByte('\n')
}

// strMap writes a map of strings under k in the library's key order;
// nothing when it is empty (omitempty).
func (d *direct) strMap(k string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	keys := d.w.sortBuf[:0]
	for key := range m {
		keys = append(keys, key)
	}
	order, ok := d.w.orderOf(keys)
	if !ok {
		d.ok = false
		return
	}
	d.open(k)
	for _, key := range order {
		q, ok := d.w.key(key)
		if !ok {
			d.ok = false
			return
		}
		d.str(q, m[key])
	}
	d.close()
}

func (d *direct) intOrString(k string, v intstr.IntOrString) {
	if v.Type == intstr.Int {
		d.int(k, int64(v.IntVal))
		return
	}
	d.str(k, v.StrVal)
}

func (d *direct) quantity(k string, q resource.Quantity) {
	d.str(k, q.String())
}

func (d *direct) head(apiVersion, kind string) {
	d.str("apiVersion", apiVersion)
	d.str("kind", kind)
}

// meta writes the ObjectMeta fields the builder sets; any other field
// set is left to render.
func (d *direct) meta(k string, labels, annotations map[string]string, name, namespace string) {
	if len(labels) == 0 && len(annotations) == 0 && name == "" && namespace == "" {
		d.key(k)
		d.b.WriteString(" {}\n")
		return
	}
	d.open(k)
	d.strMap("annotations", annotations)
	d.strMap("labels", labels)
	d.strOmit("name", name)
	d.strOmit("namespace", namespace)
	d.close()
}

func (d *direct) deployment(o *appsv1.Deployment) {
	m := o.ObjectMeta
	t := o.Spec.Template
	if !plainDeployment(o) {
		d.ok = false
		return
	}
	d.head(o.APIVersion, o.Kind)
	d.meta("metadata", m.Labels, m.Annotations, m.Name, m.Namespace)
	d.open("spec")
	d.int("replicas", int64(*o.Spec.Replicas))
	d.open("selector")
	d.strMap("matchLabels", o.Spec.Selector.MatchLabels)
	d.close()
	d.open("template")
	d.meta("metadata", t.Labels, t.Annotations, t.Name, t.Namespace)
	d.pod(&t.Spec)
	d.close()
	d.close()
}

// plainDeployment reports whether o has only the fields the builder sets
// where direct writes them.
func plainDeployment(o *appsv1.Deployment) bool {
	s := o.Spec
	return s.Replicas != nil && s.Selector != nil && len(s.Selector.MatchLabels) > 0 &&
		len(s.Selector.MatchExpressions) == 0 && len(o.Spec.Template.Spec.Containers) == 1
}

func (d *direct) pod(p *corev1.PodSpec) {
	d.open("spec")
	d.list("containers")
	for i := range p.Containers {
		d.item()
		d.container(&p.Containers[i])
		d.close()
	}
	if len(p.HostAliases) > 0 {
		d.list("hostAliases")
		for _, h := range p.HostAliases {
			d.item()
			d.strings("hostnames", h.Hostnames)
			d.str("ip", h.IP)
			d.close()
		}
	}
	if p.HostNetwork {
		d.boolean("hostNetwork", true)
	}
	d.strOmit("hostname", p.Hostname)
	if p.TerminationGracePeriodSeconds != nil {
		d.int("terminationGracePeriodSeconds", *p.TerminationGracePeriodSeconds)
	}
	if len(p.Volumes) > 0 {
		d.list("volumes")
		for _, v := range p.Volumes {
			d.item()
			if e := v.EmptyDir; e != nil {
				if e.Medium == "" && e.SizeLimit == nil {
					d.key("emptyDir")
					d.b.WriteString(" {}\n")
				} else {
					d.open("emptyDir")
					d.strOmit("medium", string(e.Medium))
					if e.SizeLimit != nil {
						d.quantity("sizeLimit", *e.SizeLimit)
					}
					d.close()
				}
			} else {
				d.ok = false
			}
			d.str("name", v.Name)
			d.close()
		}
	}
	d.close()
}

func (d *direct) container(c *corev1.Container) {
	d.strings("args", c.Args)
	d.strings("command", c.Command)
	if len(c.Env) > 0 {
		d.list("env")
		for _, e := range c.Env {
			d.item()
			d.str("name", e.Name)
			d.strOmit("value", e.Value)
			d.close()
		}
	}
	d.strOmit("image", c.Image)
	d.strOmit("imagePullPolicy", string(c.ImagePullPolicy))
	d.str("name", c.Name)
	if len(c.Ports) > 0 {
		d.list("ports")
		for _, p := range c.Ports {
			d.item()
			d.int("containerPort", int64(p.ContainerPort))
			d.strOmit("protocol", string(p.Protocol))
			d.close()
		}
	}
	if p := c.ReadinessProbe; p != nil {
		g := p.HTTPGet
		if g == nil {
			d.ok = false
			return
		}
		d.open("readinessProbe")
		d.open("httpGet")
		d.strOmit("path", g.Path)
		d.intOrString("port", g.Port)
		d.strOmit("scheme", string(g.Scheme))
		d.close()
		d.close()
	}
	if l := c.Resources.Limits; len(l) > 0 {
		d.open("resources")
		d.open("limits")
		// Only cpu and memory: in the library's order.
		for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if q, ok := l[name]; ok {
				d.quantity(string(name), q)
			}
		}
		d.close()
		d.close()
	}
	if sc := c.SecurityContext; sc != nil && *sc == (corev1.SecurityContext{}) {
		d.key("securityContext")
		d.b.WriteString(" {}\n")
	} else if sc != nil {
		d.open("securityContext")
		if cp := sc.Capabilities; cp != nil {
			if len(cp.Add) == 0 && len(cp.Drop) == 0 {
				d.key("capabilities")
				d.b.WriteString(" {}\n")
			} else {
				d.open("capabilities")
				d.capabilities("add", cp.Add)
				d.capabilities("drop", cp.Drop)
				d.close()
			}
		}
		if sc.Privileged != nil {
			d.boolean("privileged", *sc.Privileged)
		}
		if sc.ReadOnlyRootFilesystem != nil {
			d.boolean("readOnlyRootFilesystem", *sc.ReadOnlyRootFilesystem)
		}
		if sc.RunAsGroup != nil {
			d.int("runAsGroup", *sc.RunAsGroup)
		}
		if sc.RunAsUser != nil {
			d.int("runAsUser", *sc.RunAsUser)
		}
		d.close()
	}
	if c.Stdin {
		d.boolean("stdin", true)
	}
	if c.TTY {
		d.boolean("tty", true)
	}
	if len(c.VolumeMounts) > 0 {
		d.list("volumeMounts")
		for _, m := range c.VolumeMounts {
			d.item()
			d.str("mountPath", m.MountPath)
			d.str("name", m.Name)
			if m.ReadOnly {
				d.boolean("readOnly", true)
			}
			d.close()
		}
	}
	d.strOmit("workingDir", c.WorkingDir)
}

func (d *direct) capabilities(k string, cs []corev1.Capability) {
	ss := make([]string, len(cs))
	for i, c := range cs {
		ss[i] = string(c)
	}
	d.strings(k, ss)
}

func (d *direct) service(o *corev1.Service) {
	m := o.ObjectMeta
	d.head(o.APIVersion, o.Kind)
	d.meta("metadata", m.Labels, m.Annotations, m.Name, m.Namespace)
	if len(o.Spec.Ports) == 0 && len(o.Spec.Selector) == 0 {
		d.ok = false
		return
	}
	d.open("spec")
	if len(o.Spec.Ports) > 0 {
		d.list("ports")
		for _, p := range o.Spec.Ports {
			d.item()
			d.strOmit("name", p.Name)
			d.int("port", int64(p.Port))
			d.strOmit("protocol", string(p.Protocol))
			d.intOrString("targetPort", p.TargetPort)
			d.close()
		}
	}
	d.strMap("selector", o.Spec.Selector)
	d.close()
}
