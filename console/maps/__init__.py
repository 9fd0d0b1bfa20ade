"""Map data on disk: MBTiles basemaps (tile maths, reading, writing). No Qt: the map pane draws what this reads."""
