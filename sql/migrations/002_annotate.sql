-- 002_annotate: provenance of every annotation, the content-addressed annotate cache, and run records.

alter table annotations add column if not exists model varchar;          -- model name as sent to the backend
alter table annotations add column if not exists template_hash varchar;  -- hash of the prompt template text
alter table annotations add column if not exists params json;            -- sampling parameters, seed, template version
alter table annotations add column if not exists swapped boolean;        -- true: response B was shown first
alter table annotations add column if not exists tokens_in integer;      -- prompt tokens of the request (shared by its rows)
alter table annotations add column if not exists tokens_out integer;
alter table annotations add column if not exists cost_usd double;
alter table annotations add column if not exists cache_key varchar;      -- the annotate_cache entry it came from

alter table annotation_failures add column if not exists cache_key varchar;
alter table annotation_failures add column if not exists kind varchar;  -- 'validation' (cached) or 'transport' (retried next run)

-- One row per (backend, model, template hash, parameters, comparison content) that finished:
-- status 'ok' (its annotations are in `annotations`) or 'failed' (see annotation_failures).
create table if not exists annotate_cache (
    cache_key     varchar primary key,
    comparison_id varchar not null,
    annotator     varchar not null,
    model         varchar,
    template_hash varchar,
    status        varchar not null check (status in ('ok', 'failed')),
    swapped       boolean,
    raw_output    varchar,
    n_preferences integer,
    tokens_in     integer,
    tokens_out    integer,
    cost_usd      double,
    created_at    timestamp default current_timestamp
);

-- One row per `annotate` run: what it asked for and how far it got.
create table if not exists annotate_runs (
    run_id            varchar primary key,
    started_at        timestamp,
    finished_at       timestamp,
    annotator         varchar,
    model             varchar,
    template_hash     varchar,
    params            json,
    selected          integer,
    requests          integer,
    cache_hits        integer,
    annotated         integer,
    failed            integer,
    cost_usd          double,
    stopped_by_budget boolean,
    interrupted       boolean
);
