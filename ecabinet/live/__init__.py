"""The live session: presence and quorum, synchronised pages, agenda, floor."""
