-- A member who has not chosen a nickname has none (''), and the app names them by their
-- phone's last four digits in their own language (会员1234, Member 1234). Registration
-- used to store the Chinese default itself; those rows forget it. A member who chose
-- exactly that name loses nothing they see.
UPDATE members
SET nickname = ''
WHERE phone IS NOT NULL
  AND nickname = '会员' || substr(phone, length(phone) - 3);
