-- The console on a large app: 1,000,000 messages with one delivery and one attempt each
-- (1 in 50 failed), and 24 h of minute counters, for the app with uid "big" and its first
-- endpoint. Create those through the API first (POST /apps {"name":"Big Co","uid":"big"},
-- POST /apps/big/endpoints {"url":"http://127.0.0.1:9/x","eventTypes":["*"]}), then:
--   psql "$DATABASE_URL" -f bench/console-pages/seed.sql      (about 4 minutes)
--   KEY=<admin key> API=http://127.0.0.1:3000/api/v1 bench/console-pages/measure.sh
\set ON_ERROR_STOP on
-- Time-ordered ULID text for a millisecond time and a sequence number (random part = the number in hex).
CREATE OR REPLACE FUNCTION pg_temp.ulid_at(ms bigint, i bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> (5 * (9 - k))) & 31)::int + 1, 1), '' ORDER BY k)
         || lpad(upper(to_hex(i)), 16, '0')
  FROM generate_series(0, 9) AS k
$$;
SELECT id AS app_id FROM app WHERE uid = 'big' \gset
SELECT id AS ep_id FROM endpoint WHERE app_id = :'app_id' LIMIT 1 \gset
CREATE TEMP TABLE ids AS
SELECT i, now() - ((1000000 - i) * interval '80 ms') AS at,
       pg_temp.ulid_at((extract(epoch FROM now() - ((1000000 - i) * interval '80 ms')) * 1000)::bigint, i) AS u
FROM generate_series(1, 1000000) AS i;
INSERT INTO message (id, app_id, event_type, event_id, payload, created_at)
SELECT 'msg_' || u, :'app_id',
       CASE WHEN i % 100000 = 0 THEN 'rare.event' WHEN i % 3 = 0 THEN 'invoice.paid' WHEN i % 3 = 1 THEN 'invoice.failed' ELSE 'user.created' END,
       CASE WHEN i % 10 = 0 THEN 'evt-' || i END,
       '{"n":' || i || ',"customer":"c_' || (i % 5000) || '"}', at
FROM ids;
INSERT INTO delivery (id, app_id, message_id, endpoint_id, status, attempts, first_attempt_at, last_attempt_at, last_status_code, created_at, updated_at)
SELECT 'dlv_' || u, :'app_id', 'msg_' || u, :'ep_id', CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'succeeded' END, 1,
       at, at, CASE WHEN i % 50 = 0 THEN 500 ELSE 200 END, at, at
FROM ids;
INSERT INTO attempt (id, app_id, delivery_id, message_id, endpoint_id, attempt, succeeded, status_code, duration_ms, created_at)
SELECT 'atmpt_' || u, :'app_id', 'dlv_' || u, 'msg_' || u, :'ep_id', 1, i % 50 <> 0,
       CASE WHEN i % 50 = 0 THEN 500 ELSE 200 END, 20 + i % 200, at
FROM ids;
INSERT INTO endpoint_minute_stats (endpoint_id, minute, succeeded, failed, duration_ms_sum, duration_ms_max)
SELECT :'ep_id', date_trunc('minute', now()) - m * interval '1 minute', 735, 15, 750 * 120, 219
FROM generate_series(0, 1439) AS m;
ANALYZE;
