-- One row per SKU; the check-and-reserve is UPDATE … WHERE available >= n.
-- psql variables: skus (rows), units (available per row).
DROP TABLE IF EXISTS stock;
CREATE TABLE stock (sku integer PRIMARY KEY, available bigint NOT NULL);
INSERT INTO stock SELECT g, :units FROM generate_series(0, :skus - 1) AS g;
VACUUM ANALYZE stock;
CHECKPOINT;
