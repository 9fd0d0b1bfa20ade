"""The drills pane (演练): each drill's times, each person's, and the towns compared."""
