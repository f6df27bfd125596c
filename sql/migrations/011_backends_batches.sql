-- 011_backends_batches: the embedding cache keyed by backend too; batch annotation records.

-- Embedding cache, now one vector per (model, backend, text hash): vectors of different backends
-- (torch, torch-bf16, onnx, onnx-int8) never mix. Existing rows were computed by torch.
create table if not exists embeddings_by_backend (
    model      varchar not null,             -- the embedding model name or path, as given
    backend    varchar not null default 'torch', -- the backend that computed it (effective, after fallback)
    text_hash  varchar not null,             -- content_hash(normalized text)
    text       varchar not null,             -- the normalized text
    dim        integer not null,
    vector     blob not null,
    created_at timestamp default current_timestamp,
    primary key (model, backend, text_hash)
);
insert into embeddings_by_backend(model, backend, text_hash, text, dim, vector, created_at)
    select model, 'torch', text_hash, text, dim, vector, created_at from embeddings;
drop table embeddings;
alter table embeddings_by_backend rename to embeddings;

-- One row per submission of `annotate --batch` (an OpenAI Batch API batch) or `--export-requests`
-- file. A row is written before the provider hears of it, so a killed run finds it again:
-- by batch_id, else by the submission_id sent as the batch's metadata.
create table if not exists annotate_batches (
    submission_id  varchar primary key,      -- content hash of (configuration, custom_ids)
    kind           varchar not null,         -- 'batch' (OpenAI Batch API) | 'export' (a file for vllm run-batch)
    base_url       varchar,                  -- the provider (batch) or the export file path (export)
    batch_id       varchar,                  -- the provider's batch id, once created
    input_file_id  varchar,                  -- the uploaded request file
    output_file_id varchar,
    error_file_id  varchar,
    status         varchar not null,         -- submitting | the provider's status | exported
    n_requests     integer not null,
    annotator      varchar,
    model          varchar,
    template_hash  varchar,
    params         json,                     -- the parameters in the cache key (no secrets)
    run_id         varchar,                  -- the annotate run that submitted it
    created_at     timestamp default current_timestamp,
    updated_at     timestamp,
    collected_at   timestamp                 -- results ingested (null: still to collect)
);

-- The requests of each submission: custom_id = cache_key.
create table if not exists annotate_batch_items (
    submission_id varchar not null,
    cache_key     varchar not null,
    comparison_id varchar not null,
    swapped       boolean,
    primary key (submission_id, cache_key)
);
