-- Custom migration (drizzle-kit cannot express triggers): the first time a request became routed,
-- accepted and completed is kept on the request itself, so analytics aggregate one row per request
-- instead of grouping the whole status history. The trigger is the one home of the rule: it sees
-- every transition, whichever code path writes it (intake, matching, review, hand-written SQL).
CREATE OR REPLACE FUNCTION onedoor_request_first_times() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.to_status = 'routed' THEN
    UPDATE requests SET first_routed_at = least(first_routed_at, NEW.at) WHERE id = NEW.request_id AND (first_routed_at IS NULL OR first_routed_at > NEW.at);
  ELSIF NEW.to_status = 'accepted' THEN
    UPDATE requests SET first_accepted_at = least(first_accepted_at, NEW.at) WHERE id = NEW.request_id AND (first_accepted_at IS NULL OR first_accepted_at > NEW.at);
  ELSIF NEW.to_status = 'completed' THEN
    UPDATE requests SET first_completed_at = least(first_completed_at, NEW.at) WHERE id = NEW.request_id AND (first_completed_at IS NULL OR first_completed_at > NEW.at);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER request_transitions_first_times AFTER INSERT ON request_transitions
  FOR EACH ROW WHEN (NEW.to_status IN ('routed', 'accepted', 'completed'))
  EXECUTE FUNCTION onedoor_request_first_times();
--> statement-breakpoint
UPDATE requests r SET first_routed_at = f.routed, first_accepted_at = f.accepted, first_completed_at = f.completed
FROM (
  SELECT request_id,
    min(at) FILTER (WHERE to_status = 'routed') AS routed,
    min(at) FILTER (WHERE to_status = 'accepted') AS accepted,
    min(at) FILTER (WHERE to_status = 'completed') AS completed
  FROM request_transitions WHERE to_status IN ('routed', 'accepted', 'completed') GROUP BY request_id
) f WHERE f.request_id = r.id;
--> statement-breakpoint
-- Requests matched before their analysis was stored: their candidate areas from what matching classified
-- (areas above the thematic minimum, 0.15), so a changed offering finds them; their first re-match stores the rest.
UPDATE requests SET match_areas = coalesce(
  (SELECT array_agg(e->>'code') FROM jsonb_array_elements(classified_areas) e WHERE (e->>'score')::real >= 0.15),
  thematic_areas)
WHERE status IN ('in_review', 'routed') AND match_areas IS NULL;
