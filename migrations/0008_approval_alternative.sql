-- An approval may offer one alternative action next to the verdict's: the
-- alert's playbook when the verdict disagrees with it (issue #17). The first
-- approver who chooses it makes it the approval's action, while nobody has
-- approved the other one yet; the replaced action becomes the alternative.
ALTER TABLE approvals ADD COLUMN alternative jsonb;
