-- cart3: one unit each of three distinct random SKUs, all or nothing, in one
-- transaction that updates the rows in ascending SKU order (no deadlocks).
-- Counting variables as in hot.sql.
\set a random(0, :skus - 1)
\set b random(0, :skus - 2)
\set b :b + case when :b >= :a then 1 else 0 end
\set low least(:a, :b)
\set high greatest(:a, :b)
\set c random(0, :skus - 3)
\set c :c + case when :c >= :low then 1 else 0 end
\set c :c + case when :c >= :high then 1 else 0 end
\set first least(:a, :b, :c)
\set third greatest(:a, :b, :c)
\set second :a + :b + :c - :first - :third
BEGIN;
WITH reserved AS (UPDATE stock SET available = available - 1 WHERE sku = :first AND available >= 1 RETURNING 1)
SELECT count(*) AS g1 FROM reserved \gset
WITH reserved AS (UPDATE stock SET available = available - 1 WHERE sku = :second AND available >= 1 RETURNING 1)
SELECT count(*) AS g2 FROM reserved \gset
WITH reserved AS (UPDATE stock SET available = available - 1 WHERE sku = :third AND available >= 1 RETURNING 1)
SELECT count(*) AS g3 FROM reserved \gset
\if :g1 + :g2 + :g3 = 3
COMMIT;
\set granted :granted + 1
\else
ROLLBACK;
\endif
\set txn :txn + 1
\if :txn = :txns
\shell :recorder :outdir :client_id :granted
\endif
