package report

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// NotApplicable starts the skip message of a spec whose check does not apply to the
// target (no certificate on a plain-http site): it neither proves nor blocks its bullet.
const NotApplicable = "not applicable: "

func checkedStatus(bs *BulletStatus, setupFail string) {
	var passed, failed, broken, ran, na int
	var firstFailed, firstBroken, firstNotRun *SpecResult
	for _, s := range bs.Specs {
		switch {
		case s.State.Is(types.SpecStateSkipped) && strings.HasPrefix(s.Reason, NotApplicable):
			na++
		case s.State.Is(types.SpecStatePassed):
			passed++
			ran++
		case s.IsBroken():
			broken++
			if firstBroken == nil {
				firstBroken = s
			}
		case s.State.Is(types.SpecStateFailureStates):
			failed++
			ran++
			if firstFailed == nil {
				firstFailed = s
			}
		default:
			if firstNotRun == nil {
				firstNotRun = s
			}
		}
	}
	switch {
	case failed > 0:
		bs.Status, bs.Reason = Failed, firstFailed.oneLine()
	case broken > 0:
		bs.Status, bs.Reason = Broken, firstBroken.Failure.Broken+": "+firstBroken.oneLine()
	case ran == 0 && setupFail != "":
		bs.Status, bs.Reason = Broken, "suite setup failed: "+setupFail
	case len(bs.Specs) == na:
		bs.Status, bs.Reason = NotRun, "not run: no spec ran"
	case passed == len(bs.Specs)-na:
		bs.Status = Passed
	default:
		bs.Status, bs.Reason = NotRun, firstNotRun.Reason
		if passed > 0 {
			bs.Reason = fmt.Sprintf("%d of %d specs passed; %s", passed, len(bs.Specs)-na, firstNotRun.Reason)
		}
	}
}

func derivedStatus(bs *BulletStatus, all []BulletStatus) {
	var waiting *BulletStatus
	checked := 0
	for i := range all {
		b := &all[i]
		if b.Bullet.Kind != dod.Checked {
			continue
		}
		checked++
		if b.Status == Failed {
			bs.Status, bs.Reason = Failed, "blocked by: "+plainText(b.Bullet.Text)
			return
		}
		if b.Status != Passed && waiting == nil {
			waiting = b
		}
	}
	switch {
	case checked == 0:
		bs.Status, bs.Reason = NotRun, "not run: no checked bullet to derive it from"
	case waiting != nil:
		bs.Status, bs.Reason = NotRun, "not proven: waiting for "+plainText(waiting.Bullet.Text)
	default:
		bs.Status = Passed
	}
}

// verdict decides an item's result from its bullets.
func verdict(bullets []BulletStatus) (Result, string) {
	var first, firstBroken *BulletStatus
	res := Done
	for i := range bullets {
		b := &bullets[i]
		switch b.Status {
		case Failed:
			if first == nil || (first.Bullet.Kind != dod.Checked && b.Bullet.Kind == dod.Checked) {
				first = b
			}
		case Broken:
			if firstBroken == nil {
				firstBroken = b
			}
		case NotRun:
			res = Incomplete
		}
	}
	if first != nil {
		return NotDone, plainText(first.Bullet.Text) + " — " + first.Reason
	}
	if firstBroken != nil {
		return NotChecked, plainText(firstBroken.Bullet.Text) + " — " + firstBroken.Reason
	}
	return res, ""
}

// location returns file:line relative to the repository.
