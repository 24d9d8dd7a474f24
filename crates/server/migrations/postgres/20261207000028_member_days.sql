-- The days a member was active (issue 40's active members): a sign-in, a check-in or a
-- mall redemption writes the member's local day once. Orders are not written here (that
-- would cost every order): the dashboard reads them from the orders themselves.
CREATE TABLE member_days (
    day        TEXT NOT NULL,
    member_id  TEXT NOT NULL REFERENCES members (id),
    PRIMARY KEY (day, member_id)
);
