-- uniform: one unit of a SKU drawn uniformly from :skus rows, if available.
-- Counting variables as in hot.sql.
\set sku random(0, :skus - 1)
WITH reserved AS (UPDATE stock SET available = available - 1 WHERE sku = :sku AND available >= 1 RETURNING 1)
SELECT count(*) AS g FROM reserved \gset
\set granted :granted + :g
\set txn :txn + 1
\if :txn = :txns
\shell :recorder :outdir :client_id :granted
\endif
