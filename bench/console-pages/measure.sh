#!/usr/bin/env bash
# Median of 5 loopback request times (curl time_total ≈ server time) for each console read on
# an app with 1,000,000 messages, deliveries and attempts (seed.sql).
B=${API:-http://127.0.0.1:3000/api/v1}; K="authorization: Bearer ${KEY:?set KEY to an admin API key}"
EP=$(curl -s -H "$K" "$B/apps/big/endpoints" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).data[0].id))")
MSG=$(curl -s -H "$K" "$B/apps/big/messages?limit=1" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).data[0].id))")
CUR=$(curl -s -H "$K" "$B/apps/big/messages?limit=50" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).nextCursor))")
A=$(date -u -d '-20 hours' +%Y-%m-%dT%H:%M:%SZ); Bf=$(date -u -d '-19 hours' +%Y-%m-%dT%H:%M:%SZ)
m() {
  local ts=()
  for _ in 1 2 3 4 5; do ts+=($(curl -s -o "${TMPDIR:-/tmp}/console-page.out" -w '%{time_total}' -H "$K" "$B$1")); done
  printf '%-75s %s ms  (%s)\n' "$1" "$(printf '%s\n' "${ts[@]}" | sort -n | sed -n 3p | awk '{printf "%.1f", $1*1000}')" "$(head -c 60 "${TMPDIR:-/tmp}/console-page.out")"
}
m "/overview"
m "/overview/troubled-endpoints?limit=25"
m "/apps?limit=25"
m "/apps?limit=25&search=zzz"
m "/apps/big"
m "/apps/big/endpoints?limit=25"
m "/apps/big/messages?limit=50"
m "/apps/big/messages?limit=50&cursor=$CUR"
m "/apps/big/messages?limit=50&eventType=invoice.*"
m "/apps/big/messages?limit=50&eventType=rare.*"
m "/apps/big/messages?limit=50&eventType=nothing.*"
m "/apps/big/messages?limit=50&after=$A&before=$Bf"
m "/apps/big/messages?limit=50&eventId=evt-500000"
m "/apps/big/messages/$MSG"
m "/apps/big/messages/$MSG/attempts?limit=100"
m "/apps/big/endpoints/$EP"
m "/apps/big/endpoints/$EP/stats"
m "/apps/big/endpoints/$EP/attempts?limit=25"
m "/apps/big/endpoints/$EP/attempts?limit=25&status=failed"
m "/apps/big/endpoints/$EP/subscriptions?limit=25"
m "/event-types?limit=50"
