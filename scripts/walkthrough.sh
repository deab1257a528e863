#!/usr/bin/env bash
# The README walkthrough: one unpaid order, chased once, then paid. Needs a running stack started with
#   FOLLOWUP_CLOCK_START=2026-11-22T02:00:00Z FOLLOWUP_IN_MEMORY=1 npm start
# Signing uses node and the project's own standardwebhooks dependency, as a shop platform would.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:${PORT:-3000}}
SECRET=${FOLLOWUP_DEMO_WEBHOOK_SECRET:-whsec_ZGVtby13ZWJob29rLXNlY3JldC1sb2NhbC1vbmx5IQ==}
TOKEN=${FOLLOWUP_DEMO_ADMIN_TOKEN:-demo-admin-token}
ORDER=${ORDER:-A1001}
cd "$(dirname "$0")/.."

post_event() { # $1: JSON body
  local id ts sig
  id="msg_$(date +%s%N)"
  ts=$(date +%s)
  sig=$(node -e 'const {Webhook}=require("standardwebhooks");process.stdout.write(new Webhook(process.argv[1]).sign(process.argv[2],new Date(Number(process.argv[3])*1000),process.argv[4]))' "$SECRET" "$id" "$ts" "$1")
  curl -sS -X POST "$BASE/v1/shops/demo/events" -H 'content-type: application/json' \
    -H "webhook-id: $id" -H "webhook-timestamp: $ts" -H "webhook-signature: $sig" -d "$1"
  echo
}
advance() { curl -sS -X POST "$BASE/_local/clock" -H 'content-type: application/json' -d "{\"advance\":\"$1\"}"; echo; }
outbox() { curl -sS "$BASE/_local/outbox?orderId=$ORDER"; echo; }

echo "1. order.created at 10:00 shop time"
post_event '{"id":"evt_'$ORDER'_created","type":"order.created","occurredAt":"2026-11-22T10:00:00+08:00","order":{"id":"'$ORDER'","number":"#1001","createdAt":"2026-11-22T10:00:00+08:00","payBy":"2026-11-23T10:00:00+08:00","currency":"CNY","total":"199.00","items":[{"sku":"TEA-250","name":"Oolong tea 250 g","quantity":2,"price":"99.50"}],"customer":{"id":"C42","name":"王小明","phone":"+8613800138000","email":"wang@example.com","locale":"zh-CN","timeZone":"Asia/Shanghai","marketingConsent":true},"paymentUrl":"https://shop.example.com/pay/'$ORDER'"}}'
echo "2. advance 29 minutes: no message yet"
advance PT29M
outbox
echo "3. advance 2 minutes: one SMS reminder"
advance PT2M
outbox
echo "4. order.paid"
post_event '{"id":"evt_'$ORDER'_paid","type":"order.paid","occurredAt":"2026-11-22T10:31:00+08:00","order":{"id":"'$ORDER'"}}'
echo "5. advance 2 days: still one payment reminder (plus the order confirmation and the staff ship-deadline alert); the timeline says why"
advance P2D
outbox
curl -sS "$BASE/v1/shops/demo/orders/$ORDER" -H "authorization: Bearer $TOKEN"
echo
