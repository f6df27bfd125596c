-- 009_real_judges: what the description stage and the leakage metrics keep (docs/metrics.md, docs/annotate.md).

-- The order in which the judge saw the pair, when its rationale is written in that order:
-- 'a_first' (response_a shown first) or 'b_first'. NULL: the rationale uses the stored order.
alter table comparisons add column if not exists presented_order varchar;

-- The source sentence of a description (the judge's own words), so every description can be checked.
alter table annotations add column if not exists evidence varchar;

-- Leakage metrics of a basis: does it group preferences or topics?
alter table bases add column if not exists content_leakage double;        -- share of mentions holding a content word
alter table bases add column if not exists topic_leakage double;          -- AMI(category, prompt) over assigned mentions
alter table bases add column if not exists effective_categories double;   -- exp(H(category shares))
alter table bases add column if not exists separation double;             -- same-label cross-prompt minus different-label same-prompt cosine
alter table bases add column if not exists k_target_reached boolean;      -- --k auto: did coverage reach --target

alter table categories add column if not exists top3_prompt_share double; -- share of its mentions from its 3 most common prompts
alter table categories add column if not exists name_flagged boolean;     -- its name holds a content word

-- Filled by `simulate`: each stated reason as the sentence the simulated judge wrote in its rationale,
-- with its planted category (scores a basis built from `annotate --annotator rationale`).
create table if not exists planted_mentions (
    dataset_id        varchar not null,
    comparison_id     varchar not null,
    sentence          varchar not null,
    planted_category  varchar not null
);
