"""Site folders: a real area's org tree, grids, roster, cameras and plans, checked and loaded.

`load_site(dir)` reads a folder (see console/site/SITE_FORMAT.md) into a domain
`Baseline`, or raises `SiteInvalid` with every error found; nothing is half-loaded.
`site_changes(state, baseline, listed)` is the list of events that turns a running world
into a re-imported folder's world. Plain Python: imports only the domain.
"""

from console.site.diff import site_changes
from console.site.loader import Site, SiteError, SiteInvalid, check_site, load_site

__all__ = ["Site", "SiteError", "SiteInvalid", "check_site", "load_site", "site_changes"]
