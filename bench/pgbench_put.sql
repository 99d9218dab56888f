-- A preference PUT's SQL alone, for pgbench (docs/PERFORMANCE.md, session 9): lock a random
-- student, replace their list by itself reversed (the DELETE ... RETURNING feeds the INSERT,
-- as the service's statement does) and write an audit row, in one transaction. Run it on the
-- database bench/bench_api.py leaves behind (round 1, 60,000 students):
--   pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 8 -j 2 -T 12 -f bench/pgbench_put.sql DB
\set sid random(1, 60000)
BEGIN;
SELECT id FROM students WHERE id = :sid FOR UPDATE;
WITH old AS (DELETE FROM preferences WHERE round_id = 1 AND student_id = :sid RETURNING offer_id, rank), cnt AS (SELECT count(*) AS n FROM old) INSERT INTO preferences (round_id, student_id, offer_id, rank) SELECT 1, :sid, offer_id, (SELECT n FROM cnt) + 1 - rank FROM old;
INSERT INTO audit_events (at, actor_role, actor_scope, action, entity_type, entity_id, round_id) VALUES (now(), 'student', 'student:1', 'preferences.submit', 'student', :sid, 1);
COMMIT;
