-- The login and guessing limits, counted here so every server on one database shares
-- them: the hits of one key (an address, a phone, a member) in one fixed window.
CREATE TABLE rate_counts (
    key TEXT NOT NULL,
    window_start_ms BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (key, window_start_ms)
);
