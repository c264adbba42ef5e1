package launch

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		msg  string
		want error
	}{
		{"Error response from daemon: No such container: blog", ErrNoSuchContainer},
		{`Error: no container with name or ID "blog" found: no such container`, ErrNoSuchContainer},
		{"Error response from daemon: Cannot kill container: blog: Container 5c42 is not running", ErrNotRunning},
		{"Error: can only kill running containers. 5c42 is in state exited: container state improper", ErrNotRunning},
		{"Cannot connect to the Docker daemon at tcp://127.0.0.1:1. Is the docker daemon running?", ErrUnreachable},
		{"permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock", ErrUnreachable},
		{"Error response from daemon: network nosuchnet not found", nil},
	}
	for _, tt := range tests {
		if got := classify(tt.msg); got != tt.want {
			t.Errorf("classify(%q) = %v, want %v", tt.msg, got, tt.want)
		}
	}
}

func TestRunMessage(t *testing.T) {
	stderr := "docker: Error response from daemon: network nosuchnet not found.\n\nRun 'docker run --help' for more information\n"
	if got, want := runMessage(stderr), "Error response from daemon: network nosuchnet not found."; got != want {
		t.Errorf("runMessage = %q, want %q", got, want)
	}
}

func TestCommandFailureUnwraps(t *testing.T) {
	err := error(&commandFailure{Command: "docker kill", Message: "Error response from daemon: No such container: x", Kind: ErrNoSuchContainer})
	if !errors.Is(err, ErrNoSuchContainer) || engineMessage(err) != "Error response from daemon: No such container: x" || err.Error() != "docker kill: Error response from daemon: No such container: x" {
		t.Errorf("%v", err)
	}
}

// An excerpt of `docker container inspect` from engine 20.10.
const inspectJSON = `[{
  "Id": "e3e47bb039bb3f40561cfb19ba8dcaf2da9d2666df89e72da2c3b2b15d686a62",
  "Name": "/blog",
  "State": {"Status": "running", "Running": true, "ExitCode": 0,
    "StartedAt": "2026-11-23T21:10:11.321291086Z", "FinishedAt": "0001-01-01T00:00:00Z"},
  "RestartCount": 2,
  "HostConfig": {"RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0}},
  "Config": {"Image": "blog.example.com", "Labels": {"io.wsgidock.project": "blog"}},
  "NetworkSettings": {"Ports": {
    "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8002"}],
    "53/udp": [{"HostIp": "0.0.0.0", "HostPort": "5353"}, {"HostIp": "::", "HostPort": "5353"}],
    "9000/tcp": null}}
}]`

func TestInspectOutput(t *testing.T) {
	var raw []inspected
	if err := json.Unmarshal([]byte(inspectJSON), &raw); err != nil {
		t.Fatal(err)
	}
	got := raw[0].container()
	want := Container{
		ID: "e3e47bb039bb3f40561cfb19ba8dcaf2da9d2666df89e72da2c3b2b15d686a62", Name: "blog", Image: "blog.example.com",
		Labels: map[string]string{"io.wsgidock.project": "blog"}, State: "running", Running: true,
		StartedAt: time.Date(2026, 11, 23, 21, 10, 11, 321291086, time.UTC), RestartCount: 2, RestartPolicy: "unless-stopped",
		Ports: []PublishedPort{
			{HostIP: "0.0.0.0", HostPort: "5353", ContainerPort: "53", Protocol: "udp"},
			{HostIP: "127.0.0.1", HostPort: "8002", ContainerPort: "80", Protocol: "tcp"},
			{HostIP: "::", HostPort: "5353", ContainerPort: "53", Protocol: "udp"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("container\n%+v\nwant\n%+v", got, want)
	}
	var ports []string
	for _, p := range got.Ports {
		ports = append(ports, p.String())
	}
	if want := []string{"0.0.0.0:5353->53/udp", "127.0.0.1:8002->80/tcp", "[::]:5353->53/udp"}; !reflect.DeepEqual(ports, want) {
		t.Errorf("ports %q, want %q", ports, want)
	}
}
