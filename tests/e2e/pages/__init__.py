"""Page objects: what a person sees and does on each part of fundapp, so the journeys read like the person's steps."""
