-- hot: one unit of the one SKU (row 0), if available.
-- Variables (pgbench -D): txn, granted (0), txns (this client's transaction
-- count, 0 for a timed run), outdir, recorder (record-grants). Each client
-- counts its grants and, on its last transaction of a counted run, has
-- record-grants write the count to outdir/granted-<client>.
WITH reserved AS (UPDATE stock SET available = available - 1 WHERE sku = 0 AND available >= 1 RETURNING 1)
SELECT count(*) AS g FROM reserved \gset
\set granted :granted + :g
\set txn :txn + 1
\if :txn = :txns
\shell :recorder :outdir :client_id :granted
\endif
