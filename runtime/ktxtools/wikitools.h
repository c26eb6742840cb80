#pragma once

#include "ktxtools/ktxtoolcontext.h"
#include "tools/agenttool.h"

namespace ktx {

// wiki_search: hybrid search over the wiki pages the context's user sees
// ({results: [{key, path, scope, summary, score, matchReasons, lanes}], totalFound}).
// The index is brought up to date (stat-only when nothing changed) before the query.
AgentTool makeWikiSearchTool(KtxToolContextPtr context);

// wiki_read: one page by the scoped key wiki_search returns (global/<key>,
// user/<id>/<key>) or a bare key ({key, summary, content, scope, tags?, refs?, slRefs?}).
AgentTool makeWikiReadTool(KtxToolContextPtr context);

} // namespace ktx
