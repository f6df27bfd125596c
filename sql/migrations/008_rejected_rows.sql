-- 008_rejected_rows: the rows `ingest --on-bad-rows skip` skipped, with where and why (docs/ingest.md).

create table if not exists rejected_rows (
    dataset_id  varchar not null,             -- the dataset the rest of the file went to
    file        varchar not null,             -- the file (or Hugging Face id) the row is in
    row_number  bigint  not null,             -- 1-based line (JSONL, CSV) or position (JSON, Parquet, Hub)
    field       varchar,                      -- the field that failed, where one did
    reason      varchar not null,             -- the check it failed ("empty text", "bad JSON ...")
    raw         varchar,                      -- the row as JSON text (or the undecodable line); NULL if unreadable
    rejected_at timestamp default current_timestamp,
    primary key (dataset_id, file, row_number)
);
