package target_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/target"
)

// switchDB records what the handoff asked of the database.
type switchDB struct{ calls []string }

func (d *switchDB) Stop(context.Context) error {
	d.calls = append(d.calls, "stop")
	return nil
}

func (d *switchDB) Start(context.Context) error {
	d.calls = append(d.calls, "start")
	return errors.New("the relay is gone")
}

func TestHandoffServesEndpointsAndTheDatabaseSwitch(t *testing.T) {
	db := &switchDB{}
	o := &target.Opened{
		Endpoints: target.Endpoints{Kind: "embedded", WebBase: "http://127.0.0.1:1", Accounts: target.Accounts{Admin: target.Account{Email: "a@x", Password: "s3cret"}}, Caps: target.Capabilities{Owned: true, StopDB: true}},
		Database:  db,
	}
	h, err := target.ServeHandoff(o)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ctx := context.Background()
	e, remote, err := target.FetchHandoff(ctx, h.URL)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != "embedded" || e.Accounts.Admin.Password != "s3cret" || !e.Caps.StopDB {
		t.Errorf("endpoints did not survive the handoff: %+v", e)
	}
	if remote == nil {
		t.Fatal("a target that can stop its database hands over no database switch")
	}
	if err := remote.Stop(ctx); err != nil {
		t.Errorf("stop: %v", err)
	}
	if err := remote.Start(ctx); err == nil || !strings.Contains(err.Error(), "the relay is gone") {
		t.Errorf("start: want the opener's error, got %v", err)
	}
	if strings.Join(db.calls, ",") != "stop,start" {
		t.Errorf("database calls = %v", db.calls)
	}

	// Without the token the server answers nothing.
	base := h.URL[:strings.LastIndex(h.URL, "/")]
	if _, _, err := target.FetchHandoff(ctx, base+"/wrong"); err == nil {
		t.Error("a wrong token was served the endpoints")
	}
}

func TestHandoffWithoutDatabaseSwitch(t *testing.T) {
	h, err := target.ServeHandoff(&target.Opened{Endpoints: target.Endpoints{Kind: "live"}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	_, remote, err := target.FetchHandoff(context.Background(), h.URL)
	if err != nil || remote != nil {
		t.Errorf("live target: database switch %v, error %v", remote, err)
	}
	h.Close()
	if _, _, err := target.FetchHandoff(context.Background(), h.URL); err == nil || !strings.Contains(err.Error(), target.HandoffEnv) {
		t.Errorf("a closed handoff should name %s, got %v", target.HandoffEnv, err)
	}
}
