# Shared by .ci/live.sh (MariaDB) and .ci/live-pg.sh (PostgreSQL), sourced first. The
# caller sets live_name (live, live-pg: the output folder and the messages), db_name
# (MariaDB, PostgreSQL), ro_word (user, role), db_log (the server's log file in $tmp)
# and db_stop_signal (how the server is asked to stop), starts its database with the
# helpers below (setting db_pid, db_port, defining sql), then calls shop_and_first_run
# and later_runs.
root=$PWD
out="${SMOKE_OUT:-out}"
case "$out" in /*) ;; *) out="$root/$out" ;; esac
out="$out/$live_name"

step() { printf '==> [%4ds] %s\n' "$SECONDS" "$*"; }
fail() { printf '%s: FAILED: %s\n' "$live_name" "$*" >&2; exit 1; }

tmp=$(mktemp -d "/tmp/smokeproof-$live_name.XXXXXX")
db_pid="" shop_pid=""
cleanup() {
  local rc=$?
  set +e
  if [ -n "$shop_pid" ] && kill -0 "$shop_pid" 2>/dev/null; then
    kill -TERM "$shop_pid"; wait "$shop_pid" 2>/dev/null
  fi
  stop_db
  if [ $rc -ne 0 ]; then
    for f in "$tmp/shop.log" "$tmp/$db_log"; do
      [ -f "$f" ] && { echo "--- last lines of $(basename "$f")"; tail -n 20 "$f"; }
    done
  fi
  rm -rf "$tmp"
  exit $rc
}
stop_db() {
  if [ -n "$db_pid" ] && kill -0 "$db_pid" 2>/dev/null; then
    kill -"$db_stop_signal" "$db_pid"
    for _ in $(seq 1 300); do kill -0 "$db_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$db_pid" 2>/dev/null && kill -KILL "$db_pid"
    wait "$db_pid" 2>/dev/null
  fi
  db_pid=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a loopback port nothing answers on.
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  fail "no free port found on 127.0.0.1"
}

# http_status URL-PATH prints the status code of GET http://127.0.0.1:$shop_port$1 (000 when no answer).
http_status() {
  local line
  if { exec 3<>"/dev/tcp/127.0.0.1/$shop_port"; } 2>/dev/null; then
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
    read -r -t 5 line <&3 || line=""
    exec 3<&-
    echo "$line" | awk '{print $2}'
  else
    echo 000
  fi
}

secret() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# shop_and_first_run builds and starts the shop on $shop_dsn, writes the smoke accounts,
# and does run 1 (read-only) with the harness reading the database as $ro_dsn. (The body
# is not indented: it holds a here-document.)
shop_and_first_run() {
# --- the shop ----------------------------------------------------------------------
step "building cmd/shop"
go build -o "$tmp/shop" ./cmd/shop
shop_port=$(free_port)
mkdir -p "$tmp/storage/logs"
mail_log="$tmp/storage/logs/laravel.log"
SHOP_DB_DSN="$shop_dsn" SHOP_ADDR="127.0.0.1:$shop_port" \
  SHOP_MIGRATE=1 SHOP_MAILER=log SHOP_MAIL_LOG="$mail_log" SHOP_ENV=production \
  "$tmp/shop" serve >"$tmp/shop.log" 2>&1 &
shop_pid=$!
for _ in $(seq 1 300); do
  [ "$(http_status /api/health)" = 200 ] && break
  kill -0 "$shop_pid" 2>/dev/null || fail "the shop exited during start-up"
  sleep 0.1
done
[ "$(http_status /api/health)" = 200 ] || fail "the shop did not answer /api/health with 200 within 30 s"
step "shop serving http://127.0.0.1:$shop_port (migrated and seeded; mail to $mail_log)"

# The smoke accounts: the seed world's users (fixtures/sql/world.go), as an ops team
# would keep them in a file outside the repository.
account() {
  sed -n "s/^[[:space:]]*$1[[:space:]]*= Account{\"[^\"]*\", \"\([^\"]*\)\", \"\([^\"]*\)\".*/\\$2/p" fixtures/sql/world.go
}
{
  echo "# smoke accounts of the CI shop"
  for pair in ADMIN:Admin PRODUCER_A:ProducerA PRODUCER_B:ProducerB PRODUCER_NOPROFILE:ProducerNoProfile CONSUMER:Consumer1; do
    var=${pair%%:*} name=${pair#*:}
    email=$(account "$name" 1) password=$(account "$name" 2)
    if [ -z "$email" ] || [ -z "$password" ]; then fail "cannot read the $name account from fixtures/sql/world.go"; fi
    echo "SMOKE_${var}_EMAIL=$email"
    echo "SMOKE_${var}_PASSWORD=$password"
  done
} >"$tmp/accounts.env"

# The app's route list, as a team would export it (php artisan route:list --json).
"$tmp/shop" routes --json >"$tmp/routes.json" || fail "shop routes --json failed"
export SMOKE_APP_ROUTES="$tmp/routes.json"
export SMOKE_TARGET=live SMOKE_BASE_URL="http://127.0.0.1:$shop_port" SMOKE_ACCOUNTS="$tmp/accounts.env" \
  SMOKE_MAIL="laravel-log:$mail_log" SMOKE_DB_DSN="$ro_dsn"
unset SMOKE_ALLOW_WRITES SMOKE_API_URL SMOKE_WEB_URL SHOP_FAULTS

# bullets DIR prints one line per checked DoD bullet of DIR/proof.json (the bullets
# specs prove, not the manual, document or derived ones): "ID STATUS REASON".
cat >"$tmp/bullets.go" <<'GO'
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var p struct {
		Items []struct {
			Bullets []struct{ ID, Kind, Status, Reason string } `json:"bullets"`
		} `json:"items"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, it := range p.Items {
		for _, b := range it.Bullets {
			if b.Kind != "checked" {
				continue
			}
			fmt.Printf("%s %s %s\n", b.ID, b.Status, b.Reason)
		}
	}
}
GO
go build -o "$tmp/bullets" "$tmp/bullets.go"
bullets() { "$tmp/bullets" "$1/proof.json"; }

# snapshot prints what a read-only run must not change.
snapshot() {
  sql "SELECT CONCAT('orders=', (SELECT COUNT(*) FROM orders), ' order_items=', (SELECT COUNT(*) FROM order_items),
    ' cart_items=', (SELECT COUNT(*) FROM cart_items), ' users=', (SELECT COUNT(*) FROM users),
    ' products=', (SELECT COUNT(*) FROM products), ' stock=', (SELECT COALESCE(SUM(stock),0) FROM products),
    ' notifications=', (SELECT COUNT(*) FROM notifications))"
}

# run NAME EXPECTED-EXIT [smokeproof run args...]: runs the suites into $out/NAME.
run() {
  local name=$1 want=$2 rc=0
  shift 2
  rm -rf "${out:?}/$name"
  local t0=$SECONDS
  go run ./cmd/smokeproof run --out "$out/$name" "$@" >"$tmp/$name.log" 2>&1 || rc=$?
  step "smokeproof run ($name) exited $rc in $((SECONDS - t0)) s (want $want)"
  if [ "$rc" != "$want" ]; then
    tail -n 60 "$tmp/$name.log"
    fail "smokeproof run ($name) exited $rc, want $want"
  fi
  sed -n '/^smokeproof: [0-9]* DoD bullet/,$p' "$tmp/$name.log"
}

# --- 1. read-only ------------------------------------------------------------------
before=$(snapshot)
step "run 1: every suite, read-only ($before)"
run read-only 0
after=$(snapshot)
[ "$before" = "$after" ] || fail "the read-only run wrote to the database: before $before, after $after"
step "database unchanged by the read-only run ($after)"
bullets "$out/read-only" >"$tmp/ro.txt"
grep '^CHECKOUT-SMOKE\.' "$tmp/ro.txt" >"$tmp/ro-checkout.txt" || true
[ -s "$tmp/ro-checkout.txt" ] || fail "proof.json of the read-only run has no CHECKOUT-SMOKE bullet"
while read -r id status reason; do
  if [ "$status" != not_run ] || [[ "$reason" != *"writes not allowed"* ]]; then
    fail "read-only run: $id is $status ($reason), want not_run: writes not allowed"
  fi
done <"$tmp/ro-checkout.txt"
grep -q 'not run on this target: writes not allowed' "$out/read-only/docs/TESTS/CHECKOUT-SMOKE.md" ||
  fail "CHECKOUT-SMOKE.md of the read-only run does not say the checkout was not run because writes are not allowed"
grep -q '^PROD-FACTS.prod-facts passed' "$tmp/ro.txt" || fail "read-only run: PROD-FACTS.prod-facts did not pass: $(grep PROD-FACTS "$tmp/ro.txt")"
if grep ' failed ' "$tmp/ro.txt"; then fail "read-only run: a bullet failed"; fi
step "read-only run: checkout not run (writes not allowed), prod facts passed, nothing failed"
}

# later_runs does runs 2 to 4 after the caller's own checks: writes allowed, the
# database down, a DSN that cannot be reached. The caller sets $db_name (MariaDB,
# PostgreSQL), $ro_word (user, role) and defines stop_db.
later_runs() {
  # --- 2. writes allowed -------------------------------------------------------------
  orders_before=$(sql "SELECT COUNT(*) FROM orders")
  step "run 2: every suite, SMOKE_ALLOW_WRITES=true"
  SMOKE_ALLOW_WRITES=true run writes 0
  orders_after=$(sql "SELECT COUNT(*) FROM orders")
  [ "$orders_after" -gt "$orders_before" ] || fail "the run with writes allowed placed no order ($orders_before before, $orders_after after)"
  bullets "$out/writes" >"$tmp/rw.txt"
  if grep ' failed ' "$tmp/rw.txt"; then fail "writes run: a bullet failed"; fi
  for id in CHECKOUT-SMOKE.flow CHECKOUT-SMOKE.api-201 CHECKOUT-SMOKE.email PROD-FACTS.prod-facts; do
    grep -q "^$id passed" "$tmp/rw.txt" || fail "writes run: $id did not pass: $(grep "^$id " "$tmp/rw.txt")"
  done
  while read -r id status reason; do
    [ "$status" = not_run ] || continue
    [[ "$id" == OPS-STATE.* ]] && continue # the team's repository, not the site (SMOKE_REPO unset here)
    [[ "$reason" == *"destructive specs never run"* ]] ||
      fail "writes run: $id was not run for another reason than the destructive rule: $reason"
  done <"$tmp/rw.txt"
  step "writes run: $((orders_after - orders_before)) orders placed, confirmations found in the mail log; only destructive-spec bullets not run:"
  grep ' not_run ' "$tmp/rw.txt" | sed 's/^/      /' || true

  # --- 3. the database down ----------------------------------------------------------
  step "stopping $db_name"
  stop_db
  step "run 3: prodfacts with the database down (no DSN: the harness cannot reach it either)"
  SMOKE_DB_DSN="" run db-down 1 prodfacts
  doc="$out/db-down/docs/OPS/PROD-FACTS-LAST.md"
  grep -q '^\*\*Status\*\*: ❌ ISSUES DETECTED' "$doc" || fail "PROD-FACTS-LAST.md does not say ISSUES DETECTED: $(grep Status "$doc")"
  grep -Eq '^\| GET /api/health \| ❌ 503 \| [^|]+ \| database: failed' "$doc" ||
    fail "PROD-FACTS-LAST.md has no ❌ 503 health row with database: failed: $(grep 'GET /api/health' "$doc")"
  bullets "$out/db-down" | grep -q '^PROD-FACTS.prod-facts failed ' || fail "proof.json does not mark PROD-FACTS.prod-facts failed"
  step "database down: $(grep '^| GET /api/health |' "$doc")"

  # --- 4. a DSN that cannot be reached -------------------------------------------------
  step "run 4: prodfacts with SMOKE_DB_DSN pointing at the stopped database"
  run dsn-down 1 prodfacts
  # smokeproof run checks the DSN before any suite starts: one sentence naming it.
  sentence=$(grep -m1 'SMOKE_DB_DSN' "$tmp/dsn-down.log" || true)
  [ -n "$sentence" ] || fail "an unreachable DSN did not stop the run naming SMOKE_DB_DSN: $(tail -n 5 "$tmp/dsn-down.log")"
  if grep -rlF "$ro_pw" "$out" "$tmp"/*.log; then fail "the read-only $ro_word's password reached a file"; fi
  step "unreachable DSN: the run stopped before any suite: ${sentence}"

  step "live target on $db_name: all checks passed; documents under $out"
}
