-- 003_basis: what `embed` and `extract` keep beyond the public tables of 001_core.

-- Embedding cache: one unit-norm float32 vector (little-endian bytes) per (model, text hash).
create table if not exists embeddings (
    model      varchar not null,             -- the embedding model name or path, as given
    text_hash  varchar not null,             -- content_hash(normalized text)
    text       varchar not null,             -- the normalized text
    dim        integer not null,
    vector     blob not null,
    created_at timestamp default current_timestamp,
    primary key (model, text_hash)
);

alter table bases add column if not exists dataset_id varchar;
alter table bases add column if not exists method varchar;            -- coverage | nmf
alter table bases add column if not exists tau double;
alter table bases add column if not exists embedding_model varchar;
alter table bases add column if not exists unassigned_share double;
alter table bases add column if not exists pca_optimum double;        -- rank-k PCA R² at the chosen k
alter table bases add column if not exists nmf_r2 double;
alter table bases add column if not exists stability double;          -- mean matched-category cosine
alter table bases add column if not exists stability_ari double;
alter table bases add column if not exists heldout_coverage double;
alter table bases add column if not exists n_descriptions bigint;     -- distinct descriptions fitted
alter table bases add column if not exists n_mentions bigint;
alter table bases add column if not exists fingerprint varchar;       -- hash of the fitted input

alter table categories add column if not exists size bigint;           -- distinct descriptions assigned
alter table categories add column if not exists mentions bigint;       -- mentions assigned
alter table categories add column if not exists medoid varchar;        -- the real description it is
alter table categories add column if not exists examples json;         -- three example descriptions
alter table categories add column if not exists stability double;      -- mean bootstrap matched cosine
alter table categories add column if not exists vector blob;           -- unit-norm float32 medoid embedding

-- Curves for k = 1..50 (kind 'preference' or 'topic').
create table if not exists basis_curves (
    basis_id            varchar not null,
    kind                varchar not null,
    k                   integer not null,
    coverage            double,
    variation_explained double,
    pca_optimum         double,
    unassigned_share    double,
    primary key (basis_id, kind, k)
);

-- Bootstrap replicates: matched-category cosine and ARI against the full fit.
create table if not exists basis_stability (
    basis_id       varchar not null,
    replicate      integer not null,
    matched_cosine double,
    ari            double,
    primary key (basis_id, replicate)
);

-- The basis card (JSON and Markdown).
create table if not exists basis_cards (
    basis_id varchar primary key,
    card     json not null,
    markdown varchar not null
);
