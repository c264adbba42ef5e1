package kube

import (
	"cmp"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/wsgidock/wsgidock/apacheconf"
	"github.com/wsgidock/wsgidock/translate/emit/internal/check"
	"github.com/wsgidock/wsgidock/translate/spec"
)

// Label keys of the recommended set, used as the selector.
const (
	labelName      = "app.kubernetes.io/name"
	labelPartOf    = "app.kubernetes.io/part-of"
	labelManagedBy = "app.kubernetes.io/managed-by"
)

// workload is what one container service becomes.
type workload struct {
	svc        *spec.Service
	name       string
	deployment *appsv1.Deployment
	service    *corev1.Service // nil without published ports
	// servicePorts are the Service's ports by the published host port
	// (or the container port when none is published) each stands for,
	// so routes and probes naming the old URL find their port.
	servicePorts []servicePort
	// meta and selector are shared by the Deployment and the Service,
	// which have the same; nothing changes them once made.
	meta     metav1.ObjectMeta
	selector map[string]string
}

// servicePort is one Service port, by the port number in the URLs that
// name it.
type servicePort struct {
	published string
	port      int32
}

// servicePort is the Service port that stands for the URL port published.
func (w *workload) servicePort(published string) (int32, bool) {
	for _, p := range w.servicePorts {
		if p.published == published {
			return p.port, true
		}
	}
	return 0, false
}

type builder struct {
	sp      *spec.Spec
	opts    Options
	project string // label value
	notes   []spec.Item
}

func (b *builder) note(s *spec.Service, what, why string, src apacheconf.Position) {
	b.notes = append(b.notes, spec.Item{Service: s.Name, What: what, Why: why, Source: check.Or(src, s)})
}

func (b *builder) meta(name string, s *spec.Service) metav1.ObjectMeta {
	m := metav1.ObjectMeta{
		Name:      name,
		Namespace: b.opts.Namespace,
		Labels:    b.selector(name),
		Annotations: map[string]string{
			spec.LabelProject:    b.sp.Project,
			spec.LabelConfigHash: b.sp.ConfigHash,
		},
	}
	m.Labels[labelManagedBy] = "wsgidock"
	if s != nil {
		m.Annotations[spec.LabelService] = s.Name
		m.Annotations[annotationSource] = s.Origin.Daemon.String()
	}
	return m
}

// annotationSource records the WSGIDaemonProcess line an object came from.
const annotationSource = "io.wsgidock.source"

func (b *builder) selector(name string) map[string]string {
	sel := map[string]string{labelName: name}
	if b.project != "" {
		sel[labelPartOf] = b.project
	}
	return sel
}

func (b *builder) workload(s *spec.Service, name string) *workload {
	w := &workload{svc: s, name: name, meta: b.meta(name, s), selector: b.selector(name)}
	at := check.Where(s)
	c := corev1.Container{
		Name:       name,
		Image:      s.Image,
		WorkingDir: s.Workdir,
	}
	switch {
	case s.Entrypoint == nil:
		c.Args = escapeAll(s.Command)
	case *s.Entrypoint == "" && len(s.Command) > 0:
		// docker run --entrypoint "" runs the command words alone.
		c.Command = escapeAll(s.Command)
	case *s.Entrypoint == "":
		b.note(s, "--entrypoint ''", "with no command words, docker runs the image's CMD without its ENTRYPOINT; a pod cannot say that: set command: to the image's CMD", at)
	default:
		c.Command = []string{escapeRefs(*s.Entrypoint)}
		c.Args = escapeAll(s.Command)
	}
	for _, e := range s.Env {
		if !e.HasValue {
			b.note(s, "-e "+e.Name, "takes its value from the environment of whoever runs docker, which a pod does not have; set it in the manifest or from a Secret", e.Source)
			continue
		}
		c.Env = append(c.Env, corev1.EnvVar{Name: e.Name, Value: escapeRefs(e.Value)})
	}
	pod := corev1.PodSpec{}
	b.ports(w, &c)
	b.volumes(s, &c, &pod)
	b.user(s, &c)
	b.network(s, &pod)
	b.extra(s, &c, &pod)
	b.probe(w, &c)
	grace := int64((s.StopTimeout() + 999999999) / 1e9)
	pod.TerminationGracePeriodSeconds = &grace
	if sig := s.StopSignal(); sig != "SIGTERM" {
		b.note(s, "stop signal "+sig, "Kubernetes stops a container with SIGTERM or the image's STOPSIGNAL (lifecycle.stopSignal is alpha, behind ContainerStopSignals); set STOPSIGNAL "+sig+" in the image", s.Stop.Source)
	}
	if len(s.PostStart) > 0 {
		b.note(s, "post-start command "+strings.Join(s.PostStart, " "), "it runs on the host once the service is ready; lifecycle.postStart runs inside the container at start", at)
	}
	if s.Build != nil {
		b.note(s, "image "+s.Image, "built from the application's source tree by wsgidock up or run.sh, on this machine only: push it where the cluster pulls from and put that name here (MIGRATION.md says how)", s.Build.Source)
	}
	pod.Containers = []corev1.Container{c}

	podMeta := metav1.ObjectMeta{Labels: w.selector, Annotations: b.podAnnotations(s)}
	replicas := int32(1)
	w.deployment = &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: w.meta,
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: w.selector},
			Template: corev1.PodTemplateSpec{ObjectMeta: podMeta, Spec: pod},
		},
	}
	return w
}

// podAnnotations carries the container's labels; Kubernetes labels are for
// selection and have a stricter syntax, annotations hold anything.
func (b *builder) podAnnotations(s *spec.Service) map[string]string {
	var ann map[string]string
	for _, l := range s.Labels {
		if errs := validation.IsQualifiedName(l.Key); len(errs) > 0 {
			b.note(s, "--label "+l.Key, "not a Kubernetes annotation key: "+strings.Join(errs, "; "), l.Source)
			continue
		}
		if ann == nil {
			ann = map[string]string{}
		}
		ann[l.Key] = l.Value
	}
	return ann
}

// ports lists the container ports and builds the Service: its port is the
// published host port, which the front end's URLs name, and its target the
// container port.
func (b *builder) ports(w *workload, c *corev1.Container) {
	s := w.svc
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: w.meta,
		Spec:       corev1.ServiceSpec{Selector: w.selector},
	}
	// The container ports listed, by the text of the port and the
	// protocol.
	type listed struct {
		port  string
		proto corev1.Protocol
	}
	var seen []listed
	for _, p := range s.Ports {
		target, err1 := strconv.ParseInt(p.ContainerPort, 10, 32)
		port := target
		var err2 error
		if p.HostPort != "" {
			port, err2 = strconv.ParseInt(p.HostPort, 10, 32)
		}
		if err1 != nil || err2 != nil || target < 1 || target > 65535 || port < 1 || port > 65535 {
			b.note(s, "--publish "+p.String(), "a Service port is one number from 1 to 65535; write one Service port per port of the range by hand", p.Source)
			continue
		}
		proto := corev1.Protocol(strings.ToUpper(p.Protocol))
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		if proto != corev1.ProtocolTCP && proto != corev1.ProtocolUDP && proto != corev1.ProtocolSCTP {
			b.note(s, "--publish "+p.String(), "protocol "+p.Protocol+" is not TCP, UDP or SCTP", p.Source)
			continue
		}
		if key := (listed{p.ContainerPort, proto}); !slices.Contains(seen, key) {
			seen = append(seen, key)
			c.Ports = append(c.Ports, corev1.ContainerPort{ContainerPort: int32(target), Protocol: proto})
		}
		name := strings.ToLower(string(proto)) + "-" + strconv.FormatInt(port, 10)
		dup := false
		for _, sp := range svc.Spec.Ports {
			dup = dup || sp.Name == name
		}
		if dup {
			b.note(s, "--publish "+p.String(), "another published port already maps to Service port "+strconv.FormatInt(port, 10), p.Source)
			continue
		}
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{
			Name: name, Port: int32(port), TargetPort: intstr.FromInt32(int32(target)), Protocol: proto,
		})
		w.servicePorts = append(w.servicePorts, servicePort{strconv.FormatInt(port, 10), int32(port)})
	}
	if len(svc.Spec.Ports) > 0 {
		w.service = svc
	}
}

// volumes maps what a pod can hold on its own: tmpfs and anonymous volumes
// become emptyDir. Host directories and named volumes outlive the pod on
// one machine only; they need storage the cluster provides.
func (b *builder) volumes(s *spec.Service, c *corev1.Container, pod *corev1.PodSpec) {
	for i, v := range s.Volumes {
		name := "volume-" + strconv.Itoa(i+1)
		var src corev1.VolumeSource
		switch {
		case v.Type == "tmpfs":
			dir := &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}
			if size := mountOption(v.Spec, "tmpfs-size"); size != "" {
				if n, err := units.RAMInBytes(size); err == nil {
					dir.SizeLimit = resource.NewQuantity(n, resource.BinarySI)
				}
			}
			src.EmptyDir = dir
		case v.Type == "volume" && v.Source == "":
			src.EmptyDir = &corev1.EmptyDirVolumeSource{}
		case v.Type == "bind":
			b.note(s, v.Flag+" "+v.Spec, "a host directory exists on one node only; use a PersistentVolumeClaim (or hostPath on a single node) mounted at "+v.Target, v.Where)
			continue
		default:
			b.note(s, v.Flag+" "+v.Spec, "a named volume needs a PersistentVolumeClaim with a size and storage class; create one and mount it at "+v.Target, v.Where)
			continue
		}
		pod.Volumes = append(pod.Volumes, corev1.Volume{Name: name, VolumeSource: src})
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: name, MountPath: v.Target, ReadOnly: v.ReadOnly})
	}
}

// mountOption returns the value of key in a --mount list ("k=v,k=v").
func mountOption(list, key string) string {
	for _, f := range strings.Split(list, ",") {
		if k, v, ok := strings.Cut(f, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// user maps a numeric --user; a pod cannot name a user, only an ID.
func (b *builder) user(s *spec.Service, c *corev1.Container) {
	if s.User == "" {
		return
	}
	u, g, hasGroup := strings.Cut(s.User, ":")
	uid, err1 := strconv.ParseInt(u, 10, 64)
	gid, err2 := strconv.ParseInt(g, 10, 64)
	if err1 != nil || hasGroup && err2 != nil {
		b.note(s, "--user "+s.User, "a pod runs as numeric IDs only; use the IDs of that user in the image", s.Where["user"])
		return
	}
	sc := securityContext(c)
	sc.RunAsUser = &uid
	if hasGroup {
		sc.RunAsGroup = &gid
	}
}

func securityContext(c *corev1.Container) *corev1.SecurityContext {
	if c.SecurityContext == nil {
		c.SecurityContext = &corev1.SecurityContext{}
	}
	return c.SecurityContext
}

func (b *builder) network(s *spec.Service, pod *corev1.PodSpec) {
	switch s.Network {
	case "", "bridge", "default":
	case "host":
		pod.HostNetwork = true
	default:
		b.note(s, "--network "+s.Network, "pods share the cluster network and reach each other through Services, by name; drop the network", s.Where["network"])
	}
}

// extra maps the docker run flags a pod has fields for.
func (b *builder) extra(s *spec.Service, c *corev1.Container, pod *corev1.PodSpec) {
	for _, f := range s.Extra {
		what := f.Name
		if f.HasValue {
			what += "=" + f.Value
		}
		if why := b.flag(f, c, pod); why != "" {
			b.note(s, what, why, f.Source)
		}
	}
}

func flagBool(f spec.Flag) (bool, string) {
	if !f.HasValue {
		return true, ""
	}
	v, err := strconv.ParseBool(f.Value)
	if err != nil {
		return false, "value " + strconv.Quote(f.Value) + " is not true or false"
	}
	return v, ""
}

func (b *builder) flag(f spec.Flag, c *corev1.Container, pod *corev1.PodSpec) string {
	switch f.Name {
	case "--privileged", "--read-only", "--tty", "--interactive":
		v, why := flagBool(f)
		if why != "" {
			return why
		}
		switch f.Name {
		case "--privileged":
			securityContext(c).Privileged = &v
		case "--read-only":
			securityContext(c).ReadOnlyRootFilesystem = &v
		case "--tty":
			c.TTY = v
		default:
			c.Stdin = v
		}
	case "--cap-add", "--cap-drop":
		sc := securityContext(c)
		if sc.Capabilities == nil {
			sc.Capabilities = &corev1.Capabilities{}
		}
		cp := corev1.Capability(strings.TrimPrefix(strings.ToUpper(f.Value), "CAP_"))
		if f.Name == "--cap-add" {
			sc.Capabilities.Add = append(sc.Capabilities.Add, cp)
		} else {
			sc.Capabilities.Drop = append(sc.Capabilities.Drop, cp)
		}
	case "--memory":
		n, err := units.RAMInBytes(f.Value)
		if err != nil {
			return "value " + strconv.Quote(f.Value) + " is not a size"
		}
		limits(c)[corev1.ResourceMemory] = *resource.NewQuantity(n, resource.BinarySI)
	case "--cpus":
		q, err := resource.ParseQuantity(f.Value)
		if err != nil {
			return "value " + strconv.Quote(f.Value) + " is not a number of CPUs"
		}
		limits(c)[corev1.ResourceCPU] = q
	case "--pull":
		policy, ok := map[string]corev1.PullPolicy{"always": corev1.PullAlways, "missing": corev1.PullIfNotPresent, "never": corev1.PullNever}[f.Value]
		if !ok {
			return "value " + strconv.Quote(f.Value) + " is not always, missing or never"
		}
		c.ImagePullPolicy = policy
	case "--add-host":
		host, ip, ok := strings.Cut(f.Value, ":")
		if !ok || net.ParseIP(ip) == nil {
			return "only HOST:IP can become a host alias"
		}
		pod.HostAliases = append(pod.HostAliases, corev1.HostAlias{IP: ip, Hostnames: []string{host}})
	case "--hostname":
		if errs := validation.IsDNS1123Label(f.Value); len(errs) > 0 {
			return "a pod's hostname is one DNS label (" + strings.Join(errs, "; ") + ")"
		}
		pod.Hostname = f.Value
	case "--init":
		if v, why := flagBool(f); why != "" || v {
			return cmp.Or(why, "a pod has no init process to add; put tini or dumb-init in the image's ENTRYPOINT")
		}
	case "--rm":
		return "the Deployment replaces the pod; nothing is left to remove"
	case "--detach", "--sig-proxy", "--cidfile", "--quiet", "--attach", "--detach-keys":
		return "it changes only what the docker client does, not the container"
	default:
		return "a pod has no field for " + f.Name + "; add the equivalent by hand if it matters"
	}
	return ""
}

func limits(c *corev1.Container) corev1.ResourceList {
	if c.Resources.Limits == nil {
		c.Resources.Limits = corev1.ResourceList{}
	}
	return c.Resources.Limits
}

// probe turns the Ready URL, which names the published host port, into a
// readiness probe on the container port behind it.
func (b *builder) probe(w *workload, c *corev1.Container) {
	s := w.svc
	if s.Ready == nil {
		return
	}
	u, err := url.Parse(s.Ready.URL)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		b.note(s, "readiness check "+s.Ready.URL, "not an http or https URL", s.Ready.Source)
		return
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	var target string
	for _, p := range s.Ports {
		if p.HostPort == port || p.HostPort == "" && p.ContainerPort == port {
			target = p.ContainerPort
			break
		}
	}
	n, err := strconv.ParseInt(target, 10, 32)
	if err != nil {
		b.note(s, "readiness check "+s.Ready.URL, "port "+port+" is not one the container publishes, so the probe has no container port to ask", s.Ready.Source)
		return
	}
	scheme := corev1.URISchemeHTTP
	if u.Scheme == "https" {
		scheme = corev1.URISchemeHTTPS
	}
	c.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
		Path: u.RequestURI(), Port: intstr.FromInt32(int32(n)), Scheme: scheme,
	}}}
}
