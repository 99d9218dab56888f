-- A preference PUT's SQL alone, for pgbench (docs/PERFORMANCE.md, sessions 9 and 10): lock a
-- random student, replace their list by itself reversed with the service's statement
-- (rounds.lifecycle._REPLACE_LIST_PG: kept offers' ranks moved in place, the rest deleted or
-- inserted, the audit event when the list changed), in one transaction. The new list is the
-- stored one reversed, read inside the statement (the service binds it as a parameter).
-- Run it on the database bench/bench_api.py leaves behind (round 1, 60,000 students):
--   pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 8 -j 2 -T 10 -f bench/pgbench_put.sql DB
-- (Before session 10 the whole list was deleted and inserted again: `git show
-- a799093:bench/pgbench_put.sql`.)
\set sid random(1, 60000)
BEGIN;
SELECT id FROM students WHERE id = :sid FOR UPDATE;
WITH reversed AS (SELECT coalesce(array_agg(offer_id ORDER BY rank DESC), '{}') AS ids FROM preferences WHERE round_id = 1 AND student_id = :sid), listed AS (SELECT offer_id, CAST(rank AS integer) AS rank FROM unnest((SELECT ids FROM reversed)) WITH ORDINALITY AS listed(offer_id, rank)), old AS (SELECT offer_id, rank FROM preferences WHERE round_id = 1 AND student_id = :sid), dropped AS (DELETE FROM preferences WHERE round_id = 1 AND student_id = :sid AND offer_id <> ALL ((SELECT ids FROM reversed)::integer[])), moved AS (UPDATE preferences SET rank = listed.rank FROM listed WHERE preferences.round_id = 1 AND preferences.student_id = :sid AND preferences.offer_id = listed.offer_id AND preferences.rank <> listed.rank), added AS (INSERT INTO preferences (round_id, student_id, offer_id, rank) SELECT 1, :sid, listed.offer_id, listed.rank FROM listed WHERE NOT EXISTS (SELECT FROM old WHERE old.offer_id = listed.offer_id)), event AS (INSERT INTO audit_events (at, actor_role, actor_scope, actor_surface, action, entity_type, entity_id, school_id, region, before, after) SELECT now(), 'student', 'student:1', 'api', 'preferences.submit', 'student', :sid, 1, 'twente', '{"offers": "[redacted]"}', '{"offers": "[redacted]"}' WHERE (SELECT coalesce(array_agg(offer_id ORDER BY rank), '{}') FROM old) IS DISTINCT FROM (SELECT ids FROM reversed)) SELECT count(*) FROM old;
COMMIT;
