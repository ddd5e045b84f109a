-- A liaison's activity is for their own retirees only (as their broadcasts are): its audience is
-- narrowed to the retirees whose liaison is `created_by_liaison`, other liaisons do not see it, and
-- only its creator or an admin changes or cancels it. NULL: an office-wide activity (an admin's).
-- No ON DELETE SET NULL: losing the owner must never widen the audience to the whole office.
ALTER TABLE activities ADD COLUMN created_by_liaison INTEGER REFERENCES staff(id);
-- Activities liaisons published before this were sent to anyone; from now on they are theirs.
UPDATE activities SET created_by_liaison = created_by
 WHERE created_by IN (SELECT id FROM staff WHERE role = 'liaison');
