"""The revisions, oldest first: ``v0001_initial`` (revision 0001) is the first schema."""
