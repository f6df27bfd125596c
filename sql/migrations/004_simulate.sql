-- 004_simulate: the simulator's planted truth beyond `planted_descriptions` (001), for scoring
-- a basis (categories, topics), pElo (per-category model strengths) and profiles (judges).

-- The planted preference categories: key, canonical name and description, share of mentions.
create table if not exists planted_categories (
    dataset_id        varchar not null,
    planted_category  varchar not null,
    name              varchar not null,
    description       varchar,
    share             double,        -- share of all preference mentions
    n_distinct        integer        -- distinct descriptions generated for it
);

-- Each model's planted Bradley–Terry strength per category: logits, and on the Elo scale
-- (1000 + 400/ln 10 × strength centred over the models of that category).
create table if not exists planted_model_strengths (
    dataset_id        varchar not null,
    model             varchar not null,
    planted_category  varchar not null,
    strength          double not null,
    elo               double not null
);

-- Each judge's planted mixture over categories (rows of one judge sum to 1).
create table if not exists planted_judges (
    dataset_id        varchar not null,
    judge             varchar not null,
    planted_category  varchar not null,
    weight            double not null
);

-- Topic phrases and the planted topic each paraphrases (the topic analogue of planted_descriptions).
create table if not exists planted_topics (
    dataset_id        varchar not null,
    topic             varchar not null,
    planted_topic     varchar not null
);

-- Per comparison: the reason the judge decided on (the first stated preference) and its topic.
create table if not exists planted_comparisons (
    dataset_id        varchar not null,
    comparison_id     varchar not null,
    planted_category  varchar not null,
    planted_topic     varchar not null
);
