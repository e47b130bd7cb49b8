"""Minutes (biên bản): the secretary's structured draft, pre-filled from the session's facts,
its revisions, the chair's comments, and finalising. Rendering and signing build on it."""
