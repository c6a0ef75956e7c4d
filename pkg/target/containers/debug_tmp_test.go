package containers_test

import (
	"context"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
)

func TestDebugTmp(t *testing.T) {
	ctx := context.Background()
	c, err := testcontainers.Run(ctx, "smokeproof/mailpit:local", testcontainers.WithExposedPorts("1025/tcp", "8025/tcp"))
	defer testcontainers.TerminateContainer(c)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	ins, err := c.Inspect(ctx)
	t.Logf("ports %+v err %v", ins.NetworkSettings.Ports, err)
	p, err := c.MappedPort(ctx, "8025/tcp")
	t.Logf("mapped %v %q err %v", p, p.Port(), err)
	h, err := c.Host(ctx)
	t.Logf("host %q %v", h, err)
}
