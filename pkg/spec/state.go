package spec

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// Env is what the suite bootstrap (pkg/suite) hands to the specs of one process once
// the target is attached.
type Env struct {
	Target   *target.Target
	Redactor *evidence.Redactor
	// OutDir is where SaveFile writes evidence files (<OutDir>/evidence/...).
	OutDir string
	// MailWait bounds how long a spec waits for an e-mail; HTTPTimeout each HTTP call.
	MailWait time.Duration
	// MailWindow is how long "exactly one e-mail" must hold after the first arrived
	// (SMOKE_MAIL_WINDOW); 0 counts only what arrived with the first.
	MailWindow  time.Duration
	HTTPTimeout time.Duration
	// Database lets a Serial spec take the target's database away; nil except on the
	// process that opened an owned target (Ginkgo process 1, where Serial specs run).
	Database target.Database
	// Settings are the run's other configuration values a spec may read (SMOKE_* name →
	// value, secrets left out), e.g. the live site's base URLs.
	Settings map[string]string
}

var state struct {
	env      Env
	redactor *evidence.Redactor
}

func init() { state.redactor = &evidence.Redactor{} }

// Use installs the process's environment; the suite bootstrap calls it.
func Use(e Env) {
	if e.Redactor == nil {
		e.Redactor = state.redactor
	}
	state.env, state.redactor = e, e.Redactor
	if e.Target != nil {
		sessions.Lock()
		for email, token := range e.Target.Sessions {
			e.Redactor.Add(token)
			sessions.tokens[email] = token
		}
		sessions.Unlock()
	}
}

// T returns the target this process runs against; valid inside specs and their setup.
func T() *target.Target {
	if state.env.Target == nil {
		ginkgo.Fail("spec.T called before the target was opened: call it inside It/BeforeEach, not while the tree is built")
	}
	return state.env.Target
}

// Settings returns the environment the bootstrap installed (timeouts, output folder).
func Settings() Env { return state.env }

// StopDatabase takes the target's database away for the rest of the running spec: it
// is given back when the spec ends, pass or fail. Only a Serial spec labelled
// StopsDB may call it.
func StopDatabase(ctx context.Context) {
	ginkgo.GinkgoHelper()
	db := state.env.Database
	if db == nil {
		ginkgo.Fail("this target's database cannot be taken away here: label the spec spec.StopsDB and ginkgo.Serial so it runs where the target was opened")
	}
	if err := db.Stop(ctx); err != nil {
		ginkgo.Fail("take the database away: " + err.Error())
	}
	outage.Store(true)
	ginkgo.DeferCleanup(func(ctx context.Context) error {
		outage.Store(false)
		return db.Start(ctx)
	})
}

// outage is true while StopDatabase has the target's database away.
var outage atomic.Bool
