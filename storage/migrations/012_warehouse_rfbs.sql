-- Whether a warehouse ships by rFBS (`is_rfbs` of /v2/warehouse/list): a posting that names no
-- delivery type of its own is told apart by its warehouse.
ALTER TABLE warehouses ADD COLUMN is_rfbs INTEGER NOT NULL DEFAULT 0;
