-- What the screen found in a story's translation, shown to the moderator
-- who publishes it: a translation reaches the public like the story.
ALTER TABLE story_translations ADD COLUMN signals TEXT;
