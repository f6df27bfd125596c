-- 001_core: the public tables every stage builds on (documented in docs/schema.md).

create table if not exists datasets (
    dataset_id   varchar primary key,        -- content hash of (name, source, format)
    name         varchar not null,
    source       varchar not null,           -- path or Hugging Face id as given
    format       varchar not null,           -- ingest format: arena, arena-kaggle, hh-rlhf, trl, prd, table, simulated
    ingested_at  timestamp default current_timestamp,
    n_rows       bigint not null default 0,  -- comparisons of this dataset in the store
    params       json                        -- filters and mapping used
);

create table if not exists comparisons (
    comparison_id varchar primary key,       -- content hash: same data ingested twice adds nothing
    dataset_id    varchar not null,
    prompt        varchar,                   -- first user turn (NULL only where the source has no text)
    response_a    varchar,
    response_b    varchar,
    model_a       varchar,
    model_b       varchar,
    winner        varchar not null check (winner in ('a', 'b', 'tie')),
    judge         varchar,                   -- rater / judge id where the data has one
    language      varchar,
    turns         integer,                   -- number of user turns
    rationale     varchar,                   -- free text that came with the data (rater or LLM judge review)
    source_key    varchar,                   -- upstream id or file:row, for tracing back
    extra         json                       -- other upstream fields kept verbatim
);

create table if not exists annotations (
    annotation_id varchar primary key,
    comparison_id varchar not null,
    preference    varchar not null,          -- 2-6 word name of why the winner won
    description   varchar not null,          -- one sentence, winner versus loser
    topic         varchar,                   -- 2-6 word topic of the prompt
    annotator     varchar not null,          -- backend name (openai, transformers, rationale, simulated, ...)
    created_at    timestamp default current_timestamp
);

create table if not exists bases (
    basis_id            varchar primary key,
    name                varchar,
    k                   integer,
    coverage            double,
    variation_explained double,
    created_at          timestamp default current_timestamp,
    params              json
);

create table if not exists categories (
    basis_id    varchar not null,
    category_id integer not null,
    name        varchar not null,
    kind        varchar not null check (kind in ('preference', 'topic')),
    share       double,
    primary key (basis_id, kind, category_id)
);

-- Filled by `annotate`: what failed validation even after one repair retry (nothing is dropped silently).
create table if not exists annotation_failures (
    failure_id    varchar primary key,
    comparison_id varchar not null,
    annotator     varchar not null,
    model         varchar,
    raw_output    varchar,
    error         varchar not null,
    created_at    timestamp default current_timestamp
);

-- Filled by `extract`: every distinct description (or topic, kind='topic') and its category.
create table if not exists description_assignments (
    basis_id    varchar not null,
    kind        varchar not null default 'preference' check (kind in ('preference', 'topic')),
    description varchar not null,
    category_id integer,                     -- NULL when no category lies within tau
    similarity  double                       -- cosine to the assigned (else nearest) category
);

create table if not exists comparison_categories (
    basis_id      varchar not null,
    kind          varchar not null default 'preference' check (kind in ('preference', 'topic')),
    comparison_id varchar not null,
    category_id   integer not null,
    similarity    double
);

-- Filled by `simulate`: the planted truth, for scoring a basis.
create table if not exists planted_descriptions (
    dataset_id        varchar not null,
    description       varchar not null,
    planted_category  varchar not null
);

-- Filled by `pelo`: scope 'overall' (category_id NULL), 'preference' or 'topic'.
create table if not exists ratings (
    basis_id    varchar,                     -- NULL for overall ratings computed without a basis
    scope       varchar not null check (scope in ('overall', 'preference', 'topic')),
    category_id integer,
    model       varchar not null,
    rating      double,                      -- NULL when below --min-battles (insufficient)
    ci_low      double,
    ci_high     double,
    rank        integer,
    battles     bigint
);
