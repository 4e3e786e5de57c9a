-- 0001: the registry's tables, and the triggers and constraints by which the database itself keeps immutable tags
-- immutable. A node with a bug, or a person with psql, cannot move an immutable tag, store bytes under a digest that
-- is not theirs, rewrite an image, forge or rewrite history: every rule below holds for any SQL, not only the
-- registry's. See docs/scaling.md.
--
-- The migrator runs this inside one transaction, with search_path set to the registry's schema; every function
-- captures that search_path (SET search_path FROM CURRENT), so triggers work whatever the caller's search_path is.
--
-- SQLSTATEs raised here (class TI, "tag immutability"):
--   TI001  an immutable tag would be moved (UPDATE), or removed and bound again to another digest in one transaction
--   TI002  a row that never changes would be changed (an image, a binding's key, a history event)
--   TI003  a history event the database records itself (CREATED, MOVED, REMOVED) was inserted by hand
--   TI409  a compare-and-swap precondition failed: the caller decided on a state that is no longer current

-- Registry-wide settings every node must agree on (registry id, region).
CREATE TABLE settings (
    name  text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);

-- ECR: a filter is 1..128 characters of [0-9a-zA-Z._*-].
CREATE FUNCTION filters_are_wildcards(filters text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT array_position(filters, NULL) IS NULL
       AND coalesce(bool_and(f ~ '^[0-9a-zA-Z._*-]{1,128}$'), true)
    FROM unnest(filters) AS f
$$;

CREATE TABLE repositories (
    repository_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                   text COLLATE "C" NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 256),
    created_at             timestamptz NOT NULL,
    image_tag_mutability   text COLLATE "C" NOT NULL
        CHECK (image_tag_mutability IN ('MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION')),
    exclusion_filters      text[] COLLATE "C" NOT NULL DEFAULT '{}',
    -- Bumped by every change of the policy: a push decided under one policy commits only under the same one.
    policy_version         bigint NOT NULL DEFAULT 0,
    -- Counters the triggers below maintain; nodes never write them.
    image_count            bigint NOT NULL DEFAULT 0 CHECK (image_count >= 0),
    next_image_sequence    bigint NOT NULL DEFAULT 0,
    next_binding_sequence  bigint NOT NULL DEFAULT 0,
    next_event_sequence    bigint NOT NULL DEFAULT 0,
    CONSTRAINT filters_suit_mode CHECK (
        CASE WHEN image_tag_mutability IN ('MUTABLE', 'IMMUTABLE') THEN cardinality(exclusion_filters) = 0
             ELSE cardinality(exclusion_filters) BETWEEN 1 AND 5 END),
    CONSTRAINT filters_are_wildcards CHECK (filters_are_wildcards(exclusion_filters))
);

-- An image: the exact manifest bytes, stored under the sha256 of those bytes (the database checks it).
CREATE TABLE images (
    repository_id  bigint NOT NULL REFERENCES repositories ON DELETE CASCADE,
    digest         text COLLATE "C" NOT NULL,
    manifest       bytea NOT NULL CHECK (length(manifest) >= 1),
    media_type     text COLLATE "C" NOT NULL,
    size_in_bytes  bigint NOT NULL CHECK (size_in_bytes >= 0),
    pushed_at      timestamptz NOT NULL,
    -- Push order within the repository, assigned by the database at insert (gaps are possible, order is not lost).
    sequence       bigint NOT NULL,
    PRIMARY KEY (repository_id, digest),
    UNIQUE (repository_id, sequence),
    CONSTRAINT digest_is_sha256_of_manifest CHECK (digest = 'sha256:' || encode(sha256(manifest), 'hex'))
);

-- A tag names one image of its repository. (repository_id, tag) is the primary key: a tag has at most one binding,
-- and resolving a tag is one index lookup.
CREATE TABLE tags (
    repository_id  bigint NOT NULL REFERENCES repositories ON DELETE CASCADE,
    tag            text COLLATE "C" NOT NULL CHECK (length(tag) BETWEEN 1 AND 300),
    digest         text COLLATE "C" NOT NULL,
    -- When the binding was made, in the repository's binding order: an image lists its tags in this order (ECR Q8).
    binding_order  bigint NOT NULL,
    PRIMARY KEY (repository_id, tag),
    -- Checked at commit: deleting a repository cascades to its images and its tags in an order PostgreSQL chooses.
    FOREIGN KEY (repository_id, digest) REFERENCES images (repository_id, digest) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX tags_by_image ON tags (repository_id, digest, binding_order);

-- Which images an image index references. A referenced image cannot be deleted while the index exists.
CREATE TABLE image_references (
    repository_id  bigint NOT NULL,
    index_digest   text COLLATE "C" NOT NULL,
    child_digest   text COLLATE "C" NOT NULL,
    PRIMARY KEY (repository_id, index_digest, child_digest),
    FOREIGN KEY (repository_id, index_digest) REFERENCES images (repository_id, digest) ON DELETE CASCADE,
    FOREIGN KEY (repository_id, child_digest) REFERENCES images (repository_id, digest) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX image_references_by_child ON image_references (repository_id, child_digest);

-- The tag history: append-only. CREATED, MOVED and REMOVED are written by the triggers on tags, so the history cannot
-- disagree with the bindings whoever changes them; REJECTED is written by the node that refused a push, and only when
-- the refusal is true at that moment.
CREATE TABLE tag_history (
    repository_id  bigint NOT NULL REFERENCES repositories ON DELETE CASCADE,
    sequence       bigint NOT NULL CHECK (sequence >= 0),
    recorded_at    timestamptz NOT NULL,
    tag            text COLLATE "C" NOT NULL,
    event          text COLLATE "C" NOT NULL CHECK (event IN ('CREATED', 'MOVED', 'REMOVED', 'REJECTED')),
    old_digest     text COLLATE "C",
    new_digest     text COLLATE "C",
    actor          text,
    PRIMARY KEY (repository_id, sequence),
    CONSTRAINT digests_suit_event CHECK (CASE event
        WHEN 'CREATED' THEN old_digest IS NULL AND new_digest IS NOT NULL
        WHEN 'MOVED' THEN old_digest IS NOT NULL AND new_digest IS NOT NULL AND old_digest <> new_digest
        WHEN 'REMOVED' THEN old_digest IS NOT NULL AND new_digest IS NULL
        ELSE old_digest IS NOT NULL AND new_digest IS NOT NULL END)
);
CREATE INDEX tag_history_by_tag ON tag_history (repository_id, tag, sequence);

-- --- The mutability rule, in SQL ------------------------------------------------------------------------------------

-- An ECR wildcard filter as a LIKE pattern: '*' is any run of characters, every other character is itself. The filter
-- grammar allows '_', which LIKE would read as "any one character", so it is escaped; '\' and '%' cannot occur in a
-- filter, and '\' is escaped anyway so the translation is right for any text.
CREATE FUNCTION wildcard_to_like(filter text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT replace(replace(replace(replace(filter, '\', '\\'), '%', '\%'), '_', '\_'), '*', '%')
$$;

-- Whether a tag is immutable under a policy (ECR's rule; the same as TagMutabilityPolicy.IsImmutable): a filter
-- matches the whole tag, case-sensitively.
CREATE FUNCTION tag_is_immutable(mode text, filters text[], tag text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT CASE mode
        WHEN 'MUTABLE' THEN false
        WHEN 'IMMUTABLE' THEN true
        WHEN 'IMMUTABLE_WITH_EXCLUSION' THEN NOT m.matched
        WHEN 'MUTABLE_WITH_EXCLUSION' THEN m.matched
    END
    FROM (SELECT EXISTS (SELECT 1 FROM unnest(filters) AS f WHERE tag COLLATE "C" LIKE wildcard_to_like(f) COLLATE "C") AS matched) AS m
$$;

-- Whether a tag is immutable under its repository's current policy.
CREATE FUNCTION tag_is_immutable_now(repository bigint, tag text) RETURNS boolean
LANGUAGE sql STABLE STRICT SET search_path FROM CURRENT AS $$
    SELECT coalesce((SELECT tag_is_immutable(r.image_tag_mutability, r.exclusion_filters, tag)
                     FROM repositories AS r WHERE r.repository_id = repository), false)
$$;

-- --- Compare-and-swap support ----------------------------------------------------------------------------------------

-- Raises TI409 unless the condition holds: the node's batch states each precondition of its decision with this, so a
-- decision taken on a stale read aborts the whole transaction instead of winning.
CREATE FUNCTION expect(condition boolean, what text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
BEGIN
    IF condition IS NOT TRUE THEN
        RAISE EXCEPTION 'compare-and-swap failed: %', what USING ERRCODE = 'TI409';
    END IF;
    RETURN true;
END
$$;

-- Takes the repository's row lock (so the node's writes to one repository are applied one transaction at a time),
-- provided the repository still exists and its policy is still the one the decision was taken under.
CREATE FUNCTION lock_repository(repository bigint, expected_policy_version bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM 1 FROM repositories AS r
    WHERE r.repository_id = repository AND (expected_policy_version IS NULL OR r.policy_version = expected_policy_version)
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'compare-and-swap failed: repository % is gone or its policy is no longer version %', repository, expected_policy_version
            USING ERRCODE = 'TI409';
    END IF;
    RETURN true;
END
$$;

-- The next number of one of a repository's counters; NULL when the repository is gone (a cascade is deleting it).
CREATE FUNCTION take_event_sequence(repository bigint) RETURNS bigint
LANGUAGE sql VOLATILE STRICT SET search_path FROM CURRENT AS $$
    UPDATE repositories SET next_event_sequence = next_event_sequence + 1
    WHERE repository_id = repository RETURNING next_event_sequence - 1
$$;

-- The time and actor of an event a trigger records: a node states them for its transaction (set_config with
-- is_local, names tagimm.event_time and tagimm.actor); a change made outside a node gets the transaction's time and
-- the database role that made it.
CREATE FUNCTION event_time() RETURNS timestamptz
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT coalesce(nullif(current_setting('tagimm.event_time', true), '')::timestamptz, now())
$$;

CREATE FUNCTION event_actor() RETURNS text
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT CASE WHEN nullif(current_setting('tagimm.event_time', true), '') IS NULL THEN 'sql:' || session_user
                ELSE nullif(current_setting('tagimm.actor', true), '') END
$$;

-- --- Triggers: images ------------------------------------------------------------------------------------------------

CREATE FUNCTION images_before_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE repositories SET next_image_sequence = next_image_sequence + 1, image_count = image_count + 1
    WHERE repository_id = NEW.repository_id
    RETURNING next_image_sequence - 1 INTO NEW.sequence;
    RETURN NEW;
END
$$;

CREATE FUNCTION images_after_delete() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE repositories SET image_count = image_count - 1 WHERE repository_id = OLD.repository_id;
    RETURN NULL;
END
$$;

CREATE FUNCTION refuse_update() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION '% rows never change: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'TI002';
END
$$;

CREATE TRIGGER images_sequence BEFORE INSERT ON images FOR EACH ROW EXECUTE FUNCTION images_before_insert();
CREATE TRIGGER images_count AFTER DELETE ON images FOR EACH ROW EXECUTE FUNCTION images_after_delete();
CREATE TRIGGER images_never_change BEFORE UPDATE ON images FOR EACH ROW EXECUTE FUNCTION refuse_update();

-- --- Triggers: tags --------------------------------------------------------------------------------------------------

-- Before a binding is made or changed: an immutable tag never moves, and the binding's order is assigned.
CREATE FUNCTION tags_before_write() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    removed jsonb;
    key text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.repository_id <> OLD.repository_id OR NEW.tag <> OLD.tag THEN
            RAISE EXCEPTION 'tag ''%'' cannot be renamed or moved to another repository', OLD.tag USING ERRCODE = 'TI002';
        END IF;
        IF NEW.digest = OLD.digest THEN
            NEW.binding_order := OLD.binding_order;
            RETURN NEW;
        END IF;
        IF tag_is_immutable_now(OLD.repository_id, OLD.tag) THEN
            RAISE EXCEPTION 'tag ''%'' is immutable: it names % and cannot be moved to %', OLD.tag, OLD.digest, NEW.digest
                USING ERRCODE = 'TI001';
        END IF;
    ELSE
        -- Removing a tag is allowed in every mode (ECR: immutability forbids overwrites, not deletion), and a removed
        -- tag may be pushed again. But no registry operation removes a tag and binds it again in one transaction, so
        -- doing that to an immutable tag with another digest is a move in disguise.
        key := NEW.repository_id || '/' || NEW.tag;
        removed := nullif(current_setting('tagimm.removed_tags', true), '')::jsonb;
        IF removed IS NOT NULL AND removed ? key AND removed ->> key <> NEW.digest
           AND tag_is_immutable_now(NEW.repository_id, NEW.tag) THEN
            RAISE EXCEPTION 'tag ''%'' is immutable: it was removed from % in this transaction and cannot be bound to %',
                NEW.tag, removed ->> key, NEW.digest USING ERRCODE = 'TI001';
        END IF;
    END IF;
    UPDATE repositories SET next_binding_sequence = next_binding_sequence + 1
    WHERE repository_id = NEW.repository_id
    RETURNING next_binding_sequence - 1 INTO NEW.binding_order;
    RETURN NEW;
END
$$;

-- After a binding is made, moved or removed: the history event, and for a removal a note for the transaction.
CREATE FUNCTION tags_after_write() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    number bigint;
    removed jsonb;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.digest = OLD.digest THEN
        RETURN NULL;
    END IF;
    number := take_event_sequence(coalesce(NEW.repository_id, OLD.repository_id));
    IF number IS NULL THEN
        RETURN NULL; -- the repository is being deleted, and its history with it
    END IF;
    IF TG_OP = 'DELETE' THEN
        removed := coalesce(nullif(current_setting('tagimm.removed_tags', true), '')::jsonb, '{}'::jsonb);
        PERFORM set_config('tagimm.removed_tags',
            jsonb_set(removed, ARRAY[OLD.repository_id || '/' || OLD.tag], to_jsonb(OLD.digest))::text, true);
    END IF;
    INSERT INTO tag_history (repository_id, sequence, recorded_at, tag, event, old_digest, new_digest, actor)
    VALUES (coalesce(NEW.repository_id, OLD.repository_id), number, event_time(), coalesce(NEW.tag, OLD.tag),
            CASE TG_OP WHEN 'INSERT' THEN 'CREATED' WHEN 'UPDATE' THEN 'MOVED' ELSE 'REMOVED' END,
            OLD.digest, NEW.digest, event_actor());
    RETURN NULL;
END
$$;

CREATE TRIGGER tags_guard BEFORE INSERT OR UPDATE ON tags FOR EACH ROW EXECUTE FUNCTION tags_before_write();
CREATE TRIGGER tags_history AFTER INSERT OR UPDATE OR DELETE ON tags FOR EACH ROW EXECUTE FUNCTION tags_after_write();

-- --- Triggers: history -----------------------------------------------------------------------------------------------

-- Only the tags triggers record CREATED, MOVED and REMOVED; a REJECTED event needs its refusal to be true now: the tag
-- names the old digest and is immutable under the current policy. Its sequence number is assigned here.
CREATE FUNCTION tag_history_before_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.event <> 'REJECTED' THEN
        IF pg_trigger_depth() < 2 THEN
            RAISE EXCEPTION '% events are recorded by the database when tags change; they cannot be inserted', NEW.event
                USING ERRCODE = 'TI003';
        END IF;
        RETURN NEW;
    END IF;
    PERFORM expect(
        EXISTS (SELECT 1 FROM tags AS t WHERE t.repository_id = NEW.repository_id AND t.tag = NEW.tag AND t.digest = NEW.old_digest)
            AND tag_is_immutable_now(NEW.repository_id, NEW.tag),
        format('tag %L no longer names %s under an immutable policy, so the refusal is stale', NEW.tag, NEW.old_digest));
    NEW.sequence := take_event_sequence(NEW.repository_id);
    NEW.recorded_at := coalesce(NEW.recorded_at, event_time());
    RETURN NEW;
END
$$;

CREATE TRIGGER tag_history_events BEFORE INSERT ON tag_history FOR EACH ROW EXECUTE FUNCTION tag_history_before_insert();
CREATE TRIGGER tag_history_never_changes BEFORE UPDATE ON tag_history FOR EACH ROW EXECUTE FUNCTION refuse_update();
