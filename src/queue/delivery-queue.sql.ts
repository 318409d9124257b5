/*
 * Statement texts of DeliveryQueueRepository and AttemptRecordRepository that are shared
 * between their unordered and FIFO variants. Parameters: see the repository method that runs each.
 */

/**
 * After a CTE `due(ctid, id, message_id, endpoint_id)` of locked rows: their message and
 * endpoint. The endpoint is LEFT JOINed so a delivery whose endpoint row is gone is still
 * claimed (and cancelled by the caller) instead of being skipped forever.
 */
export const CLAIM_JOINED = `joined AS (
               SELECT due.ctid, due.id, m.event_type, m.payload, m.created_at AS message_created_at, m.trace_context,
                      e.updated_at AS endpoint_updated_at, e.disabled AS endpoint_disabled,
                      (e.id IS NULL OR e.deleted_at IS NOT NULL) AS endpoint_deleted,
                      CASE WHEN e.id IS NULL OR (e.body_format = 'envelope' AND e.omit_fields = '{}'
                                AND e.event_type_aliases = '{}' AND e.event_type_field IS NULL)
                           THEN '{}'::jsonb
                           ELSE jsonb_build_object('bodyFormat', e.body_format, 'omitFields', e.omit_fields,
                                  'eventTypeAliases', e.event_type_aliases, 'eventTypeField', e.event_type_field)
                      END AS endpoint_body_shape
                 FROM due JOIN message m ON m.id = due.message_id
                 LEFT JOIN endpoint e ON e.id = due.endpoint_id
             )`;

/** Times as epoch milliseconds (int8 text): cheaper to read than timestamptz text. */
export const CLAIM_RETURNING = `d.id, d.app_id, d.message_id, d.endpoint_id, d.attempts,
                       floor(extract(epoch FROM d.first_attempt_at) * 1000)::int8 AS first_attempt_ms,
                       floor(extract(epoch FROM d.retry_window_start) * 1000)::int8 AS retry_window_ms, d.retry_schedule_base,
                       j.event_type, j.payload, floor(extract(epoch FROM j.message_created_at) * 1000)::int8 AS message_created_ms,
                       floor(extract(epoch FROM j.endpoint_updated_at) * 1000)::int8 AS endpoint_updated_ms,
                       j.endpoint_disabled, j.endpoint_deleted, j.trace_context, d.body_shape::text AS body_shape`;

/**
 * FIFO claim ($1 now, $2 limit, $3 excluded endpoints, $4 lease, $5 rows to look at). See
 * DeliveryQueueRepository.claimFifo for why it is correct. `cand` and `judged` are referenced
 * more than once, so each runs once (materialized); both UPDATEs run whether read or not, on
 * disjoint rows (blocked / not blocked). Always answers at least one row, carrying `scanned`.
 */
export const FIFO_CLAIM_SQL = `WITH cand AS (
               SELECT ctid, id, message_id, endpoint_id, fifo_key, fifo_seq, next_attempt_at FROM delivery
                WHERE status = 'pending' AND fifo_seq IS NOT NULL AND next_attempt_at <= $1 AND endpoint_id <> ALL($3::text[])
                ORDER BY next_attempt_at
                LIMIT $5
                FOR UPDATE SKIP LOCKED
             ), judged AS (
               SELECT c.ctid, c.id, c.message_id, c.endpoint_id, c.next_attempt_at,
                      EXISTS (SELECT 1 FROM delivery p
                               WHERE p.endpoint_id = c.endpoint_id AND p.fifo_key = c.fifo_key AND p.fifo_seq < c.fifo_seq
                                 AND p.fifo_seq IS NOT NULL AND p.status IN ('pending', 'delivering')) AS blocked
                 FROM cand c
             ), demoted AS (
               UPDATE delivery d SET next_attempt_at = 'infinity', updated_at = $1
                 FROM judged j
                WHERE d.ctid = j.ctid AND j.blocked AND d.fifo_ready IS NOT TRUE
             ), due AS (
               SELECT ctid, id, message_id, endpoint_id FROM judged WHERE NOT blocked ORDER BY next_attempt_at LIMIT $2
             ), ${CLAIM_JOINED}, claimed AS (
               UPDATE delivery d SET status = 'delivering', lease_until = $4, updated_at = $1,
                                   body_shape = COALESCE(d.body_shape, j.endpoint_body_shape)
                 FROM joined j
                WHERE d.ctid = j.ctid
               RETURNING ${CLAIM_RETURNING}, d.fifo_key, d.fifo_seq::text AS fifo_seq
             )
             SELECT claimed.*, s.scanned
               FROM (SELECT count(*)::int AS scanned FROM cand) s LEFT JOIN claimed ON true`;

/**
 * The attempts ($1-$16 as unnest()ed arrays) and the delivery states they lead to. Times
 * travel as epoch milliseconds and become timestamptz in SQL (exact: interval arithmetic in
 * microseconds).
 */
const RECORD_INPUT = `r AS (
               SELECT r.delivery_id, r.attempt_id, r.attempt, r.succeeded, r.status_code, r.error_class, r.error,
                      r.response_body, r.duration_ms, timestamptz 'epoch' + r.attempted_ms * interval '1 millisecond' AS attempted_at,
                      r.status, timestamptz 'epoch' + r.next_attempt_ms * interval '1 millisecond' AS next_attempt_at,
                      timestamptz 'epoch' + r.lease_ms * interval '1 millisecond' AS lease_until,
                      r.app_id, r.message_id, r.endpoint_id
                 FROM unnest($1::text[], $2::text[], $3::int[], $4::bool[], $5::int[], $6::text[], $7::text[],
                             $8::text[], $9::int[], $10::int8[], $11::text[], $12::int8[],
                             $13::int8[], $14::text[], $15::text[], $16::text[])
                   AS r(delivery_id, attempt_id, attempt, succeeded, status_code, error_class, error, response_body,
                        duration_ms, attempted_ms, status, next_attempt_ms, lease_ms, app_id, message_id, endpoint_id)
             ), logged AS (
               INSERT INTO attempt (id, app_id, delivery_id, message_id, endpoint_id, attempt, succeeded, status_code,
                                    error_class, error, response_body, duration_ms, created_at)
               SELECT attempt_id, app_id, delivery_id, message_id, endpoint_id, attempt, succeeded, status_code,
                      error_class, error, response_body, duration_ms, attempted_at FROM r
             )`;

/** Only while the row is still under this worker's lease ($17 now). */
const RECORD_UPDATE = `UPDATE delivery d
                SET status = r.status, attempts = r.attempt, next_attempt_at = r.next_attempt_at, lease_until = NULL,
                    first_attempt_at = COALESCE(d.first_attempt_at, r.attempted_at), last_attempt_at = r.attempted_at,
                    last_status_code = r.status_code, last_error = r.error, updated_at = $17
               FROM r
              WHERE d.id = r.delivery_id AND d.status = 'delivering' AND d.lease_until = r.lease_until`;

export const RECORD_SQL = `WITH ${RECORD_INPUT}
             ${RECORD_UPDATE}`;

/**
 * RECORD_SQL, and for each FIFO delivery it finished (succeeded or failed for good) the next
 * unfinished delivery of its stream, if pending, is made due (unless parked: NULL stays NULL)
 * and marked fifo_ready. It is always written, even when already due: a claim that judged it
 * blocked on an older snapshot then either waits for this row lock or finds a version it
 * cannot update, and never moves it out of the due range after this. Answers the number of
 * deliveries updated.
 */
export const RECORD_FIFO_SQL = `WITH ${RECORD_INPUT}, updated AS (
               ${RECORD_UPDATE}
               RETURNING d.endpoint_id, d.fifo_key, d.fifo_seq, d.status
             ), successors AS (
               SELECT nx.id FROM updated u
                CROSS JOIN LATERAL (
                  SELECT x.id FROM delivery x
                   WHERE x.endpoint_id = u.endpoint_id AND x.fifo_key = u.fifo_key AND x.fifo_seq > u.fifo_seq
                     AND x.fifo_seq IS NOT NULL AND x.status IN ('pending', 'delivering')
                   ORDER BY x.fifo_seq LIMIT 1) nx
                WHERE u.fifo_seq IS NOT NULL AND u.status IN ('succeeded', 'failed')
             ), promoted AS (
               UPDATE delivery n
                  SET fifo_ready = true, updated_at = $17,
                      next_attempt_at = CASE WHEN n.next_attempt_at = 'infinity' THEN $17 ELSE n.next_attempt_at END
                 FROM successors s
                WHERE n.id = s.id AND n.status = 'pending'
             )
             SELECT count(*)::int AS updated FROM updated`;
